# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for one or several operations under one deadline, as the wait options say.

The one waiter every caller uses: both modules, and through headless_operation_info
the wait_for_operations action. Errors it raises carry how far it got as
wait_result (a Waited), so a caller can report the records and the wait.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.zequenze.control.plugins.module_utils.errors import WaitTimeoutError, ZequenzeError
from ansible_collections.zequenze.control.plugins.module_utils.records import TERMINAL_STATUSES
from ansible_collections.zequenze.control.plugins.module_utils.wait_outcome import check_wait_outcome
from ansible_collections.zequenze.control.plugins.module_utils.waiter import Goal

WAIT_FOR_CHOICES = ("started", "completed", "ended")

# The last record of each operation, in the order asked, and the wait's figures summed.
Waited = namedtuple("Waited", ["records", "elapsed", "polls", "failed_polls", "timed_out"])


def wait_goal(wait_for):
    """The Goal a wait_for choice names: started and completed fail on a failed end, ended never does."""
    if wait_for == "started":
        return Goal.started()
    if wait_for == "ended":
        return Goal(TERMINAL_STATUSES, "completion", failure_is_success=True)
    return Goal.completed()


def wait_for_all(operations, records, params, created=False, refreshed=False, max_failed_devices=None):
    """Wait for each record in turn until params["wait_for"], all within params["wait_timeout"].

    params: the wait options (wait_for, wait_timeout, poll_interval, max_poll_interval, update_status).
    created/refreshed: the records are fresh POST answers / were read with update_status.
    Once the time is up, each operation still to come is read once, so every record
    returned is recent. A timeout is raised after that; any other failure at once.
    """
    goal = wait_goal(params["wait_for"])
    timeout = max(0.0, float(params["wait_timeout"]))
    waited = Waited([], 0.0, 0, 0, False)
    timeout_error = None
    for index, record in enumerate(records):
        rest = records[index + 1 :]
        try:
            if waited.elapsed >= timeout and not goal.reached(record):
                record = _read_again(operations, record, params["update_status"])
            result = operations.wait(
                record,
                goal,
                timeout - waited.elapsed,
                params["poll_interval"],
                params["max_poll_interval"],
                params["update_status"],
                created=created,
                refreshed=refreshed,
            )
        except ZequenzeError as error:
            # A poll failed in a way waiting cannot ride through.
            so_far = _added(waited, record, error.wait_result)
            raise error.replaced(wait_result=so_far._replace(records=so_far.records + rest))
        waited = _added(waited, result.record, result)
        try:
            check_wait_outcome(result, goal, max_failed_devices)
        except WaitTimeoutError as error:
            timeout_error = timeout_error or error
        except ZequenzeError as error:
            raise error.replaced(wait_result=waited._replace(records=waited.records + rest))
    if timeout_error is not None:
        raise timeout_error.replaced(wait_result=waited)
    return waited


def _added(waited, record, result=None):
    """The figures of one operation's wait added to those before; elapsed is wall time, so it adds up too."""
    if result is None:
        return waited._replace(records=waited.records + [record])
    return Waited(
        waited.records + [result.record],
        waited.elapsed + result.elapsed,
        waited.polls + result.polls,
        waited.failed_polls + result.failed_polls,
        waited.timed_out or result.timed_out,
    )


def _read_again(operations, record, update_status):
    """The operation's record now, or the one we have when the read fails in a way that may pass."""
    try:
        latest = operations.get(record.get("id"), update_status=update_status)
    except ZequenzeError as error:
        if error.transient:
            return record
        raise
    return record if latest is None else latest
