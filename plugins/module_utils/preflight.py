# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pre-flight checks of a create request body, before the API sees it.

Every rule of the API's create contract that can be known without asking the
API: the vocabulary (operation types, device types and statuses, priorities,
known keys), the timeout_minutes range, the execute_at format, and the
organization ids. The token's scope cannot be known without a POST.

The same checks run on the body built from the structured options and on the
raw data form, so check mode refuses what the real run would be refused.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json

from ansible_collections.zequenze.control.plugins.module_utils.errors import InputError
from ansible_collections.zequenze.control.plugins.module_utils.timestamps import has_explicit_offset, parse_timestamp
from ansible_collections.zequenze.control.plugins.module_utils.request_body import build_request_body

OPERATION_TYPES = ("bulk_serial_sync", "inventory_audit", "status_update", "compliance_report")
DEVICE_TYPES = ("router", "switch", "access_point", "firewall")
DEVICE_STATUSES = ("active", "pending", "inactive")
PRIORITIES = ("low", "normal", "high")
TOP_LEVEL_KEYS = ("operation_type", "target_organizations", "device_filters", "schedule", "options")
FILTER_KEYS = ("types", "status")
SCHEDULE_KEYS = ("execute_at", "priority")
FLAG_OPTIONS = ("update_firmware_info", "validate_connectivity")
OPTION_KEYS = FLAG_OPTIONS + ("timeout_minutes",)
TIMEOUT_MINUTES_RANGE = (1, 1440)
MAX_ORGANIZATION_ID = 2**31 - 1
# An execute_at this far in the past is a mistake worth a warning: it starts at once.
PAST_TOLERANCE = datetime.timedelta(minutes=5)
SCOPE_NOTE = "The token's scope (HTTP 403 for an organization outside it) cannot be known without creating the operation; check mode does not check it"

# The span of execute_at values the API accepts.
EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
LATEST = datetime.datetime(9000, 1, 1, tzinfo=datetime.timezone.utc)


def request_body(params):
    """The body to send for the module options, checked as the API would check it."""
    body = normalize(build_request_body(params))
    validate(body, check_vocabulary=params.get("validate_vocabulary", True))
    return body


def normalize(body):
    """The body with execute_at 'now' dropped, as the structured options do: the API wants no value."""
    schedule = body.get("schedule") if isinstance(body, dict) else None
    if not isinstance(schedule, dict) or schedule.get("execute_at") != "now":
        return body
    body = dict(body)
    schedule = dict((k, v) for k, v in schedule.items() if k != "execute_at")
    if schedule:
        body["schedule"] = schedule
    else:
        del body["schedule"]
    return body


def validate(body, check_vocabulary=True):
    """Raise InputError listing every field of body the API would refuse; nothing is sent then.

    check_vocabulary=False accepts operation types, device types and statuses,
    priorities and keys this collection does not know (an API newer than it).
    """
    problems = []
    vocabulary = _Vocabulary(problems) if check_vocabulary else _Vocabulary(None)
    body = _unwrapped(body, problems)
    if body is not None:
        vocabulary.keys(body, TOP_LEVEL_KEYS, "")
        _check_operation_type(body, vocabulary, problems)
        _check_organizations(body.get("target_organizations"), problems)
        filters = _mapping(body, "device_filters", problems)
        vocabulary.keys(filters, FILTER_KEYS, "device_filters.")
        _check_choices(filters.get("types"), "device_filters.types", DEVICE_TYPES, vocabulary, problems)
        _check_choices(filters.get("status"), "device_filters.status", DEVICE_STATUSES, vocabulary, problems)
        schedule = _mapping(body, "schedule", problems)
        vocabulary.keys(schedule, SCHEDULE_KEYS, "schedule.")
        _check_execute_at(schedule.get("execute_at"), problems)
        if schedule.get("priority") is not None:
            vocabulary.choice(schedule["priority"], "schedule.priority", PRIORITIES)
        options = _mapping(body, "options", problems)
        vocabulary.keys(options, OPTION_KEYS, "options.")
        _check_options(options, problems)
    if problems:
        raise InputError(
            "The request would be refused by the API, so nothing was sent: %s" % "; ".join("%s: %s" % problem for problem in problems),
            errors=[{"field": field, "message": message} for field, message in problems],
            hint="Fix the fields named above; validate_vocabulary=false accepts values newer than this collection",
        )


