# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""wait_for_all: several operations under one deadline, errors that carry how far the wait got."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.zequenze.control.plugins.module_utils.client import Client
from ansible_collections.zequenze.control.plugins.module_utils.errors import (
    AuthenticationError,
    OperationFailedError,
    WaitTimeoutError,
)
from ansible_collections.zequenze.control.plugins.module_utils.operations import Operations
from ansible_collections.zequenze.control.plugins.module_utils.wait_outcome import wait_report
from ansible_collections.zequenze.control.plugins.module_utils.waiting import wait_for_all, wait_goal
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import (
    BASE,
    TOKEN,
    FakeApi,
    FakeClock,
    SimulatedOperation,
    response,
)

PARAMS = {"wait_for": "ended", "wait_timeout": 600, "poll_interval": 2, "max_poll_interval": 30, "update_status": True}


def served(*operations):
    clock = operations[0].clock
    api = FakeApi()
    by_id = dict((op.op_id, op) for op in operations)
    api.records = [op.record() for op in operations]
    api.on_get = lambda record: by_id[record["id"]].record()
    client = Client(BASE, TOKEN, session=api.session, max_retries=1, sleep=clock.sleep, jitter=lambda: 0.5, clock=clock.monotonic)
    return Operations(client, clock=clock.monotonic, sleep=clock.sleep), api


def test_waits_for_each_operation_within_one_deadline():
    clock = FakeClock()
    short = SimulatedOperation(clock, op_id="1", total=10)
    long = SimulatedOperation(clock, op_id="2", total=40, end_status="failed")
    ops, _api = served(short, long)
    waited = wait_for_all(ops, [short.record(), long.record()], PARAMS)
    assert [r["id"] for r in waited.records] == ["1", "2"]
    assert [r["status"] for r in waited.records] == ["completed", "failed"]  # ended accepts a failure
    assert not waited.timed_out and waited.polls >= 2
    assert waited.elapsed == pytest.approx(clock.now - 1000.0)
    assert wait_report(waited)["polls"] == waited.polls


def test_a_timeout_reads_the_rest_once_and_carries_every_record():
    clock = FakeClock()
    slow = SimulatedOperation(clock, op_id="1", per_device=3600)
    other = SimulatedOperation(clock, op_id="2", per_device=3600)
    ops, api = served(slow, other)
    first, second = slow.record(), other.record()
    with pytest.raises(WaitTimeoutError) as info:
        wait_for_all(ops, [first, second], dict(PARAMS, wait_timeout=50))
    result = info.value.wait_result
    assert result.timed_out and [r["id"] for r in result.records] == ["1", "2"]
    assert result.records[1]["status"] == "in_progress" and second["status"] == "scheduled"  # read again
    assert api.calls[-1]["params"] == {"id": "2", "update_status": "true"}
    assert "Timed out after 50 s waiting for operation 1" in info.value.message


def test_a_failed_end_stops_at_once_with_the_records_so_far():
    clock = FakeClock()
    failing = SimulatedOperation(clock, op_id="1", total=5, end_status="failed")
    later = SimulatedOperation(clock, op_id="2", total=5)
    ops, _api = served(failing, later)
    later_record = later.record()
    with pytest.raises(OperationFailedError) as info:
        wait_for_all(ops, [failing.record(), later_record], dict(PARAMS, wait_for="completed"))
    assert "ended failed" in info.value.message
    assert info.value.wait_result.records == [info.value.wait_result.records[0], later_record]
    assert info.value.wait_result.records[0]["status"] == "failed"


def test_a_poll_error_names_the_operation_and_keeps_the_records():
    clock = FakeClock()
    running = SimulatedOperation(clock, op_id="1")
    ops, api = served(running)
    api.script = [response(401, {"detail": "token expired"})]
    first = running.record()
    with pytest.raises(AuthenticationError) as info:
        wait_for_all(ops, [first], PARAMS)
    assert info.value.message.startswith("While waiting for operation 1")
    assert info.value.wait_result.records == [first] and not info.value.wait_result.timed_out


def test_a_transient_failure_of_the_last_read_keeps_the_record():
    clock = FakeClock()
    slow = SimulatedOperation(clock, op_id="1", per_device=3600)
    other = SimulatedOperation(clock, op_id="2", per_device=3600)
    ops, api = served(slow, other)
    second = other.record()
    clock.sleep(60)  # both have started since their records were read
    first = slow.record()
    # With no time left each is read once; both reads give up after max_retries=1 (two attempts each).
    api.script = [response(503, {"detail": "restarting"})] * 4
    with pytest.raises(WaitTimeoutError) as info:
        wait_for_all(ops, [first, second], dict(PARAMS, wait_timeout=0))
    assert info.value.wait_result.records[0] is first and info.value.wait_result.records[1] is second
    assert len(api.calls) == 4


def test_goals_by_name():
    assert wait_goal("started").statuses >= {"in_progress"}
    assert not wait_goal("completed").failure_is_success
    assert wait_goal("ended").failure_is_success and "scheduled" not in wait_goal("ended").statuses
