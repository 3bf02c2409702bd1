# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Instants as the API writes them: ISO 8601 text read into aware datetimes (never an error),
and written back in UTC."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
# Readable instants lie in these years (in UTC): far beyond any real schedule, and far enough
# from datetime's limits (1 and 9999) that adding an offset or a duration cannot overflow.
MIN_YEAR = 1000
MAX_YEAR = 9000

_TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$")


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
        moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tzinfo=tz)
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
    """Whether ISO 8601 text names its offset (Z or +hh:mm) rather than leaving it to mean UTC."""
    match = _TIMESTAMP.match(value.strip()) if isinstance(value, str) else None
    return bool(match and match.group(8))


def format_timestamp(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None
