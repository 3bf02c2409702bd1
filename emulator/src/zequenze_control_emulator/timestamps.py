"""Times are integers of microseconds since the Unix epoch, shown as ISO 8601 UTC with `Z`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_EPOCH = datetime(1970, 1, 1)
_EPOCH_AWARE = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Bounds for accepted `execute_at` values, so every derived time stays printable.
EARLIEST_US = 0
LATEST_US = int((datetime(9000, 1, 1, tzinfo=timezone.utc) - _EPOCH_AWARE).total_seconds()) * 1_000_000


def format_us(us: int) -> str:
    """`2024-01-15T10:30:00Z`, with a fraction only when there is one."""
    return (_EPOCH + timedelta(microseconds=us)).isoformat() + "Z"


def parse_offset_datetime(text: str) -> int:
    """Parse ISO 8601 / RFC 3339 with a mandatory UTC offset; raise ValueError with the reason."""
    normalized = text.strip().upper()
    if normalized.endswith("Z"):
        normalized = normalized[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(normalized)
    except ValueError:
        raise ValueError("expected an ISO 8601 date and time such as 2024-01-16T02:00:00Z") from None
    if len(normalized) < 16 or normalized[10] not in "T ":
        raise ValueError("expected a date and a time, such as 2024-01-16T02:00:00Z")
    if moment.tzinfo is None:
        raise ValueError("expected a UTC offset (Z or +HH:MM), such as 2024-01-16T02:00:00Z")
    delta = moment - _EPOCH_AWARE
    us = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if not EARLIEST_US <= us < LATEST_US:
        raise ValueError("expected a time between 1970-01-01T00:00:00Z and 9000-01-01T00:00:00Z")
    return us
