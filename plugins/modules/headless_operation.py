#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: headless_operation
short_description: Schedule a headless inventory operation, idempotently, and optionally wait for it
version_added: 0.1.0
description:
  - Creates a headless inventory operation (bulk serial sync, inventory audit, status update,
    compliance report) through the Zequenze Control API, unless an operation with the same
    identity already exists.
  - "Identity: operation type, the set of organizations, device types, device statuses and the
    scheduled time. With an explicit O(schedule.execute_at), an existing operation with the same
    identity in any state satisfies the task, so re-running last night's job creates nothing.
    With O(schedule.execute_at=now) (or none), only a matching operation that is still
    C(scheduled) or C(in_progress) does. O(force=true) always creates."
  - Can wait for the operation to start or to finish, polling patiently and using the API's
    C(estimated_completion) to avoid useless polls.
  - In check mode the module looks for matching operations (read-only requests) and never creates one.
  - "Warnings: an O(schedule.execute_at) more than five minutes in the past (the API starts the operation
    at once); a found operation whose priority or options differ from the task's (see RV(drift)); an API
    estimate longer than the operation's C(timeout_minutes) or past the end of O(window_minutes)."
author:
  - Zequenze Control collection maintainers (@zequenze)
extends_documentation_fragment:
  - zequenze.control.connection
  - zequenze.control.create
  - zequenze.control.create.configuration
  - zequenze.control.create.checks
  - zequenze.control.wait
  - zequenze.control.wait.polling
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.ACTIONGROUPS
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - When an operation is (or would be) created, V(before) is empty and V(after) is the request body.
      - When a matching operation satisfies the task, both show its identity.
  platform:
    platforms: all
  action_group:
    support: full
    membership:
      - zequenze.control.api
options:
  force:
    description: Create a new operation even when a matching one exists.
    type: bool
    default: false
notes:
  - Check mode does not wait, and cannot know the API's estimate, which comes with the created operation.
seealso:
  - module: zequenze.control.headless_operation_info
"""

EXAMPLES = r"""
- name: Schedule tonight's serial sync (nothing new when it already exists)
  # api_url and api_token come from ZEQUENZE_API_URL and ZEQUENZE_API_TOKEN
  zequenze.control.headless_operation:
    operation_type: bulk_serial_sync
    organizations: [101, 102, 103]
    device_filters:
      types: [router, switch]
      status: [active, pending]
    schedule:
      execute_at: "2030-01-16T02:00:00Z"
      priority: normal
    options:
      update_firmware_info: true
      validate_connectivity: true
      timeout_minutes: 120
  register: nightly

- name: Run a compliance report now and wait until it ends
  zequenze.control.headless_operation:
    operation_type: compliance_report
    organizations: [101]
    wait: true
    wait_timeout: 1800
    update_status: true
    max_failed_devices: 10
  register: report

- name: Send the configuration object as the API document's data parameter
  zequenze.control.headless_operation:
    data:
      operation_type: inventory_audit
      target_organizations: [102]
      schedule:
        execute_at: "2030-02-01T03:00:00+01:00"

- name: Start an audit now and return as soon as it runs
  zequenze.control.headless_operation:
    operation_type: inventory_audit
    organizations: [103]
    force: true
    wait: true
    wait_for: started
"""

RETURN = r"""
changed:
  description: Whether an operation was (or, in check mode, would be) created.
  returned: always
  type: bool
created:
  description: Whether this task created an operation (in check mode, whether it would).
  returned: always
  type: bool
operation:
  description:
    - The API record of the operation that satisfies the task (found, created, or last seen while waiting).
    - Fields as the API returns them; the most useful are listed.
  returned: when an operation was found or created
  type: dict
  sample:
    {id: "67890", operation_type: bulk_serial_sync, status: scheduled, created_at: "2024-01-15T14:30:00Z",
     scheduled_for: "2024-01-16T02:00:00Z", target_device_count: 245,
     operation_config: {organizations: [101, 102, 103], device_types: [router, switch]}}
  contains:
    id:
      description: The operation ID.
      type: str
    status:
      description: C(scheduled), C(in_progress), C(completed), C(failed) or C(cancelled).
      type: str
    progress:
      description: Percent done.
      type: int
    failed_devices:
      description: Devices that failed so far.
      type: int
