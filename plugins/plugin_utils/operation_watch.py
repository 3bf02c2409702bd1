# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Watching the operation history incrementally: each status change becomes one event.

The API lists operations newest first (highest id first); the watch checks that
order as it reads. A poll reads from the newest record down to a little below
the newest operation it already knew (the overlap catches a save that became
visible late), then asks by id for the still active operations it did not meet
on the way. Only active operations are remembered, plus the ids of the overlap:
memory follows what is running, not the stored history.

No HTTP here, and no asyncio: the event source runs poll() in a thread.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import time

from ansible_collections.zequenze.control.plugins.module_utils.operations import ENDPOINT
from ansible_collections.zequenze.control.plugins.module_utils.records import (
    ACTIVE_STATUSES,
    TERMINAL_STATUSES,
    record_view,
)
from ansible_collections.zequenze.control.plugins.module_utils.timestamps import UTC
from ansible_collections.zequenze.control.plugins.plugin_utils.server_clock import ServerClock
from ansible_collections.zequenze.control.plugins.plugin_utils.watch_alerts import AlertRules
from ansible_collections.zequenze.control.plugins.plugin_utils.watch_events import (
    CREATED,
    EXISTING,
    event,
    transitions,
)

# Ids of the newest operations known, re-read each poll: a save that becomes visible
# after a newer one (concurrent transactions on the API) is still caught.
OVERLAP = 50
DEFAULT_PAGE_SIZE = 100
DEFAULT_LOOKUPS = 20
# The first poll reads the whole history: in pages as large as the emulator serves.
FIRST_PAGE_SIZE = 1000


def numeric_id(record):
    """The record's id as an integer, or None when it is not a whole number."""
    text = "%s" % (record.get("id"),)
    return int(text) if text.isdigit() else None


class _Tracked:
    """What is remembered of one active operation: its last status, the alerts already sent."""

    __slots__ = ("status", "alerts", "starts")

    def __init__(self, status, alerts=(), starts=None):
        self.status = status
        self.alerts = set(alerts)
        self.starts = starts  # scheduled_for, to know when a far scheduled one is worth a look

    def copy(self):
        return _Tracked(self.status, self.alerts, self.starts)


class PollStats:
    """What one poll cost and found; the source logs it, the bench reads it."""

    def __init__(self):
        self.list_records = 0
        self.by_id_requests = 0
        self.ordered = True
        self.events = 0


