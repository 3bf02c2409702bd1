# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Single values of an API record read defensively: each reader returns the value in the
type the collection uses, or None when the API sent something else (never an error)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

# Counts and durations beyond these are not a real fleet's (and overflow date arithmetic).
MAX_COUNT = 10**12
MAX_MINUTES = 60 * 24 * 366 * 100
MAX_TEXT = 200


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


def short_text(value):
    return value if isinstance(value, str) and len(value) <= MAX_TEXT else None


def mapping(value):
    """The value if it is a mapping, else an empty one (an odd API answer must not break reading)."""
    return value if isinstance(value, dict) else {}


def finite_number(value):
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
    number = finite_number(value)
    return number if number is not None and low <= number <= high else None


def count(value):
    return _bounded(value, 0, MAX_COUNT)


def minutes(value):
    return _bounded(value, 0, MAX_MINUTES)


def percent(value):
    return _bounded(value, 0, 100)


def identifier(value):
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < MAX_COUNT**2:
        return value
    return None


def organization_ids(values):
    """Organization ids as integers (numeric text included); None if any one is not an id."""
    ids = []
    for value in as_list(values):
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 18:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
            return None
        ids.append(value)
    return ids


def short_texts(values):
    """A list of short texts; None if any item is something else."""
    items = as_list(values)
    return items if all(isinstance(item, str) and len(item) <= MAX_TEXT for item in items) else None
