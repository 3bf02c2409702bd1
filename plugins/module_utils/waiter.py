# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for an operation: what to wait for, when to look again, and the poll loop."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.zequenze.control.plugins.module_utils.api_values import first
from ansible_collections.zequenze.control.plugins.module_utils.errors import NotFoundError, ZequenzeError
from ansible_collections.zequenze.control.plugins.module_utils.records import (
    TERMINAL_STATUSES,
    describe,
    is_terminal,
    record_view,
)
from ansible_collections.zequenze.control.plugins.module_utils.wait_outcome import WaitResult

ETA_MARGIN = 0.2  # seconds after the predicted moment: land just after it
OVERDUE_FIRST_POLL = 0.5  # then doubling up to max_poll_interval
BACKOFF_FACTOR = 1.5
MIN_POLL_INTERVAL = 0.1  # seconds: never poll back to back


class EtaEstimator:
    """Predicts, in local seconds, when an operation reaches a server-side moment.

    The API's clock may run at another pace than ours (the emulator runs a fast
    simulated clock), so the pace is measured from pairs of (local time, server
    time) samples; without two samples, progress per local second is used.
    """

    def __init__(self):
        self.clock_samples = []  # (local, server datetime)
        self.progress_samples = []  # (local, fraction done)

    def observe(self, local, record, server_now=None):
        if server_now is not None and (not self.clock_samples or server_now != self.clock_samples[-1][1]):
            self.clock_samples.append((local, server_now))
        view = record_view(record)
        if view.status == "in_progress":
            fraction = None
            if view.processed_devices is not None and view.total_devices:
                fraction = float(view.processed_devices) / float(view.total_devices)
            elif view.progress is not None:
                fraction = float(view.progress) / 100.0
            if fraction is not None and (not self.progress_samples or fraction != self.progress_samples[-1][1]):
                self.progress_samples.append((local, fraction))

    def remaining(self, local, target):
        """Local seconds until the server clock reaches target (None when unknown)."""
        if target is None or len(self.clock_samples) < 2:
            return None
        (t1, s1), (t2, s2) = self.clock_samples[0], self.clock_samples[-1]
        pace = (s2 - s1).total_seconds() / (t2 - t1) if t2 > t1 else 0.0
        if pace <= 0:
            return None
        return (target - s2).total_seconds() / pace - (local - t2)

    def remaining_by_progress(self, local):
        if len(self.progress_samples) < 2:
            return None
        (t1, f1), (t2, f2) = self.progress_samples[0], self.progress_samples[-1]
        if t2 <= t1 or f2 <= f1:
            return None
        return (1.0 - f2) * (t2 - t1) / (f2 - f1) - (local - t2)


class Goal:
    """What a wait waits for: a set of statuses, plus which server moment announces it."""

    def __init__(self, statuses, moment, failure_is_success=False):
        self.statuses = frozenset(statuses)
        self.moment = moment  # "start" or "completion"
        # Only a caller that names the statuses may accept failed/cancelled.
        self.failure_is_success = failure_is_success

    @classmethod
    def started(cls):
        return cls(("in_progress",) + tuple(TERMINAL_STATUSES), "start")

    @classmethod
    def completed(cls):
        return cls(TERMINAL_STATUSES, "completion")

    @classmethod
    def statuses_in(cls, statuses):
        statuses = frozenset(statuses)
        return cls(statuses, "start" if statuses <= frozenset(("scheduled", "in_progress")) else "completion", failure_is_success=True)

    def reached(self, record):
        return record_view(record).status in self.statuses

    def unreachable(self, record):
        """Terminal in a status the goal does not accept: waiting longer is useless."""
        status = record_view(record).status
        return is_terminal(status) and status not in self.statuses

    def target_moment(self, record):
        view = record_view(record)
        if self.moment == "start" and view.status == "scheduled":
            return view.scheduled_for
        if view.estimated_completion is not None:
            return view.estimated_completion
        if view.scheduled_for is not None and view.estimated_duration_minutes:
            try:
                return view.scheduled_for + datetime.timedelta(minutes=view.estimated_duration_minutes)
            except OverflowError:
                return None
        return None


