# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Operation records: the fields the collection uses, read once from either API shape."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import math
import re
from collections import namedtuple

TERMINAL_STATUSES = frozenset(("completed", "failed", "cancelled"))
ACTIVE_STATUSES = frozenset(("scheduled", "in_progress"))
UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$")


# -- timestamps --------------------------------------------------------------
def parse_timestamp(value):
    """An aware datetime from ISO 8601 text (a missing offset means UTC), or None."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        return None
    match = _TIMESTAMP.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz = UTC
    if offset and offset not in ("Z", "z"):
        digits = offset[1:].replace(":", "")
        delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        tz = datetime.timezone(delta if offset[0] == "+" else -delta)
    try:
        return datetime.datetime(int(year), int(month), int(day), int(hour), int(minute),
                                 int(second or 0), micro, tzinfo=tz)
    except ValueError:
        return None


def has_explicit_offset(value):
    match = _TIMESTAMP.match(value.strip()) if isinstance(value, str) else None
    return bool(match and match.group(8))


def format_timestamp(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


# -- API values --------------------------------------------------------------
def first(*values):
    """The first value that is not None, else None."""
    for value in values:
        if value is not None:
            return value
    return None


def as_list(values):
    """A list from an API value that should be one: a single value becomes a list of one."""
    if values is None:
        return []
    if isinstance(values, (list, tuple, set, frozenset)):
        return list(values)
    return [values]


def _mapping(value):
    """The value if it is a mapping, else an empty one (an odd API answer must not break reading)."""
    return value if isinstance(value, dict) else {}


def _number(value):
    """A finite number from an API value (numeric text included), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
        if math.isfinite(value) and value.is_integer():
            value = int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


# -- the record type -----------------------------------------------------------
_FIELDS = (
    "id", "operation_type", "status", "organizations", "device_types", "device_statuses",
    "scheduled_for", "created_at", "updated_at", "estimated_completion", "estimated_duration_minutes",
    "progress", "processed_devices", "failed_devices", "total_devices", "error_summary",
)


class Record(namedtuple("Record", _FIELDS)):
    """The fields of an API record that the collection uses, read from either shape.

    Fields read as attributes; record["field"] reads the same for callers that
    treat the record as a mapping.
    """

    __slots__ = ()

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                return getattr(self, key)
            except AttributeError:
                raise KeyError(key)
        return tuple.__getitem__(self, key)

    @classmethod
    def read(cls, record):
        """Read an API record (GET or POST shape); odd field types read as absent.

        GET records carry operation_details.organization_ids/device_types; POST
        answers carry operation_config.organizations/device_types and scheduled_for.
        Fields of an unexpected type read as absent: mappings as {}, numbers as None,
        a status that is not text as None.
        """
        if isinstance(record, Record):
            return record
        record = _mapping(record)
        details = _mapping(record.get("operation_details"))
        config = _mapping(record.get("operation_config"))
        filters = _mapping(config.get("device_filters") or record.get("device_filters"))
        statuses = first(filters.get("status"), config.get("device_statuses"), details.get("device_statuses"))
        status = record.get("status")
        return cls(
            id=record.get("id"),
            operation_type=record.get("operation_type"),
            status=status if isinstance(status, str) else None,
            organizations=as_list(first(details.get("organization_ids"), config.get("organizations"),
                                        record.get("target_organizations"))),
            device_types=as_list(first(details.get("device_types"), config.get("device_types"),
                                       filters.get("types"))),
            device_statuses=None if statuses is None else as_list(statuses),
            scheduled_for=parse_timestamp(record.get("scheduled_for")),
            created_at=parse_timestamp(record.get("created_at")),
            updated_at=parse_timestamp(record.get("updated_at")),
            estimated_completion=parse_timestamp(record.get("estimated_completion")),
            estimated_duration_minutes=_number(record.get("estimated_duration_minutes")),
            progress=_number(record.get("progress")),
            processed_devices=_number(record.get("processed_devices")),
            failed_devices=_number(record.get("failed_devices")) or 0,
            total_devices=first(_number(record.get("total_devices")), _number(record.get("target_device_count"))),
            error_summary=_mapping(details.get("error_summary") or record.get("error_summary")),
        )


_ABSENT = Record(*([None] * len(_FIELDS)))._replace(
    organizations=[], device_types=[], failed_devices=0, error_summary={})


def partial_record(**fields):
    """A Record with only the given fields known (the rest read as absent)."""
    return _ABSENT._replace(**fields)


def record_view(record):
    """The Record of an API record (see Record.read)."""
    return Record.read(record)


def is_terminal(status):
    return status in TERMINAL_STATUSES


def describe(record):
    """One line about an operation for messages: id, status, progress."""
    view = record_view(record)
    text = "operation %s (status %s" % (view.id, view.status)
    if view.progress is not None:
        text += ", progress %s%%" % view.progress
    if view.processed_devices is not None and view.total_devices is not None:
        text += ", %s of %s devices processed" % (view.processed_devices, view.total_devices)
    if view.failed_devices:
        text += ", %s failed" % view.failed_devices
    return text + ")"


def newest_first_key(record):
    """Sort key: newest created_at first, then highest id; records without a creation time last."""
    view = record_view(record)
    created = view.created_at
    ident = "%s" % (view.id,)
    return (
        created is None,
        -(created - _EPOCH).total_seconds() if created is not None else 0.0,
        (0, -int(ident), "") if re.match(r"^[0-9]+$", ident) else (1, 0, ident),
    )
