# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The domain: request bodies, both record shapes, identity, creation after ambiguity, waiting."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime
from unittest import mock

import pytest
import requests

from ansible_collections.zequenze.control.plugins.module_utils.client import Client
from ansible_collections.zequenze.control.plugins.module_utils.errors import (
    ApiError,
    AuthenticationError,
    InputError,
    NotFoundError,
    OperationFailedError,
    PaginationError,
    PermissionDeniedError,
    TransportError,
    WaitTimeoutError,
    ZequenzeError,
)
from ansible_collections.zequenze.control.plugins.module_utils.identity import OperationIdentity, record_summary
from ansible_collections.zequenze.control.plugins.module_utils.operations import Operations
from ansible_collections.zequenze.control.plugins.module_utils.records import describe, is_terminal, record_view
from ansible_collections.zequenze.control.plugins.module_utils.timestamps import format_timestamp, parse_timestamp
from ansible_collections.zequenze.control.plugins.module_utils.request_body import build_request_body
from ansible_collections.zequenze.control.plugins.module_utils.wait_outcome import (
    WaitResult,
    check_wait_outcome,
    wait_report,
)
from ansible_collections.zequenze.control.plugins.module_utils.waiter import EtaEstimator, Goal
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import (
    BASE,
    TOKEN,
    FakeApi,
    FakeClock,
    SimulatedOperation,
    make_record,
    response,
)

UTC = datetime.timezone.utc

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
    "id": "67890",
    "operation_type": "bulk_serial_sync",
    "status": "scheduled",
    "created_at": "2024-01-15T14:30:00Z",
    "scheduled_for": "2024-01-16T02:00:00Z",
    "estimated_duration_minutes": 90,
    "target_device_count": 245,
    "operation_config": {"organizations": [101, 102, 103], "device_types": ["router", "switch"], "options": {"update_firmware_info": True}},
    "monitoring_url": "/api/v1/inventory_device_serial_headless_operation/?id=67890",
}


def params(**overrides):
    base = {"data": None, "operation_type": "bulk_serial_sync", "organizations": [101, 102, 103], "device_filters": None, "schedule": None, "options": None}
    base.update(overrides)
    return base


def service(api=None, clock=None, max_retries=2):
    api = api or FakeApi()
    clock = clock or FakeClock()
    client = Client(BASE, TOKEN, session=api.session, max_retries=max_retries, sleep=clock.sleep, jitter=lambda: 0.5, clock=clock.monotonic)
    return Operations(client, clock=clock.monotonic, sleep=clock.sleep), api, clock


# -- timestamps ----------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-01-16T02:00:00Z", datetime.datetime(2024, 1, 16, 2, 0, tzinfo=UTC)),
        ("2024-01-16T03:00:00+01:00", datetime.datetime(2024, 1, 16, 2, 0, tzinfo=UTC)),
        ("2024-01-16 01:30:00-0030", datetime.datetime(2024, 1, 16, 2, 0, tzinfo=UTC)),
        ("2024-01-16T02:00:00.123456789Z", datetime.datetime(2024, 1, 16, 2, 0, 0, 123456, tzinfo=UTC)),
        ("2024-01-16T02:00", datetime.datetime(2024, 1, 16, 2, 0, tzinfo=UTC)),
        (datetime.datetime(2024, 1, 16, 2, 0), datetime.datetime(2024, 1, 16, 2, 0, tzinfo=UTC)),
        ("2024-13-40T02:00:00Z", None),
        ("tomorrow", None),
        (12, None),
    ],
)
def test_parse_timestamp(text, expected):
    assert parse_timestamp(text) == expected


def test_format_timestamp():
    assert format_timestamp(parse_timestamp("2024-01-16T03:00:00+01:00")) == "2024-01-16T02:00:00Z"
    assert format_timestamp(None) is None


# -- request bodies -----------------------------------------------------------
def test_body_from_structured_options_follows_the_documented_curl():
    body = build_request_body(
        params(
            device_filters={"types": ["router", "switch"], "status": ["active", "pending"]},
            schedule={"execute_at": "2024-01-16 02:00:00+00:00", "priority": "normal"},
            options={"update_firmware_info": "yes", "validate_connectivity": True, "timeout_minutes": "120", "custom_flag": "x", "unset": None},
        )
    )
    assert body == {
        "operation_type": "bulk_serial_sync",
        "target_organizations": [101, 102, 103],
        "device_filters": {"types": ["router", "switch"], "status": ["active", "pending"]},
        "schedule": {"execute_at": "2024-01-16T02:00:00+00:00", "priority": "normal"},
        "options": {"update_firmware_info": True, "validate_connectivity": True, "timeout_minutes": 120, "custom_flag": "x"},
    }


