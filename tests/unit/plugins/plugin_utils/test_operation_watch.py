# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The incremental watch: transitions told once each, bounded reading and memory."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime

import pytest
import requests

from ansible_collections.zequenze.control.plugins.module_utils.client import Client
from ansible_collections.zequenze.control.plugins.module_utils.errors import TransportError
from ansible_collections.zequenze.control.plugins.module_utils.operations import Operations
from ansible_collections.zequenze.control.plugins.plugin_utils import operation_watch
from ansible_collections.zequenze.control.plugins.plugin_utils.operation_watch import OperationWatch
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import BASE, TOKEN, make_record


def _watch(api, **kwargs):
    client = Client(BASE, TOKEN, session=api.session, max_retries=0, sleep=lambda s: None)
    return OperationWatch(Operations(client), **kwargs)


def _add(api, op_id, status="scheduled", **extra):
    """A new operation on top of the listing (the API lists newest first)."""
    record = make_record(op_id, status=status, **extra)
    api.records.insert(0, record)
    api.records.sort(key=lambda r: -int(r["id"]))
    return record


def _set(api, op_id, **fields):
    for record in api.records:
        if record["id"] == str(op_id):
            record.update(fields)


def _kinds(events):
    return [(e["type"], e["operation"]["id"], e.get("previous_status")) for e in events]


def _list_calls(api):
    return [c for c in api.calls if c["params"] is None or "id" not in (c["params"] or {})]


def test_first_poll_is_silent_and_later_changes_are_told_once(fake_api):
    _add(fake_api, 1, "completed")
    _add(fake_api, 2, "in_progress")
    watch = _watch(fake_api)
    assert watch.poll() == []
    assert watch.tracked == 1
    _add(fake_api, 3)
    assert _kinds(watch.poll()) == [("operation_created", "3", None)]
    _set(fake_api, 3, status="in_progress")
    _set(fake_api, 2, status="completed")
    events = watch.poll()
    assert sorted(_kinds(events)) == [("operation_completed", "2", "in_progress"), ("operation_started", "3", "scheduled")]
    assert all("previous_status" in e and e["status"] == e["operation"]["status"] for e in events)
    assert watch.poll() == []
    _set(fake_api, 3, status="failed")
    assert _kinds(watch.poll()) == [("operation_failed", "3", "in_progress")]
    assert watch.poll() == [] and watch.tracked == 0


def test_emit_existing_tells_the_active_operations_on_start(fake_api):
    _add(fake_api, 1, "completed")
    _add(fake_api, 2, "in_progress")
    _add(fake_api, 3, "scheduled")
    events = _watch(fake_api, emit_existing=True).poll()
    assert _kinds(events) == [("operation_existing", "2", None), ("operation_existing", "3", None)]
    assert all("previous_status" not in e for e in events)


def test_a_start_missed_between_polls_is_told_first_and_marked_inferred(fake_api):
    watch = _watch(fake_api)
    watch.poll()
    _add(fake_api, 5)
    watch.poll()
    _set(fake_api, 5, status="completed")
    events = watch.poll()
    assert _kinds(events) == [("operation_started", "5", "scheduled"), ("operation_completed", "5", "in_progress")]
    assert events[0]["inferred"] is True and "inferred" not in events[1]


def test_a_new_operation_seen_finished_gets_its_whole_history(fake_api):
    watch = _watch(fake_api)
    watch.poll()
    _add(fake_api, 7, "failed")
    _add(fake_api, 8, "cancelled")
    _add(fake_api, 9, "paused")
    assert _kinds(watch.poll()) == [
        ("operation_created", "7", None),
        ("operation_started", "7", "scheduled"),
        ("operation_failed", "7", "in_progress"),
        ("operation_created", "8", None),
        ("operation_cancelled", "8", "scheduled"),
        ("operation_created", "9", None),
        ("operation_status_changed", "9", "scheduled"),
    ]


