# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generated hostile API records through every reader: the record reader, identity matching,
both modules' lookup paths (over the faked HTTP session) and every report filter. Zero exceptions.

Each test counts the records it pushed through and asserts at least RECORDS of them here;
`make reliability` runs the same checks with 5,000 each (tests/reliability/test_hostile_properties.py).
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime
import json
import math
import os
import tempfile
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zequenze.control.plugins.filter.attention_lines import attention_lines
from ansible_collections.zequenze.control.plugins.filter.merge_operations import merge_operations
from ansible_collections.zequenze.control.plugins.filter.operation_line import operation_line
from ansible_collections.zequenze.control.plugins.filter.operation_summary import operation_summary
from ansible_collections.zequenze.control.plugins.filter.operation_totals import operation_totals
from ansible_collections.zequenze.control.plugins.filter.operations_needing_attention import operations_needing_attention
from ansible_collections.zequenze.control.plugins.filter.operations_over_threshold import operations_over_threshold
from ansible_collections.zequenze.control.plugins.module_utils import unreadable_fields
from ansible_collections.zequenze.control.plugins.module_utils.identity import OperationIdentity, record_summary
from ansible_collections.zequenze.control.plugins.module_utils.records import Record, describe, newest_first_key
from ansible_collections.zequenze.control.plugins.module_utils.timestamps import MAX_YEAR, MIN_YEAR
from ansible_collections.zequenze.control.plugins.module_utils.unreadable_fields import pending_warnings
from ansible_collections.zequenze.control.plugins.modules import headless_operation, headless_operation_info
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import FakeApi, make_record, run_module

RECORDS = 600  # per check inside make test; the full count runs in make reliability
LIST_SIZE = 12  # the least records per generated list
MODULE_LIST_SIZE = 17


def example_settings(count, per_example):
    """Enough examples that count records pass, whatever sizes hypothesis draws."""
    return settings(max_examples=-(-count // per_example), deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))


HOSTILE_TIMESTAMPS = st.sampled_from(
    [
        "2026-01-01T00:00:00+24:00",
        "2026-01-01T00:00:00+99:00",
        "2026-01-01T00:00:00-23:60",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2030-01-16T02:00:00Z",
        "2030-01-16T02:00:00+01:00",
        "",
        "now",
        "2030-01-16T02:00:00" + "9" * 5000,
        "２０３０-01-16T02:00:00Z",
    ]
)
NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308, -0.0, 5e-324, True, False, "1e400", "nan", "12", "-3", "x", 10**4000]),
)
TEXT = st.text(max_size=12) | st.sampled_from(
    ["scheduled", "in_progress", "completed", "failed", "bulk_serial_sync", "router", "\u202eevil", "\x00", "x" * 500]
)
SCALARS = st.none() | st.booleans() | NUMBERS | TEXT | HOSTILE_TIMESTAMPS
VALUES = st.recursive(SCALARS, lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3), max_leaves=4)
TOP_FIELDS = (
    "id",
    "operation_type",
    "status",
    "created_at",
    "updated_at",
    "scheduled_for",
    "estimated_completion",
    "estimated_duration_minutes",
    "progress",
    "total_devices",
    "target_device_count",
    "processed_devices",
    "failed_devices",
    "operation_details",
    "operation_config",
    "device_filters",
    "target_organizations",
    "error_summary",
)
NESTED_FIELDS = ("organization_ids", "organizations", "device_types", "device_statuses", "error_summary", "device_filters", "options")
# Fields whose value never decides identity for an explicit execute_at.
NON_IDENTITY_FIELDS = (
    "updated_at",
    "estimated_completion",
    "estimated_duration_minutes",
    "progress",
    "total_devices",
    "target_device_count",
    "processed_devices",
    "failed_devices",
    "status",
    "created_at",
)