duplicates:
  description:
    - Other operations with the same identity that appeared while this task created its own (runs
      on another machine, or without this machine's O(cache_dir)). A warning names them.
    - Each entry is the identity of one operation, with its id and status.
  returned: always
  type: list
  elements: dict
  sample:
    - {id: "67891", status: scheduled, operation_type: bulk_serial_sync, organizations: [101, 102, 103],
       device_types: [router, switch], execute_at: "2024-01-16T02:00:00Z"}
lookup:
  description: What finding operations of the same identity read from the API.
  returned: always
  type: dict
  contains:
    scan:
      description:
        - V(incremental) when only the operations created since the previous lookup were read;
          V(full) when the whole listing was (an empty cache, O(identity_cache=false), or a listing
          whose order or count did not allow stopping early).
      type: str
    pages:
      description: Listing pages read.
      type: int
    records_read:
      description: Operation records read from the listing.
      type: int
    full_scan_reason:
      description: Why the whole listing was read, or null.
      type: str
  sample: {scan: incremental, pages: 1, records_read: 1, full_scan_reason: null}
request:
  description: The body that was sent or, when nothing was sent, that would have been sent.
  returned: always
  type: dict
  sample:
    {operation_type: bulk_serial_sync, target_organizations: [101, 102, 103], schedule: {execute_at: "2024-01-16T02:00:00Z"}}
wait:
  description: How the wait went.
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
  sample: {elapsed: 42.1, polls: 4, failed_polls: 0, timed_out: false}
drift:
  description:
    - How the found operation differs from the task in what is not part of its identity
      (C(schedule.priority) and each option the task sets), keyed by field. Empty when it does not,
      or when the task created the operation.
  returned: always
  type: dict
  sample:
    schedule.priority: {task: high, operation: normal}
    options.timeout_minutes: {task: 240, operation: 120}
unverified:
  description: In check mode, when an operation would be created, what check mode could not verify without creating it.
  returned: in check mode, when an operation would be created
  type: list
  elements: str
  sample:
    - "The token's scope (HTTP 403 for an organization outside it) cannot be known without creating the operation"
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
  description: The field errors, each naming a field of the request, from the API or from the checks made before sending.
  returned: when the API answered with field errors, or the request failed those checks
  type: list
  elements: dict
  sample:
    - {field: options.timeout_minutes, message: "expected an integer from 1 to 1440, got 5000"}
url:
  description: The URL of the request that failed.
  returned: when a request failed
  type: str
  sample: https://control.zequenze.com/api/v1/inventory_device_serial_headless_operation/
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zequenze.control.plugins.module_utils.api_module import (
    connection_argument_spec,
    create_argument_spec,
    require_at_least,
    require_mappings,
    run_module,
    wait_argument_spec,
    wait_step,
)
from ansible_collections.zequenze.control.plugins.module_utils.create_task import check_estimate, partial, task_result, warn
from ansible_collections.zequenze.control.plugins.module_utils.preflight import SCOPE_NOTE, past_start_warning, request_body
from ansible_collections.zequenze.control.plugins.module_utils.request_body import MAPPING_SUBOPTIONS, STRUCTURED_OPTIONS, configuration_argument_spec


def argument_spec():
    spec = connection_argument_spec()
    spec.update(wait_argument_spec())
    spec.update(create_argument_spec())
    spec.update(configuration_argument_spec())
    spec.update(
        force=dict(type="bool", default=False),
        max_failed_devices=dict(type="int"),
        window_minutes=dict(type="int"),
        on_overrun=dict(type="str", choices=["warn", "fail"], default="warn"),
    )
    return spec


def run(module, operations):
    params = module.params
    body = request_body(params)
    warn(module, [past_start_warning(body)])
    outcome = operations.ensure(body, params["force"], module.check_mode)
    result = task_result(module, body, outcome)
    if outcome.record is None:  # check mode, would create
        return dict(result, unverified=[SCOPE_NOTE])
    check_estimate(module, outcome.record, body, dict(result, operation=outcome.record))
    if not params["wait"] or module.check_mode:
        return dict(result, operation=outcome.record)
    (record,), result["wait"] = wait_step(
        module, operations, [outcome.record], partial(result), created=outcome.created, max_failed_devices=params["max_failed_devices"]
    )
    return dict(result, operation=record)


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("data", name) for name in STRUCTURED_OPTIONS],
        required_one_of=[("data", "operation_type")],
        required_together=[("operation_type", "organizations")],
    )
    require_mappings(module, MAPPING_SUBOPTIONS)
    require_at_least(module, 0, ("max_failed_devices",))
    require_at_least(module, 1, ("window_minutes",))
    run_module(module, run)


if __name__ == "__main__":
    main()
