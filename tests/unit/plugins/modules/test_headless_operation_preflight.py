# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""headless_operation refuses, before any request and in check mode too, what the API would refuse;
warns about a past start, a found operation that differs, and an estimate that overruns."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import datetime
from unittest import mock

import pytest
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zequenze.control.plugins.modules import headless_operation
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import make_record, response, run_module

VALID = {
    "operation_type": "bulk_serial_sync",
    "organizations": [101],
    "device_filters": {"types": ["router"], "status": ["active"]},
    "schedule": {"execute_at": "2030-01-16T02:00:00Z", "priority": "normal"},
    "options": {"timeout_minutes": 120},
}
VALID_DATA = {
    "operation_type": "bulk_serial_sync",
    "target_organizations": [101],
    "device_filters": {"types": ["router"], "status": ["active"]},
    "schedule": {"execute_at": "2030-01-16T02:00:00Z", "priority": "normal"},
    "options": {"timeout_minutes": 120},
}


def run_warned(args, api, capsys, **kwargs):
    """The module's result, with the warnings it gave as result["warnings"]."""
    with mock.patch.object(AnsibleModule, "warn", autospec=True) as warn:
        result = run_module(headless_operation, args, api, capsys, **kwargs)
    result["warnings"] = [call.args[1] for call in warn.call_args_list]
    return result


def _changed(args, path, value):
    """A deep copy of args with the value at path (a tuple of keys) replaced."""
    args = copy.deepcopy(args)
    target = args
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return args


# (field named in the message, path in the structured options, path in data, value)
REJECTIONS = [
    ("operation_type", ("operation_type",), ("operation_type",), "bogus"),
    ("device_filters.types[0]", ("device_filters", "types"), ("device_filters", "types"), ["routers"]),
    ("device_filters.status[0]", ("device_filters", "status"), ("device_filters", "status"), ["retired"]),
    ("options.timeout_minutes", ("options", "timeout_minutes"), ("options", "timeout_minutes"), 5000),
    ("options.timeout_minutes", ("options", "timeout_minutes"), ("options", "timeout_minutes"), 0),
    ("schedule.execute_at", ("schedule", "execute_at"), ("schedule", "execute_at"), "2030-01-16T02:00:00"),
    ("schedule.execute_at", ("schedule", "execute_at"), ("schedule", "execute_at"), "tonight"),
    ("options.surprise", ("options", "surprise"), ("options", "surprise"), True),
    ("options.validate_connectivity", ("options", "validate_connectivity"), ("options", "validate_connectivity"), "maybe"),
]
# Only the data form can carry these (the argument spec refuses them in the structured options).
DATA_ONLY_REJECTIONS = [
    ("schedule.priority", ("schedule", "priority"), "urgent"),
    ("target_organizations[0]", ("target_organizations",), [0]),
    ("target_organizations", ("target_organizations",), []),
    ("surprise", ("surprise",), 1),
    ("schedule.when", ("schedule", "when"), "now"),
    ("device_filters.model", ("device_filters", "model"), ["x"]),
]


def _assert_refused(result, api, field):
    assert result["failed"] is True, result
    assert field in result["msg"], result["msg"]
    if "errors" in result:  # the checks against the API's contract list the fields too
        assert "nothing was sent" in result["msg"]
        assert field in [e["field"] for e in result["errors"]]
    assert api.calls == [], "the API saw a request"


@pytest.mark.parametrize("check_mode", [True, False], ids=["check", "real"])
@pytest.mark.parametrize("field, structured, data, value", REJECTIONS, ids=["%s=%s" % (r[0], r[3]) for r in REJECTIONS])
def test_each_rejection_fails_before_the_api_in_both_forms(fake_api, capsys, check_mode, field, structured, data, value):
    result = run_module(headless_operation, _changed(VALID, structured, value), fake_api, capsys, check_mode=check_mode)
    _assert_refused(result, fake_api, field)
    result = run_module(headless_operation, {"data": _changed(VALID_DATA, data, value)}, fake_api, capsys, check_mode=check_mode)
    _assert_refused(result, fake_api, field)


