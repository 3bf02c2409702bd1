# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Operation records: the fields the collection uses, read once from either API shape.

Single values are read by api_values and timestamps; a field that cannot be read is told
by unreadable_fields.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple

from ansible_collections.zequenze.control.plugins.module_utils.api_values import (
    count,
    first,
    identifier,
    mapping,
    minutes,
    organization_ids,
    percent,
    short_text,
    short_texts,
)
from ansible_collections.zequenze.control.plugins.module_utils.timestamps import EPOCH, parse_timestamp
from ansible_collections.zequenze.control.plugins.module_utils.unreadable_fields import FieldReader, note_unreadable

TERMINAL_STATUSES = frozenset(("completed", "failed", "cancelled"))
ACTIVE_STATUSES = frozenset(("scheduled", "in_progress"))


# -- the record type -----------------------------------------------------------
_FIELDS = (
    "id",
    "operation_type",
    "status",
    "organizations",
    "device_types",
    "device_statuses",
    "scheduled_for",
    "created_at",
    "updated_at",
    "estimated_completion",
    "estimated_duration_minutes",
    "progress",
    "processed_devices",
    "failed_devices",
    "total_devices",
    "error_summary",
    "unreadable",
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
        record = mapping(record)
        read = FieldReader()
        details = read.mapping("operation_details", record.get("operation_details"))
        config = read.mapping("operation_config", record.get("operation_config"))
        filters = read.mapping("device_filters", config.get("device_filters") or record.get("device_filters"))
        statuses = first(filters.get("status"), config.get("device_statuses"), details.get("device_statuses"))
        view = cls(
            id=read.field("id", record.get("id"), identifier),
            operation_type=read.field("operation_type", record.get("operation_type"), short_text),
            status=read.field("status", record.get("status"), short_text),
            organizations=read.field(
                "organizations", first(details.get("organization_ids"), config.get("organizations"), record.get("target_organizations")), organization_ids, []
            ),
            device_types=read.field("device_types", first(details.get("device_types"), config.get("device_types"), filters.get("types")), short_texts, []),
            device_statuses=read.field("device_statuses", statuses, short_texts),
            scheduled_for=read.field("scheduled_for", record.get("scheduled_for"), parse_timestamp),
            created_at=read.field("created_at", record.get("created_at"), parse_timestamp),
            updated_at=read.field("updated_at", record.get("updated_at"), parse_timestamp),
            estimated_completion=read.field("estimated_completion", record.get("estimated_completion"), parse_timestamp),
            estimated_duration_minutes=read.field("estimated_duration_minutes", record.get("estimated_duration_minutes"), minutes),
            progress=read.field("progress", record.get("progress"), percent),
            processed_devices=read.field("processed_devices", record.get("processed_devices"), count),
            failed_devices=read.field("failed_devices", record.get("failed_devices"), count, 0),
            total_devices=first(
                read.field("total_devices", record.get("total_devices"), count), read.field("target_device_count", record.get("target_device_count"), count)
            ),
            error_summary=read.mapping("error_summary", details.get("error_summary") or record.get("error_summary")),
            unreadable=tuple(read.unreadable),
        )
        if read.unreadable:
            note_unreadable(view.id, read.unreadable)
        return view


_ABSENT = Record(*([None] * len(_FIELDS)))._replace(organizations=[], device_types=[], failed_devices=0, error_summary={}, unreadable=())


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
        -(created - EPOCH).total_seconds() if created is not None else 0.0,
        (0, -int(ident), "") if re.match(r"^[0-9]{1,30}$", ident) else (1, 0, ident),
    )
