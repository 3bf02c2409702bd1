#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# The documentation of the wait_for_operations action (plugins/action/wait_for_operations.py), which runs on
# the controller and calls headless_operation_info in chunks: this file holds no code.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: wait_for_operations
short_description: Wait for headless operations, printing a progress line at a steady interval
version_added: 0.1.0
description:
  - Waits until each given operation reaches O(wait_for), or until O(wait_timeout) runs out, and never
    stays silent for longer than O(report_interval) seconds; after each interval it prints one line per
    operation with its status, percent done, devices processed and failed, and its start time or ETA.
    An AWX job log therefore shows movement at least once a minute.
  - Waits in chunks of O(report_interval) seconds with M(zequenze.control.headless_operation_info)
    (O(zequenze.control.headless_operation_info#module:ids), O(zequenze.control.headless_operation_info#module:wait=true)),
    so it polls as patiently as the modules do, and rides through an API restart the same way.
  - The connection options are those of the modules; with C(module_defaults) set on
    C(group/zequenze.control.api), this action takes them too.
  - On a timeout the task fails, naming the operations still waited for, and returns the last records, so a
    playbook can use C(failed_when) to decide for itself.
author:
  - Zequenze Control collection maintainers (@zequenze)
extends_documentation_fragment:
  - zequenze.control.connection
  - zequenze.control.wait.polling
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.ACTIONGROUPS
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: It only reads; it runs the same in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
  action_group:
    support: full
    membership:
      - zequenze.control.api
options:
  ids:
    description: IDs of the operations to wait for.
    type: list
    elements: str
    required: true
  report_interval:
    description: Seconds between progress lines, from 5 to 55.
    type: float
    default: 30
seealso:
  - module: zequenze.control.headless_operation_info
  - module: zequenze.control.headless_operation
"""

EXAMPLES = r"""
- name: Wait up to two hours for the compliance report started earlier, printing progress every 30 s
  zequenze.control.wait_for_operations:
    ids: ["{{ report.operation.id | default('12345') }}"]
    wait_for: ended
    wait_timeout: 7200
    update_status: true
  register: waited

- name: Resume in a later job for five seconds at most; a timeout is not a failure here
  zequenze.control.wait_for_operations:
    ids: ["{{ nightly.operation.id | default('12345') }}"]
    wait_timeout: 5
    report_interval: 5
  register: again
  failed_when: again.failed and not again.wait.timed_out
"""

RETURN = r"""
records:
  description: The last record of each operation, in the order of O(ids).
  returned: always
  type: list
  elements: dict
pending:
  description: The IDs of the operations that have not reached O(wait_for).
  returned: always
  type: list
  elements: str
wait:
  description: How the wait went, summed over the chunks.
  returned: always
  type: dict
  contains:
    elapsed:
      description: Seconds spent waiting.
      type: float
    polls:
      description: How many times an operation was read while waiting, failed reads included.
      type: int
    failed_polls:
      description: How many of the polls failed with an error that may pass on its own.
      type: int
    timed_out:
      description: Whether O(wait_timeout) ran out.
      type: bool
  sample:
    elapsed: 1830.2
    polls: 41
    failed_polls: 0
    timed_out: false
"""
