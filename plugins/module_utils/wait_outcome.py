# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a finished wait reports, and the error it deserves."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.zequenze.control.plugins.module_utils.errors import OperationFailedError, WaitTimeoutError
from ansible_collections.zequenze.control.plugins.module_utils.records import describe, is_terminal, record_view

# last_error: why the last poll of a timed-out wait failed (a transient failure, or retries cut short
# by the deadline). failed_polls: polls that failed with a transient error; polls counts them too.
WaitResult = namedtuple("WaitResult", ["record", "elapsed", "polls", "timed_out", "last_error", "failed_polls"], defaults=(None, 0))


def wait_report(result=None):
    """The wait return value; no result means nothing was waited for."""
    if result is None:
        return {"elapsed": 0.0, "polls": 0, "failed_polls": 0, "timed_out": False}
    return {"elapsed": round(result.elapsed, 3), "polls": result.polls, "failed_polls": result.failed_polls, "timed_out": result.timed_out}


def check_wait_outcome(result, goal, max_failed_devices=None):
    """Raise the error a finished wait deserves: timeout, unreachable goal, too many failures.

    The error carries the wait's result as wait_result, like errors raised while polling.
    """
    record = result.record
    view = record_view(record)
    if result.timed_out:
        raise WaitTimeoutError(
            "Timed out after %.0f s waiting for %s to reach %s%s"
            % (
                result.elapsed,
                describe(view),
                " or ".join(sorted(goal.statuses)),
                "; the last poll failed: %s" % result.last_error if result.last_error else "",
            ),
            hint=_timeout_hint(result),
            wait_result=result,
        )
    failed = is_terminal(view.status) and view.status != "completed"
    if goal.unreachable(view) or (failed and not goal.failure_is_success):
        raise OperationFailedError("%s ended %s" % (_capitalized(describe(view)), view.status), hint=_error_summary_hint(view), wait_result=result)
    if max_failed_devices is not None and view.failed_devices > max_failed_devices:
        raise OperationFailedError(
            "%s has %s failed devices, more than max_failed_devices (%s)" % (_capitalized(describe(view)), view.failed_devices, max_failed_devices),
            hint=_error_summary_hint(view),
            wait_result=result,
        )


def _timeout_hint(result):
    """The advice for a timed-out wait: about the API when it stopped answering, else about wait_timeout."""
    if result.last_error:
        # A longer wait_timeout would not help against an API that does not answer.
        return (
            "The API did not answer the last poll: check that it is up and reachable at api_url "
            "(network, proxy, TLS). The operation keeps running on the API; wait for it again "
            "later with zequenze.control.headless_operation_info (id and wait=true)"
        )
    return "Raise wait_timeout, or wait again later with zequenze.control.headless_operation_info"


def _capitalized(text):
    return text[:1].upper() + text[1:]


def _error_summary_hint(view):
    summary = view.error_summary
    if summary:
        return "Error summary: %s" % ", ".join("%s=%s" % (k, summary[k]) for k in sorted(summary))
    return ""
