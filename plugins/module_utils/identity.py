# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What makes two operations the same, and whether a record satisfies a request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
from collections import namedtuple

from ansible_collections.zequenze.control.plugins.module_utils.api_values import as_list, first
from ansible_collections.zequenze.control.plugins.module_utils.records import ACTIVE_STATUSES, record_view
from ansible_collections.zequenze.control.plugins.module_utils.timestamps import format_timestamp, parse_timestamp

# A "run now" operation is scheduled for the moment it was created.
RUN_NOW_TOLERANCE = datetime.timedelta(seconds=300)
# The device types and statuses of the API's vocabulary as we know it (the API document's
# examples and the emulator's fleet). The emulator records an absent filter as all of them;
# the real API may record it as an empty list, or as a longer list of values we do not know.
ALL_DEVICE_TYPES = frozenset(("router", "switch", "access_point", "firewall"))
ALL_DEVICE_STATUSES = frozenset(("active", "pending", "inactive"))


def _as_set(values):
    return frozenset("%s" % v for v in as_list(values))


def _org_set(values):
    result = set()
    for value in as_list(values):
        try:
            if isinstance(value, bool):  # true is not organization 1
                raise TypeError(value)
            result.add(int(value))
        except (TypeError, ValueError, OverflowError):  # OverflowError: int(Infinity)
            result.add("%s" % (value,))
    return frozenset(result)


# A record with one of these unreadable matches no identity: it could hold anything.
IDENTITY_FIELDS = frozenset(
    ("operation_type", "organizations", "device_types", "device_statuses", "scheduled_for", "operation_details", "operation_config", "device_filters")
)
# A run-now request also reads the record's status and creation time.
RUN_NOW_FIELDS = frozenset(("status", "created_at"))


class OperationIdentity(namedtuple("OperationIdentity", ["operation_type", "organizations", "device_types", "device_statuses", "scheduled_for"])):
    """What makes two operations the same: type, organizations, device filters, schedule.

    device_statuses is None when a record does not say (the API's records may
    omit the filters); scheduled_for is None for "run now".
    """

    __slots__ = ()

    @classmethod
    def from_body(cls, body):
        if not isinstance(body, dict):
            return None
        filters = body.get("device_filters") or {}
        schedule = body.get("schedule") or {}
        execute_at = schedule.get("execute_at") if isinstance(schedule, dict) else None
        orgs = first(body.get("target_organizations"), body.get("organizations"))
        return cls(
            body.get("operation_type"),
            _org_set(orgs if isinstance(orgs, list) else [orgs] if orgs is not None else []),
            _as_set(filters.get("types") if isinstance(filters, dict) else None),
            _as_set(filters.get("status") if isinstance(filters, dict) else None),
            parse_timestamp(execute_at) if execute_at not in (None, "now") else None,
        )

    @classmethod
    def from_record(cls, record):
        return cls.from_view(record_view(record))

    @classmethod
    def from_view(cls, view):
        statuses = view.device_statuses
        return cls(
            view.operation_type,
            _org_set(view.organizations),
            _as_set(view.device_types),
            None if statuses is None else _as_set(statuses),
            view.scheduled_for,
        )

    def matches(self, record, any_state=False):
        """Whether an existing record satisfies a request with this identity.

        any_state: whether it is the same operation at all, whatever its status
        (a run-now request is satisfied only by one still active).
        """
        view = record_view(record)
        if IDENTITY_FIELDS.intersection(view.unreadable) or (self.scheduled_for is None and RUN_NOW_FIELDS.intersection(view.unreadable)):
            return False
        other = OperationIdentity.from_view(view)
        if (
            other.operation_type != self.operation_type
            or other.organizations != self.organizations
            or not _same_filter(self.device_types, other.device_types, ALL_DEVICE_TYPES)
        ):
            return False
        if other.device_statuses is not None and not _same_filter(self.device_statuses, other.device_statuses, ALL_DEVICE_STATUSES):
            return False
        if self.scheduled_for is not None:
            return other.scheduled_for == self.scheduled_for
        # Run now: only a still active operation that was itself a run-now one.
        if view.status not in ACTIVE_STATUSES and not any_state:
            return False
        if view.scheduled_for is None or view.created_at is None:
            return True
        return view.scheduled_for - view.created_at <= RUN_NOW_TOLERANCE


def _same_filter(wanted, recorded, everything):
    """Whether a recorded device filter is the one wanted; an empty filter means every value.

    A request without a filter matches a record with none, or with every value
    we know of or more (an API may know values we do not: an exact comparison
    with everything would never match, and each run would create a duplicate).
    A request with a filter keeps exact matching, an empty record standing for
    everything.
    """
    if not wanted:
        return not recorded or recorded >= everything
    return wanted == (recorded or everything)


def record_summary(record):
    """The identity of a record, with its id and status, for diffs."""
    view = record_view(record)
    identity = OperationIdentity.from_view(view)
    summary = {
        "id": view.id,
        "status": view.status,
        "operation_type": identity.operation_type,
        "organizations": sorted(identity.organizations, key=str),
        "device_types": sorted(identity.device_types),
        "execute_at": format_timestamp(identity.scheduled_for) or "now",
    }
    if identity.device_statuses is not None:
        summary["device_statuses"] = sorted(identity.device_statuses)
    return summary
