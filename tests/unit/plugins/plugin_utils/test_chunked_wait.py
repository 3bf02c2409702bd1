# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ChunkedWait: chunks of at most report_interval, a line per operation after each, one timeout message."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zequenze.control.plugins.plugin_utils.chunked_wait import ChunkedWait, timeout_message
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import FakeClock, make_record


class ChunkedApi:
    """Plays headless_operation_info: each id ends after `ends[id]` seconds of the fake clock, in status end."""

    def __init__(self, clock, ends, end="completed"):
        self.clock, self.ends, self.end, self.chunks = clock, ends, end, []
        self.start = clock.now

    def status(self, operation_id):
        return self.end if self.clock.now - self.start >= self.ends[operation_id] else "in_progress"

    def run_chunk(self, ids, seconds):
        self.chunks.append((list(ids), seconds))
        known = [i for i in ids if i in self.ends]
        # The chunk lasts until every operation ended, or its seconds ran out.
        needed = max([self.ends[i] - (self.clock.now - self.start) for i in known] + [0])
        spent = min(seconds, max(0.0, needed))
        self.clock.sleep(spent)
        records = [make_record(i, status=self.status(i), orgs=[101]) for i in known]
        timed_out = any(r["status"] == "in_progress" for r in records)
        report = {"elapsed": spent, "polls": 1, "failed_polls": 0, "timed_out": timed_out}
        answer = {"operations": records, "wait": report}
        if timed_out:
            answer.update(failed=True, msg="Timed out after %.0f s waiting for operation" % seconds)
        return answer


def waiter(api, clock):
    lines = []
    return ChunkedWait(api.run_chunk, lines.append, clock=clock.monotonic), lines


def test_waits_in_chunks_and_reports_after_each():
    clock = FakeClock()
    api = ChunkedApi(clock, {"1": 70, "2": 20})
    wait, lines = waiter(api, clock)
    result = wait.run(["1", "2", "1"], "ended", 600, 30)
    assert [seconds for _ids, seconds in api.chunks] == [30, 30, 30]
    assert [ids for ids, _seconds in api.chunks] == [["1", "2"], ["1"], ["1"]]
    assert len(lines) == 6 and lines[0].startswith("operation 1 bulk_serial_sync (organizations 101): in_progress")
    assert lines[-1].startswith("operation 2 ") and lines[-2].startswith("operation 1 bulk_serial_sync (organizations 101): completed")
    assert result["pending"] == [] and not result.get("failed")
    assert [r["id"] for r in result["records"]] == ["1", "2"]
    assert result["wait"] == {"elapsed": 70.0, "polls": 3, "failed_polls": 0, "timed_out": False}


def test_a_timeout_fails_with_the_one_message_and_the_records():
    clock = FakeClock()
    api = ChunkedApi(clock, {"1": 1000, "2": 10})
    wait, lines = waiter(api, clock)
    result = wait.run(["1", "2"], "ended", 45, 30)
    assert [seconds for _ids, seconds in api.chunks] == [30, 15]
    assert result["failed"] is True and result["wait"]["timed_out"] is True
    assert result["pending"] == ["1"]
    assert result["msg"] == timeout_message(45, ["1"], "ended")
    assert result["msg"].startswith("Gave up after 45 s waiting for operation(s) 1 to reach ended;")
    assert len(lines) == 4


def test_time_spent_outside_the_wait_shortens_the_next_chunk():
    clock = FakeClock()
    api = ChunkedApi(clock, {"1": 1000})
    run_chunk = api.run_chunk

    def slow_start(ids, seconds):
        clock.sleep(2)  # the module takes 2 s to start and read
        return run_chunk(ids, seconds)

    result = ChunkedWait(slow_start, [].append, clock=clock.monotonic).run(["1"], "ended", 20, 10)
    assert [seconds for _ids, seconds in api.chunks] == [10, 8]
    assert result["wait"]["timed_out"] is True


def test_no_time_left_still_reads_every_operation_once():
    clock = FakeClock()
    api = ChunkedApi(clock, {"1": 10, "2": 0})
    wait, lines = waiter(api, clock)
    result = wait.run(["1", "2"], "ended", 0, 30)
    assert api.chunks == [(["1", "2"], 0.0)]
    assert [r["id"] for r in result["records"]] == ["1", "2"] and result["pending"] == ["1"]
    assert len(lines) == 2


def test_an_unknown_id_fails_naming_it():
    clock = FakeClock()
    api = ChunkedApi(clock, {"1": 0})
    wait, _lines = waiter(api, clock)
    result = wait.run(["1", "404"], "ended", 60, 30)
    assert result["failed"] is True and "Operation(s) 404 not found" in result["msg"]
    assert [r["id"] for r in result["records"]] == ["1"]


def test_the_module_failure_comes_back_as_is():
    clock = FakeClock()

    def refused(ids, seconds):
        return {
            "failed": True,
            "msg": "GET ... answered HTTP 401",
            "status": 401,
            "invocation": {"x": 1},
            "operations": [],
            "wait": {"elapsed": 0.0, "polls": 0, "failed_polls": 0, "timed_out": False},
        }

    result = ChunkedWait(refused, [].append, clock=clock.monotonic).run(["1"], "completed", 60, 30)
    assert result["failed"] is True and result["status"] == 401 and result["msg"] == "GET ... answered HTTP 401"
    assert "invocation" not in result
