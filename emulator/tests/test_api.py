"""Status codes, record shapes and validation messages of the operations endpoint."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json

import pytest
import requests
from tests.support.api import Api, operation_body

RECORD_FIELDS = {
    "id",
    "operation_type",
    "status",
    "progress",
    "total_devices",
    "processed_devices",
    "failed_devices",
    "created_at",
    "updated_at",
    "scheduled_for",
    "estimated_duration_minutes",
    "estimated_completion",
    "target_device_count",
    "operation_details",
    "operation_config",
    "monitoring_url",
}


def test_healthz_needs_no_token(emulator):
    answer = requests.get(emulator.base_url + "/healthz", timeout=5)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"
    assert answer.json()["simulated_time"].endswith("Z")
    assert answer.json()["pid"] == emulator.process.pid


def test_create_answers_201_with_every_field_of_both_examples(api):
    answer = api.post(operation_body())
    assert answer.status_code == 201, answer.text
    record = answer.json()
    assert set(record) == RECORD_FIELDS
    assert isinstance(record["id"], str)
    assert record["status"] == "scheduled"
    assert record["operation_type"] == "bulk_serial_sync"
    assert record["scheduled_for"] == "2024-01-16T02:00:00Z"
    assert record["target_device_count"] == record["total_devices"] > 0
    assert record["estimated_duration_minutes"] > 0
    assert record["operation_config"] == {
        "organizations": [101, 102, 103],
        "device_types": ["router", "switch"],
        "device_statuses": ["active", "pending"],
        "options": {"update_firmware_info": True, "validate_connectivity": True, "timeout_minutes": 120},
        "priority": "normal",
    }
    details = record["operation_details"]
    assert details["organization_ids"] == [101, 102, 103]
    assert details["device_types"] == ["router", "switch"]
    assert details["device_statuses"] == ["active", "pending"]
    assert details["error_summary"] == {"connection_timeouts": 0, "authentication_failures": 0, "unsupported_firmware": 0}
    assert record["monitoring_url"] == f"/api/v1/inventory_device_serial_headless_operation/?id={record['id']}"
    assert answer.headers["location"].endswith(f"?id={record['id']}")
    for field in ("created_at", "updated_at", "scheduled_for", "estimated_completion"):
        assert record[field].endswith("Z"), field


def test_get_by_id_answers_the_list_envelope_with_one_result(api):
    created = api.create_from_example()
    answer = api.get(id=created["id"])
    assert answer.status_code == 200
    page = answer.json()
    assert page["count"] == 1 and page["next"] is None and page["previous"] is None
    assert [r["id"] for r in page["results"]] == [created["id"]]
    assert set(page["results"][0]) == RECORD_FIELDS


@pytest.mark.parametrize("wrap", ["string", "object"])
def test_data_wrapper_forms_are_accepted(api, wrap):
    config = operation_body(operation_type="inventory_audit")
    data = json.dumps(config) if wrap == "string" else config
    answer = api.post({"data": data})
    assert answer.status_code == 201, answer.text
    assert answer.json()["operation_type"] == "inventory_audit"


def test_defaults_when_filters_schedule_and_options_are_absent(api):
    record = api.create_from_example(device_filters=None, schedule=None, options=None)
    assert record["operation_config"]["device_types"] == ["router", "switch", "access_point", "firewall"]
    assert record["operation_config"]["device_statuses"] == ["active", "pending", "inactive"]
    assert record["operation_config"]["priority"] == "normal"
    assert record["operation_config"]["options"] == {"update_firmware_info": False, "validate_connectivity": False, "timeout_minutes": 1440}
    assert record["scheduled_for"] == record["created_at"]


def test_null_stands_for_an_absent_object_or_list(api):
    record = api.create_from_example(device_filters={"types": None, "status": ["active"]}, schedule={"execute_at": None}, options={"timeout_minutes": 30})
    assert record["operation_config"]["device_types"] == ["router", "switch", "access_point", "firewall"]
    assert record["scheduled_for"] == record["created_at"]
    body = operation_body()
    body.update(device_filters=None, schedule=None, options=None)
    assert api.post(body).status_code == 201


def test_execute_at_with_an_offset_is_normalized_to_utc(api):
    record = api.create_from_example(schedule={"execute_at": "2030-06-01T04:00:00+02:00"})
    assert record["scheduled_for"] == "2030-06-01T02:00:00Z"


@pytest.mark.parametrize(
    "raw, field",
    [
        (b"{not json", "body"),
        (b"", "body"),
        (b"[1, 2]", "body"),
        (b'"a string"', "body"),
        (b'{"data": "{broken"}', "data"),
        (b'{"data": "[1]"}', "data"),
        (b'{"data": 5}', "data"),
    ],
)
def test_malformed_bodies_answer_400_naming_the_field(api, raw, field):
    answer = api.session.post(api.url, data=raw, headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["detail"]
    assert [e["field"] for e in body["errors"]] == [field]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"operation_type": "defragment"}, "operation_type"),
        ({"operation_type": None}, "operation_type"),
        ({"target_organizations": []}, "target_organizations"),
        ({"target_organizations": None}, "target_organizations"),
        ({"target_organizations": [101, "102"]}, "target_organizations[1]"),
        ({"target_organizations": [101, True]}, "target_organizations[1]"),
        ({"target_organizations": [0]}, "target_organizations[0]"),
        ({"target_organizations": 101}, "target_organizations"),
        ({"device_filters": {"types": ["toaster"]}}, "device_filters.types[0]"),
        ({"device_filters": {"status": ["retired"]}}, "device_filters.status[0]"),
        ({"device_filters": {"types": []}}, "device_filters.types"),
        ({"device_filters": {"colour": ["red"]}}, "device_filters.colour"),
        ({"device_filters": ["router"]}, "device_filters"),
        ({"schedule": {"execute_at": "2024-01-16T02:00:00"}}, "schedule.execute_at"),
        ({"schedule": {"execute_at": "tomorrow"}}, "schedule.execute_at"),
        ({"schedule": {"execute_at": 1700000000}}, "schedule.execute_at"),
        ({"schedule": {"priority": "urgent"}}, "schedule.priority"),
        ({"schedule": {"when": "now"}}, "schedule.when"),
        ({"options": {"timeout_minutes": 0}}, "options.timeout_minutes"),
        ({"options": {"timeout_minutes": 1441}}, "options.timeout_minutes"),
        ({"options": {"timeout_minutes": "60"}}, "options.timeout_minutes"),
        ({"options": {"validate_connectivity": "yes"}}, "options.validate_connectivity"),
        ({"options": {"dry_run": True}}, "options.dry_run"),
        ({"organisation": 101}, "organisation"),
    ],
)
def test_invalid_parameters_answer_422_naming_the_field(api, overrides, field):
    answer = api.post(operation_body(**overrides))
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert field in body["detail"]
    assert field in [e["field"] for e in body["errors"]]
    assert all(e["message"] for e in body["errors"])


def test_every_invalid_field_is_reported_at_once(api):
    answer = api.post(operation_body(operation_type="x", schedule={"priority": "now"}, options={"timeout_minutes": -1}))
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"operation_type", "schedule.priority", "options.timeout_minutes"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Basic ZGVtbzpkZW1v"},
        {"Authorization": "Bearer"},
    ],
)
def test_missing_or_unknown_token_answers_401(emulator, headers):
    for method in ("get", "post"):
        answer = requests.request(method, emulator.operations_url, headers=headers, json=operation_body(), timeout=10)
        assert answer.status_code == 401, answer.text
        assert answer.headers["www-authenticate"] == "Bearer"
        assert answer.json()["errors"][0]["field"] == "Authorization"


def test_unauthorized_create_creates_nothing(emulator, api):
    before = api.get().json()["count"]
    requests.post(emulator.operations_url, json=operation_body(), timeout=10)
    assert api.get().json()["count"] == before


@pytest.mark.parametrize("operation_id", ["999999", "abc", "", "1" * 40, "-1"])
def test_unknown_id_answers_404(api, operation_id):
    answer = api.get(id=operation_id)
    assert answer.status_code == 404, answer.text
    assert answer.json()["errors"][0]["field"] == "id"


def test_only_the_canonical_id_names_an_operation(api):
    operation_id = api.create_from_example()["id"]
    assert api.get(id=operation_id).status_code == 200
    for other in ("0" + operation_id, "00" + operation_id, "+" + operation_id, " " + operation_id, "0"):
        answer = api.get(id=other)
        assert answer.status_code == 404, (other, answer.text)
        assert answer.json()["errors"][0]["field"] == "id"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "1001"}, "page_size"),
        ({"update_status": "maybe"}, "update_status"),
        ({"id": "1", "page_size": "false"}, "page_size"),
    ],
)
def test_bad_query_parameters_answer_422(api, params, field):
    answer = api.get(**params)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == field


def test_unknown_path_and_method_answer_json(emulator, api):
    answer = api.session.get(emulator.base_url + "/api/v1/nothing/", timeout=10)
    assert answer.status_code == 404 and answer.json()["detail"]
    answer = api.session.delete(api.url, timeout=10)
    assert answer.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in answer.headers["allow"].split(",")}


def test_openapi_document_declares_the_api(emulator):
    document = requests.get(emulator.base_url + "/openapi.json", timeout=10).json()
    operations = document["paths"]["/api/v1/inventory_device_serial_headless_operation/"]
    assert set(operations["get"]["responses"]) >= {"200", "401", "404", "422"}
    assert set(operations["post"]["responses"]) >= {"201", "400", "401", "403", "422"}
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_newest_first(api: Api):
    first = api.create_from_example()
    second = api.create_from_example()
    ids = [r["id"] for r in api.get(page_size=2).json()["results"]]
    assert ids == [second["id"], first["id"]]
