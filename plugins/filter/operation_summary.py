# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: operation_summary
author: Zequenze Control collection maintainers
version_added: 0.1.0
short_description: A flat, report-ready view of headless operation records
description:
  - Reads an operation record as returned by M(zequenze.control.headless_operation) or
    M(zequenze.control.headless_operation_info), in either the GET shape (C(operation_details))
    or the POST shape (C(operation_config)), and returns the fields reports need.
  - Given a list of records, returns a list of summaries in the same order.
options:
  _input:
    description: One operation record, or a list of them.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Find the operation
  zequenze.control.headless_operation_info:
    id: "67890"
  register: found

- name: Show how it went
  ansible.builtin.debug:
    msg: "{{ found.operations | zequenze.control.operation_summary }}"
"""

RETURN = r"""
_value:
  description: The summary (or list of summaries).
  type: raw
  contains:
    id:
      description: The operation id.
      type: str
    operation_type:
      description: The operation type.
      type: str
    status:
      description: C(scheduled), C(in_progress), C(completed), C(failed) or C(cancelled).
      type: str
    organizations:
      description: The organization ids the operation targets.
      type: list
      elements: int
    device_types:
      description: The device types it targets (empty for all).
      type: list
      elements: str
    progress:
      description: Percent done.
      type: int
    total_devices:
      description: Devices targeted (C(total_devices), else C(target_device_count)).
      type: int
    processed_devices:
      description: Devices processed so far.
      type: int
    failed_devices:
      description: Devices that failed.
      type: int
    failed_percent:
      description: Failed devices as a percentage of the targeted devices, two decimals.
      type: float
    error_summary:
      description: Failed devices per error category.
      type: dict
    created_at:
      description: When the operation was created.
      type: str
    scheduled_for:
      description: When it is scheduled to start.
      type: str
    updated_at:
      description: When the record last changed.
      type: str
    estimated_completion:
      description: When the API expects it to end.
      type: str
"""

from ansible_collections.zequenze.control.plugins.plugin_utils.operation_records import summaries
from ansible_collections.zequenze.control.plugins.plugin_utils.record_filter import record_filter


@record_filter("operation_summary")
def operation_summary(records):
    """Summarize one record or each of a list of records."""
    if isinstance(records, (list, tuple)):
        return summaries(records)
    return summaries([records])[0]


class FilterModule(object):
    """Operation record filters."""

    def filters(self):
        return {"operation_summary": operation_summary}
