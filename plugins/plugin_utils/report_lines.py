# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One-line texts about operations, for progress output, failure messages and reports.

Each line is written here once; the action plugin prints them and the
operation_line and attention_lines filters hand them to YAML.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zequenze.control.plugins.module_utils.records import ACTIVE_STATUSES
from ansible_collections.zequenze.control.plugins.plugin_utils.operation_records import RecordError, summarize

ATTENTION_CATEGORIES = ("overdue", "stalled", "failed")


def _summary(item):
    # The threshold and attention filters hand out summaries (they carry failed_percent); records get summarized.
    if isinstance(item, dict) and "failed_percent" in item and "organizations" in item:
        return item
    return summarize(item)


def _organizations(summary):
    return ",".join("%s" % o for o in summary["organizations"])


def progress_line(item):
    """Status, percent done, devices processed and failed, and when it starts or should end."""
    s = _summary(item)
    start = " - starts %s" % s["scheduled_for"] if s["status"] == "scheduled" and s["scheduled_for"] else ""
    eta = " - ETA %s" % s["estimated_completion"] if s["estimated_completion"] and s["status"] in ACTIVE_STATUSES else ""
    return "operation %s %s (organizations %s): %s %d%% - %d/%d devices processed, %d failed%s%s" % (
        s["id"],
        s["operation_type"],
        _organizations(s),
        s["status"],
        s["progress"],
        s["processed_devices"],
        s["total_devices"],
        s["failed_devices"],
        start,
        eta,
    )


def outcome_line(item):
    """How an operation ended, by operation."""
    s = _summary(item)
    return "operation %s (organizations %s): %s, %d/%d devices failed (%s%%)" % (
        s["id"],
        _organizations(s),
        s["status"],
        s["failed_devices"],
        s["total_devices"],
        s["failed_percent"],
    )


def organization_line(item):
    """How an operation ended, by organization (one organization per operation)."""
    s = _summary(item)
    return "organization %s (operation %s: %s, %d/%d devices failed, %s%%)" % (
        _organizations(s),
        s["id"],
        s["status"],
        s["failed_devices"],
        s["total_devices"],
        s["failed_percent"],
    )


STYLES = {"progress": progress_line, "outcome": outcome_line, "organization": organization_line}


def lines(items, style="progress"):
    """The line of one record (or summary), or the lines of a list of them."""
    if style not in STYLES:
        raise RecordError("style must be one of %s, got %r" % (", ".join(sorted(STYLES)), style))
    if isinstance(items, (list, tuple)):
        return [STYLES[style](item) for item in items]
    return STYLES[style](items)


def attention_lines(found):
    """One line per finding of operations_needing_attention, category by category."""
    if not isinstance(found, dict) or not all(isinstance(found.get(c), list) for c in ATTENTION_CATEGORIES):
        raise RecordError("expected the result of operations_needing_attention (overdue, stalled, failed)")
    return [
        "%s: operation %s %s (organizations %s), %s" % (category.upper(), s["id"], s["operation_type"], _organizations(s), s["reason"])
        for category in ATTENTION_CATEGORIES
        for s in found[category]
    ]
