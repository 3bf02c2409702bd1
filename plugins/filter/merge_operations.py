# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: merge_operations
author: Zequenze Control collection maintainers
version_added: 0.1.0
short_description: Merge fresher operation records into a list, by id
description:
  - Returns the records of the input with each record of O(newer) replacing the one with the same id, in
    the input's order; records of O(newer) with new ids come last. Ids compare as text.
  - A record without an id cannot be matched and is kept as it is.
positional: _input, newer
options:
  _input:
    description: Operation records.
    type: list
    elements: dict
    required: true
  newer:
    description: Fresher records, for example read again with O(zequenze.control.headless_operation_info#module:update_status=true).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Judge each listed operation by its refreshed record when there is one
  ansible.builtin.set_fact:
    records: "{{ listed.operations | zequenze.control.merge_operations(refreshed.operations) }}"
"""

RETURN = r"""
_value:
  description: The merged records.
  type: list
  elements: dict
"""

from ansible_collections.zequenze.control.plugins.plugin_utils.operation_records import merged
from ansible_collections.zequenze.control.plugins.plugin_utils.record_filter import record_filter


@record_filter("merge_operations")
def merge_operations(records, newer):
    """records with newer merged in by id."""
    return merged(records, newer)


class FilterModule(object):
    """Operation record filters."""

    def filters(self):
        return {"merge_operations": merge_operations}