def test_body_leaves_out_what_is_not_given():
    body = build_request_body(params(device_filters={"types": None, "status": []}, schedule={"execute_at": "now", "priority": None}, options={}))
    assert body == {"operation_type": "bulk_serial_sync", "target_organizations": [101, 102, 103]}


@pytest.mark.parametrize("execute_at", ["tomorrow", "2024-01-16T02:00:00", "2024-02-30T02:00:00Z"])
def test_body_rejects_execute_at_without_offset_or_unparseable(execute_at):
    with pytest.raises(InputError) as info:
        build_request_body(params(schedule={"execute_at": execute_at, "priority": None}))
    assert "schedule.execute_at" in info.value.message


@pytest.mark.parametrize("name, value, word", [("timeout_minutes", "two hours", "an integer"), ("validate_connectivity", "maybe", "a boolean")])
def test_body_rejects_bad_known_options(name, value, word):
    with pytest.raises(InputError) as info:
        build_request_body(params(options={name: value}))
    assert "options.%s must be %s" % (name, word) in info.value.message


def test_data_is_sent_as_is_from_text_or_mapping():
    assert build_request_body(params(data='{"operation_type": "x", "extra": [1]}')) == {"operation_type": "x", "extra": [1]}
    assert build_request_body(params(data={"a": 1})) == {"a": 1}
    with pytest.raises(InputError) as info:
        build_request_body(params(data="{not json"))
    assert "data must be a JSON object" in info.value.message


@pytest.mark.parametrize("text, kind", [("[1, 2]", "of type list"), ("null", "null"), ('"x"', "of type str"), ("42", "of type int")])
def test_data_text_that_is_not_an_object_names_the_option(text, kind):
    with pytest.raises(InputError) as info:
        build_request_body(params(data=text))
    assert info.value.message == "data must be a JSON object (text or mapping); the text is JSON %s" % kind


@pytest.mark.parametrize("data", [[1, 2], 42, True])
def test_data_that_is_neither_text_nor_mapping_names_the_option(data):
    with pytest.raises(InputError) as info:
        build_request_body(params(data=data))
    assert info.value.message.startswith("data must be a JSON object, as text or as a mapping; got ")


def test_structured_options_need_type_and_organizations():
    with pytest.raises(InputError) as info:
        build_request_body(params(operation_type=None, organizations=None))
    assert "operation_type and organizations are required unless data is given" in info.value.message
    with pytest.raises(InputError) as info:
        build_request_body(params(organizations=None))
    assert "organizations is required unless data is given" in info.value.message


# -- records ------------------------------------------------------------------
def test_record_view_reads_the_get_shape():
    view = record_view(GET_RECORD)
    assert view["organizations"] == [101, 102]
    assert view["device_types"] == ["router", "switch", "access_point"]
    assert view["total_devices"] == 150
    assert view["scheduled_for"] is None
    assert view["estimated_completion"] == datetime.datetime(2024, 1, 15, 12, 15, tzinfo=UTC)


def test_record_view_reads_the_post_shape():
    view = record_view(POST_RECORD)
    assert view["organizations"] == [101, 102, 103]
    assert view["device_types"] == ["router", "switch"]
    assert view["total_devices"] == 245
    assert view["scheduled_for"] == datetime.datetime(2024, 1, 16, 2, 0, tzinfo=UTC)
    assert view["failed_devices"] == 0
    assert view["device_statuses"] is None


def test_describe_and_terminal_states():
    assert describe(GET_RECORD) == ("operation 12345 (status in_progress, progress 65%, " "98 of 150 devices processed, 2 failed)")
    assert describe(POST_RECORD) == "operation 67890 (status scheduled)"
    assert [is_terminal(s) for s in ("completed", "failed", "cancelled", "in_progress", "paused")] == [True, True, True, False, False]


