# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""When a request is tried again and how long to wait first: capped exponential backoff with
full jitter, Retry-After as a floor, and per-attempt timeouts that fit a deadline."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import time

# Connecting is quick or hopeless; reading may wait for a slow API.
MAX_CONNECT_TIMEOUT = 10.0
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
MAX_RETRY_AFTER = 120.0
# With a deadline, the last attempt still gets this long to answer (or the timeout, if shorter).
MIN_ATTEMPT_TIMEOUT = 1.0

# Answers that may pass on their own, besides any 5xx: a GET is retried on them.
BUSY_STATUSES = frozenset((429,))
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))


def is_idempotent(method):
    """Whether sending the request twice does no more than sending it once."""
    return method.upper() in IDEMPOTENT_METHODS


def is_busy(status):
    """Whether an HTTP status may pass on its own (the server is busy or failing, not refusing)."""
    return status in BUSY_STATUSES or status >= 500


def request_timeouts(timeout):
    """(connect, read) timeouts from the timeout option."""
    return (min(timeout, MAX_CONNECT_TIMEOUT), timeout)


def timeouts_within(timeouts, seconds_left):
    """(connect, read) timeouts capped at the time left, but never below MIN_ATTEMPT_TIMEOUT."""
    left = max(seconds_left, min(MIN_ATTEMPT_TIMEOUT, timeouts[1]))
    return (min(timeouts[0], left), min(timeouts[1], left))


def backoff_delay(attempt, jitter, retry_after=None):
    """Full jitter (a fraction from 0 to 1) over a capped exponential; Retry-After is a floor."""
    delay = jitter * min(BACKOFF_CAP, BACKOFF_BASE * (2**attempt))
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
