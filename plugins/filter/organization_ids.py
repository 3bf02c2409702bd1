# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: organization_ids
author: Zequenze Control collection maintainers
version_added: 0.1.0
short_description: Organization ids from a list, one id, or text such as "101, 102"
description:
  - Reads the organizations a role is given, in any of the forms a playbook, an inventory or an AWX
    survey answer takes, and returns the ids sorted, without repeats.
  - Anything that is not a whole number fails, naming O(name) and the value.
positional: _input, name
options:
  _input:
    description: A list of ids, one id, or ids separated by commas.
    type: raw
    required: true
  name:
    description: The variable's name, for the error message.
    type: str
    default: organizations
"""

EXAMPLES = r"""
- name: "Read a survey answer: [101, 102]"
  ansible.builtin.debug:
    msg: "{{ '102, 101' | zequenze.control.organization_ids('nightly_inventory_sync_organizations') }}"
"""

RETURN = r"""
_value:
  description: The organization ids, sorted, each once.
  type: list
  elements: int
"""

from ansible_collections.zequenze.control.plugins.plugin_utils.operation_records import organization_ids as _ids
from ansible_collections.zequenze.control.plugins.plugin_utils.record_filter import record_filter


@record_filter("organization_ids")
def organization_ids(value, name="organizations"):
    """The organization ids in value."""
    return _ids(value, name)


class FilterModule(object):
    """Role input filters."""

    def filters(self):
        return {"organization_ids": organization_ids}