def past_start_warning(body, now=None):
    """A warning when execute_at lies in the past beyond PAST_TOLERANCE (the API starts it at once)."""
    body = _unwrapped(body, []) or {}
    schedule = body.get("schedule") if isinstance(body.get("schedule"), dict) else {}
    execute_at = _parse_execute_at(schedule.get("execute_at"))
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if execute_at is None or now - execute_at <= PAST_TOLERANCE:
        return None
    return "schedule.execute_at %s is %s in the past: the API starts such an operation at once" % (execute_at.isoformat(), _duration(now - execute_at))


def _unwrapped(body, problems):
    """The configuration itself: the body, or what its only key data holds (the API document's own form)."""
    if isinstance(body, dict) and set(body) == {"data"}:
        body = body["data"]
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                problems.append(("data", "expected a JSON object as text, and the text is not valid JSON"))
                return None
    if not isinstance(body, dict):
        problems.append(("data", "expected a JSON object, got %s" % _show(body)))
        return None
    return body


class _Vocabulary:
    """Checks of values the API may extend; problems is None when they are skipped."""

    def __init__(self, problems):
        self.problems = problems

    def keys(self, mapping, known, prefix):
        if self.problems is None:
            return
        for key in mapping:
            if key not in known:
                self.problems.append(("%s%s" % (prefix, key), "unknown key; expected one of %s" % ", ".join(known)))

    def choice(self, value, field, allowed):
        if not isinstance(value, str) or not value:
            return  # the type is checked whatever the vocabulary
        if self.problems is not None and value not in allowed:
            self.problems.append((field, "expected one of %s, got %s" % (", ".join(allowed), _show(value))))


def _check_operation_type(body, vocabulary, problems):
    value = body.get("operation_type")
    if not isinstance(value, str) or not value:
        problems.append(("operation_type", "is required: a text such as %s, got %s" % (", ".join(OPERATION_TYPES), _show(value))))
    else:
        vocabulary.choice(value, "operation_type", OPERATION_TYPES)


def _check_organizations(value, problems):
    field = "target_organizations"
    if not isinstance(value, list) or not value:
        problems.append((field, "expected a non-empty list of organization ids (integers), got %s" % _show(value)))
        return
    for index, item in enumerate(value):
        if not _is_integer(item) or not 1 <= item <= MAX_ORGANIZATION_ID:
            problems.append(("%s[%d]" % (field, index), "expected an organization id (integer from 1 to %d), got %s" % (MAX_ORGANIZATION_ID, _show(item))))


def _check_choices(value, field, allowed, vocabulary, problems):
    if value is None:
        return
    if not isinstance(value, list) or not value:
        problems.append((field, "expected a non-empty list of %s, got %s" % (", ".join(allowed), _show(value))))
        return
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item:
            problems.append(("%s[%d]" % (field, index), "expected text, got %s" % _show(item)))
        else:
            vocabulary.choice(item, "%s[%d]" % (field, index), allowed)


def _check_execute_at(value, problems):
    if value is None or value == "now":
        return
    if _parse_execute_at(value) is None:
        problems.append(
            (
                "schedule.execute_at",
                "expected 'now' or an ISO 8601 date and time with an offset, "
                "such as 2024-01-16T02:00:00Z or 2024-01-16T03:00:00+01:00; got %s" % _show(value),
            )
        )


def _check_options(options, problems):
    for flag in FLAG_OPTIONS:
        if flag in options and not isinstance(options[flag], bool):
            problems.append(("options.%s" % flag, "expected true or false, got %s" % _show(options[flag])))
    if "timeout_minutes" in options:
        low, high = TIMEOUT_MINUTES_RANGE
        value = options["timeout_minutes"]
        if not _is_integer(value) or not low <= value <= high:
            problems.append(("options.timeout_minutes", "expected an integer from %d to %d, got %s" % (low, high, _show(value))))


def _mapping(body, field, problems):
    value = body.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append((field, "expected an object, got %s" % _show(value)))
        return {}
    return value


def _parse_execute_at(value):
    """The moment of an execute_at text that has an explicit offset, else None."""
    if not isinstance(value, str) or not has_explicit_offset(value):
        return None
    moment = parse_timestamp(value)
    if moment is None or not EARLIEST <= moment < LATEST:
        return None
    return moment


def _is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _duration(delta):
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 2 * 24 * 60:
        return "%d days" % (minutes // (24 * 60))
    if minutes >= 120:
        return "%d hours" % (minutes // 60)
    return "%d minutes" % minutes


def _show(value):
    try:
        text = json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
