# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: operation_totals
author: Zequenze Control collection maintainers
version_added: 0.1.0
short_description: Device and error totals over many headless operation records
description:
  - Adds up devices targeted, processed and failed over a list of operation records
    (GET or POST shape), the overall failure percentage, how many operations are in each
    status, and the failed devices per error category.
options:
  _input:
    description: A list of operation records.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Fail when more than 5% of all devices failed
  ansible.builtin.assert:
    that: (records | zequenze.control.operation_totals).failed_percent <= 5
"""

RETURN = r"""
_value:
  description: The totals.
  type: dict
  contains:
    operations:
      description: Number of records.
      type: int
    total_devices:
      description: Devices targeted.
      type: int
    processed_devices:
      description: Devices processed.
      type: int
    failed_devices:
      description: Devices failed.
      type: int
    failed_percent:
      description: Failed devices as a percentage of targeted devices, two decimals.
      type: float
    statuses:
      description: Number of operations per status.
      type: dict
    error_summary:
      description: Failed devices per error category, sorted by category.
      type: dict
"""

from ansible_collections.zequenze.control.plugins.plugin_utils.operation_records import totals
from ansible_collections.zequenze.control.plugins.plugin_utils.record_filter import record_filter


@record_filter("operation_totals", wants_list=True)
def operation_totals(records):
    """Totals over a list of records."""
    return totals(records)


class FilterModule(object):
    """Operation record filters."""

    def filters(self):
        return {"operation_totals": operation_totals}