def test_record_summary_is_sorted_and_states_statuses_when_known():
    summary = record_summary(make_record(7, orgs=[102, 101], types=["switch", "router"], statuses=["pending"]))
    assert summary == {
        "id": "7",
        "status": "scheduled",
        "operation_type": "bulk_serial_sync",
        "organizations": [101, 102],
        "device_types": ["router", "switch"],
        "device_statuses": ["pending"],
        "execute_at": "2030-01-16T02:00:00Z",
    }
    assert "device_statuses" not in record_summary(POST_RECORD)


# -- identity -----------------------------------------------------------------
def identity(**overrides):
    body = build_request_body(params(**overrides))
    return OperationIdentity.from_body(body)


SCHEDULED = {"execute_at": "2030-01-16T03:00:00+01:00", "priority": None}


def test_identity_with_execute_at_matches_any_state_at_the_same_moment():
    wanted = identity(organizations=[103, 101, 102], schedule=SCHEDULED, device_filters={"types": ["switch", "router"], "status": ["active"]})
    for status in ("scheduled", "in_progress", "completed", "failed", "cancelled"):
        assert wanted.matches(
            make_record(1, status=status, orgs=[101, 102, 103], types=["router", "switch"], statuses=["active"], scheduled_for="2030-01-16T02:00:00Z")
        )
    assert not wanted.matches(make_record(1, orgs=[101, 102, 103], types=["router", "switch"], statuses=["active"], scheduled_for="2030-01-17T02:00:00Z"))
    assert not wanted.matches(make_record(1, orgs=[101, 102], types=["router", "switch"], statuses=["active"], scheduled_for="2030-01-16T02:00:00Z"))
    assert not wanted.matches(make_record(1, orgs=[101, 102, 103], types=["router"], statuses=["active"], scheduled_for="2030-01-16T02:00:00Z"))
    assert not wanted.matches(make_record(1, orgs=[101, 102, 103], types=["router", "switch"], statuses=["pending"], scheduled_for="2030-01-16T02:00:00Z"))
    assert not wanted.matches(
        make_record(
            1, operation_type="inventory_audit", orgs=[101, 102, 103], types=["router", "switch"], statuses=["active"], scheduled_for="2030-01-16T02:00:00Z"
        )
    )


def test_identity_absent_filters_equal_every_value_as_the_api_records_them():
    wanted = identity(schedule={"execute_at": "2024-01-16T02:00:00Z"}, organizations=[101, 102, 103])
    everything = make_record(
        1,
        orgs=[101, 102, 103],
        types=["router", "switch", "access_point", "firewall"],
        statuses=["active", "pending", "inactive"],
        scheduled_for="2024-01-16T02:00:00Z",
    )
    assert wanted.matches(everything)
    # A record that does not state its device statuses cannot tell them apart.
    assert wanted.matches(POST_RECORD | {"operation_config": {"organizations": [101, 102, 103], "device_types": []}})


def test_identity_without_filters_matches_an_api_that_records_every_value_it_knows():
    wanted = identity(schedule={"execute_at": "2024-01-16T02:00:00Z"}, organizations=[101, 102, 103])
    more = make_record(
        1,
        orgs=[101, 102, 103],
        types=["router", "switch", "access_point", "firewall", "sensor"],
        statuses=["active", "pending", "inactive", "retired"],
        scheduled_for="2024-01-16T02:00:00Z",
    )
    assert wanted.matches(more)
    fewer = make_record(
        1, orgs=[101, 102, 103], types=["router", "switch", "access_point"], statuses=["active", "pending", "inactive"], scheduled_for="2024-01-16T02:00:00Z"
    )
    assert not wanted.matches(fewer)
    # With a filter, matching stays exact: a record of every type is not a request for two.
    routers = identity(schedule={"execute_at": "2024-01-16T02:00:00Z"}, organizations=[101, 102, 103], device_filters={"types": ["router", "switch"]})
    assert not routers.matches(more)
    every = identity(
        schedule={"execute_at": "2024-01-16T02:00:00Z"},
        organizations=[101, 102, 103],
        device_filters={"types": ["router", "switch", "access_point", "firewall"]},
    )
    assert not every.matches(more)
    assert every.matches(make_record(1, orgs=[101, 102, 103], types=[], scheduled_for="2024-01-16T02:00:00Z"))


