# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""zequenze.control.headless_operation through main(), with the HTTP session faked."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
from unittest import mock

import pytest
import requests
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zequenze.control.plugins.module_utils import api_module
from ansible_collections.zequenze.control.plugins.modules import headless_operation
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import (
    TOKEN,
    FakeClock,
    bearer_header,
    SimulatedOperation,
    make_record,
    response,
    run_module,
)

NIGHTLY = {
    "operation_type": "bulk_serial_sync",
    "organizations": [101, 102],
    "device_filters": {"types": ["router", "switch"], "status": ["active", "pending"]},
    "schedule": {"execute_at": "2030-01-16T02:00:00Z", "priority": "normal"},
    "options": {"update_firmware_info": True, "timeout_minutes": 120},
}
NIGHTLY_BODY = {
    "operation_type": "bulk_serial_sync",
    "target_organizations": [101, 102],
    "device_filters": {"types": ["router", "switch"], "status": ["active", "pending"]},
    "schedule": {"execute_at": "2030-01-16T02:00:00Z", "priority": "normal"},
    "options": {"update_firmware_info": True, "timeout_minutes": 120},
}


def methods(api):
    return [c["method"] for c in api.calls]


def test_check_mode_looks_but_never_posts(fake_api, capsys):
    result = run_module(headless_operation, NIGHTLY, fake_api, capsys, check_mode=True, diff=True)
    assert result["changed"] is True and result["created"] is True
    assert result["request"] == NIGHTLY_BODY
    assert result["diff"] == {"before": {}, "after": NIGHTLY_BODY}
    assert "operation" not in result
    assert result["wait"] == {"elapsed": 0.0, "polls": 0, "failed_polls": 0, "timed_out": False}
    assert methods(fake_api) == ["GET"]


def test_creates_then_finds_the_same_operation(fake_api, capsys):
    first = run_module(headless_operation, NIGHTLY, fake_api, capsys, diff=True)
    assert first["changed"] is True and first["created"] is True
    assert first["operation"]["status"] == "scheduled"
    assert first["diff"] == {"before": {}, "after": NIGHTLY_BODY}
    assert [c["json"] for c in fake_api.calls if c["method"] == "POST"] == [NIGHTLY_BODY]
    again = run_module(headless_operation, NIGHTLY, fake_api, capsys, diff=True)
    assert again["changed"] is False and again["created"] is False
    assert again["operation"]["id"] == first["operation"]["id"]
    assert again["diff"]["before"] == again["diff"]["after"]
    assert again["diff"]["after"]["organizations"] == [101, 102]
    checked = run_module(headless_operation, NIGHTLY, fake_api, capsys, check_mode=True)
    assert checked["changed"] is False and checked["operation"]["id"] == first["operation"]["id"]
    # Look, create, look again for duplicates; then one listing page for each later run.
    assert methods(fake_api) == ["GET", "POST", "GET", "GET", "GET"]
    assert len(fake_api.records) == 1


def test_force_always_creates(fake_api, capsys):
    run_module(headless_operation, NIGHTLY, fake_api, capsys)
    forced = run_module(headless_operation, dict(NIGHTLY, force=True), fake_api, capsys)
    assert forced["changed"] is True
    assert len(fake_api.records) == 2
    checked = run_module(headless_operation, dict(NIGHTLY, force=True), fake_api, capsys, check_mode=True)
    assert checked["changed"] is True and len(fake_api.records) == 2


def test_run_now_ignores_ended_operations_but_counts_them_as_known(fake_api, capsys):
    run_now = {"operation_type": "status_update", "organizations": [105]}
    first = run_module(headless_operation, run_now, fake_api, capsys)
    fake_api.records[0].update(status="completed", scheduled_for=fake_api.records[0]["created_at"])
    again = run_module(headless_operation, run_now, fake_api, capsys)
    assert again["changed"] is True and again["operation"]["id"] != first["operation"]["id"]
    fake_api.records[0].update(status="in_progress", scheduled_for=fake_api.records[0]["created_at"])
    third = run_module(headless_operation, run_now, fake_api, capsys)
    assert third["changed"] is False and third["operation"]["id"] == again["operation"]["id"]


def test_target_organizations_alias_and_data_option(fake_api, capsys):
    aliased = run_module(headless_operation, {"operation_type": "inventory_audit", "target_organizations": [103]}, fake_api, capsys)
    assert aliased["request"] == {"operation_type": "inventory_audit", "target_organizations": [103]}
    data = json.dumps({"operation_type": "inventory_audit", "target_organizations": [104], "schedule": {"execute_at": "2030-02-01T03:00:00+01:00"}})
    sent = run_module(headless_operation, {"data": data}, fake_api, capsys)
    assert sent["changed"] is True
    assert [c["json"] for c in fake_api.calls if c["method"] == "POST"][-1] == json.loads(data)
    again = run_module(headless_operation, {"data": json.loads(data)}, fake_api, capsys)
    assert again["changed"] is False


