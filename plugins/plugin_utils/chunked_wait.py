# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting in chunks with a progress line per operation after each: the wait_for_operations action's logic.

Kept apart from the action plugin so it runs under test with a fake chunk runner and clock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.zequenze.control.plugins.module_utils.waiting import wait_goal
from ansible_collections.zequenze.control.plugins.plugin_utils.report_lines import progress_line

MIN_REPORT_INTERVAL = 5
MAX_REPORT_INTERVAL = 55


class ChunkedWait:
    """Wait for ids until wait_for, one chunk of report_interval seconds at a time.

    run_chunk(ids, seconds) runs headless_operation_info on ids with wait_timeout=seconds
    and returns its result; say(line) prints a line.
    """

    def __init__(self, run_chunk, say, clock=None):
        self._run_chunk = run_chunk
        self._say = say
        self._clock = clock or time.monotonic

    def run(self, ids, wait_for, wait_timeout, report_interval):
        ids = list(dict.fromkeys("%s" % i for i in ids))
        goal = wait_goal(wait_for)
        deadline = self._clock() + max(0.0, float(wait_timeout))
        records, pending = {}, list(ids)
        totals = {"elapsed": 0.0, "polls": 0, "failed_polls": 0, "timed_out": False}
        overhead = 0.0
        while True:
            # The first chunk always runs, so every operation has a record even with no time left.
            # A chunk also spends time outside its wait (starting the module, reading): leave room for
            # that, so a line comes at least every report_interval.
            chunk = max(0.0, min(float(report_interval) - overhead, deadline - self._clock()))
            started = self._clock()
            answer = self._run_chunk(pending, chunk)
            report = answer.get("wait") or {}
            overhead = max(0.0, self._clock() - started - report.get("elapsed", 0.0))
            for key in ("elapsed", "polls", "failed_polls"):
                totals[key] += report.get(key, 0)
            records.update(("%s" % r.get("id"), r) for r in answer.get("operations") or [])
            if answer.get("failed") and not report.get("timed_out"):
                # The module's own failure (an operation that ended failed, a 401, ...), with what we know.
                keep = dict((k, v) for k, v in answer.items() if k in ("msg", "status", "detail", "errors", "url"))
                return dict(self._result(ids, records, pending, totals), failed=True, **keep)
            unknown = [i for i in pending if i not in records]
            if unknown:
                return dict(
                    self._result(ids, records, pending, totals),
                    failed=True,
                    msg=("Operation(s) %s not found: the id is unknown, or the token may not see it" % ", ".join(unknown)),
                )
            self._report(ids, records)
            pending = [i for i in pending if not goal.reached(records[i])]
            if not pending:
                return self._result(ids, records, pending, totals)
            if self._clock() >= deadline:
                totals["timed_out"] = True
                return dict(self._result(ids, records, pending, totals), failed=True, msg=timeout_message(wait_timeout, pending, wait_for))

    def _report(self, ids, records):
        for operation_id in ids:
            self._say(progress_line(records[operation_id]))

    @staticmethod
    def _result(ids, records, pending, totals):
        totals = dict(totals, elapsed=round(totals["elapsed"], 3))
        return {"changed": False, "records": [records[i] for i in ids if i in records], "pending": pending, "wait": totals}


def timeout_message(wait_timeout, pending, wait_for):
    """The one message of a wait that ran out of time."""
    return (
        "Gave up after %.0f s waiting for operation(s) %s to reach %s; they keep running on the API. "
        "Wait again later with zequenze.control.wait_for_operations or headless_operation_info" % (float(wait_timeout), ", ".join(pending), wait_for)
    )