class OperationWatch:
    """Turns the operation history into transition events, poll by poll.

    operations: an Operations service (its client does the HTTP).
    operation_types / organizations: only operations of these types, or touching one of
    these organizations, produce events and are remembered (None: all).
    emit_existing: on the first poll, an operation_existing event for each active operation.
    failed_devices_threshold / failed_percent_threshold: one event per operation when its
    failed devices go above either.
    stalled_minutes / overdue_minutes: one event per operation when it becomes stalled or
    overdue as the monitor_operations playbook defines them (now: the clock, UTC).
    """

    def __init__(
        self,
        operations,
        page_size=DEFAULT_PAGE_SIZE,
        lookups_per_poll=DEFAULT_LOOKUPS,
        operation_types=None,
        organizations=None,
        emit_existing=False,
        update_status=False,
        failed_devices_threshold=None,
        failed_percent_threshold=None,
        stalled_minutes=None,
        overdue_minutes=None,
        now=None,
        monotonic=None,
    ):
        self.operations = operations
        self.page_size = int(page_size)
        self.lookups_per_poll = int(lookups_per_poll)
        self.operation_types = frozenset(operation_types) if operation_types else None
        self.organizations = frozenset("%s" % o for o in organizations) if organizations else None
        self.emit_existing = emit_existing
        self.update_status = update_status
        self.rules = AlertRules(
            now or (lambda: datetime.datetime.now(UTC)), failed_devices_threshold, failed_percent_threshold, stalled_minutes, overdue_minutes
        )
        self._server_clock = ServerClock(monotonic or time.monotonic)
        self._turn = -1  # the last far scheduled operation looked up in turn
        self._tracked = {}
        self._started = False
        # The highest id met so far (-1: none yet).
        self._newest = -1
        self._overlap = set()
        self.last = PollStats()

    @property
    def tracked(self):
        """How many active operations are remembered."""
        return len(self._tracked)

    # -- one poll ------------------------------------------------------------
    def poll(self):
        """Read what changed since the last poll; return its events, oldest change first."""
        stats = PollStats()
        first = not self._started
        floor = min(self._overlap) if self._overlap else None
        pending = set(self._tracked)
        # A failed poll leaves no trace: the next one finds the same changes again.
        saved = dict((rid, t.copy()) for rid, t in self._tracked.items())
        try:
            groups, seen = self._read_listing(stats, first, floor, pending)
            for rid in self._lookups(pending):
                # Active, yet below the page read (a far scheduled time) or no longer listed.
                stats.by_id_requests += 1
                record = self.operations.get(rid, update_status=self.update_status)
                if record is None:
                    del self._tracked[rid]
                    continue
                groups.append(self._observe(record, rid, False, floor))
        except BaseException:
            self._tracked = saved
            raise
        self._remember_newest(seen)
        self._started = True
        events = [event for group in groups for event in group]
        stats.events = len(events)
        self.last = stats
        return events

    def _read_listing(self, stats, first, floor, pending):
        """Read the listing newest first as far as needed; the events, oldest operation first."""
        groups = []
        seen = set()
        previous = None
        # The first poll reads the whole history once: in large pages.
        params = {"page_size": max(self.page_size, FIRST_PAGE_SIZE) if first else self.page_size}
        if self.update_status:
            params["update_status"] = "true"
        for record in self.operations.client.iterate(ENDPOINT, params=params):
            stats.list_records += 1
            rid = numeric_id(record)
            # The same id twice in a row is a page boundary that moved under a new save.
            # A newest first listing starts at or above the newest id known.
            if rid is None or (previous is not None and rid > previous) or (previous is None and not first and rid < self._newest):
                # Not newest first: an early stop could miss changes, so this poll reads on.
                stats.ordered = False
            previous = rid if rid is not None else previous
            if rid is None or rid in seen:
                continue
            seen.add(rid)
            pending.discard(rid)
            groups.append(self._observe(record, rid, first, floor))
            if not first and stats.ordered and floor is not None and rid <= floor:
                break  # below the overlap: the rest is known, and active ones are looked up by id
        groups.reverse()
        return groups, seen

    def _lookups(self, pending):
        """Which active operations missing from the page read to ask for by id, this poll.

        Running ones always; scheduled ones whose time has come by the server's clock (as
        far as its records tell it); then, in turn, the others, up to lookups_per_poll in all.
        """
        if not pending:
            return []
        now = self._server_clock.now()
        running, due, later = [], [], []
        for rid in sorted(pending):
            tracked = self._tracked[rid]
            if tracked.status != "scheduled":
                running.append(rid)
            elif tracked.starts is None or (now is not None and tracked.starts <= now):
                due.append(rid)
            else:
                later.append(rid)
        chosen = running + due
        room = max(0, self.lookups_per_poll - len(chosen))
        if later and room:
            turn = [rid for rid in later if rid > self._turn] + [rid for rid in later if rid <= self._turn]
            chosen += turn[:room]
            self._turn = turn[:room][-1]
        return chosen

    def _remember_newest(self, seen):
        if not seen:
            return
        self._newest = max([self._newest] + list(seen))
        self._overlap = set(sorted(self._overlap | seen)[-OVERLAP:])

    def _is_new(self, rid, floor):
        if rid > self._newest:
            return True
        # Inside the overlap, an id never met is a save that showed late.
        return floor is not None and rid > floor and rid not in self._overlap

    # -- one record ----------------------------------------------------------
    def _wanted(self, view):
        if self.operation_types is not None and view["operation_type"] not in self.operation_types:
            return False
        if self.organizations is not None:
            return any("%s" % o in self.organizations for o in view["organizations"])
        return True

    def _observe(self, record, rid, first, floor):
        view = record_view(record)
        if not self._wanted(view):
            return []
        status = view["status"]
        tracked = self._tracked.get(rid)
        events = []
        if tracked is None:
            if first:
                if self.emit_existing and status in ACTIVE_STATUSES:
                    events.append(event(EXISTING, record, status))
            elif self._is_new(rid, floor):
                events.append(event(CREATED, record, status))
                events.extend(transitions(record, "scheduled", status))
            else:
                return []  # met before, and finished then
            if status not in TERMINAL_STATUSES:
                tracked = self._tracked[rid] = _Tracked(status)
        elif status != tracked.status:
            events.extend(transitions(record, tracked.status, status))
            tracked.status = status
        if tracked is not None:
            tracked.starts = view["scheduled_for"]
        self._server_clock.note(view)
        if not first or self.emit_existing:
            events.extend(self.rules.alerts(record, view, tracked.alerts if tracked is not None else set()))
        if status in TERMINAL_STATUSES:
            self._tracked.pop(rid, None)
        return events
