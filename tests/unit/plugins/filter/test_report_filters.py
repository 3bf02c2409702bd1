# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The text, merge and organization filters, and the wrapper they share."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.zequenze.control.plugins.filter import attention_lines as attention_module
from ansible_collections.zequenze.control.plugins.filter import merge_operations as merge_module
from ansible_collections.zequenze.control.plugins.filter import operation_line as line_module
from ansible_collections.zequenze.control.plugins.filter import organization_ids as organizations_module
from ansible_collections.zequenze.control.plugins.filter.attention_lines import attention_lines
from ansible_collections.zequenze.control.plugins.filter.merge_operations import merge_operations
from ansible_collections.zequenze.control.plugins.filter.operation_line import operation_line
from ansible_collections.zequenze.control.plugins.filter.operation_totals import operation_totals
from ansible_collections.zequenze.control.plugins.filter.operations_needing_attention import (
    operations_needing_attention,
)
from ansible_collections.zequenze.control.plugins.filter.operations_over_threshold import operations_over_threshold
from ansible_collections.zequenze.control.plugins.filter.organization_ids import organization_ids
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import make_record

RUNNING = make_record(
    12, status="in_progress", orgs=[101, 102], progress=40, processed_devices=40, failed_devices=2, estimated_completion="2030-01-16T03:30:00Z"
)
SCHEDULED = make_record(13, orgs=[103])
FAILED = make_record(14, status="failed", orgs=[104], processed_devices=100, failed_devices=30)


def test_progress_lines():
    assert operation_line(RUNNING) == (
        "operation 12 bulk_serial_sync (organizations 101,102): in_progress 40% - 40/100 devices processed, " "2 failed - ETA 2030-01-16T03:30:00Z"
    )
    assert operation_line([SCHEDULED]) == [
        "operation 13 bulk_serial_sync (organizations 103): scheduled 0% - 0/100 devices processed, 0 failed - starts 2030-01-16T02:00:00Z"
    ]
    # An ended operation has no ETA.
    assert operation_line(dict(FAILED, estimated_completion="2030-01-16T03:30:00Z")).endswith("30 failed")


def test_outcome_lines_from_records_or_summaries():
    failing = operations_over_threshold([RUNNING, FAILED], 5)
    assert operation_line(failing, "outcome") == [
        "operation 12 (organizations 101,102): in_progress, 2/100 devices failed (2.0%)",
        "operation 14 (organizations 104): failed, 30/100 devices failed (30.0%)",
    ]
    assert operation_line(FAILED, "organization") == ("organization 104 (operation 14: failed, 30/100 devices failed, 30.0%)")


def test_attention_lines():
    found = operations_needing_attention([FAILED], now="2030-01-15T12:00:00Z")
    assert attention_lines(found) == ["FAILED: operation 14 bulk_serial_sync (organizations 104), failed at 2030-01-15T10:00:00Z with 30 of 100 devices failed"]
    with pytest.raises(AnsibleFilterError, match="attention_lines: expected the result of operations_needing_attention"):
        attention_lines([FAILED])


def test_merge_replaces_by_id_and_appends_new_ones():
    fresh = dict(RUNNING, status="completed")
    merged = merge_operations([RUNNING, SCHEDULED], [make_record(99), fresh])
    assert [(r["id"], r["status"]) for r in merged] == [("12", "completed"), ("13", "scheduled"), ("99", "scheduled")]
    with pytest.raises(AnsibleFilterError, match="merge_operations: newer must be a list"):
        merge_operations([RUNNING], "x")
    with pytest.raises(AnsibleFilterError, match="merge_operations: records must hold operation records"):
        merge_operations(["x"], [])
    # A record without an id cannot be matched: it is kept, not refused.
    no_id = {"status": "completed"}
    assert merge_operations([no_id, RUNNING], [no_id, fresh]) == [no_id, fresh, no_id]


@pytest.mark.parametrize(
    "value, expected",
    [
        ([102, "101", 102], [101, 102]),
        ("103, 101,,", [101, 103]),
        (105, [105]),
        ("", []),
    ],
)
def test_organization_ids(value, expected):
    assert organization_ids(value) == expected


@pytest.mark.parametrize("value", ["101, abc", [True], [1.5], None])
def test_organization_ids_refuse_what_is_not_an_id(value):
    with pytest.raises(AnsibleFilterError, match="organization_ids: nightly_orgs must be organization ids"):
        organization_ids(value, "nightly_orgs")


def test_bad_input_names_the_filter():
    with pytest.raises(AnsibleFilterError, match="operation_line: style must be one of"):
        operation_line(RUNNING, "poem")
    with pytest.raises(AnsibleFilterError, match="operation_line: an operation record must be a mapping"):
        operation_line(["x"])
    with pytest.raises(AnsibleFilterError, match="operation_totals: expected a list of operation records, got dict"):
        operation_totals(RUNNING)


@pytest.mark.parametrize(
    "module, name",
    [(line_module, "operation_line"), (attention_module, "attention_lines"), (merge_module, "merge_operations"), (organizations_module, "organization_ids")],
)
def test_registered(module, name):
    assert name in module.FilterModule().filters()
