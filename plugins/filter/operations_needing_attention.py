# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: operations_needing_attention
author: Zequenze Control collection maintainers
version_added: 0.1.0
short_description: Find overdue, stalled and recently failed headless operations
description:
  - Sorts operation records into three lists an operator must look at.
  - B(overdue) - C(scheduled) or C(in_progress) and past C(estimated_completion) by more than O(overdue_minutes).
  - B(stalled) - C(in_progress) with no update (C(updated_at)) for more than O(stalled_minutes),
    or still C(scheduled) more than O(stalled_minutes) after C(scheduled_for).
  - B(failed) - C(failed) within the last O(failed_hours) hours.
  - Refresh the records first (C(update_status=true)) so C(updated_at) means the last progress.
positional: _input
options:
  _input:
    description: A list of operation records.
    type: list
    elements: dict
    required: true
  now:
    description:
      - The reference time, ISO 8601 with offset. Defaults to the controller's current time.
      - Set it to the API's clock when that differs from the controller's (an emulator with a fast clock).
    type: str
  overdue_minutes:
    description: Minutes past C(estimated_completion) before an operation counts as overdue.
    type: float
    default: 30
  stalled_minutes:
    description: Minutes without an update before an operation counts as stalled.
    type: float
    default: 30
  failed_hours:
    description: How far back, in hours, a failed operation is still reported.
    type: float
    default: 24
"""

EXAMPLES = r"""
- name: Look at what is scheduled, running or failed
  zequenze.control.headless_operation_info:
    status: [scheduled, in_progress, failed]
    update_status: true
  register: found

- name: Fail when any needs attention
  vars:
    attention: "{{ found.operations | zequenze.control.operations_needing_attention(overdue_minutes=15) }}"
  ansible.builtin.assert:
    that: attention.count == 0
    fail_msg: "{{ attention.ids }} need attention"
"""

RETURN = r"""
_value:
  description: The operations needing attention, by category.
  type: dict
  contains:
    overdue:
      description: Summaries (see P(zequenze.control.operation_summary#filter)) of overdue operations, each with a C(reason).
      type: list
      elements: dict
    stalled:
      description: Summaries of stalled operations, each with a C(reason).
      type: list
      elements: dict
    failed:
      description: Summaries of recently failed operations, each with a C(reason).
      type: list
      elements: dict
    ids:
      description: The distinct ids over the three lists.
      type: list
      elements: str
    count:
      description: How many distinct operations need attention.
      type: int
    checked_at:
      description: The reference time used, UTC.
      type: str
"""

from ansible_collections.zequenze.control.plugins.plugin_utils.operation_records import needing_attention
from ansible_collections.zequenze.control.plugins.plugin_utils.record_filter import record_filter


@record_filter("operations_needing_attention", wants_list=True)
def operations_needing_attention(records, now=None, overdue_minutes=30, stalled_minutes=30, failed_hours=24):
    """Overdue, stalled and recently failed operations among ``records``."""
    return needing_attention(records, now, overdue_minutes, stalled_minutes, failed_hours)


class FilterModule(object):
    """Operation record filters."""

    def filters(self):
        return {"operations_needing_attention": operations_needing_attention}