def test_identity_run_now_matches_only_active_run_now_operations():
    wanted = identity()
    now_op = {"created_at": "2030-01-15T10:00:00Z", "scheduled_for": "2030-01-15T10:00:00Z"}
    for status, expected in (("scheduled", True), ("in_progress", True), ("completed", False), ("failed", False)):
        record = make_record(1, status=status, orgs=[101, 102, 103], types=[], **now_op)
        assert wanted.matches(record) is expected
        assert wanted.matches(record, any_state=True) is True
    later = make_record(1, orgs=[101, 102, 103], types=[], created_at="2030-01-15T10:00:00Z", scheduled_for="2030-01-16T02:00:00Z")
    assert not wanted.matches(later)
    assert wanted.matches(GET_RECORD | {"operation_details": {"organization_ids": [101, 102, 103], "device_types": []}})


def test_identity_from_data_bodies():
    assert OperationIdentity.from_body([1, 2]) is None
    wanted = OperationIdentity.from_body({"operation_type": "inventory_audit", "organizations": 102, "device_filters": "bad", "schedule": "bad"})
    assert wanted.organizations == frozenset([102])
    assert wanted.scheduled_for is None
    assert OperationIdentity.from_body({"target_organizations": ["x", 7]}).organizations == frozenset(["x", 7])


# -- reading ------------------------------------------------------------------
def test_get_by_id_and_unknown_id():
    ops, api, _clock = service()
    api.records = [make_record(5)]
    assert ops.get("5", update_status=True)["id"] == "5"
    assert api.calls[-1]["params"] == {"id": "5", "update_status": "true"}
    assert ops.get("6") is None
    api.script = [response(200, {"count": 1, "results": [make_record(9)]})]
    assert ops.get("5") is None
    api.script = [response(200, make_record(5))]
    assert ops.get("5")["id"] == "5"
    api.script = [response(200, {"unexpected": True})]
    assert ops.get("5") is None


def test_list_passes_page_size_and_update_status():
    ops, api, _clock = service()
    api.records = [make_record(i) for i in range(3)]
    assert len(list(ops.list(update_status=True, page_size=2))) == 3
    assert api.calls[0]["params"] == {"page_size": 2, "update_status": "true"}
    list(ops.list())
    assert api.calls[-1]["params"] is None


# -- waiting ------------------------------------------------------------------
def test_wait_uses_the_estimate_to_poll_rarely_and_finish_promptly():
    ops, api, clock = service()
    op = SimulatedOperation(clock)  # 100 devices x 36 s at 60x: ends 60 s after creation
    op.serve(api)
    result = ops.wait(op.record(), Goal.completed(), timeout=600, poll_interval=2, max_poll_interval=30, created=True)
    assert result.record["status"] == "completed"
    assert not result.timed_out
    assert result.polls <= 5
    lag = clock.now - op.finish_local()
    assert 0 <= lag <= 1.0
    assert max(clock.sleeps) <= 30


def test_wait_ignores_the_old_times_of_a_scheduled_record():
    """A scheduled record's updated_at is its creation: not the server's present."""
    ops, api, clock = service()
    op = SimulatedOperation(clock, start_delay=3600)  # created now, starts 60 s from now at 60x
    op.serve(api)
    clock.now += 50
    result = ops.wait(op.record(), Goal.completed(), timeout=600, poll_interval=2, max_poll_interval=30, refreshed=True)
    assert result.record["status"] == "completed"
    assert result.polls <= 8
    assert clock.sleeps.count(0.5) <= 1
    assert 0 <= clock.now - op.finish_local() <= 1.0


def test_wait_for_start_of_a_future_operation_backs_off_up_to_the_cap():
    ops, api, clock = service()
    op = SimulatedOperation(clock, start_delay=3600)  # starts 60 s from now at 60x
    op.serve(api)
    first = op.record()
    result = ops.wait(first, Goal.started(), timeout=600, poll_interval=2, max_poll_interval=10, refresh_status=False)
    assert result.record["status"] == "in_progress"
    assert clock.sleeps[:4] == [2, 3.0, 4.5, 6.75]
    assert max(clock.sleeps) == 10
    assert api.calls[0]["params"] == {"id": "42"}


def test_wait_times_out_at_the_deadline_without_oversleeping():
    ops, api, clock = service()
    op = SimulatedOperation(clock, per_device=360)  # ends 600 s from now
    op.serve(api)
    start = clock.now
    result = ops.wait(op.record(), Goal.completed(), timeout=45, poll_interval=2, max_poll_interval=30)
    assert result.timed_out
    assert result.record["status"] == "in_progress"
    assert clock.now - start == pytest.approx(45)
    assert result.elapsed == pytest.approx(45)