@pytest.mark.parametrize("data", ["[1, 2]", "null"])
def test_data_that_is_not_an_object_fails_naming_data(fake_api, capsys, data):
    result = run_module(headless_operation, {"data": data}, fake_api, capsys)
    assert result["failed"] is True
    assert result["msg"].startswith("data must be a JSON object")
    assert fake_api.calls == []


def test_data_excludes_the_structured_options(fake_api, capsys):
    result = run_module(headless_operation, {"data": "{}", "operation_type": "x", "organizations": [1]}, fake_api, capsys)
    assert result["failed"] is True
    assert "mutually exclusive" in result["msg"] and "data" in result["msg"]
    assert fake_api.calls == []


def test_bad_input_names_the_field(fake_api, capsys):
    result = run_module(headless_operation, dict(NIGHTLY, schedule={"execute_at": "tonight"}), fake_api, capsys)
    assert result["failed"] is True
    assert "schedule.execute_at" in result["msg"]
    result = run_module(headless_operation, dict(NIGHTLY, wait_timeout=-1), fake_api, capsys)
    assert result["msg"] == "wait_timeout must be a number from 0 to 1000000000.0, got -1.0"
    for name, value in (("timeout", "inf"), ("poll_interval", "nan"), ("max_poll_interval", "-inf"), ("timeout", 1e12), ("wait_timeout", "1e300")):
        result = run_module(headless_operation, dict(NIGHTLY, **{name: value}), fake_api, capsys)
        assert result["msg"].startswith("%s must be a number from " % name)
    result = run_module(headless_operation, dict(NIGHTLY, timeout=0), fake_api, capsys)
    assert result["msg"] == "timeout must be a number from 0.1 to 86400.0, got 0.0"
    for name in ("poll_interval", "max_poll_interval"):
        result = run_module(headless_operation, dict(NIGHTLY, **{name: 0}), fake_api, capsys)
        assert result["msg"] == "%s must be a number from 0.1 to 1000000000.0, got 0.0" % name
    result = run_module(headless_operation, dict(NIGHTLY, max_failed_devices=-2), fake_api, capsys)
    assert result["msg"] == "max_failed_devices must be a finite number of at least 0, got -2"
    assert fake_api.calls == []


def test_api_errors_fail_clearly_without_the_token(fake_api, capsys):
    fake_api.script = [response(401, {"detail": "unknown API token " + TOKEN})]
    result = run_module(headless_operation, NIGHTLY, fake_api, capsys)
    assert result["failed"] is True and result["status"] == 401
    assert "ZEQUENZE_API_TOKEN" in result["msg"]
    assert TOKEN not in json.dumps(result)


def test_forbidden_names_the_organizations(fake_api, capsys):
    fake_api.script = [response(200, {"count": 0, "next": None, "results": []}), response(403, {"detail": "this token may not act on organization(s) 102"})]
    result = run_module(headless_operation, NIGHTLY, fake_api, capsys)
    assert result["status"] == 403
    assert "101, 102" in result["msg"] and "organization(s) 102" in result["msg"]


def test_wait_until_completed(fake_api, capsys):
    clock = FakeClock()
    op = SimulatedOperation(clock, op_id="1001")
    fake_api.on_get = op.record
    fake_api.script = [response(200, {"count": 0, "next": None, "results": []}), response(201, op.record())]
    fake_api.records = []

    def keep(method, url, params, json_body):
        fake_api.records = [op.record()]
        return response(201, op.record())

    fake_api.script[1] = keep
    result = run_module(headless_operation, dict(NIGHTLY, wait=True, update_status=True, max_failed_devices=0), fake_api, capsys, clock=clock)
    assert result["changed"] is True
    assert result["operation"]["status"] == "completed"
    assert 1 <= result["wait"]["polls"] <= 5
    assert result["wait"]["timed_out"] is False
    assert fake_api.calls[-1]["params"] == {"id": "1001", "update_status": "true"}


def test_wait_timeout_fails_with_the_record_and_wait_report(fake_api, capsys):
    clock = FakeClock()
    op = SimulatedOperation(clock, op_id="7", per_device=3600)
    fake_api.records = [op.record()]
    fake_api.on_get = op.record
    args = {
        "operation_type": "bulk_serial_sync",
        "organizations": [101],
        "device_filters": {"types": ["router"]},
        "wait": True,
        "wait_timeout": 40,
        "update_status": False,
    }
    result = run_module(headless_operation, args, fake_api, capsys, clock=clock)
    assert result["failed"] is True
    assert result["changed"] is False  # found, not created
    assert result["wait"]["timed_out"] is True
    assert result["wait"]["elapsed"] == pytest.approx(40)
    assert result["operation"]["id"] == "7"
    assert "operation 7 (status in_progress" in result["msg"]
    assert "Raise wait_timeout" in result["msg"]  # the API answered: waiting longer is the advice
    assert fake_api.calls[-1]["params"] == {"id": "7"}