class Waiter:
    """Polls one operation through get(id, update_status, deadline) on the given clock."""

    def __init__(self, get, clock, sleep):
        self._get = get
        self._clock = clock
        self._sleep = sleep

    def wait(self, record, goal, timeout, poll_interval, max_poll_interval, refresh_status=True, created=False, refreshed=False):
        """Poll the operation until goal is reached, unreachable, or the deadline passes.

        record is the latest known record: the POST answer (created) or a GET
        answer, refreshed with update_status or not. Fresh records tell the
        server's time, which lets the pace of its clock be measured.

        A poll that fails with a transient error (the client's retries used up
        by a refused connection, a timeout, 429 or 5xx: an API restart) does not
        end the wait: it is counted, the last good record is kept, and the next
        poll comes after the polling backoff, until the deadline. Other errors
        end the wait at once.
        """
        started = self._clock()
        deadline = started + max(0.0, float(timeout))
        estimator = EtaEstimator()
        view = record_view(record)
        if created or refreshed:
            estimator.observe(started, view, _server_now(view, created))
        polls = failed_polls = 0
        last_error = None
        backoff = max(MIN_POLL_INTERVAL, float(poll_interval))
        max_poll_interval = max(MIN_POLL_INTERVAL, float(max_poll_interval))
        overdue_delay = OVERDUE_FIRST_POLL
        operation_id = view.id
        while not (goal.reached(view) or goal.unreachable(view)):
            now = self._clock()
            if now >= deadline:
                return WaitResult(record, now - started, polls, True, last_error, failed_polls)
            # After a failed poll, back off as polling does: no estimate is worth trusting then.
            eta = None if last_error else estimator.remaining(now, goal.target_moment(view))
            if (eta is None or eta <= 0) and goal.moment == "completion" and not last_error:
                # No estimate, or the API's estimate has passed: trust the measured progress.
                eta = first(estimator.remaining_by_progress(now), eta)
            if eta is None:
                delay = backoff
                backoff = min(backoff * BACKOFF_FACTOR, max_poll_interval)
            elif eta > 0:
                delay = eta + ETA_MARGIN
            else:
                # Overdue with no better idea: look again soon, then less and less often.
                delay = overdue_delay
                overdue_delay *= 2
            delay = max(0.0, min(max(MIN_POLL_INTERVAL, min(delay, max_poll_interval)), deadline - now))
            self._sleep(delay)
            try:
                latest = self._get(operation_id, update_status=refresh_status, deadline=deadline)
            except ZequenzeError as error:
                if error.deadline_reached:
                    # A failure that might have passed, out of time to retry: the wait timed out.
                    return WaitResult(record, self._clock() - started, polls + 1, True, error.message, failed_polls + 1)
                if error.transient:
                    # The API may be restarting: keep the last good record, back off, poll again.
                    polls += 1
                    failed_polls += 1
                    last_error = error.message
                    continue
                # Say which operation the wait was about, so the user can come back to it.
                raise error.replaced(
                    message="While waiting for %s: %s" % (describe(view), error.message),
                    wait_result=WaitResult(record, self._clock() - started, polls, False, None, failed_polls),
                )
            polls += 1
            last_error = None
            if latest is None:
                raise NotFoundError(
                    "Operation %s disappeared while waiting for it" % operation_id,
                    status=404,
                    hint="Check that the token still sees the operation's organizations",
                    wait_result=WaitResult(record, self._clock() - started, polls, False, None, failed_polls),
                )
            record, view = latest, record_view(latest)
            estimator.observe(self._clock(), view, _server_now(view) if refresh_status else None)
        return WaitResult(record, self._clock() - started, polls, False, None, failed_polls)


def _server_now(view, created=False):
    """The server's clock when a fresh record was produced, or None when it does not tell.

    A POST answer was made at its created_at. A running operation's updated_at
    is when its last device finished, up to one device's time ago: add half of
    that so the estimate is not biased late. Other records keep old times.
    """
    if created:
        return view.created_at
    now = view.updated_at
    if view.status != "in_progress" or now is None:
        return None
    if view.total_devices:
        start = first(view.scheduled_for, view.created_at)
        if view.estimated_completion is not None and start is not None:
            if view.created_at is not None and view.created_at > start:
                start = view.created_at
            try:
                now += (view.estimated_completion - start) / (2 * view.total_devices)
            except OverflowError:
                pass
    return now