def test_wait_does_not_let_retry_after_outlast_its_deadline():
    ops, api, clock = service(max_retries=5)
    api.script = [response(503, {"detail": "busy"}, {"Retry-After": "120"})] * 20
    start = clock.now
    record = make_record(42, status="in_progress")
    result = ops.wait(record, Goal.completed(), timeout=10, poll_interval=2, max_poll_interval=5)
    assert clock.now - start <= 10
    assert all(sleep <= 10 for sleep in clock.sleeps)
    # Out of time to retry a failure that might have passed: the wait timed out, saying why.
    assert result.timed_out and result.record is record and result.polls == 1
    assert "HTTP 503" in result.last_error and "deadline" in result.last_error
    with pytest.raises(WaitTimeoutError) as info:
        check_wait_outcome(result, Goal.completed())
    assert "operation 42" in info.value.message and "the last poll failed: GET" in info.value.message


def test_wait_still_fails_on_an_error_retrying_cannot_fix():
    ops, api, clock = service(max_retries=5)
    api.script = [response(401, {"detail": "unknown token"})]
    with pytest.raises(ZequenzeError) as info:
        ops.wait(make_record(42, status="in_progress"), Goal.completed(), timeout=10, poll_interval=2, max_poll_interval=5)
    assert info.value.status == 401 and not info.value.deadline_reached


def _one(record):
    return response(200, {"count": 1, "next": None, "previous": None, "results": [record]})


def _refused():
    return requests.exceptions.ConnectionError("[Errno 111] Connection refused")


def test_wait_rides_through_an_api_restart():
    """Polls whose retries a restart uses up do not end the wait: it backs off and polls again."""
    ops, api, clock = service(max_retries=2)  # 3 attempts per poll
    api.records = [make_record(42, status="completed")]
    api.script = [_one(make_record(42, status="in_progress"))] + [_refused() for _n in range(9)]
    record = make_record(42, status="in_progress")
    result = ops.wait(record, Goal.completed(), timeout=600, poll_interval=2, max_poll_interval=5)
    assert result.record["status"] == "completed" and not result.timed_out
    assert result.polls == 5 and result.failed_polls == 3 and result.last_error is None
    assert len(api.calls) == 1 + 9 + 1
    # Between polls, the polling backoff up to max_poll_interval; the client's own retries in between.
    assert [s for s in clock.sleeps if s >= 2] == [2, 3.0, 4.5, 5, 5]
    check_wait_outcome(result, Goal.completed())
    assert wait_report(result)["failed_polls"] == 3


@pytest.mark.parametrize(
    "failure, words",
    [
        (_refused, "Connection refused"),
        (lambda: response(503, {"detail": "restarting"}), "HTTP 503"),
        (lambda: requests.exceptions.ReadTimeout("read timed out"), "read timed out"),
    ],
)
def test_wait_that_keeps_failing_times_out_at_the_deadline_naming_the_last_failure(failure, words):
    ops, api, clock = service(max_retries=2)
    api.script = [failure() for _n in range(300)]
    start = clock.now
    record = make_record(42, status="in_progress")
    result = ops.wait(record, Goal.completed(), timeout=60, poll_interval=2, max_poll_interval=10)
    assert result.timed_out and result.record is record
    assert clock.now - start <= 60 + 1.0
    assert result.failed_polls == result.polls >= 3
    assert words in result.last_error
    with pytest.raises(WaitTimeoutError) as info:
        check_wait_outcome(result, Goal.completed())
    assert "operation 42" in info.value.message and "the last poll failed: GET" in info.value.message
    assert words in info.value.message


