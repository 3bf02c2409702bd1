# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The events an operation watch emits: their types, their shape, and the events between two
statuses of one operation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

CREATED = "operation_created"
EXISTING = "operation_existing"
STARTED = "operation_started"
STATUS_CHANGED = "operation_status_changed"
FAILED_DEVICES = "operation_failed_devices_over_threshold"
STALLED = "operation_stalled"
OVERDUE = "operation_overdue"
TYPE_BY_STATUS = {
    "in_progress": STARTED,
    "completed": "operation_completed",
    "failed": "operation_failed",
    "cancelled": "operation_cancelled",
}


def event(kind, record, status, previous_status=None, inferred=False, reason=None):
    """One event about record, whose status is status."""
    found = {"type": kind, "operation": record, "status": status}
    if previous_status is not None:
        found["previous_status"] = previous_status
    if inferred:
        found["inferred"] = True
    if reason is not None:
        found["reason"] = reason
    return found


def transitions(record, before, after):
    """The events from status before to after; a start not seen between polls is told too.

    An operation that went from scheduled to completed or failed between two
    polls did start: an operation_started event (inferred) comes first, so a
    rule on starts fires for every operation that ran.
    """
    if before == after:
        return []
    events = []
    if before == "scheduled" and after in ("completed", "failed"):
        events.append(event(STARTED, record, "in_progress", before, inferred=True))
        before = "in_progress"
    events.append(event(TYPE_BY_STATUS.get(after, STATUS_CHANGED), record, after, before))
    return events
