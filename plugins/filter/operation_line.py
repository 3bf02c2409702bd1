# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: operation_line
author: Zequenze Control collection maintainers
version_added: 0.1.0
short_description: One line of text about a headless operation, for logs and failure messages
description:
  - Turns an operation record (either API shape), or a summary from
    P(zequenze.control.operation_summary#filter) or P(zequenze.control.operations_over_threshold#filter),
    into one line of text. Given a list, returns a list of lines in the same order.
  - The same lines the P(zequenze.control.wait_for_operations#module) action prints while it waits.
positional: _input, style
options:
  _input:
    description: One operation record or summary, or a list of them.
    type: raw
    required: true
  style:
    description:
      - V(progress) - status, percent done, devices processed and failed, and the start time or ETA.
      - V(outcome) - how it ended, by operation.
      - V(organization) - how it ended, by organization (for one organization per operation).
    type: str
    choices: [progress, outcome, organization]
    default: progress
"""

EXAMPLES = r"""
- name: Say where each operation stands
  ansible.builtin.debug:
    msg: "{{ found.operations | zequenze.control.operation_line }}"
  # operation 12 bulk_serial_sync (organizations 101,102): in_progress 40% - 98/245 devices processed, 2 failed - ETA 2024-01-16T03:30:00Z

- name: Name the operations over the threshold in one message
  ansible.builtin.fail:
    msg: "{{ records | zequenze.control.operations_over_threshold(5) | zequenze.control.operation_line('outcome') | join('; ') }}"
  # operation 12 (organizations 101,102): failed, 30/245 devices failed (12.24%)
"""

RETURN = r"""
_value:
  description: The line, or the list of lines.
  type: raw
"""

from ansible_collections.zequenze.control.plugins.plugin_utils.record_filter import record_filter
from ansible_collections.zequenze.control.plugins.plugin_utils.report_lines import lines


@record_filter("operation_line")
def operation_line(records, style="progress"):
    """The line of one record, or the lines of a list of records."""
    return lines(records, style)


class FilterModule(object):
    """Operation report filters."""

    def filters(self):
        return {"operation_line": operation_line}