@st.composite
def hostile_record(draw, fields=TOP_FIELDS):
    """A well-formed record with some fields (top level or nested) replaced by anything, or removed."""
    record = make_record(
        draw(st.integers(1, 10**6)),
        orgs=draw(st.lists(st.integers(101, 104), min_size=1, max_size=3)),
        scheduled_for=draw(st.sampled_from(["2030-01-16T02:00:00Z", "2030-01-17T02:00:00Z"])),
    )
    for name in draw(st.lists(st.sampled_from(fields), max_size=4)):
        if draw(st.booleans()) and name in record:
            del record[name]
        else:
            record[name] = draw(VALUES | HOSTILE_TIMESTAMPS | NUMBERS)
    if fields is TOP_FIELDS:
        for name in draw(st.lists(st.sampled_from(NESTED_FIELDS), max_size=2)):
            holder = record.get(draw(st.sampled_from(["operation_details", "operation_config"])))
            if isinstance(holder, dict):
                holder[name] = draw(VALUES)
    return record


IDENTITY_FIELDS = {"operation_type", "organizations", "device_types", "device_statuses", "scheduled_for"}
RECORD_LISTS = st.lists(hostile_record(), min_size=LIST_SIZE, max_size=LIST_SIZE + 4)
IDENTITIES = [
    OperationIdentity.from_body(
        {"operation_type": "bulk_serial_sync", "target_organizations": orgs, "device_filters": {"types": ["router"]}, "schedule": schedule}
    )
    for orgs in ([101], [101, 102])
    for schedule in ({"execute_at": "2030-01-16T02:00:00Z"}, {})
]


def counting(check):
    """Run a hypothesis check; return how many records it read."""
    seen = []
    check(seen)
    return sum(seen)


def check_view(view):
    assert isinstance(view, Record)
    assert view.status is None or isinstance(view.status, str)
    assert all(isinstance(o, int) and not isinstance(o, bool) for o in view.organizations)
    assert all(isinstance(t, str) for t in view.device_types)
    for name in ("scheduled_for", "created_at", "updated_at", "estimated_completion"):
        moment = getattr(view, name)
        assert moment is None or (moment.tzinfo is not None and MIN_YEAR <= moment.astimezone(datetime.timezone.utc).year <= MAX_YEAR)
    for name in ("progress", "processed_devices", "failed_devices", "total_devices", "estimated_duration_minutes"):
        value = getattr(view, name)
        assert value is None or (not isinstance(value, bool) and math.isfinite(value) and value >= 0)
    assert isinstance(view.error_summary, dict)


def check_reader_and_identity(count=RECORDS):
    def check(seen):
        @example_settings(count, LIST_SIZE)
        @given(records=RECORD_LISTS)
        def run(records):
            seen.append(len(records))
            for record in records:
                view = Record.read(record)
                check_view(view)
                describe(record)
                record_summary(record)
                json.dumps(record_summary(record), default=str)
                for identity in IDENTITIES:
                    matched = identity.matches(record) or identity.matches(record, any_state=True)
                    if matched:  # a match reads only well-formed identity fields
                        assert not set(view.unreadable) & IDENTITY_FIELDS
            sorted(records, key=newest_first_key)
            pending_warnings()

        run()

    read = counting(check)
    assert read >= count
    return read


def check_non_identity_fields(count=RECORDS):
    """For an explicit time, only identity fields decide; mutating the others must not make or break a match."""

    def check(seen):
        @example_settings(count, LIST_SIZE)
        @given(mutated=st.lists(hostile_record(fields=NON_IDENTITY_FIELDS), min_size=LIST_SIZE, max_size=LIST_SIZE + 4))
        def run(mutated):
            seen.append(len(mutated))
            for record in mutated:
                well_formed = make_record(1, orgs=record["operation_details"]["organization_ids"], scheduled_for=record["scheduled_for"])
                for identity in IDENTITIES[::2]:  # the explicit-time ones
                    assert identity.matches(record, any_state=True) == identity.matches(well_formed, any_state=True)
            pending_warnings()

        run()

    read = counting(check)
    assert read >= count
    return read


