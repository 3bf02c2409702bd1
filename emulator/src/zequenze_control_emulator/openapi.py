"""The OpenAPI 3.0 document served at /openapi.json, kept precise enough for schema-driven fuzzing."""

from __future__ import annotations

from .operations import API_PATH
from .vocabulary import (
    DEVICE_STATUSES,
    DEVICE_TYPES,
    ERROR_CATEGORIES,
    MAX_ORGANIZATION_ID,
    OPERATION_TYPES,
    PRIORITIES,
    STATUSES,
    TIMEOUT_MINUTES_RANGE,
)

# RFC 3339 with a mandatory offset, years 1970-8999 (what the server accepts).
EXECUTE_AT_PATTERN = (
    r"^(19[7-9][0-9]|[2-8][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]"
    r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(description: str, headers=None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}
    if headers:
        response["headers"] = headers
    return response


_INTEGER_HEADER = {"schema": {"type": "integer", "minimum": 0}}
_RESPONSES = {
    "400": _error_response("Malformed JSON, or a body that is not a JSON object"),
    "401": _error_response("Missing, malformed or unknown bearer token", {"WWW-Authenticate": {"schema": {"type": "string"}}}),
    "403": _error_response("A target organization lies outside the token's scope"),
    "404": _error_response("Unknown operation id, or one the token may not see"),
    "413": _error_response("A request body over 1 MiB, refused before it is read"),
    "422": _error_response("Valid JSON with invalid parameters; `errors` names each field"),
    "429": _error_response("Rate limited; retry after `Retry-After` seconds", {"Retry-After": _INTEGER_HEADER}),
    "500": _error_response("Internal server error"),
    "503": _error_response("Service unavailable; retry after `Retry-After` seconds", {"Retry-After": _INTEGER_HEADER}),
}


def _string_list(values, description: str) -> dict:
    return {"type": "array", "minItems": 1, "nullable": True, "items": {"type": "string", "enum": list(values)}, "description": description}


def _schemas() -> dict:
    organizations = {
        "type": "array",
        "minItems": 1,
        "items": {"type": "integer", "minimum": 1, "maximum": MAX_ORGANIZATION_ID},
    }
    options = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "update_firmware_info": {"type": "boolean", "default": False},
            "validate_connectivity": {"type": "boolean", "default": False},
            "timeout_minutes": {
                "type": "integer",
                "minimum": TIMEOUT_MINUTES_RANGE[0],
                "maximum": TIMEOUT_MINUTES_RANGE[1],
                "default": 1440,
            },
        },
    }
    timestamp = {"type": "string", "format": "date-time"}
    return {
        "Error": {
            "type": "object",
            "required": ["detail", "errors"],
            "properties": {
                "detail": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        },
        "OperationConfiguration": {
            "type": "object",
            "additionalProperties": False,
            "required": ["operation_type", "target_organizations"],
            "properties": {
                "operation_type": {"type": "string", "enum": list(OPERATION_TYPES)},
                "target_organizations": organizations,
                # null stands for an absent object or list, as Ansible often sends it.
                "device_filters": {
                    "type": "object",
                    "nullable": True,
                    "additionalProperties": False,
                    "properties": {
                        "types": _string_list(DEVICE_TYPES, "Device types; all when absent"),
                        "status": _string_list(DEVICE_STATUSES, "Device statuses; all when absent"),
                    },
                },
                "schedule": {
                    "type": "object",
                    "nullable": True,
                    "additionalProperties": False,
                    "properties": {
                        "execute_at": {
                            "type": "string",
                            "format": "date-time",
                            "pattern": EXECUTE_AT_PATTERN,
                            "nullable": True,
                            "description": "ISO 8601 with a UTC offset; absent or null runs the operation now",
                        },
                        "priority": {"type": "string", "enum": list(PRIORITIES), "default": "normal"},
                    },
                },
                "options": {**options, "nullable": True},
            },
        },
        "DataWrapper": {
            "type": "object",
            "additionalProperties": False,
            "required": ["data"],
            # A JSON string holding the configuration is accepted too (the upstream
            # document's form), but a schema cannot say "a string that parses to this".
            "description": "The configuration under `data`; `data` may also be a JSON string holding it",
            "properties": {"data": _ref("OperationConfiguration")},
        },
        "Operation": {
            "type": "object",
            "required": [
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
            ],
            "properties": {
                "id": {"type": "string"},
                "operation_type": {"type": "string", "enum": list(OPERATION_TYPES)},
                "status": {"type": "string", "enum": list(STATUSES)},
                "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                "total_devices": {"type": "integer", "minimum": 0},
                "processed_devices": {"type": "integer", "minimum": 0},
                "failed_devices": {"type": "integer", "minimum": 0},
                "created_at": timestamp,
                "updated_at": timestamp,
                "scheduled_for": timestamp,
                "estimated_duration_minutes": {"type": "integer", "minimum": 0},
                "estimated_completion": timestamp,
                "target_device_count": {"type": "integer", "minimum": 0},
                "operation_details": {
                    "type": "object",
                    "required": ["device_types", "organization_ids", "device_statuses", "error_summary"],
                    "properties": {
                        "device_types": {"type": "array", "items": {"type": "string", "enum": list(DEVICE_TYPES)}},
                        "organization_ids": {"type": "array", "items": {"type": "integer"}},
                        "device_statuses": {"type": "array", "items": {"type": "string", "enum": list(DEVICE_STATUSES)}},
                        "error_summary": {
                            "type": "object",
                            "required": list(ERROR_CATEGORIES),
                            "properties": {c: {"type": "integer", "minimum": 0} for c in ERROR_CATEGORIES},
                        },
                    },
                },
                "operation_config": {
                    "type": "object",
                    "required": ["organizations", "device_types", "device_statuses", "options", "priority"],
                    "properties": {
                        "organizations": {"type": "array", "items": {"type": "integer"}},
                        "device_types": {"type": "array", "items": {"type": "string", "enum": list(DEVICE_TYPES)}},
                        "device_statuses": {"type": "array", "items": {"type": "string", "enum": list(DEVICE_STATUSES)}},
                        "options": {**options, "required": list(options["properties"])},
                        "priority": {"type": "string", "enum": list(PRIORITIES)},
                    },
                },
                "monitoring_url": {"type": "string"},
            },
        },
        "OperationPage": {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "next": {"type": "string", "nullable": True, "description": "Absolute URL of the next page"},
                "previous": {"type": "string", "nullable": True, "description": "Absolute URL of the previous page"},
                "results": {"type": "array", "items": _ref("Operation")},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status", "pid", "simulated_time", "time_scale"],
            "properties": {
                "status": {"type": "string", "enum": ["ok"]},
                "pid": {
                    "type": "integer",
                    "description": "Process id of this emulator: a readiness probe checks it " "is the process it started, not another server on the port",
                },
                "simulated_time": timestamp,
                "time_scale": {"type": "number"},
            },
        },
    }


def _pick(*codes: str) -> dict:
    return {code: _RESPONSES[code] for code in codes}


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Zequenze Control API emulator: headless inventory operations",
            "version": "1.0.0",
            "description": "Emulates GET and POST /api/v1/inventory_device_serial_headless_operation/.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/healthz": {
                "get": {
                    "operationId": "healthz",
                    "summary": "Readiness (no authentication, never faulted)",
                    "security": [],
                    "responses": {"200": {"description": "Ready", "content": {"application/json": {"schema": _ref("Health")}}}},
                }
            },
            API_PATH: {
                "get": {
                    "operationId": "listOperations",
                    "summary": "List operations newest first, or one operation by id",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                            "description": "One operation; answered as a page holding one result",
                        },
                        {
                            "name": "update_status",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "boolean"},
                            "description": "Refresh progress to the current simulated time before answering",
                        },
                        {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 10**9, "default": 1}},
                        {"name": "page_size", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
                    ],
                    "responses": {
                        "200": {"description": "A page of operations", "content": {"application/json": {"schema": _ref("OperationPage")}}},
                        **_pick("401", "404", "422", "429", "500", "503"),
                    },
                },
                "post": {
                    "operationId": "createOperation",
                    "summary": "Schedule an operation",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"oneOf": [_ref("OperationConfiguration"), _ref("DataWrapper")]}}},
                    },
                    "responses": {
                        "201": {
                            "description": "Created",
                            "headers": {"Location": {"schema": {"type": "string"}}},
                            "content": {"application/json": {"schema": _ref("Operation")}},
                            "links": {
                                "GetCreatedOperation": {
                                    "operationId": "listOperations",
                                    "parameters": {"id": "$response.body#/id"},
                                    "description": "The created operation, by id",
                                }
                            },
                        },
                        **_pick("400", "401", "403", "413", "422", "429", "500", "503"),
                    },
                },
            },
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