def test_a_quiet_poll_over_a_long_history_costs_one_list_request(fake_api):
    fake_api.records = [make_record(i, status="completed") for i in range(5000, 0, -1)]
    _set(fake_api, 4990, status="in_progress")
    watch = _watch(fake_api, page_size=100)
    watch.poll()
    assert watch.last.list_records == 5000  # the first poll learns what is active
    del fake_api.calls[:]
    assert watch.poll() == []
    assert len(_list_calls(fake_api)) == 1
    assert watch.last.list_records <= operation_watch.OVERLAP + 10 and watch.last.by_id_requests == 0


def test_an_active_operation_far_down_is_looked_up_by_id(fake_api):
    fake_api.records = [make_record(i, status="completed") for i in range(1000, 0, -1)]
    _set(fake_api, 3, status="in_progress")
    watch = _watch(fake_api, page_size=50)
    watch.poll()
    del fake_api.calls[:]
    _set(fake_api, 3, status="completed")
    assert _kinds(watch.poll()) == [("operation_completed", "3", "in_progress")]
    assert len(_list_calls(fake_api)) == 1 and watch.last.by_id_requests == 1
    assert watch.last.list_records <= 51


def test_far_scheduled_operations_are_looked_up_when_due_and_in_turn(fake_api):
    now = [0.0]
    # Server time: the newest record was created at 10:00; five operations are scheduled far down.
    fake_api.records = [make_record(i, status="completed", created_at="2030-01-15T10:00:00Z") for i in range(200, 0, -1)]
    for op_id, at in (
        (1, "2030-01-15T10:00:30Z"),
        (2, "2030-01-20T00:00:00Z"),
        (3, "2030-01-21T00:00:00Z"),
        (4, "2030-01-22T00:00:00Z"),
        (5, "2030-01-23T00:00:00Z"),
    ):
        _set(fake_api, op_id, status="scheduled", scheduled_for=at)
    watch = _watch(fake_api, page_size=50, lookups_per_poll=2, monotonic=lambda: now[0])
    watch.poll()
    looked = []
    for _poll in range(4):
        del fake_api.calls[:]
        watch.poll()
        looked.append(sorted(c["params"]["id"] for c in fake_api.calls if "id" in (c["params"] or {})))
    assert looked == [["1", "2"], ["3", "4"], ["1", "5"], ["2", "3"]]  # in turn, 1 not due yet
    now[0] = 60.0  # a minute later by the server's clock: operation 1 is due
    _set(fake_api, 1, status="in_progress")
    events = watch.poll()
    assert _kinds(events) == [("operation_started", "1", "scheduled")]
    # A running one is always looked up, whatever the limit.
    del fake_api.calls[:]
    watch.poll()
    assert "1" in [c["params"]["id"] for c in fake_api.calls if "id" in (c["params"] or {})]


def test_many_new_operations_are_all_read_whatever_the_page_size(fake_api):
    watch = _watch(fake_api, page_size=10)
    watch.poll()
    for op_id in range(1, 36):
        _add(fake_api, op_id)
    assert len(watch.poll()) == 35


def test_an_operation_that_disappears_is_forgotten(fake_api):
    _add(fake_api, 1, "in_progress")
    watch = _watch(fake_api)
    watch.poll()
    fake_api.records = []
    assert watch.poll() == [] and watch.tracked == 0


def test_a_listing_out_of_order_is_read_to_the_end(fake_api):
    fake_api.records = [make_record(i, status="completed") for i in range(1, 301)]  # oldest first
    _set(fake_api, 2, status="in_progress")
    watch = _watch(fake_api, page_size=100)
    watch.poll()
    _set(fake_api, 2, status="completed")
    fake_api.records.append(make_record(301))
    events = watch.poll()
    assert not watch.last.ordered and watch.last.list_records == 301
    assert sorted(_kinds(events)) == [("operation_completed", "2", "in_progress"), ("operation_created", "301", None)]


def test_a_save_that_shows_late_inside_the_overlap_is_caught(fake_api):
    for op_id in (10, 12):
        _add(fake_api, op_id, "completed")
    watch = _watch(fake_api)
    watch.poll()
    _add(fake_api, 13, "completed")
    watch.poll()
    _add(fake_api, 11)  # committed after 12 and 13 were visible
    assert _kinds(watch.poll()) == [("operation_created", "11", None)]
    assert watch.poll() == []


