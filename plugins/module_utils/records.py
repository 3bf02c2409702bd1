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
# Readable instants lie in these years (in UTC): far beyond any real schedule, and far enough
# from datetime's limits (1 and 9999) that adding an offset or a duration cannot overflow.
MIN_YEAR = 1000
MAX_YEAR = 9000
# Counts and durations beyond these are not a real fleet's (and overflow date arithmetic).
MAX_COUNT = 10 ** 12
MAX_MINUTES = 60 * 24 * 366 * 100
# Warnings about unreadable record fields kept per run (then only how many more).
MAX_WARNINGS = 50

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$")


# -- timestamps --------------------------------------------------------------
def parse_timestamp(value):
    """An aware datetime from ISO 8601 text (a missing offset means UTC), or None.

    Total: an offset of 24 hours or more, a date that does not exist, or an
    instant outside MIN_YEAR..MAX_YEAR in UTC reads as None, never as an error.
    """
    if isinstance(value, datetime.datetime):
        return _in_range(value if value.tzinfo else value.replace(tzinfo=UTC))
    if not isinstance(value, str) or len(value) > 64:
        return None
    match = _TIMESTAMP.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz = UTC
    if offset and offset not in ("Z", "z"):
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 23 or minutes > 59:  # datetime.timezone refuses a day or more
            return None
        delta = datetime.timedelta(hours=hours, minutes=minutes)
        tz = datetime.timezone(delta if offset[0] == "+" else -delta)
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute),
                                   int(second or 0), micro, tzinfo=tz)
    except ValueError:
        return None
    return _in_range(moment)


def _in_range(moment):
    try:
        year = moment.astimezone(UTC).year
    except (OverflowError, ValueError):
        return None
    return moment if MIN_YEAR <= year <= MAX_YEAR else None


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


def _text(value):
    return value if isinstance(value, str) and len(value) <= 200 else None


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


def _bounded(value, low, high):
    number = _number(value)
    return number if number is not None and low <= number <= high else None


def _count(value):
    return _bounded(value, 0, MAX_COUNT)


def _minutes(value):
    return _bounded(value, 0, MAX_MINUTES)


def _percent(value):
    return _bounded(value, 0, 100)


def _identifier(value):
    if isinstance(value, str) and len(value) <= 200:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < MAX_COUNT ** 2:
        return value
    return None


def _organization_ids(values):
    """Organization ids as integers (numeric text included); None if any one is not an id."""
    ids = []
    for value in as_list(values):
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 18:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2 ** 63:
            return None
        ids.append(value)
    return ids


def _texts(values):
    """A list of short texts; None if any item is something else."""
    items = as_list(values)
    return items if all(isinstance(item, str) and len(item) <= 200 for item in items) else None


class _Reader:
    """Reads one field at a time; notes each field present but unreadable (it then reads as unknown)."""

    def __init__(self):
        self.unreadable = []

    def field(self, name, value, read, unknown=None):
        if value is None:
            return unknown
        result = read(value)
        if result is None:
            self.unreadable.append(name)
            return unknown
        return result

    def mapping(self, name, value):
        return self.field(name, value, lambda v: v if isinstance(v, dict) else None, {})


# Warnings about unreadable fields, waiting for the task (or filter) that read them to show
# them: Record.read is called from every layer, and a module process runs one task.
_PENDING_WARNINGS = []
_WARNED = set()


def note_unreadable(record_id, fields):
    """Queue one warning per record and field that cannot be read (see pending_warnings)."""
    for name in fields:
        key = ("%r" % (record_id,), name)
        if key in _WARNED:
            continue
        _WARNED.add(key)
        if len(_WARNED) <= MAX_WARNINGS:
            shown = "operation %s" % record_id if record_id is not None else "an operation without a readable id"
            _PENDING_WARNINGS.append(
                "The API answered %s with a field %s that cannot be read; it is treated as unknown "
                "(an unreadable identity field never matches)" % (shown, name))
        elif len(_WARNED) == MAX_WARNINGS + 1:
            _PENDING_WARNINGS.append("More API record fields cannot be read; only the first %d are named"
                                     % MAX_WARNINGS)


def pending_warnings():
    """The warnings about unreadable record fields since the last call (each once); starts afresh."""
    warnings = list(_PENDING_WARNINGS)
    del _PENDING_WARNINGS[:]
    _WARNED.clear()
    return warnings


# -- the record type -----------------------------------------------------------
_FIELDS = (
    "id", "operation_type", "status", "organizations", "device_types", "device_statuses",
    "scheduled_for", "created_at", "updated_at", "estimated_completion", "estimated_duration_minutes",
    "progress", "processed_devices", "failed_devices", "total_devices", "error_summary", "unreadable",
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
        """Read an API record (GET or POST shape); never raises, whatever the record holds.

        GET records carry operation_details.organization_ids/device_types; POST
        answers carry operation_config.organizations/device_types and scheduled_for.
        A field that is present but cannot be read (a wrong type, a timestamp that
        does not exist, a count out of range) reads as unknown: None, [] for lists,
        {} for mappings, 0 failed devices. Its name goes to ``unreadable``, and one
        warning per record and field to pending_warnings().
        """
        if isinstance(record, Record):
            return record
        record = _mapping(record)
        read = _Reader()
        details = read.mapping("operation_details", record.get("operation_details"))
        config = read.mapping("operation_config", record.get("operation_config"))
        filters = read.mapping("device_filters", config.get("device_filters") or record.get("device_filters"))
        statuses = first(filters.get("status"), config.get("device_statuses"), details.get("device_statuses"))
        view = cls(
            id=read.field("id", record.get("id"), _identifier),
            operation_type=read.field("operation_type", record.get("operation_type"), _text),
            status=read.field("status", record.get("status"), _text),
            organizations=read.field(
                "organizations", first(details.get("organization_ids"), config.get("organizations"),
                                       record.get("target_organizations")), _organization_ids, []),
            device_types=read.field("device_types", first(details.get("device_types"), config.get("device_types"),
                                                          filters.get("types")), _texts, []),
            device_statuses=read.field("device_statuses", statuses, _texts),
            scheduled_for=read.field("scheduled_for", record.get("scheduled_for"), parse_timestamp),
            created_at=read.field("created_at", record.get("created_at"), parse_timestamp),
            updated_at=read.field("updated_at", record.get("updated_at"), parse_timestamp),
            estimated_completion=read.field("estimated_completion", record.get("estimated_completion"),
                                            parse_timestamp),
            estimated_duration_minutes=read.field("estimated_duration_minutes",
                                                  record.get("estimated_duration_minutes"),
                                                  _minutes),
            progress=read.field("progress", record.get("progress"), _percent),
            processed_devices=read.field("processed_devices", record.get("processed_devices"), _count),
            failed_devices=read.field("failed_devices", record.get("failed_devices"), _count, 0),
            total_devices=first(read.field("total_devices", record.get("total_devices"), _count),
                                read.field("target_device_count", record.get("target_device_count"), _count)),
            error_summary=read.mapping("error_summary", details.get("error_summary") or record.get("error_summary")),
            unreadable=tuple(read.unreadable),
        )
        if read.unreadable:
            note_unreadable(view.id, read.unreadable)
        return view


_ABSENT = Record(*([None] * len(_FIELDS)))._replace(
    organizations=[], device_types=[], failed_devices=0, error_summary={}, unreadable=())


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
        (0, -int(ident), "") if re.match(r"^[0-9]{1,30}$", ident) else (1, 0, ident),
    )
