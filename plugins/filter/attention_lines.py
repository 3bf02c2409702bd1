# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: attention_lines
author: Zequenze Control collection maintainers
version_added: 0.1.0
short_description: One line of text per finding of operations_needing_attention
description:
  - Takes the result of P(zequenze.control.operations_needing_attention#filter) and returns one line per
    overdue, stalled or failed operation, in that order, each with its category, id, type,
    organizations and the reason.
options:
  _input:
    description: The result of P(zequenze.control.operations_needing_attention#filter).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Report what needs attention
  ansible.builtin.debug:
    msg: "{{ records | zequenze.control.operations_needing_attention | zequenze.control.attention_lines }}"
  # STALLED: operation 12 bulk_serial_sync (organizations 101), no progress for 45 min (at 40%, last update ...)
"""

RETURN = r"""
_value:
  description: The lines.
  type: list
  elements: str
"""

from ansible_collections.zequenze.control.plugins.plugin_utils.record_filter import record_filter
from ansible_collections.zequenze.control.plugins.plugin_utils.report_lines import attention_lines as _lines


@record_filter("attention_lines")
def attention_lines(found):
    """The lines of a needing-attention result."""
    return _lines(found)


class FilterModule(object):
    """Operation report filters."""

    def filters(self):
        return {"attention_lines": attention_lines}