def test_a_failed_poll_leaves_no_trace(fake_api):
    fake_api.records = [make_record(i, status="in_progress") for i in range(300, 0, -1)]
    watch = _watch(fake_api, page_size=100)
    watch.poll()
    for record in fake_api.records:
        record["status"] = "completed"
    # The first page answers, the second does not: nothing of the first counts.
    fake_api.script = [fake_api.read(BASE + "/inventory_device_serial_headless_operation/", {"page_size": 100}), requests.exceptions.ConnectionError("refused")]
    with pytest.raises(TransportError):
        watch.poll()
    assert watch.tracked == 300
    events = watch.poll()
    assert len(events) == 300 and len(set(e["operation"]["id"] for e in events)) == 300
    assert watch.poll() == [] and watch.tracked == 0


def test_filters_keep_only_the_wanted_operations(fake_api):
    watch = _watch(fake_api, operation_types=["inventory_audit"], organizations=[903])
    watch.poll()
    _add(fake_api, 1, operation_type="inventory_audit", orgs=(101,))
    _add(fake_api, 2, operation_type="bulk_serial_sync", orgs=(903,))
    _add(fake_api, 3, operation_type="inventory_audit", orgs=(102, 903))
    assert _kinds(watch.poll()) == [("operation_created", "3", None)]
    assert watch.tracked == 1


def test_failed_devices_over_a_threshold_are_told_once(fake_api):
    watch = _watch(fake_api, failed_devices_threshold=5, failed_percent_threshold=50)
    watch.poll()
    _add(fake_api, 1, "in_progress", failed_devices=3)
    assert [e["type"] for e in watch.poll()] == ["operation_created", "operation_started"]
    _set(fake_api, 1, failed_devices=6)
    events = watch.poll()
    assert _kinds(events) == [("operation_failed_devices_over_threshold", "1", None)]
    assert events[0]["reason"] == "6 of 100 devices failed"
    _set(fake_api, 1, failed_devices=9, status="completed")
    assert [e["type"] for e in watch.poll()] == ["operation_completed"]
    _add(fake_api, 2, "failed", failed_devices=60, total_devices=None, target_device_count=None)
    _add(fake_api, 3, "failed", failed_devices=2, total_devices=3)
    kinds = [(e["type"], e["operation"]["id"]) for e in watch.poll()]
    assert ("operation_failed_devices_over_threshold", "2") in kinds
    assert ("operation_failed_devices_over_threshold", "3") in kinds


def test_stalled_and_overdue_operations_are_told_once(fake_api):
    now = datetime.datetime(2030, 1, 16, 4, 0, tzinfo=datetime.timezone.utc)
    watch = _watch(fake_api, stalled_minutes=30, overdue_minutes=60, now=lambda: now)
    watch.poll()
    _add(fake_api, 1, "in_progress", updated_at="2030-01-16T03:00:00Z", estimated_completion="2030-01-16T02:30:00Z")
    _add(fake_api, 2, "scheduled", scheduled_for="2030-01-16T03:50:00Z")
    _add(fake_api, 3, "in_progress", updated_at="not a time")
    kinds = _kinds(watch.poll())
    assert ("operation_stalled", "1", None) in kinds and ("operation_overdue", "1", None) in kinds
    assert not [k for k in kinds if k[1] in ("2", "3") and k[0] in ("operation_stalled", "operation_overdue")]
    assert watch.poll() == []


def test_memory_follows_what_is_active_not_the_history(fake_api):
    watch = _watch(fake_api, page_size=100)
    watch.poll()
    told = 0
    for batch in range(40):
        for op_id in range(batch * 50 + 1, batch * 50 + 51):
            _add(fake_api, op_id, "in_progress")
        told += len(watch.poll())
        for record in fake_api.records[:50]:
            record["status"] = "completed"
        told += len(watch.poll())
        assert watch.tracked == 0 and len(watch._overlap) <= operation_watch.OVERLAP
    assert told == 2000 * 3


def test_records_without_a_numeric_id_are_not_followed(fake_api):
    watch = _watch(fake_api)
    watch.poll()
    fake_api.records.insert(0, make_record("abc"))
    assert watch.poll() == [] and not watch.last.ordered
