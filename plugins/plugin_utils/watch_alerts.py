# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The alerts an operation watch raises once per operation: failed devices above a threshold,
and an operation that is stalled or overdue as the monitor_operations playbook defines them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zequenze.control.plugins.module_utils.records import ACTIVE_STATUSES
from ansible_collections.zequenze.control.plugins.plugin_utils.operation_records import (
    RecordError,
    needing_attention,
)
from ansible_collections.zequenze.control.plugins.plugin_utils.watch_events import (
    FAILED_DEVICES,
    OVERDUE,
    STALLED,
    event,
)

# A limit no operation reaches: the check it bounds is off.
NEVER = 1e9


class AlertRules:
    """When an operation deserves an alert; each limit None when its alert is off.

    now: the clock (aware, UTC) that stalled and overdue are judged by.
    """

    def __init__(self, now, failed_devices_threshold=None, failed_percent_threshold=None, stalled_minutes=None, overdue_minutes=None):
        self.now = now
        self.failed_devices_threshold = failed_devices_threshold
        self.failed_percent_threshold = failed_percent_threshold
        self.stalled_minutes = stalled_minutes
        self.overdue_minutes = overdue_minutes

    def alerts(self, record, view, sent):
        """The alert events the record deserves that are not in sent (which gains them)."""
        found = []
        if FAILED_DEVICES not in sent and self._over_threshold(view):
            found.append(
                event(
                    FAILED_DEVICES,
                    record,
                    view["status"],
                    reason="%s of %s devices failed" % (view["failed_devices"], view["total_devices"] if view["total_devices"] is not None else "?"),
                )
            )
            sent.add(FAILED_DEVICES)
        if view["status"] in ACTIVE_STATUSES and (self.stalled_minutes is not None or self.overdue_minutes is not None):
            try:
                attention = needing_attention(
                    [record],
                    self.now(),
                    self.overdue_minutes if self.overdue_minutes is not None else NEVER,
                    self.stalled_minutes if self.stalled_minutes is not None else NEVER,
                    0,
                )
            except RecordError:
                return found  # a record the monitor cannot read is not stalled as far as we know
            for kind, category in ((STALLED, "stalled"), (OVERDUE, "overdue")):
                if kind not in sent and attention[category]:
                    found.append(event(kind, record, view["status"], reason=attention[category][0]["reason"]))
                    sent.add(kind)
        return found

    def _over_threshold(self, view):
        failed = view["failed_devices"]
        if self.failed_devices_threshold is not None and failed > self.failed_devices_threshold:
            return True
        total = view["total_devices"]
        if self.failed_percent_threshold is not None and total:
            return 100.0 * failed / total > self.failed_percent_threshold
        return False
