# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The waiting and status refresh options, the same in every plugin that reads operations.

    The modules take DOCUMENTATION (wait) and POLLING; the wait_for_operations action, which always waits, POLLING.
    """

    DOCUMENTATION = r"""
options:
  wait:
    description: Wait for the operation(s) to reach O(wait_for).
    type: bool
    default: false
"""

    POLLING = r"""
options:
  wait_for:
    description:
      - V(started) waits until the operation leaves C(scheduled); V(completed) waits until it ends.
        Both fail when it ends C(failed) or C(cancelled).
      - V(ended) waits until it ends in any state, and leaves the judging to the playbook.
    type: str
    choices: [started, completed, ended]
    default: completed
  wait_timeout:
    description:
      - Seconds to wait at most. On timeout the task fails, names the operation, its last status
        and progress, and returns the last record with RV(wait.timed_out=true), so a playbook can use
        C(failed_when) to wait in chunks.
    type: float
    default: 3600
  poll_interval:
    description:
      - Seconds between the first polls, and between polls once the expected moment has passed.
      - Polls back off from here up to O(max_poll_interval) while no estimate is available.
      - At least C(0.1).
    type: float
    default: 2
  max_poll_interval:
    description: Longest pause between two polls, in seconds, at least C(0.1).
    type: float
    default: 30
  update_status:
    description:
      - Ask the API to refresh the devices' status before it answers each read, polls included
        (the API's C(update_status=true)).
      - Without it a record may lag behind by one refresh period of the API. The API warns that a
        refresh may slow its answers for operations with many devices.
    type: bool
    default: false
"""
