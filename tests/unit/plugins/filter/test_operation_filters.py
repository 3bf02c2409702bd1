# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over operation records: summaries, totals and the monitoring classification."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.zequenze.control.plugins.filter import operation_summary as summary_module
from ansible_collections.zequenze.control.plugins.filter import operation_totals as totals_module
from ansible_collections.zequenze.control.plugins.filter import operations_needing_attention as attention_module
from ansible_collections.zequenze.control.plugins.filter import operations_over_threshold as threshold_module
from ansible_collections.zequenze.control.plugins.filter.operation_summary import operation_summary
from ansible_collections.zequenze.control.plugins.filter.operation_totals import operation_totals
from ansible_collections.zequenze.control.plugins.filter.operations_needing_attention import operations_needing_attention
from ansible_collections.zequenze.control.plugins.filter.operations_over_threshold import operations_over_threshold
from ansible_collections.zequenze.control.plugins.plugin_utils import operation_records as records_module

GET_RECORD = {
    "id": "12345",
    "operation_type": "bulk_serial_sync",
    "status": "in_progress",
    "progress": 65,
    "total_devices": 150,
    "processed_devices": 98,
    "failed_devices": 2,
    "created_at": "2024-01-15T10:30:00Z",
    "updated_at": "2024-01-15T11:45:30Z",
    "estimated_completion": "2024-01-15T12:15:00Z",
    "operation_details": {
        "device_types": ["router", "switch", "access_point"],
        "organization_ids": [101, 102],
        "error_summary": {"connection_timeouts": 1, "authentication_failures": 1},
    },
}

POST_RECORD = {
    "id": 67890,
    "operation_type": "bulk_serial_sync",
    "status": "scheduled",
    "created_at": "2024-01-15T14:30:00Z",
    "scheduled_for": "2024-01-16T02:00:00Z",
    "target_device_count": 245,
    "operation_config": {"organizations": [101, 102, 103], "device_types": ["router", "switch"]},
}


def record(**changes):
    return dict(GET_RECORD, **changes)


def test_summary_reads_the_get_shape():
    summary = operation_summary(GET_RECORD)
    assert summary["organizations"] == [101, 102]
    assert summary["device_types"] == ["router", "switch", "access_point"]
    assert (summary["total_devices"], summary["processed_devices"], summary["failed_devices"]) == (150, 98, 2)
    assert summary["failed_percent"] == 1.33
    assert summary["error_summary"] == {"connection_timeouts": 1, "authentication_failures": 1}


def test_summary_reads_the_post_shape():
    summary = operation_summary(POST_RECORD)
    assert summary["id"] == "67890"
    assert summary["organizations"] == [101, 102, 103]
    assert summary["total_devices"] == 245
    assert summary["failed_percent"] == 0.0
    assert summary["error_summary"] == {}


def test_summary_reads_odd_shapes_without_breaking():
    summary = operation_summary(record(operation_details=["not", "a", "mapping"], operation_config="x", error_summary=[1, 2]))
    assert summary["error_summary"] == {} and summary["organizations"] == [] and summary["device_types"] == []
    summary = operation_summary(record(operation_details={"organization_ids": 101, "device_types": "router"}))
    assert summary["organizations"] == [101] and summary["device_types"] == ["router"]


def test_summary_maps_over_a_list():
    assert [s["id"] for s in operation_summary([GET_RECORD, POST_RECORD])] == ["12345", "67890"]


def test_summary_refuses_what_is_not_a_record():
    with pytest.raises(AnsibleFilterError, match="must be a mapping"):
        operation_summary("x")


@pytest.mark.parametrize(
    "odd, field, read",
    [
        (record(failed_devices="many"), "failed_devices", {"failed_devices": 0}),
        (record(progress=float("inf")), "progress", {"progress": 0}),
        (record(operation_details={"error_summary": {"connection_timeouts": "x", "b": 2}}), "error_summary.connection_timeouts", {"error_summary": {"b": 2}}),
        (record(operation_details={"error_summary": {"connection_timeouts": None, "other": [1]}}), "error_summary.other", {"error_summary": {}}),
        (record(created_at="2026-01-01T00:00:00+24:00"), "created_at", {"created_at": None}),
        (record(scheduled_for="9999-12-31T23:59:59-14:00"), "scheduled_for", {"scheduled_for": None}),
    ],
)
def test_summary_reads_an_unreadable_field_as_unknown_with_one_warning(odd, field, read, monkeypatch):
    shown = []
    monkeypatch.setattr(records_module.Display, "warning", lambda self, message: shown.append(message))
    odd = dict(odd, id="odd-%s" % field)
    summary = operation_summary(odd)
    for key, value in read.items():
        assert summary[key] == value
    operation_summary([odd, odd])  # the same record twice in one call: still one warning
    assert len(shown) == 2 and "odd-%s" % field in shown[0] and field in shown[0]


def test_totals_add_devices_and_error_categories():
    second = record(
        id="2",
        status="completed",
        total_devices=50,
        processed_devices=50,
        failed_devices=3,
        operation_details={"organization_ids": [103], "error_summary": {"connection_timeouts": 2, "unsupported_firmware": 1}},
    )
    result = operation_totals([GET_RECORD, second])
    assert result == {
        "operations": 2,
        "total_devices": 200,
        "processed_devices": 148,
        "failed_devices": 5,
        "failed_percent": 2.5,
        "statuses": {"completed": 1, "in_progress": 1},
        "error_summary": {"authentication_failures": 1, "connection_timeouts": 3, "unsupported_firmware": 1},
    }