@pytest.mark.parametrize(
    "failure, error_class",
    [
        (lambda: response(401, {"detail": "unknown token"}), AuthenticationError),
        (lambda: response(403, {"detail": "not yours"}), PermissionDeniedError),
        (lambda: response(422, {"detail": "bad id"}), ApiError),
        (lambda: requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED"), TransportError),
        (lambda: requests.exceptions.InvalidURL("bad url"), TransportError),
    ],
)
def test_wait_fails_at_once_on_an_error_retrying_cannot_fix_even_after_a_failed_poll(failure, error_class):
    ops, api, clock = service(max_retries=2)
    api.script = [_one(make_record(42, status="in_progress"))] + [_refused() for _n in range(3)] + [failure()]
    api.records = [make_record(42, status="completed")]
    with pytest.raises(error_class) as info:
        ops.wait(make_record(42, status="in_progress"), Goal.completed(), timeout=600, poll_interval=2, max_poll_interval=5)
    assert len(api.calls) == 1 + 3 + 1  # nothing after the error: no retry, no further poll
    assert not info.value.transient and not info.value.deadline_reached
    assert info.value.message.startswith("While waiting for operation 42")
    assert info.value.wait_result.polls == 2 and info.value.wait_result.failed_polls == 1
    assert not info.value.wait_result.timed_out


def test_wait_caps_each_attempt_at_the_time_left():
    ops, api, clock = service(max_retries=5)

    def slow(*_args):
        clock.now += api.calls[-1]["timeout"][1]
        raise requests.exceptions.ReadTimeout("read timed out")

    api.script = [slow] * 20
    start = clock.now
    result = ops.wait(make_record(42, status="in_progress"), Goal.completed(), timeout=10, poll_interval=2, max_poll_interval=5)
    assert clock.now - start <= 10 + 1.0
    assert api.calls[0]["timeout"] == (8.0, 8.0)
    assert result.timed_out and "read timed out" in result.last_error


def test_wait_never_polls_back_to_back():
    ops, api, clock = service()
    op = SimulatedOperation(clock, per_device=360)
    op.serve(api)

    def bounded(record):
        assert len(api.calls) <= 100, "polling back to back"
        return op.record(record)

    api.on_get = bounded
    result = ops.wait(op.record(), Goal.completed(), timeout=5, poll_interval=0, max_poll_interval=0)
    assert result.timed_out
    assert min(clock.sleeps) == pytest.approx(0.1)
    assert result.polls <= 50


def test_wait_with_zero_timeout_reads_nothing():
    ops, api, clock = service()
    op = SimulatedOperation(clock)
    result = ops.wait(op.record(), Goal.completed(), timeout=0, poll_interval=2, max_poll_interval=30)
    assert result == WaitResult(op.record(), 0.0, 0, True)
    assert api.calls == []


def test_wait_for_a_stalled_operation_polls_soon_then_less_and_less_often():
    ops, api, clock = service()
    op = SimulatedOperation(clock, stall_at=50)  # never finishes: overdue after its estimate
    op.serve(api)
    result = ops.wait(op.record(), Goal.completed(), timeout=300, poll_interval=2, max_poll_interval=30, created=True)
    assert result.timed_out
    first_overdue = clock.sleeps.index(0.5)
    assert clock.sleeps[first_overdue : first_overdue + 6] == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0]
    assert max(clock.sleeps) <= 30
    assert result.polls <= 20


def test_wait_for_an_operation_slower_than_its_estimate_follows_its_progress():
    ops, api, clock = service()
    op = SimulatedOperation(clock, slowdown=3)  # estimated 60 s, takes 180 s
    op.serve(api)
    result = ops.wait(op.record(), Goal.completed(), timeout=600, poll_interval=2, max_poll_interval=30, created=True)
    assert result.record["status"] == "completed"
    assert result.polls <= 12
    assert 0 <= clock.now - op.finish_local() <= 2.0


def test_wait_stops_when_the_goal_cannot_be_reached():
    ops, api, clock = service()
    op = SimulatedOperation(clock, end_status="failed")
    op.serve(api)
    goal = Goal.statuses_in(["in_progress"])
    result = ops.wait(op.record(), goal, timeout=30, poll_interval=2, max_poll_interval=30)
    assert result.record["status"] == "in_progress"
    result = ops.wait(result.record, Goal.statuses_in(["completed"]), timeout=600, poll_interval=2, max_poll_interval=30)
    assert result.record["status"] == "failed" and not result.timed_out


def test_wait_fails_when_the_operation_disappears():
    ops, api, clock = service()
    with pytest.raises(NotFoundError) as info:
        ops.wait(make_record(77, status="in_progress"), Goal.completed(), timeout=60, poll_interval=1, max_poll_interval=5)
    assert "77" in info.value.message
    assert info.value.wait_result.record["id"] == "77"
    assert info.value.wait_result.polls == 1


