# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Record fields the API sent but that cannot be read: each reads as unknown, and each is told
once, as a warning waiting for the task (or filter) that read it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Warnings about unreadable record fields kept per run (then only how many more).
MAX_WARNINGS = 50


class FieldReader:
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
                "(an unreadable identity field never matches)" % (shown, name)
            )
        elif len(_WARNED) == MAX_WARNINGS + 1:
            _PENDING_WARNINGS.append("More API record fields cannot be read; only the first %d are named" % MAX_WARNINGS)


def pending_warnings():
    """The warnings about unreadable record fields since the last call (each once); starts afresh."""
    warnings = list(_PENDING_WARNINGS)
    del _PENDING_WARNINGS[:]
    _WARNED.clear()
    return warnings