def test_api_lost_for_the_rest_of_the_wait_times_out_naming_the_operation_and_the_failure(fake_api, capsys):
    clock = FakeClock()
    op = SimulatedOperation(clock, op_id="7", per_device=3600)
    fake_api.records = [op.record()]
    fake_api.on_get = op.record
    args = {
        "operation_type": "bulk_serial_sync",
        "organizations": [101],
        "device_filters": {"types": ["router"]},
        "wait": True,
        "wait_timeout": 120,
        "max_retries": 1,
    }
    refused = requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused"))

    def lookup(method, url, params, json_body):
        return fake_api.read(url, params or {})

    fake_api.script = [lookup, lookup] + [refused] * 200
    result = run_module(headless_operation, args, fake_api, capsys, clock=clock)
    assert result["failed"] is True
    assert result["msg"].startswith("Timed out after 120 s waiting for operation 7 (status in_progress")
    assert "the last poll failed: GET" in result["msg"] and "Connection refused" in result["msg"]
    # Advice about the API, not about waiting longer.
    assert "The API did not answer the last poll: check that it is up and reachable at api_url" in result["msg"]
    assert "wait_timeout" not in result["msg"]
    assert result["operation"]["id"] == "7"
    assert result["wait"]["timed_out"] is True
    assert result["wait"]["polls"] == result["wait"]["failed_polls"] + 1 >= 4  # the first poll answered


def test_wait_for_started_and_failed_devices_threshold(fake_api, capsys):
    clock = FakeClock()
    fake_api.records = [make_record(9, orgs=[101], types=["router"], status="completed", failed_devices=4, scheduled_for="2030-01-16T02:00:00Z")]
    args = {
        "operation_type": "bulk_serial_sync",
        "organizations": [101],
        "device_filters": {"types": ["router"]},
        "schedule": {"execute_at": "2030-01-16T02:00:00Z"},
        "wait": True,
        "wait_for": "started",
        "max_failed_devices": 3,
    }
    result = run_module(headless_operation, args, fake_api, capsys, clock=clock)
    assert result["failed"] is True
    assert "4 failed devices, more than max_failed_devices (3)" in result["msg"]
    assert result["wait"]["polls"] == 0
    assert result["changed"] is False


def test_checks_do_not_wait(fake_api, capsys):
    fake_api.records = [make_record(9, orgs=[101], types=["router"], status="in_progress", scheduled_for="2030-01-16T02:00:00Z")]
    args = {
        "operation_type": "bulk_serial_sync",
        "organizations": [101],
        "device_filters": {"types": ["router"]},
        "schedule": {"execute_at": "2030-01-16T02:00:00Z"},
        "wait": True,
    }
    result = run_module(headless_operation, args, fake_api, capsys, check_mode=True)
    assert result["changed"] is False and result["wait"]["polls"] == 0
    assert methods(fake_api) == ["GET"]


def test_missing_requests_is_reported(fake_api, capsys):
    with mock.patch.object(api_module, "HAS_REQUESTS", False):
        result = run_module(headless_operation, NIGHTLY, fake_api, capsys)
    assert result["failed"] is True
    assert "requests" in result["msg"]


def test_unverified_tls_warns(fake_api, capsys):
    with mock.patch.object(AnsibleModule, "warn", autospec=True) as warn:
        result = run_module(headless_operation, dict(NIGHTLY, validate_certs=False), fake_api, capsys)
    assert result["changed"] is True
    warn.assert_called_once_with(mock.ANY, "validate_certs is false: the API's TLS certificate is not checked")
    assert fake_api.session.verify is False


def test_connection_options_come_from_the_environment(fake_api, capsys, monkeypatch):
    monkeypatch.setenv("ZEQUENZE_API_URL", "https://env.example.test/api/v1/")
    monkeypatch.setenv("ZEQUENZE_API_TOKEN", "env-token")
    monkeypatch.setenv("ZEQUENZE_TIMEOUT", "12")
    monkeypatch.setenv("ZEQUENZE_MAX_RETRIES", "0")
    monkeypatch.setenv("ZEQUENZE_CA_PATH", __file__)
    fake_api.script = [response(503, {"detail": "busy"})]
    result = run_module(headless_operation, NIGHTLY, fake_api, capsys, token=None)
    assert result["failed"] is True and result["status"] == 503
    call = fake_api.calls[0]
    assert call["url"] == "https://env.example.test/api/v1/inventory_device_serial_headless_operation/"
    assert call["timeout"] == (10.0, 12.0)
    assert bearer_header(fake_api.session) == "Bearer env-token"
    assert fake_api.session.verify == __file__
    assert "env-token" not in json.dumps(result)


def test_token_with_a_trailing_newline_is_stripped(fake_api, capsys):
    fake_api.script = [response(200, {"count": 0, "next": None, "results": []})]
    result = run_module(headless_operation, NIGHTLY, fake_api, capsys, token=TOKEN + "\n")
    assert result["changed"] is True
    assert bearer_header(fake_api.session) == "Bearer " + TOKEN


@pytest.mark.parametrize("token", ["abc\x01def", "abc\u20acdef"])
def test_token_that_cannot_be_sent_fails_naming_api_token(fake_api, capsys, token):
    result = run_module(headless_operation, NIGHTLY, fake_api, capsys, token=token)
    assert result["failed"] is True
    assert "api_token" in result["msg"]
    assert "abc" not in json.dumps(result)
    assert fake_api.calls == []
