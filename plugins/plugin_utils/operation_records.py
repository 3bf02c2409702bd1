# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side reading of operation records for the roles' filters.

The API answers GET with ``operation_details`` and POST with ``operation_config``;
a summary reads either shape so reports never depend on which call produced it.
"""

from __future__ import annotations

import datetime

# One reader of the API's records for modules and filters alike.
from ansible.utils.display import Display

from ansible_collections.zequenze.control.plugins.module_utils.api_values import MAX_COUNT
from ansible_collections.zequenze.control.plugins.module_utils.records import ACTIVE_STATUSES, record_view
from ansible_collections.zequenze.control.plugins.module_utils.timestamps import (
    UTC as _UTC,
    parse_timestamp as _parse_timestamp,
)
from ansible_collections.zequenze.control.plugins.module_utils.unreadable_fields import (
    note_unreadable,
    pending_warnings,
)

_TIMESTAMPS = ("created_at", "scheduled_for", "updated_at", "estimated_completion")
# Filter arguments: minutes (a thousand years and more) and hours (a century) that date arithmetic can take.
MAX_MINUTES = 10**9
MAX_HOURS = 10**6


class RecordError(ValueError):
    """A record or argument a filter cannot read; the message names the field."""


def parse_timestamp(value, field):
    """An aware datetime from ISO 8601 (``Z`` allowed), None for an empty value."""
    if value is None or value == "":
        return None
    parsed = _parse_timestamp(value if isinstance(value, datetime.datetime) else str(value))
    if parsed is None:
        raise RecordError("%s must be an ISO 8601 timestamp, got %r" % (field, value))
    return parsed


def _error_counts(view):
    """The error categories whose count is a whole number; any other is unknown (and warned about)."""
    counts = {}
    for category, count in view.error_summary.items():
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
            if count is not None:
                note_unreadable(view.id, ["error_summary.%s" % category])
            continue
        counts["%s" % category] = count
    return counts


def show_warnings():
    """Show the warnings about unreadable record fields that reading noted (each once)."""
    display = Display()
    for warning in pending_warnings():
        display.warning(warning)


def summarize(record):
    """A flat, report-ready view of one operation record (GET or POST shape).

    Total: a field the record holds but that cannot be read is unknown (None, or
    0 for the counts a report adds up), with a warning naming the record and field.
    """
    if not isinstance(record, dict):
        raise RecordError("an operation record must be a mapping, got %s" % type(record).__name__)
    view = record_view(record)
    total = int(view.total_devices or 0)
    failed = int(view.failed_devices)
    processed = int(view.processed_devices or 0)
    summary = {
        "id": str(view.id if view.id is not None else ""),
        "operation_type": view.operation_type,
        "status": view.status,
        "organizations": list(view.organizations),
        "device_types": list(view.device_types or []),
        "progress": int(view.progress or 0),
        "total_devices": total,
        "processed_devices": processed,
        "failed_devices": failed,
        "failed_percent": round(100.0 * failed / total, 2) if total else 0.0,
        "error_summary": _error_counts(view),
    }
    # The API's own text for readable times; unknown (None) for the rest.
    for name in _TIMESTAMPS:
        summary[name] = record.get(name) if getattr(view, name) is not None else None
    return summary


def summaries(records):
    """summarize() of each record, then the warnings their reading noted (each record and field once)."""
    try:
        return [summarize(record) for record in records]
    finally:
        show_warnings()


def totals(records):
    """Sums over many records: devices, failure share, and each error category."""
    read = summaries(records)
    total = sum(s["total_devices"] for s in read)
    failed = sum(s["failed_devices"] for s in read)
    errors = {}
    for summary in read:
        for category, count in summary["error_summary"].items():
            errors[category] = errors.get(category, 0) + count
    statuses = {}
    for summary in read:
        statuses[summary["status"]] = statuses.get(summary["status"], 0) + 1
    return {
        "operations": len(read),
        "total_devices": total,
        "processed_devices": sum(s["processed_devices"] for s in read),
        "failed_devices": failed,
        "failed_percent": round(100.0 * failed / total, 2) if total else 0.0,
        "statuses": dict(sorted(statuses.items(), key=lambda item: str(item[0]))),
        "error_summary": dict(sorted(errors.items())),
    }


def _non_negative(name, value, maximum):
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    # Beyond the maximum, date arithmetic would overflow.
    if isinstance(value, bool) or not number >= 0:
        raise RecordError("%s must be a number of at least 0, got %r" % (name, value))
    if number > maximum:
        raise RecordError("%s must be a number of at most %d, got %r" % (name, maximum, value))
    return number


def needing_attention(records, now, overdue_minutes, stalled_minutes, failed_hours):
    """Sort records into overdue, stalled and recently failed (one record may be in two)."""
    reference = parse_timestamp(now, "now") if now else datetime.datetime.now(_UTC)
    overdue_after = datetime.timedelta(minutes=_non_negative("overdue_minutes", overdue_minutes, MAX_MINUTES))
    stalled_after = datetime.timedelta(minutes=_non_negative("stalled_minutes", stalled_minutes, MAX_MINUTES))
    failed_since = reference - datetime.timedelta(hours=_non_negative("failed_hours", failed_hours, MAX_HOURS))

    def minutes(delta):
        return int(delta.total_seconds() // 60)

    found = {"overdue": [], "stalled": [], "failed": []}

    def note(category, summary, reason):
        found[category].append(dict(summary, reason=reason))

    for record, summary in zip(records, summaries(records)):
        view = record_view(record)
        status = summary["status"]
        # An unreadable last update is unknown: the creation time must not stand in for it.
        updated = None if "updated_at" in view.unreadable else (view.updated_at or view.created_at)
        if status in ACTIVE_STATUSES:
            eta = view.estimated_completion
            if eta is not None and reference - eta > overdue_after:
                note("overdue", summary, "%d min past its estimated completion %s" % (minutes(reference - eta), summary["estimated_completion"]))
            start = view.scheduled_for
            if status == "scheduled" and start is not None and reference - start > stalled_after:
                note("stalled", summary, "not started %d min after its scheduled time %s" % (minutes(reference - start), summary["scheduled_for"]))
            elif status == "in_progress" and updated is not None and reference - updated > stalled_after:
                note(
                    "stalled",
                    summary,
                    "no progress for %d min (at %d%%, last update %s)" % (minutes(reference - updated), summary["progress"], summary["updated_at"]),
                )
        elif status == "failed" and (updated is None or updated >= failed_since):
            note("failed", summary, "failed at %s with %d of %d devices failed" % (summary["updated_at"], summary["failed_devices"], summary["total_devices"]))
    ids = []
    for category in ("overdue", "stalled", "failed"):
        for item in found[category]:
            if item["id"] not in ids:
                ids.append(item["id"])
    found["ids"] = ids
    found["count"] = len(ids)
    found["checked_at"] = reference.astimezone(_UTC).isoformat(timespec="seconds")
    return found


def over_threshold(records, max_failed_percent):
    """Summaries of the operations that did not complete or failed more than the given share of devices."""
    limit = _non_negative("max_failed_percent", max_failed_percent, MAX_MINUTES)
    return [s for s in summaries(records) if s["status"] != "completed" or s["failed_percent"] > limit]


def merged(records, newer):
    """The records with each of newer replacing the one with its id; new ids come last, in newer's order.

    A record from the API without an id cannot be matched, so it is kept as it is rather than
    stopping the run.
    """
    by_id = {}
    for source, name in ((records, "records"), (newer, "newer")):
        if not isinstance(source, (list, tuple)):
            raise RecordError("%s must be a list of operation records, got %s" % (name, type(source).__name__))
        for record in source:
            if not isinstance(record, dict):
                raise RecordError("%s must hold operation records (mappings), got %s" % (name, type(record).__name__))
            key = record.get("id")
            by_id[("id", "%s" % key) if key is not None else ("no id", len(by_id))] = record
    return list(by_id.values())


def organization_ids(value, name="organizations"):
    """Organization ids from a list, one id, or text such as "101, 102" (an AWX survey answer).

    Sorted and without repeats; anything that is not a whole number is refused, naming it.
    """
    if isinstance(value, str):
        items = [part for part in (p.strip() for p in value.split(",")) if part]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = [value]
    ids = set()
    for item in items:
        text = item.strip() if isinstance(item, str) else item
        if isinstance(text, bool) or not (isinstance(text, int) or (isinstance(text, str) and text.isdigit())):
            raise RecordError("%s must be organization ids (whole numbers), got %r" % (name, item))
        ids.add(int(text))
    return sorted(ids)
