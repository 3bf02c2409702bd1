# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: operations_over_threshold
author: Zequenze Control collection maintainers
version_added: 0.1.0
short_description: The headless operations that did not complete or failed too many devices
description:
  - Returns the summaries (see P(zequenze.control.operation_summary#filter)) of the operations whose
    status is not C(completed), or whose failed devices exceed O(max_failed_percent) percent of their devices.
  - Meant for the records of operations that have ended.
positional: _input, max_failed_percent
options:
  _input:
    description: A list of operation records.
    type: list
    elements: dict
    required: true
  max_failed_percent:
    description: The largest acceptable percentage of failed devices per operation.
    type: float
    default: 0
"""

EXAMPLES = r"""
- name: Fail when an operation failed or more than 5% of its devices failed
  vars:
    failing: "{{ records | zequenze.control.operations_over_threshold(5) }}"
  ansible.builtin.assert:
    that: failing | length == 0
    fail_msg: "Organizations {{ failing | map(attribute='organizations') | flatten | join(', ') }} over the threshold"
"""

RETURN = r"""
_value:
  description: Summaries of the offending operations, in input order.
  type: list
  elements: dict
"""

from ansible_collections.zequenze.control.plugins.plugin_utils.operation_records import over_threshold
from ansible_collections.zequenze.control.plugins.plugin_utils.record_filter import record_filter


@record_filter("operations_over_threshold", wants_list=True)
def operations_over_threshold(records, max_failed_percent=0):
    """The operations that did not complete or exceeded ``max_failed_percent``."""
    return over_threshold(records, max_failed_percent)


class FilterModule(object):
    """Operation record filters."""

    def filters(self):
        return {"operations_over_threshold": operations_over_threshold}
