# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The POST body of a headless operation, from the data option or the structured ones."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math

from ansible.module_utils.common.validation import check_type_bool, check_type_int

from ansible_collections.zequenze.control.plugins.module_utils.errors import InputError
from ansible_collections.zequenze.control.plugins.module_utils.timestamps import has_explicit_offset, parse_timestamp

# Deeper than this, data is not an operation configuration (and recursion would overflow).
MAX_DATA_DEPTH = 32
_JSON_SCALARS = (str, int, float, bool, type(None))

# The structured options: the data option holds the same configuration, as the API document gives it.
STRUCTURED_OPTIONS = ("operation_type", "organizations", "device_filters", "schedule", "options")
# Declared type raw and checked by api_module.require_mappings: see mapping_options.py.
MAPPING_SUBOPTIONS = dict(
    device_filters=dict(
        types=dict(type="list", elements="str"),
        status=dict(type="list", elements="str"),
    ),
    schedule=dict(
        execute_at=dict(type="str", default="now"),
        priority=dict(type="str", choices=["low", "normal", "high"]),
    ),
)

KNOWN_OPTION_TYPES = {
    "update_firmware_info": "bool",
    "validate_connectivity": "bool",
    "timeout_minutes": "int",
}


def configuration_argument_spec():
    """The options of plugins/doc_fragments/create.py's CONFIGURATION part."""
    return dict(
        operation_type=dict(type="str"),
        organizations=dict(type="list", elements="int", aliases=["target_organizations"]),
        device_filters=dict(type="raw"),
        schedule=dict(type="raw"),
        options=dict(type="dict"),
        data=dict(type="raw"),
        validate_vocabulary=dict(type="bool", default=True),
    )


def _checked_option(name, value):
    kind = KNOWN_OPTION_TYPES.get(name)
    try:
        if kind == "bool":
            return check_type_bool(value)
        if kind == "int":
            return check_type_int(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError("options.%s must be %s, got %r" % (name, "a boolean" if kind == "bool" else "an integer", value))
    return value


def _refuse_constant(name):
    raise ValueError("%s is not a JSON number" % name)


def _path(parts):
    return "".join("[%d]" % p if isinstance(p, int) else ".%s" % p for p in parts)


def check_json_value(name, value):
    """Refuse what cannot be sent as JSON: nesting deeper than MAX_DATA_DEPTH, NaN or infinity, other types.

    Iterative, so no depth can overflow Python's stack; the message names the place.
    """
    todo = [(value, ())]
    while todo:
        item, parts = todo.pop()
        if len(parts) > MAX_DATA_DEPTH:
            raise InputError(
                "%s is nested more than %d levels deep (at %s%s); an operation configuration "
                "is a few levels deep" % (name, MAX_DATA_DEPTH, name, _path(parts[:3]) + "...")
            )
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, _JSON_SCALARS):
                    raise InputError("%s%s has a key of type %s; JSON keys are text" % (name, _path(parts), type(key).__name__))
                todo.append((child, parts + ("%s" % (key,),)))
        elif isinstance(item, (list, tuple)):
            todo.extend((child, parts + (index,)) for index, child in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            raise InputError("%s%s must be a finite number, got %s" % (name, _path(parts), item))
        elif not isinstance(item, _JSON_SCALARS):
            raise InputError("%s%s must be JSON (text, number, boolean, null, list or mapping), got %s" % (name, _path(parts), type(item).__name__))
    return value


def parse_data(data):
    """The data option as a dict: a JSON object given as text or as a mapping."""
    if isinstance(data, dict):
        return check_json_value("data", data)
    if not isinstance(data, str):
        raise InputError("data must be a JSON object, as text or as a mapping; got %s" % type(data).__name__)
    try:
        # NaN, Infinity and 1e400 are not JSON numbers the API reads; refusing them here keeps
        # them out of identities (int(Infinity) overflows) and out of requests' encoder.
        parsed = json.loads(data, parse_constant=_refuse_constant, parse_float=lambda text: _finite(float(text), text))
    except RecursionError:
        raise InputError("data is nested more than %d levels deep; an operation configuration is a few " "levels deep" % MAX_DATA_DEPTH)
    except ValueError as exc:
        raise InputError("data must be a JSON object (text or mapping); it is not valid JSON: %s" % exc)
    check_json_value("data", parsed)
    if not isinstance(parsed, dict):
        raise InputError(
            "data must be a JSON object (text or mapping); the text is JSON %s" % ("null" if parsed is None else "of type %s" % type(parsed).__name__)
        )
    return parsed


def _finite(number, text):
    if not math.isfinite(number):
        raise ValueError("%s is too large for a JSON number" % text[:40])
    return number


def _checked_execute_at(name, execute_at):
    """execute_at as sent: 'now' stays, a date and time needs an offset and must exist."""
    text = ("%s" % execute_at).strip()
    if parse_timestamp(text) is None or not has_explicit_offset(text):
        raise InputError(
            "%s must be 'now' or an ISO 8601 date and time with an offset (under 24 hours), such as "
            "2024-01-16T02:00:00Z or 2024-01-16T02:00:00+01:00; got %r" % (name, text[:80])
        )
    return text.replace(" ", "T", 1)


def build_request_body(params):
    """The POST body: data as is, or the configuration object from the structured options."""
    if params.get("data") is not None:
        body = parse_data(params["data"])
        schedule = body.get("schedule")
        execute_at = schedule.get("execute_at") if isinstance(schedule, dict) else None
        if execute_at is not None and execute_at != "now":
            # An unreadable time would make the identity "run now" and match the wrong operation.
            _checked_execute_at("data.schedule.execute_at", execute_at)
        return body
    missing = [name for name in ("operation_type", "organizations") if params.get(name) is None]
    if missing:  # data: null passes required_one_of, yet gives nothing to send
        raise InputError("%s %s required unless data is given (data is null)" % (" and ".join(missing), "is" if len(missing) == 1 else "are"))
    body = {
        "operation_type": params["operation_type"],
        "target_organizations": list(params["organizations"]),
    }
    filters = params.get("device_filters") or {}
    device_filters = dict((k, list(filters[k])) for k in ("types", "status") if filters.get(k))
    if device_filters:
        body["device_filters"] = device_filters
    schedule = params.get("schedule") or {}
    sched = {}
    execute_at = schedule.get("execute_at")
    if execute_at is not None and "%s" % execute_at != "now":
        sched["execute_at"] = _checked_execute_at("schedule.execute_at", execute_at)
    if schedule.get("priority"):
        sched["priority"] = schedule["priority"]
    if sched:
        body["schedule"] = sched
    options = params.get("options") or {}
    cleaned = dict((k, _checked_option(k, v)) for k, v in options.items() if v is not None)
    if cleaned:
        body["options"] = check_json_value("options", cleaned)
    return body
