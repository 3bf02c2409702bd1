"""Turn a create request body into an OperationRequest, or an ApiError naming each bad field."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .errors import ApiError, invalid
from .timestamps import parse_offset_datetime
from .vocabulary import (
    DEFAULT_OPTIONS,
    DEFAULT_PRIORITY,
    DEVICE_STATUSES,
    DEVICE_TYPES,
    MAX_ORGANIZATION_ID,
    MAX_ORGANIZATIONS,
    OPERATION_TYPES,
    PRIORITIES,
    TIMEOUT_MINUTES_RANGE,
)

TOP_LEVEL_KEYS = ("operation_type", "target_organizations", "device_filters", "schedule", "options")
FILTER_KEYS = ("types", "status")
SCHEDULE_KEYS = ("execute_at", "priority")
OPTION_KEYS = tuple(DEFAULT_OPTIONS)


@dataclass(frozen=True)
class OperationRequest:
    operation_type: str
    organizations: tuple
    device_types: tuple
    device_statuses: tuple
    execute_at_us: int | None  # None: run now
    priority: str
    options: dict


def parse_create_body(raw: bytes) -> OperationRequest:
    config = _unwrap(_decode(raw))
    errors: list = []
    request = _read_config(config, errors)
    if errors:
        raise invalid(errors)
    return request


def _decode(raw: bytes):
    if not raw.strip():
        raise ApiError(400, "the request body is empty; expected a JSON object", [("body", "expected a JSON object")])
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "malformed JSON in the request body", [("body", f"malformed JSON: {_reason(exc)}")]) from None


def _unwrap(body):
    """Accept the configuration itself, `{"data": "<json string>"}` or `{"data": {...}}`."""
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object", [("body", f"expected a JSON object, got {_kind(body)}")])
    if set(body) != {"data"}:
        return body
    data = body["data"]
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise ApiError(400, "malformed JSON in the data field", [("data", f"malformed JSON: {_reason(exc)}")]) from None
    if not isinstance(data, dict):
        raise ApiError(400, "data must hold a JSON object", [("data", f"expected a JSON object (or a string holding one), got {_kind(data)}")])
    return data


def _read_config(config: dict, errors: list) -> OperationRequest | None:
    _reject_unknown(config, TOP_LEVEL_KEYS, "", errors)

    operation_type = config.get("operation_type")
    if "operation_type" not in config:
        errors.append(("operation_type", "is required; expected one of " + ", ".join(OPERATION_TYPES)))
    elif operation_type not in OPERATION_TYPES or not isinstance(operation_type, str):
        errors.append(("operation_type", f"expected one of {', '.join(OPERATION_TYPES)}, got {_show(operation_type)}"))

    organizations = _read_organizations(config, errors)

    filters = _read_object(config, "device_filters", FILTER_KEYS, errors)
    device_types = _read_choices(filters, "types", "device_filters.types", DEVICE_TYPES, errors)
    device_statuses = _read_choices(filters, "status", "device_filters.status", DEVICE_STATUSES, errors)

    schedule = _read_object(config, "schedule", SCHEDULE_KEYS, errors)
    execute_at_us = None
    execute_at = schedule.get("execute_at")
    if execute_at is not None:
        if not isinstance(execute_at, str):
            errors.append(("schedule.execute_at", f"expected an ISO 8601 string with a UTC offset, got {_kind(execute_at)}"))
        else:
            try:
                execute_at_us = parse_offset_datetime(execute_at)
            except ValueError as exc:
                errors.append(("schedule.execute_at", f"{exc}, got {_show(execute_at)}"))
    priority = schedule.get("priority", DEFAULT_PRIORITY)
    if priority not in PRIORITIES or not isinstance(priority, str):
        errors.append(("schedule.priority", f"expected one of {', '.join(PRIORITIES)}, got {_show(priority)}"))

    given_options = _read_object(config, "options", OPTION_KEYS, errors)
    options = dict(DEFAULT_OPTIONS)
    for flag in ("update_firmware_info", "validate_connectivity"):
        if flag in given_options:
            if isinstance(given_options[flag], bool):
                options[flag] = given_options[flag]
            else:
                errors.append((f"options.{flag}", f"expected true or false, got {_show(given_options[flag])}"))
    if "timeout_minutes" in given_options:
        timeout = given_options["timeout_minutes"]
        low, high = TIMEOUT_MINUTES_RANGE
        if is_integer(timeout) and low <= timeout <= high:
            options["timeout_minutes"] = timeout
        else:
            errors.append(("options.timeout_minutes", f"expected an integer from {low} to {high}, got {_show(timeout)}"))

    if errors:
        return None
    return OperationRequest(
        operation_type=operation_type,
        organizations=organizations,
        device_types=device_types,
        device_statuses=device_statuses,
        execute_at_us=execute_at_us,
        priority=priority,
        options=options,
    )


def is_integer(value) -> bool:
    """A JSON integer: bool is an int subclass in Python, but not an integer here."""
    return isinstance(value, int) and not isinstance(value, bool)


def _read_organizations(config: dict, errors: list) -> tuple:
    field = "target_organizations"
    if field not in config:
        errors.append((field, "is required; expected a non-empty list of organization ids (integers)"))
        return ()
    value = config[field]
    if not isinstance(value, list) or not value:
        errors.append((field, f"expected a non-empty list of organization ids (integers), got {_show(value)}"))
        return ()
    if len(value) > MAX_ORGANIZATIONS:
        errors.append((field, f"expected at most {MAX_ORGANIZATIONS} organization ids, got {len(value)}"))
        return ()
    organizations = {}  # a dict: ordered, and a duplicate costs one lookup (not a scan)
    for index, item in enumerate(value):
        if not is_integer(item) or not 1 <= item <= MAX_ORGANIZATION_ID:
            errors.append((f"{field}[{index}]", f"expected an organization id (integer from 1 to {MAX_ORGANIZATION_ID}), got {_show(item)}"))
        else:
            organizations.setdefault(item, None)
    return tuple(organizations)


def _read_object(config: dict, field: str, known: tuple, errors: list) -> dict:
    value = config.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append((field, f"expected an object, got {_kind(value)}"))
        return {}
    _reject_unknown(value, known, field + ".", errors)
    return value


def _read_choices(container: dict, key: str, field: str, allowed: tuple, errors: list) -> tuple:
    """A non-empty list drawn from `allowed`; absent means all of them."""
    if container.get(key) is None:
        return allowed
    value = container[key]
    if not isinstance(value, list) or not value:
        errors.append((field, f"expected a non-empty list of {', '.join(allowed)}, got {_show(value)}"))
        return ()
    chosen = {}
    for index, item in enumerate(value):
        if not isinstance(item, str) or item not in allowed:
            errors.append((f"{field}[{index}]", f"expected one of {', '.join(allowed)}, got {_show(item)}"))
        else:
            chosen.setdefault(item, None)
    return tuple(chosen)


def _reject_unknown(value: dict, known: tuple, prefix: str, errors: list) -> None:
    for key in value:
        if key not in known:
            name = key if key.isidentifier() else json.dumps(key)  # an empty or odd key stays visible
            errors.append((f"{prefix}{name}", f"unknown key; expected one of {', '.join(known)}"))


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "an integer", float: "a number", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _show(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, ValueError) else "nested too deeply"
