# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: next_window
author: Zequenze Control collection maintainers
version_added: 0.1.0
short_description: The next start of a daily maintenance window, as ISO 8601 with offset
description:
  - Takes a daily window start time (C(HH:MM), local wall-clock time in O(timezone))
    and returns the next moment that window starts, today if it is still ahead,
    otherwise tomorrow.
  - The answer is an ISO 8601 timestamp with the zone's UTC offset on that day, ready for
    the O(zequenze.control.headless_operation#module:schedule.execute_at) option. Because it
    depends only on the date, re-running a play before the window yields the same value,
    so the operation it schedules is found again instead of created twice.
  - Days are counted on the local calendar, so a window keeps its wall-clock time across
    daylight saving time changes.
  - A start that falls in a spring-forward gap (a local time that does not exist that day)
    moves forward by the length of the gap, which keeps the same elapsed time after local
    midnight (C(02:30) becomes C(03:30) when clocks jump from C(02:00) to C(03:00)).
  - A start that occurs twice on a fall-back day uses the first occurrence.
positional: _input, timezone
options:
  _input:
    description: The daily window start, C(HH:MM) in 24-hour local time.
    type: str
    required: true
  timezone:
    description: IANA time zone name of the window, for example C(Europe/Madrid).
    type: str
    default: UTC
  now:
    description:
      - The reference time, as ISO 8601 with an offset (or C(Z)).
      - Defaults to the controller's current time. Set it to replay a past decision or in tests.
    type: str
"""

EXAMPLES = r"""
- name: Schedule tonight's sync into the 02:00 Madrid window
  zequenze.control.headless_operation:
    operation_type: bulk_serial_sync
    organizations: [101, 102]
    schedule:
      execute_at: "{{ '02:00' | zequenze.control.next_window('Europe/Madrid') }}"

- name: What the window was, seen from a given moment
  ansible.builtin.debug:
    msg: "{{ '02:00' | zequenze.control.next_window('Europe/Berlin', now='2026-03-28T12:00:00+01:00') }}"
  # -> 2026-03-29T03:00:00+02:00 (02:00 does not exist that night; clocks jump to 03:00)
"""

RETURN = r"""
_value:
  description: The next window start, ISO 8601 with the local UTC offset, to the second.
  type: str
  sample: "2026-11-26T02:00:00+01:00"
"""

import datetime
import re

from ansible.errors import AnsibleFilterError

from ansible_collections.zequenze.control.plugins.module_utils.timestamps import has_explicit_offset
from ansible_collections.zequenze.control.plugins.plugin_utils.operation_records import RecordError, parse_timestamp

try:
    import zoneinfo
except ImportError:  # pragma: no cover - Python < 3.9 never runs a controller here
    zoneinfo = None

_HH_MM = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
_UTC = datetime.timezone.utc


def _parse_start(start):
    match = _HH_MM.match(str(start).strip()) if isinstance(start, str) else None
    if not match:
        raise AnsibleFilterError("next_window: the window start must be a string 'HH:MM' (00:00 to 23:59), got %r" % (start,))
    return datetime.time(int(match.group(1)), int(match.group(2)))


def _parse_zone(name):
    if zoneinfo is None:  # pragma: no cover
        raise AnsibleFilterError("next_window: needs Python 3.9 or later (zoneinfo)")
    if not isinstance(name, str) or not name.strip():
        raise AnsibleFilterError("next_window: timezone must be an IANA time zone name such as 'Europe/Madrid', got %r" % (name,))
    try:
        return zoneinfo.ZoneInfo(name.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise AnsibleFilterError("next_window: timezone %r is not a known IANA time zone name (expected e.g. 'UTC' or 'Europe/Madrid')" % (name,))


def _parse_now(now):
    if now is None or now == "":
        return datetime.datetime.now(_UTC)
    # The one timestamp reader of the collection; here the offset must be explicit.
    explicit = now.tzinfo is not None if isinstance(now, datetime.datetime) else has_explicit_offset(str(now))
    try:
        parsed = parse_timestamp(now, "now")
    except RecordError:
        parsed = None
    if parsed is None or not explicit:
        raise AnsibleFilterError("next_window: now must be an ISO 8601 timestamp with an offset, got %r" % (now,))
    return parsed


def _local_start(day, start, zone):
    """The aware moment ``start`` happens on local calendar ``day`` (see DOCUMENTATION for gaps)."""
    naive = datetime.datetime.combine(day, start)
    # fold=0 picks the first occurrence of a repeated time; for a time inside a gap it applies
    # the offset from before the gap, and the round trip through UTC lands one gap later.
    return naive.replace(tzinfo=zone).astimezone(_UTC).astimezone(zone)


def next_window(start, timezone="UTC", now=None):
    """Return the next daily window start after ``now`` as an ISO 8601 string with offset."""
    start_time = _parse_start(start)
    zone = _parse_zone(timezone)
    reference = _parse_now(now).astimezone(zone)
    candidate = _local_start(reference.date(), start_time, zone)
    if candidate <= reference:
        candidate = _local_start(reference.date() + datetime.timedelta(days=1), start_time, zone)
    return candidate.isoformat(timespec="seconds")


class FilterModule(object):
    """Maintenance window filters."""

    def filters(self):
        return {"next_window": next_window}
