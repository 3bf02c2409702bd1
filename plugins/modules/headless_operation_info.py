#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: headless_operation_info
short_description: List headless inventory operations, or read one and wait for it
version_added: 0.1.0
description:
  - Reads headless inventory operations from the Zequenze Control API, following every page.
  - With O(id) or O(ids), reads those operations, in that order; an unknown ID is left out
    (so one unknown O(id) gives an empty list), not a failure.
  - With O(id) or O(ids) and O(wait=true), waits until each operation reaches O(wait_for), all
    within O(wait_timeout), so a job can hand off long operations and come back to them later.
    The P(zequenze.control.wait_for_operations#module) action waits this way in chunks, printing progress.
author:
  - Zequenze Control collection maintainers (@zequenze)
extends_documentation_fragment:
  - zequenze.control.connection
  - zequenze.control.wait
  - zequenze.control.wait.polling
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.ACTIONGROUPS
attributes:
  check_mode:
    support: full
    details: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
  action_group:
    support: full
    membership:
      - zequenze.control.api
options:
  id:
    description: ID of one operation to read.
    type: str
  ids:
    description: IDs of several operations to read, or to wait for. Mutually exclusive with O(id).
    type: list
    elements: str
  status:
    description: Keep only operations in one of these statuses.
    type: list
    elements: str
    choices: [scheduled, in_progress, completed, failed, cancelled]
  operation_type:
    description: Keep only operations of this type.
    type: str
  organizations:
    description: Keep only operations that target at least one of these organizations.
    type: list
    elements: int
  max_results:
    description: Return at most this many operations, the newest ones (by creation time, then id).
    type: int
  page_size:
    description: Operations per page requested from the API (the emulator serves up to 1000).
    type: int
    default: 1000
seealso:
  - module: zequenze.control.headless_operation
"""

EXAMPLES = r"""
# api_url and api_token come from ZEQUENZE_API_URL and ZEQUENZE_API_TOKEN
- name: Read one operation with a fresh status
  zequenze.control.headless_operation_info:
    id: "{{ nightly.operation.id | default('12345') }}"
    update_status: true
  register: one

- name: List the operations still scheduled or running for organization 101
  zequenze.control.headless_operation_info:
    status: [scheduled, in_progress]
    organizations: [101]
  register: active

- name: The ten newest compliance reports
  zequenze.control.headless_operation_info:
    operation_type: compliance_report
    max_results: 10

- name: Wait up to ten minutes for two operations to complete
  zequenze.control.headless_operation_info:
    ids: ["12345", "12346"]
    wait: true
    wait_timeout: 600
    update_status: true

- name: Come back to an operation and wait up to 50 s for it to end, without failing on timeout
  zequenze.control.headless_operation_info:
    id: "{{ report.operation.id | default('12345') }}"
    wait: true
    wait_for: ended
    wait_timeout: 50
  register: chunk
  failed_when: chunk.failed and not (chunk.wait.timed_out | default(false))
"""

RETURN = r"""
operations:
  description:
    - The operations found, as the API returns them. A listing is newest first (by creation time, then id);
      with O(id) or O(ids), the operations come in the order asked.
  returned: always
  type: list
  elements: dict
  sample:
    - id: "12345"
      operation_type: bulk_serial_sync
      status: in_progress
      progress: 65
      total_devices: 150
      processed_devices: 98
      failed_devices: 2
      estimated_completion: "2024-01-15T12:15:00Z"
      operation_details:
        device_types: [router, switch, access_point]
        organization_ids: [101, 102]
count:
  description: Number of operations in RV(operations).
  returned: always
  type: int
  sample: 1
wait:
  description: How the wait went (all zero without O(wait)).
  returned: always
  type: dict
  contains:
    elapsed:
      description: Seconds spent waiting.
      type: float
    polls:
      description: How many times the operation was read while waiting, failed reads included.
      type: int
    failed_polls:
      description:
        - Polls that failed with an error that may pass on its own (refused, dropped, timed out, HTTP 429 or
          5xx) after O(max_retries); the wait goes on until O(wait_timeout), riding through an API restart.
      type: int
    timed_out:
      description: Whether O(wait_timeout) ran out.
      type: bool
  sample:
    elapsed: 12.5
    polls: 3
    failed_polls: 0
    timed_out: false
status:
  description: The HTTP status of the API's error answer.
  returned: when the API answered with an error
  type: int
  sample: 422
detail:
  description: The API's C(detail) text of the error answer.
  returned: when the API answered with an error that has one
  type: str
  sample: "invalid operation parameters: options.timeout_minutes"
errors:
  description: The API's field errors, each naming a field of the request.
  returned: when the API answered with field errors
  type: list
  elements: dict
  sample:
    - field: options.timeout_minutes
      message: expected an integer from 1 to 1440, got 5000
url:
  description: The URL of the request that failed.
  returned: when a request failed
  type: str
  sample: https://control.zequenze.com/api/v1/inventory_device_serial_headless_operation/
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zequenze.control.plugins.module_utils.api_module import (
    connection_argument_spec,
    require_at_least,
    run_module,
    wait_argument_spec,
    wait_step,
)
from ansible_collections.zequenze.control.plugins.module_utils.records import newest_first_key, record_view
from ansible_collections.zequenze.control.plugins.module_utils.wait_outcome import wait_report

STATUSES = ["scheduled", "in_progress", "completed", "failed", "cancelled"]


def argument_spec():
    spec = connection_argument_spec()
    spec.update(wait_argument_spec())
    spec.update(
        id=dict(type="str"),
        ids=dict(type="list", elements="str"),
        status=dict(type="list", elements="str", choices=STATUSES),
        operation_type=dict(type="str"),
        organizations=dict(type="list", elements="int"),
        max_results=dict(type="int"),
        page_size=dict(type="int", default=1000),
    )
    return spec


def wanted(params, record):
    """Whether a record passes the status, operation_type and organizations filters."""
    if params["status"] and record.get("status") not in params["status"]:
        return False
    if params["operation_type"] and record.get("operation_type") != params["operation_type"]:
        return False
    if params["organizations"]:
        orgs = set("%s" % o for o in record_view(record).organizations)
        return bool(orgs.intersection("%s" % o for o in params["organizations"]))
    return True


def found(records, report=None):
    return {"changed": False, "operations": records, "count": len(records), "wait": report or wait_report()}


def listed(operations, params):
    """The listing, filtered, newest first, cut at max_results."""
    records = [r for r in operations.list(update_status=params["update_status"], page_size=params["page_size"]) if wanted(params, r)]
    return found(sorted(records, key=newest_first_key)[: params["max_results"]])


def run(module, operations):
    params = module.params
    ids = [params["id"]] if params["id"] is not None else params["ids"]
    if ids is None:
        return listed(operations, params)
    records = [r for r in (operations.get(i, update_status=params["update_status"]) for i in unique(ids)) if r is not None]
    report = None
    if records and params["wait"]:
        records, report = wait_step(module, operations, records, found, refreshed=params["update_status"])
    return found([r for r in records if wanted(params, r)], report)


def unique(ids):
    return list(dict.fromkeys("%s" % i for i in ids))


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("id", "ids")],
        required_if=[("wait", True, ("id", "ids"), True)],
    )
    require_at_least(module, 1, ("max_results", "page_size"))
    run_module(module, run)


if __name__ == "__main__":
    main()
