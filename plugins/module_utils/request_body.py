# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The POST body of a headless operation, from the data option or the structured ones."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.module_utils.common.validation import check_type_bool, check_type_int

from ansible_collections.zequenze.control.plugins.module_utils.errors import InputError
from ansible_collections.zequenze.control.plugins.module_utils.records import has_explicit_offset, parse_timestamp

KNOWN_OPTION_TYPES = {
    "update_firmware_info": "bool",
    "validate_connectivity": "bool",
    "timeout_minutes": "int",
}


def _checked_option(name, value):
    kind = KNOWN_OPTION_TYPES.get(name)
    try:
        if kind == "bool":
            return check_type_bool(value)
        if kind == "int":
            return check_type_int(value)
    except TypeError:
        raise InputError("options.%s must be %s, got %r" % (
            name, "a boolean" if kind == "bool" else "an integer", value))
    return value


def parse_data(data):
    """The data option as a dict: a JSON object given as text or as a mapping."""
    if isinstance(data, dict):
        return data
    if not isinstance(data, str):
        raise InputError("data must be a JSON object, as text or as a mapping; got %s %r" % (
            type(data).__name__, data))
    try:
        parsed = json.loads(data)
    except ValueError as exc:
        raise InputError("data must be a JSON object (text or mapping); it is not valid JSON: %s" % exc)
    if not isinstance(parsed, dict):
        raise InputError("data must be a JSON object (text or mapping); the text is JSON %s" % (
            "null" if parsed is None else "of type %s" % type(parsed).__name__))
    return parsed


def build_request_body(params):
    """The POST body: data as is, or the configuration object from the structured options."""
    if params.get("data") is not None:
        return parse_data(params["data"])
    missing = [name for name in ("operation_type", "organizations") if params.get(name) is None]
    if missing:  # data: null passes required_one_of, yet gives nothing to send
        raise InputError("%s %s required unless data is given (data is null)" % (
            " and ".join(missing), "is" if len(missing) == 1 else "are"))
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
        text = ("%s" % execute_at).strip()
        if parse_timestamp(text) is None or not has_explicit_offset(text):
            raise InputError(
                "schedule.execute_at must be 'now' or an ISO 8601 date and time with an offset, "
                "such as 2024-01-16T02:00:00Z or 2024-01-16T02:00:00+01:00; got %r" % text)
        sched["execute_at"] = text.replace(" ", "T", 1)
    if schedule.get("priority"):
        sched["priority"] = schedule["priority"]
    if sched:
        body["schedule"] = sched
    options = params.get("options") or {}
    cleaned = dict((k, _checked_option(k, v)) for k, v in options.items() if v is not None)
    if cleaned:
        body["options"] = cleaned
    return body