def check_filters(count=RECORDS):
    def check(seen):
        @example_settings(count, LIST_SIZE)
        @given(records=RECORD_LISTS)
        def run(records):
            seen.append(len(records))
            json.dumps(operation_summary(records))
            json.dumps(operation_totals(records))
            json.dumps(operations_needing_attention(records, now="2030-01-16T03:00:00Z", overdue_minutes=10, stalled_minutes=10, failed_hours=24))
            json.dumps(operations_over_threshold(records, 5))
            found = operations_needing_attention(records, now="2030-01-16T03:00:00Z")
            json.dumps(attention_lines(found))
            json.dumps(merge_operations(records, records[::-1]))
            for style in ("progress", "outcome", "organization"):
                json.dumps(operation_line(records, style))

        run()

    read = counting(check)
    assert read >= count
    return read


def lookup_run(module, args, capsys, records, check_mode):
    api = FakeApi()
    api.records = records
    # Each example is another API: it gets an identity cache of its own.
    with tempfile.TemporaryDirectory() as cache, mock.patch.dict(os.environ, {"ZEQUENZE_CACHE_DIR": cache}):
        result = run_module(module, args, api, capsys, check_mode=check_mode)
    assert "Traceback" not in json.dumps(result)
    assert not result.get("failed"), result.get("msg")
    return result


def check_module_lookups(capsys, count=RECORDS):
    nightly = {
        "operation_type": "bulk_serial_sync",
        "organizations": [101],
        "device_filters": {"types": ["router"]},
        "schedule": {"execute_at": "2030-01-16T02:00:00Z"},
    }

    def check(seen):
        @example_settings(count, MODULE_LIST_SIZE)
        @given(
            records=st.lists(hostile_record(), min_size=MODULE_LIST_SIZE, max_size=MODULE_LIST_SIZE + 8),
            run_now=st.booleans(),
            status=st.sampled_from([None, ["scheduled", "failed"]]),
            orgs=st.sampled_from([None, [101], [102, 103]]),
        )
        def run(records, run_now, status, orgs):
            seen.append(len(records))
            args = dict(nightly, schedule={"execute_at": "now"}) if run_now else nightly
            result = lookup_run(headless_operation, args, capsys, records, check_mode=True)
            assert isinstance(result["changed"], bool)
            info_args = dict((k, v) for k, v in (("status", status), ("organizations", orgs)) if v is not None)
            result = lookup_run(headless_operation_info, info_args, capsys, records, check_mode=False)
            assert isinstance(result["operations"], list)

        run()

    read = counting(check)
    assert read >= count
    return read


def test_the_reader_and_identity_are_total():
    check_reader_and_identity()


def test_odd_non_identity_fields_never_change_whether_a_record_matches():
    check_non_identity_fields()


def test_every_filter_is_total():
    check_filters()


def test_both_modules_lookup_paths_are_total(capsys):
    check_module_lookups(capsys)


def test_an_unreadable_field_warns_once_naming_the_record_and_field(capsys):
    # Record warnings by module.warn itself: with the filters (and so Display) imported, ansible-core
    # routes in-process module warnings to the controller's display instead of the result.
    api_records = [make_record(7, scheduled_for="2026-01-01T00:00:00+24:00"), make_record(8, progress=float("inf"))]
    pending_warnings()
    with mock.patch.object(AnsibleModule, "warn", autospec=True) as warn:
        # A listing without filters hands records on unread; a filter reads each one.
        lookup_run(headless_operation_info, {"organizations": [101]}, capsys, api_records, check_mode=False)
        warnings = [c.args[1] for c in warn.call_args_list]
        assert len([w for w in warnings if "operation 7" in w and "scheduled_for" in w]) == 1, warnings
        assert len([w for w in warnings if "operation 8" in w and "progress" in w]) == 1, warnings
        # Many odd records: the warnings stop at a bound.
        warn.reset_mock()
        many = [make_record(i, progress="x") for i in range(200)]
        lookup_run(headless_operation_info, {"organizations": [101]}, capsys, many, check_mode=False)
        assert warn.call_count == unreadable_fields.MAX_WARNINGS + 1
