# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""zequenze.control.headless_operation_info through main(), with the HTTP session faked."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import pytest

from ansible_collections.zequenze.control.plugins.modules import headless_operation_info
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import (
    FakeClock,
    SimulatedOperation,
    make_record,
    response,
    run_module,
)


@pytest.fixture
def populated(fake_api):
    fake_api.records = [
        make_record(6, status="in_progress", orgs=[101, 102], operation_type="compliance_report"),
        make_record(5, status="scheduled", orgs=[102]),
        make_record(4, status="completed", orgs=[101]),
        make_record(3, status="failed", orgs=[103], operation_type="compliance_report"),
        make_record(2, status="completed", orgs=[101, 103]),
    ]
    return fake_api


def ids(result):
    return [r["id"] for r in result["operations"]]


def test_by_id(populated, capsys):
    result = run_module(headless_operation_info, {"id": "5", "update_status": True}, populated, capsys)
    assert result["changed"] is False
    assert ids(result) == ["5"] and result["count"] == 1
    assert populated.calls[0]["params"] == {"id": "5", "update_status": "true"}
    assert result["wait"] == {"elapsed": 0.0, "polls": 0, "failed_polls": 0, "timed_out": False}


def test_unknown_id_is_an_empty_list(populated, capsys):
    result = run_module(headless_operation_info, {"id": "999"}, populated, capsys)
    assert result.get("failed") is not True
    assert result["operations"] == [] and result["count"] == 0


def test_lists_every_page(populated, capsys):
    result = run_module(headless_operation_info, {"page_size": 2}, populated, capsys)
    assert ids(result) == ["6", "5", "4", "3", "2"]
    assert len(populated.calls) == 3


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"status": ["completed", "failed"]}, ["4", "3", "2"]),
        ({"operation_type": "compliance_report"}, ["6", "3"]),
        ({"organizations": [101]}, ["6", "4", "2"]),
        ({"organizations": [101], "status": ["completed"], "max_results": 1}, ["4"]),
        ({"id": "3", "organizations": [101]}, []),
    ],
)
def test_filters(populated, capsys, filters, expected):
    assert ids(run_module(headless_operation_info, filters, populated, capsys)) == expected


def test_max_results_keeps_the_newest_whatever_the_api_order(fake_api, capsys):
    # Served oldest first, across pages: the newest two are on the last page.
    fake_api.records = [make_record(i, created_at="2030-01-1%dT10:00:00Z" % i) for i in (1, 2, 3, 4, 5)]
    result = run_module(headless_operation_info, {"max_results": 2, "page_size": 2}, fake_api, capsys)
    assert ids(result) == ["5", "4"]
    assert ids(run_module(headless_operation_info, {}, fake_api, capsys)) == ["5", "4", "3", "2", "1"]


def test_bad_numbers_name_the_option(populated, capsys):
    result = run_module(headless_operation_info, {"page_size": 0}, populated, capsys)
    assert result["msg"] == "page_size must be a finite number of at least 1, got 0"
    result = run_module(headless_operation_info, {"wait": True}, populated, capsys)
    assert "wait" in result["msg"] and "id" in result["msg"]
    assert populated.calls == []


def test_wait_for_resumes_a_wait(fake_api, capsys):
    clock = FakeClock()
    op = SimulatedOperation(clock, op_id="8")
    fake_api.records = [op.record()]
    fake_api.on_get = op.record
    result = run_module(headless_operation_info, {"id": "8", "wait": True, "wait_for": "completed", "wait_timeout": 300}, fake_api, capsys, clock=clock)
    assert ids(result) == ["8"]
    assert result["operations"][0]["status"] == "completed"
    assert result["wait"]["polls"] >= 1 and result["wait"]["timed_out"] is False


def test_wait_for_times_out_in_chunks(fake_api, capsys):
    clock = FakeClock()
    op = SimulatedOperation(clock, op_id="8", per_device=3600)
    fake_api.records = [op.record()]
    fake_api.on_get = op.record
    args = {"id": "8", "wait": True, "wait_for": "ended", "wait_timeout": 50, "update_status": True}
    result = run_module(headless_operation_info, args, fake_api, capsys, clock=clock)
    assert result["failed"] is True
    assert result["wait"]["timed_out"] is True
    assert result["wait"]["elapsed"] == pytest.approx(50)
    assert ids(result) == ["8"] and result["count"] == 1
    assert "Timed out after 50 s waiting for operation 8" in result["msg"]


def test_wait_for_a_status_that_cannot_come(fake_api, capsys):
    fake_api.records = [make_record(8, status="failed")]
    result = run_module(headless_operation_info, {"id": "8", "wait": True, "wait_for": "completed"}, fake_api, capsys)
    assert result["failed"] is True
    assert "ended failed" in result["msg"]
    assert result["wait"]["timed_out"] is False


def test_wait_for_an_unknown_id_is_an_empty_list(fake_api, capsys):
    result = run_module(headless_operation_info, {"id": "8", "wait": True}, fake_api, capsys)
    assert result["operations"] == [] and result.get("failed") is not True


def test_api_failure_is_clear(fake_api, capsys):
    fake_api.script = [response(422, {"detail": "invalid query parameter page_size", "errors": [{"field": "page_size", "message": "expected 1 to 1000"}]})]
    result = run_module(headless_operation_info, {"page_size": 5000}, fake_api, capsys)
    assert result["failed"] is True and result["status"] == 422
    assert "page_size: expected 1 to 1000" in result["msg"]


def test_ids_read_in_the_order_asked_and_leave_unknown_ones_out(populated, capsys):
    result = run_module(headless_operation_info, {"ids": ["2", "404", "6", "2"]}, populated, capsys)
    assert ids(result) == ["2", "6"] and result["count"] == 2


def test_ids_wait_for_each_and_fail_with_every_record(fake_api, capsys):
    clock = FakeClock()
    ops = dict((i, SimulatedOperation(clock, op_id=i, per_device=per)) for i, per in (("8", 1), ("9", 3600)))
    fake_api.records = [op.record() for op in ops.values()]
    fake_api.on_get = lambda record: ops[record["id"]].record()
    args = {"ids": ["8", "9"], "wait": True, "wait_for": "ended", "wait_timeout": 120, "update_status": True}
    result = run_module(headless_operation_info, args, fake_api, capsys, clock=clock)
    assert result["failed"] is True and result["wait"]["timed_out"] is True
    assert [(r["id"], r["status"]) for r in result["operations"]] == [("8", "completed"), ("9", "in_progress")]
    assert "waiting for operation 9" in result["msg"]