def test_totals_of_nothing_are_zero():
    assert operation_totals([])["failed_percent"] == 0.0


def test_totals_want_a_list():
    with pytest.raises(AnsibleFilterError, match="expected a list"):
        operation_totals(GET_RECORD)


NOW = "2024-01-15T13:00:00Z"


def test_attention_finds_overdue_stalled_and_failed():
    records = [
        record(id="late", updated_at="2024-01-15T12:55:00Z", estimated_completion="2024-01-15T12:00:00Z"),
        record(id="stuck", updated_at="2024-01-15T12:00:00Z", estimated_completion="2024-01-15T14:00:00Z"),
        record(id="never-started", status="scheduled", scheduled_for="2024-01-15T11:00:00Z", estimated_completion="2024-01-15T15:00:00Z"),
        record(id="broke", status="failed", updated_at="2024-01-15T09:00:00Z"),
        record(id="old-failure", status="failed", updated_at="2024-01-13T09:00:00Z"),
        record(id="fine", updated_at="2024-01-15T12:59:00Z", estimated_completion="2024-01-15T13:20:00Z"),
        record(id="done", status="completed", updated_at="2024-01-15T12:00:00Z", estimated_completion="2024-01-15T11:00:00Z"),
    ]
    found = operations_needing_attention(records, now=NOW, overdue_minutes=30, stalled_minutes=30, failed_hours=24)
    assert [o["id"] for o in found["overdue"]] == ["late"]
    assert [o["id"] for o in found["stalled"]] == ["stuck", "never-started"]
    assert [o["id"] for o in found["failed"]] == ["broke"]
    assert found["ids"] == ["late", "stuck", "never-started", "broke"]
    assert found["count"] == 4
    assert found["checked_at"] == "2024-01-15T13:00:00+00:00"
    assert "60 min past its estimated completion" in found["overdue"][0]["reason"]
    assert "no progress for 60 min (at 65%" in found["stalled"][0]["reason"]
    assert "not started 120 min after" in found["stalled"][1]["reason"]


def test_attention_margins_are_respected():
    late = record(updated_at="2024-01-15T12:55:00Z", estimated_completion="2024-01-15T12:00:00Z")
    assert operations_needing_attention([late], now=NOW, overdue_minutes=61)["count"] == 0
    assert operations_needing_attention([late], now=NOW, overdue_minutes="59")["count"] == 1


def test_one_operation_in_two_lists_counts_once():
    both = record(updated_at="2024-01-15T11:00:00Z", estimated_completion="2024-01-15T12:00:00Z")
    found = operations_needing_attention([both], now=NOW)
    assert len(found["overdue"]) == len(found["stalled"]) == 1
    assert found["count"] == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"overdue_minutes": -1}, "overdue_minutes must be a number of at least 0"),
        ({"failed_hours": 1e300}, "failed_hours must be a number of at most 1000000"),
        ({"stalled_minutes": True}, "stalled_minutes must be a number"),
        ({"failed_hours": "soon"}, "failed_hours must be a number"),
        ({"now": "tomorrow"}, "now must be an ISO 8601 timestamp"),
    ],
)
def test_attention_bad_arguments_name_the_field(kwargs, message):
    with pytest.raises(AnsibleFilterError, match=message):
        operations_needing_attention([GET_RECORD], **kwargs)


def test_attention_reads_an_unreadable_record_timestamp_as_unknown():
    found = operations_needing_attention([record(id="odd-eta", estimated_completion="soon")], now=NOW)
    assert found["overdue"] == []  # no estimated completion is known


def test_attention_wants_a_list():
    with pytest.raises(AnsibleFilterError, match="expected a list"):
        operations_needing_attention(GET_RECORD)


def test_over_threshold_keeps_unfinished_failed_and_too_many_failures():
    records = [
        record(id="ok", status="completed", total_devices=100, failed_devices=5),
        record(id="too-many", status="completed", total_devices=100, failed_devices=6),
        record(id="failed", status="failed", total_devices=100, failed_devices=0),
        record(id="running", status="in_progress"),
    ]
    assert [s["id"] for s in operations_over_threshold(records, 5)] == ["too-many", "failed", "running"]
    assert [s["id"] for s in operations_over_threshold(records, "6")] == ["failed", "running"]


def test_over_threshold_bad_arguments():
    with pytest.raises(AnsibleFilterError, match="max_failed_percent must be a number"):
        operations_over_threshold([GET_RECORD], "lots")
    with pytest.raises(AnsibleFilterError, match="expected a list"):
        operations_over_threshold(GET_RECORD, 5)


def test_totals_count_an_unreadable_field_as_zero():
    assert operation_totals([record(total_devices="lots", target_device_count=None)])["total_devices"] == 0


def test_each_filter_file_registers_its_filter():
    for module, name, function in (
        (summary_module, "operation_summary", operation_summary),
        (totals_module, "operation_totals", operation_totals),
        (attention_module, "operations_needing_attention", operations_needing_attention),
        (threshold_module, "operations_over_threshold", operations_over_threshold),
    ):
        assert module.FilterModule().filters() == {name: function}


def test_timestamps_may_be_datetimes_or_naive_utc():
    when = datetime.datetime(2024, 1, 15, 12, 0, tzinfo=datetime.timezone.utc)
    late = record(updated_at="2024-01-15T12:55:00", estimated_completion=when)
    found = operations_needing_attention([late], now=NOW, overdue_minutes=30)
    assert [o["id"] for o in found["overdue"]] == ["12345"]