@pytest.mark.parametrize("check_mode", [True, False], ids=["check", "real"])
@pytest.mark.parametrize("field, path, value", DATA_ONLY_REJECTIONS, ids=[r[0] for r in DATA_ONLY_REJECTIONS])
def test_data_only_rejections(fake_api, capsys, check_mode, field, path, value):
    result = run_module(headless_operation, {"data": _changed(VALID_DATA, path, value)}, fake_api, capsys, check_mode=check_mode)
    _assert_refused(result, fake_api, field)


@pytest.mark.parametrize(
    "inner, field",
    [
        ("[110, 111]", "data"),
        ("{", "data"),
        ('{"operation_type": "bogus", "target_organizations": [1]}', "operation_type"),
        ({"operation_type": "inventory_audit", "target_organizations": [1], "schedule": {"execute_at": "soon"}}, "schedule.execute_at"),
    ],
)
def test_the_documents_data_wrapper_is_checked_inside(fake_api, capsys, inner, field):
    result = run_module(headless_operation, {"data": {"data": inner}}, fake_api, capsys, check_mode=True)
    _assert_refused(result, fake_api, field)


def test_the_structured_priority_is_refused_by_its_choices(fake_api, capsys):
    result = run_module(headless_operation, _changed(VALID, ("schedule", "priority"), "urgent"), fake_api, capsys, check_mode=True)
    assert result["failed"] is True and "priority" in result["msg"] and fake_api.calls == []


def test_every_problem_is_named_at_once(fake_api, capsys):
    data = _changed(_changed(VALID_DATA, ("operation_type",), "bogus"), ("options", "timeout_minutes"), 5000)
    result = run_module(headless_operation, {"data": data}, fake_api, capsys, check_mode=True)
    assert [e["field"] for e in result["errors"]] == ["operation_type", "options.timeout_minutes"]


@pytest.mark.parametrize("form", ["structured", "data", "data-text"])
def test_a_valid_request_passes_check_mode_and_says_what_it_cannot_check(fake_api, capsys, form):
    args = {"structured": VALID, "data": {"data": VALID_DATA}, "data-text": {"data": '{"operation_type": "inventory_audit", "target_organizations": [101]}'}}[
        form
    ]
    result = run_module(headless_operation, args, fake_api, capsys, check_mode=True)
    assert result.get("failed") is not True, result
    assert result["changed"] is True and result["created"] is True
    assert any("scope" in note and "403" in note for note in result["unverified"])
    assert [c["method"] for c in fake_api.calls] == ["GET"]


def test_execute_at_now_is_the_same_in_both_forms(fake_api, capsys):
    structured = run_module(headless_operation, _changed(VALID, ("schedule", "execute_at"), "now"), fake_api, capsys)
    fake_api.records = []
    data = run_module(headless_operation, {"data": _changed(VALID_DATA, ("schedule", "execute_at"), "now")}, fake_api, capsys)
    assert structured["request"] == data["request"]
    assert data["request"]["schedule"] == {"priority": "normal"}
    assert [c["json"] for c in fake_api.calls if c["method"] == "POST"][-1] == data["request"]
    only_now = {"data": {"operation_type": "inventory_audit", "target_organizations": [101], "schedule": {"execute_at": "now"}}}
    assert "schedule" not in run_module(headless_operation, only_now, fake_api, capsys, check_mode=True)["request"]