def test_eta_estimator_falls_back_to_progress_and_refuses_nonsense():
    estimator = EtaEstimator()
    assert estimator.remaining(0, None) is None
    now = datetime.datetime(2030, 1, 1, tzinfo=UTC)
    estimator.observe(0.0, {"status": "scheduled"}, now)
    estimator.observe(0.0, {"status": "scheduled"}, now)  # same sample twice is kept once
    assert estimator.remaining(1.0, now) is None
    estimator.observe(1.0, {"status": "in_progress", "progress": 10}, now)
    assert len(estimator.clock_samples) == 1
    estimator.observe(2.0, {"status": "in_progress", "progress": 10}, now - datetime.timedelta(seconds=5))
    assert estimator.remaining(2.0, now) is None  # server clock going backwards: no pace
    assert estimator.remaining_by_progress(2.0) is None
    estimator.observe(3.0, {"status": "in_progress", "progress": 30})
    assert estimator.remaining_by_progress(3.0) == pytest.approx(7.0)
    estimator.observe(4.0, {"status": "in_progress", "progress": 5})
    assert estimator.remaining_by_progress(4.0) is None
    estimator.observe(5.0, {"status": "in_progress"})
    assert len(estimator.progress_samples) == 3


def test_goal_target_moments():
    scheduled = make_record(1, scheduled_for="2030-01-16T02:00:00Z", estimated_completion="2030-01-16T03:00:00Z")
    assert Goal.started().target_moment(scheduled) == parse_timestamp("2030-01-16T02:00:00Z")
    assert Goal.completed().target_moment(scheduled) == parse_timestamp("2030-01-16T03:00:00Z")
    assert Goal.completed().target_moment(POST_RECORD) == parse_timestamp("2024-01-16T03:30:00Z")
    assert Goal.completed().target_moment({"status": "in_progress"}) is None
    assert Goal.statuses_in(["scheduled", "in_progress"]).moment == "start"
    assert Goal.statuses_in(["completed"]).moment == "completion"


def test_wait_outcomes():
    done = make_record(1, status="completed", failed_devices=3, operation_details={"error_summary": {"connection_timeouts": 3}})
    check_wait_outcome(WaitResult(done, 1.0, 1, False), Goal.completed())
    check_wait_outcome(WaitResult(done, 1.0, 1, False), Goal.completed(), max_failed_devices=3)
    with pytest.raises(OperationFailedError) as info:
        check_wait_outcome(WaitResult(done, 1.0, 1, False), Goal.completed(), max_failed_devices=2)
    assert "3 failed devices, more than max_failed_devices (2)" in info.value.message
    assert "connection_timeouts=3" in info.value.full_message()
    failed = make_record(2, status="failed")
    with pytest.raises(OperationFailedError) as info:
        check_wait_outcome(WaitResult(failed, 1.0, 1, False), Goal.started())
    assert info.value.message.startswith("Operation 2 (status failed")
    check_wait_outcome(WaitResult(failed, 1.0, 1, False), Goal.statuses_in(["failed", "completed"]))
    with pytest.raises(OperationFailedError):
        check_wait_outcome(WaitResult(failed, 1.0, 1, False), Goal.statuses_in(["completed"]))
    running = make_record(3, status="in_progress", progress=40)
    with pytest.raises(WaitTimeoutError) as info:
        check_wait_outcome(WaitResult(running, 30.0, 4, True), Goal.completed())
    assert info.value.wait_result == WaitResult(running, 30.0, 4, True)
    assert "operation 3 (status in_progress, progress 40%" in info.value.message
    assert "headless_operation_info" in info.value.full_message()


def test_wait_report():
    assert wait_report() == {"elapsed": 0.0, "polls": 0, "failed_polls": 0, "timed_out": False}
    assert wait_report(WaitResult({}, 1.23456, 3, True, "GET failed", 2)) == {"elapsed": 1.235, "polls": 3, "failed_polls": 2, "timed_out": True}


def test_operations_default_to_the_real_clock():
    client = mock.create_autospec(Client, instance=True)
    ops = Operations(client)
    assert ops._clock() > 0


