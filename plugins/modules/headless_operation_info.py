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
  - With O(id), reads one operation; an unknown ID gives an empty list, not a failure.
  - With O(id) and O(wait=true), waits until the operation reaches O(wait_for),
    so a job can hand off a long operation and come back to it later.
author:
  - Zequenze Control collection maintainers (@zequenze)
extends_documentation_fragment:
  - zequenze.control.connection
  - zequenze.control.wait
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
- name: Read one operation with a fresh status
  zequenze.control.headless_operation_info:
    api_url: "{{ lookup('ansible.builtin.env', 'ZEQUENZE_API_URL') }}"
    api_token: "{{ lookup('ansible.builtin.env', 'ZEQUENZE_API_TOKEN') }}"
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
  description: The operations found, newest first, as the API returns them.
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
        - How many of the polls failed with an error that may pass on its own (connection refused or
          dropped, a timeout, HTTP 429 or 5xx) after the client's O(max_retries) retries. Such a poll does not
          end the wait, which polls again after a pause until O(wait_timeout) runs out, so the wait rides
          through an API restart.
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
    wait_goal,
)
from ansible_collections.zequenze.control.plugins.module_utils.errors import ZequenzeError
from ansible_collections.zequenze.control.plugins.module_utils.records import record_view
from ansible_collections.zequenze.control.plugins.module_utils.wait_outcome import check_wait_outcome, wait_report

STATUSES = ["scheduled", "in_progress", "completed", "failed", "cancelled"]


def argument_spec():
    spec = connection_argument_spec()
    spec.update(wait_argument_spec())
    spec.update(
        id=dict(type="str"),
        status=dict(type="list", elements="str", choices=STATUSES),
        operation_type=dict(type="str"),
        organizations=dict(type="list", elements="int"),
        max_results=dict(type="int"),
        page_size=dict(type="int", default=1000),
    )
    return spec


def wanted(params, record):
    """Whether a record passes the status, operation_type and organization filters."""
    if params["status"] and record.get("status") not in params["status"]:
        return False
    if params["operation_type"] and record.get("operation_type") != params["operation_type"]:
        return False
    if params["organizations"]:
        orgs = set("%s" % o for o in record_view(record)["organizations"])
        if not orgs.intersection("%s" % o for o in params["organizations"]):
            return False
    return True


def run(module, operations):
    params = module.params
    report = wait_report()
    if params["id"] is not None:
        record = operations.get(params["id"], update_status=params["update_status"])
        if record is not None and params["wait"]:
            goal = wait_goal(params["wait_for"])
            try:
                result = operations.wait(record, goal, params["wait_timeout"], params["poll_interval"],
                                         params["max_poll_interval"], refresh_status=params["update_status"],
                                         refreshed=params["update_status"])
                check_wait_outcome(result, goal)
            except ZequenzeError as error:
                error.result = {"operations": [error.wait_result.record], "count": 1,
                                "wait": wait_report(error.wait_result), "changed": False}
                raise
            record, report = result.record, wait_report(result)
        records = [record] if record is not None and wanted(params, record) else []
    else:
        records = []
        for record in operations.list(update_status=params["update_status"], page_size=params["page_size"]):
            if wanted(params, record):
                records.append(record)
                if params["max_results"] is not None and len(records) >= params["max_results"]:
                    break
    return False, None, None, {"operations": records, "count": len(records), "wait": report}


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_if=[("wait", True, ("id",))],
    )
    require_at_least(module, 1, ("max_results", "page_size"))
    run_module(module, run)


if __name__ == "__main__":
    main()