def test_newer_vocabulary_passes_when_asked_but_formats_are_still_checked(fake_api, capsys):
    newer = _changed(_changed(VALID, ("operation_type",), "firmware_rollout"), ("device_filters", "types"), ["camera"])
    newer = _changed(newer, ("options", "dry_run"), True)
    result = run_module(headless_operation, dict(newer, validate_vocabulary=False), fake_api, capsys, check_mode=True)
    assert result.get("failed") is not True, result
    bad_time = _changed(newer, ("options", "timeout_minutes"), 5000)
    result = run_module(headless_operation, dict(bad_time, validate_vocabulary=False), fake_api, capsys, check_mode=True)
    assert result["failed"] is True and "options.timeout_minutes" in result["msg"]


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_past_execute_at_warns_that_it_starts_at_once(fake_api, capsys):
    year_ago = _iso(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=365))
    result = run_warned(_changed(VALID, ("schedule", "execute_at"), year_ago), fake_api, capsys, check_mode=True)
    assert any("in the past" in w and "starts such an operation at once" in w and "365 days" in w for w in result["warnings"]), result.get("warnings")
    just_now = _iso(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1))
    result = run_warned(_changed(VALID, ("schedule", "execute_at"), just_now), fake_api, capsys, check_mode=True)
    assert not any("in the past" in w for w in result["warnings"])


def test_a_found_operation_that_differs_warns_and_returns_the_drift(fake_api, capsys):
    stored = make_record(7, orgs=[101], types=["router"], statuses=["active"])
    stored["operation_config"].update(priority="normal", options={"timeout_minutes": 120, "update_firmware_info": False})
    fake_api.records = [stored]
    wanted = _changed(_changed(VALID, ("schedule", "priority"), "high"), ("options", "timeout_minutes"), 240)
    result = run_warned(wanted, fake_api, capsys)
    assert result["changed"] is False
    assert result["drift"] == {"schedule.priority": {"task": "high", "operation": "normal"}, "options.timeout_minutes": {"task": 240, "operation": 120}}
    assert any("operation 7" in w and "schedule.priority" in w and "force=true" in w for w in result["warnings"])
    same = run_warned(VALID, fake_api, capsys)
    assert same["drift"] == {} and not any("differs" in w for w in same["warnings"])


def _estimated(record, minutes, devices=569):
    record.update(estimated_duration_minutes=minutes, total_devices=devices, target_device_count=devices)
    return record


def test_an_estimate_longer_than_the_timeout_warns(fake_api, capsys):
    fake_api.script = [
        response(200, {"count": 0, "next": None, "previous": None, "results": []}),
        response(201, _estimated(make_record(8, orgs=[101], types=["router"]), 181)),
    ]
    result = run_warned(VALID, fake_api, capsys)
    assert result["changed"] is True
    assert any("181 minutes" in w and "timeout_minutes 120" in w and "569 devices" in w for w in result["warnings"]), result


def test_on_overrun_fail_fails_after_the_create_saying_it_exists(fake_api, capsys):
    fake_api.script = [
        response(200, {"count": 0, "next": None, "previous": None, "results": []}),
        response(201, _estimated(make_record(8, orgs=[101], types=["router"]), 181)),
    ]
    result = run_warned(dict(VALID, on_overrun="fail"), fake_api, capsys)
    assert result["failed"] is True and result["changed"] is True and result["operation"]["id"] == "8"
    assert "181 minutes" in result["msg"] and "The operation exists" in result["msg"]


def test_an_estimate_past_the_window_warns(fake_api, capsys):
    record = _estimated(make_record(9, orgs=[101], types=["router"], scheduled_for="2030-01-16T02:00:00Z"), 100, 300)
    record["estimated_completion"] = "2030-01-16T03:40:00Z"
    fake_api.records = [record]
    result = run_warned(dict(VALID, window_minutes=60), fake_api, capsys)
    assert any("after the 60-minute window" in w and "2030-01-16T03:00:00Z" in w for w in result["warnings"])
    fitting = run_warned(dict(VALID, window_minutes=120), fake_api, capsys)
    assert not fitting["warnings"]
    record["status"] = "completed"
    done = run_warned(dict(VALID, window_minutes=60), fake_api, capsys)
    assert not done["warnings"]