# -- odd API answers ------------------------------------------------------------
def test_record_view_reads_odd_shapes_as_absent():
    view = record_view(
        {
            "id": "1",
            "status": ["completed"],
            "operation_details": ["x"],
            "operation_config": "y",
            "device_filters": [1],
            "progress": "abc",
            "processed_devices": {"n": 1},
            "failed_devices": "3",
            "total_devices": True,
            "target_device_count": "100",
            "estimated_duration_minutes": "nan",
            "error_summary": ["timeouts"],
        }
    )
    assert view["status"] is None
    assert view["organizations"] == [] and view["device_types"] == [] and view["device_statuses"] is None
    assert view["progress"] is None and view["processed_devices"] is None
    assert view["failed_devices"] == 3 and view["total_devices"] == 100
    assert view["estimated_duration_minutes"] is None and view["error_summary"] == {}
    assert record_view(None)["id"] is None and record_view(["x"])["id"] is None
    assert record_view({"progress": 12.5, "failed_devices": float("inf")})["progress"] == 12.5
    assert record_view({"failed_devices": float("inf")})["failed_devices"] == 0
    assert record_view({"progress": "12.5"})["progress"] == 12.5
    assert record_view({"target_organizations": 101})["organizations"] == [101]
    odd_types = {"operation_details": {"organization_ids": 101, "device_types": 1.5}}
    assert OperationIdentity.from_record(odd_types)[1:3] == (frozenset([101]), frozenset())
    assert record_view(odd_types).unreadable == ("device_types",)


def test_waiting_survives_odd_numbers_and_statuses():
    odd = make_record(
        1, status="in_progress", progress="abc", processed_devices="x", total_devices=None, estimated_duration_minutes="soon", estimated_completion=None
    )
    estimator = EtaEstimator()
    estimator.observe(0.0, odd)
    assert estimator.progress_samples == []
    assert Goal.completed().target_moment(odd) is None
    huge = make_record(1, status="in_progress", estimated_duration_minutes=1e300, estimated_completion=None)
    assert Goal.completed().target_moment(huge) is None
    listed = make_record(1, status=["completed"])
    assert not Goal.completed().reached(listed) and not Goal.completed().unreachable(listed)
    done = make_record(1, status="completed", failed_devices="3")
    with pytest.raises(OperationFailedError):
        check_wait_outcome(WaitResult(done, 1.0, 1, False), Goal.completed(), max_failed_devices=2)
    check_wait_outcome(
        WaitResult(make_record(1, status="completed", failed_devices="many", operation_details=["x"]), 1.0, 1, False), Goal.completed(), max_failed_devices=2
    )


@pytest.mark.parametrize("result", [None, "x", 5, ["x"]])
def test_results_that_are_not_records_are_errors(result):
    ops, api, _clock = service()
    api.script = [response(200, {"count": 1, "next": None, "previous": None, "results": [result]})]
    with pytest.raises(ApiError) as info:
        ops.get("7")
    assert "not an operation record" in info.value.message
    api.script = [response(200, {"count": 1, "next": None, "previous": None, "results": [result]})]
    with pytest.raises(PaginationError):
        ops.ensure(build_request_body(params()))


def test_server_now_of_odd_running_records():
    from ansible_collections.zequenze.control.plugins.module_utils.waiter import _server_now

    updated = parse_timestamp("2030-01-15T10:30:00Z")
    base = dict(
        status="in_progress",
        created_at="2030-01-15T10:05:00Z",
        scheduled_for="2030-01-15T10:00:00Z",
        updated_at="2030-01-15T10:30:00Z",
        estimated_completion="2030-01-15T11:05:00Z",
    )
    # Started at creation (after its scheduled time): half a device's time from created_at on.
    assert _server_now(record_view(make_record(1, total_devices=60, **base))) == updated + datetime.timedelta(seconds=30)
    assert _server_now(record_view(make_record(1, total_devices=None, target_device_count=None, **base))) == updated
    tiny = make_record(1, total_devices=1e-300, **base)
    assert _server_now(record_view(tiny)) == updated  # an absurd device count cannot overflow the clock
    no_eta = make_record(1, total_devices=60, **base)
    no_eta["estimated_completion"] = None
    assert _server_now(record_view(no_eta)) == updated


def test_a_record_reads_by_attribute_key_and_position():
    view = record_view(GET_RECORD)
    assert record_view(view) is view
    assert view["status"] == view.status and view[0] == view.id
    with pytest.raises(KeyError):
        view["no_such_field"]
