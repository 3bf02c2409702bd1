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
  - "Before any request, in check mode as in a real run and for O(data) as for the structured options, the
    module checks the request against the API's contract: the operation types, device types and statuses,
    priorities and keys it knows, the O(options) C(timeout_minutes) range, the O(schedule.execute_at) format
    and the organization ids. A request the API would refuse fails naming each bad field, and nothing is sent."
  - "What cannot be known without creating the operation is not checked: whether the token's scope
    includes every organization (the API answers HTTP 403). Check mode says so in RV(unverified)."
  - "Warnings: an O(schedule.execute_at) more than five minutes in the past (the API starts the operation
    at once); a found operation whose priority or options differ from the task's (see RV(drift)); an API
    estimate longer than the operation's C(timeout_minutes) or past the end of O(window_minutes)."
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
  operation_type:
    description:
      - The kind of operation, for example V(bulk_serial_sync), V(inventory_audit),
        V(status_update) or V(compliance_report). The API rejects unknown types with HTTP 422.
      - Required unless O(data) is given.
    type: str
  organizations:
    description:
      - IDs of the organizations the operation targets. The token must be allowed to act on each.
      - Required with O(operation_type).
    type: list
    elements: int
    aliases: [target_organizations]
  device_filters:
    description:
      - Which devices of those organizations the operation touches.
      - A mapping with the keys below (or its JSON or C(key=value) text). Anything else fails naming this option.
    type: raw
    suboptions:
      types:
        description: Device types, for example V(router), V(switch), V(access_point), V(firewall). All types when omitted.
        type: list
        elements: str
      status:
        description: Device statuses, for example V(active), V(pending), V(inactive). All statuses when omitted.
        type: list
        elements: str
  schedule:
    description:
      - When and how urgently the operation runs.
      - A mapping with the keys below (or its JSON or C(key=value) text). Anything else fails naming this option.
    type: raw
    suboptions:
      execute_at:
        description:
          - ISO 8601 date and time with an offset (V(2024-01-16T02:00:00Z), V(2024-01-16T03:00:00+01:00)),
            or V(now) to run as soon as possible.
          - Part of the identity; see the description.
        type: str
        default: now
      priority:
        description: Scheduling priority.
        type: str
        choices: [low, normal, high]
  options:
    description:
      - Operation options, sent as given. Known keys are C(update_firmware_info) (bool),
        C(validate_connectivity) (bool) and C(timeout_minutes) (int, 1 to 1440; the API gives
        up an operation after it). Other keys fail unless O(validate_vocabulary=false).
    type: dict
  data:
    description:
      - The whole operation configuration, as a JSON object string or a mapping, sent as is.
        This is the API document's own C(data) parameter. C(schedule.execute_at=now) in it is dropped
        before sending, as with O(schedule.execute_at=now); the same checks as for the structured options apply.
      - Mutually exclusive with O(operation_type), O(organizations), O(device_filters),
        O(schedule) and O(options). Its fields still decide the identity.
    type: raw
  force:
    description: Create a new operation even when a matching one exists.
    type: bool
    default: false
  cache_dir:
    description:
      - The folder of the identity cache and of the create locks, on the machine the module runs on
        (the controller, for tasks that run on localhost).
      - The identity cache lets a lookup read only the operations created since the previous one, so
        a task costs the same at any number of stored operations. It holds, per API URL and token, the
        identity fields and last seen status of each operation (no token; the file is named by a hash
        of the URL and the token and is readable by its owner only).
      - The create lock (one per operation type and organizations) makes runs on this machine create
        an operation one at a time, so two runs started together create it once.
      - If not set, the value of the E(ZEQUENZE_CACHE_DIR) environment variable is used; without it,
        C($XDG_CACHE_HOME/zequenze.control), or C(~/.cache/zequenze.control).
    type: path
  identity_cache:
    description:
      - Keep the identity cache in O(cache_dir). With V(false) every lookup reads the whole listing,
        as the first lookup with an empty cache does. The create lock is taken either way.
      - If not set, the value of the E(ZEQUENZE_IDENTITY_CACHE) environment variable is used.
    type: bool
    default: true
  settle_time:
    description:
      - Seconds to keep looking for the operation a create request may have made when the request
        failed without a clear answer (a timeout, a dropped connection, HTTP 429 or 5xx), before
        sending it again. Listings can lag behind saves, and a save can land after the answer timed out.
      - When no retry is left (O(max_retries)) and nothing appeared, the task fails saying the
        operation may have been created; a re-run adopts it once it appears.
      - A C(Retry-After) answer lengthens the period to what the API asked.
      - If not set, the value of the E(ZEQUENZE_SETTLE_TIME) environment variable is used.
    type: float
    default: 20
  max_failed_devices:
    description:
      - After waiting, fail when the operation has more failed devices than this.
      - Checked against the last record, so it is meaningful with O(wait=true).
    type: int
  validate_vocabulary:
    description:
      - Check operation types, device types and statuses, priorities and keys against the values this
        collection knows before sending anything.
      - Set V(false) for values an API newer than this collection accepts. Formats, ranges and types
        are checked either way.
    type: bool
    default: true
  window_minutes:
    description:
      - Length in minutes of the maintenance window that opens at the operation's scheduled start.
        When the API estimates that the operation ends after it, the task warns (or fails, see O(on_overrun)).
      - At least C(1). No window check when omitted.
    type: int
  on_overrun:
    description:
      - What to do when the API's estimate for the operation (found or created) exceeds its
        C(timeout_minutes), or ends after O(window_minutes).
      - V(warn) reports it and succeeds; V(fail) fails the task. The operation exists either way
        (the estimate comes with the API's answer) and runs as scheduled.
    type: str
    choices: [warn, fail]
    default: warn
notes:
  - Check mode does not wait, and cannot know the API's estimate, which comes with the created operation.
seealso:
  - module: zequenze.control.headless_operation_info
"""

EXAMPLES = r"""
- name: Schedule tonight's serial sync (nothing new when it already exists)
  zequenze.control.headless_operation:
    api_url: "{{ lookup('ansible.builtin.env', 'ZEQUENZE_API_URL') }}"
    api_token: "{{ lookup('ansible.builtin.env', 'ZEQUENZE_API_TOKEN') }}"
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
    id: "67890"
    operation_type: bulk_serial_sync
    status: scheduled
    created_at: "2024-01-15T14:30:00Z"
    scheduled_for: "2024-01-16T02:00:00Z"
    target_device_count: 245
    operation_config:
      organizations: [101, 102, 103]
      device_types: [router, switch]
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
    - id: "67891"
      status: scheduled
      operation_type: bulk_serial_sync
      organizations: [101, 102, 103]
      device_types: [router, switch]
      execute_at: "2024-01-16T02:00:00Z"
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
  sample:
    scan: incremental
    pages: 1
    records_read: 1
    full_scan_reason: null
request:
  description: The body that was sent or, when nothing was sent, that would have been sent.
  returned: always
  type: dict
  sample:
    operation_type: bulk_serial_sync
    target_organizations: [101, 102, 103]
    schedule:
      execute_at: "2024-01-16T02:00:00Z"
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
  sample:
    elapsed: 42.1
    polls: 4
    failed_polls: 0
    timed_out: false
drift:
  description:
    - How the found operation differs from the task in what is not part of its identity
      (C(schedule.priority) and each option the task sets), keyed by field. Empty when it does not,
      or when the task created the operation.
  returned: always
  type: dict
  sample:
    schedule.priority:
      task: high
      operation: normal
    options.timeout_minutes:
      task: 240
      operation: 120
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
    create_argument_spec,
    fail,
    require_at_least,
    require_mappings,
    run_module,
    wait_argument_spec,
    wait_step,
)
from ansible_collections.zequenze.control.plugins.module_utils.drift import drift, drift_warning
from ansible_collections.zequenze.control.plugins.module_utils.errors import EstimateExceededError
from ansible_collections.zequenze.control.plugins.module_utils.identity import record_summary
from ansible_collections.zequenze.control.plugins.module_utils.preflight import (
    SCOPE_NOTE,
    past_start_warning,
    request_body,
)
from ansible_collections.zequenze.control.plugins.module_utils.sizing import overruns
from ansible_collections.zequenze.control.plugins.module_utils.wait_outcome import wait_report

STRUCTURED_OPTIONS = ("operation_type", "organizations", "device_filters", "schedule", "options")
# Declared type raw and checked by require_mappings: see module_utils/mapping_options.py.
MAPPING_SUBOPTIONS = dict(
    device_filters=dict(
        types=dict(type="list", elements="str"),
        status=dict(type="list", elements="str"),
    ),
    schedule=dict(
        execute_at=dict(type="str", default="now"),
        priority=dict(type="str", choices=["low", "normal", "high"]),
    ),
)


def argument_spec():
    spec = connection_argument_spec()
    spec.update(wait_argument_spec())
    spec.update(create_argument_spec())
    spec.update(
        operation_type=dict(type="str"),
        organizations=dict(type="list", elements="int", aliases=["target_organizations"]),
        device_filters=dict(type="raw"),
        schedule=dict(type="raw"),
        options=dict(type="dict"),
        data=dict(type="raw"),
        force=dict(type="bool", default=False),
        max_failed_devices=dict(type="int"),
        validate_vocabulary=dict(type="bool", default=True),
        window_minutes=dict(type="int"),
        on_overrun=dict(type="str", choices=["warn", "fail"], default="warn"),
    )
    return spec


def run(module, operations):
    params = module.params
    body = request_body(params)
    warn(module, [past_start_warning(body)])
    outcome = operations.ensure(body, params["force"], module.check_mode)
    record, created = outcome.record, outcome.created
    duplicates = [record_summary(r) for r in outcome.duplicates]
    warn(module, [duplicates_warning(record, duplicates)])
    result = dict(changed=created, created=created, request=body, wait=wait_report(),
                  diff=operation_diff(body, None if created else record), drift=found_drift(module, record, body, created),
                  duplicates=duplicates, lookup=outcome.lookup)
    if record is None:  # check mode, would create
        return dict(result, unverified=[SCOPE_NOTE])
    check_estimate(module, record, body, dict(result, operation=record))
    if params["wait"] and not module.check_mode:
        (record,), result["wait"] = wait_step(module, operations, [record], partial(result), created=created,
                                              max_failed_devices=params["max_failed_devices"])
    return dict(result, operation=record)


def warn(module, sentences):
    for sentence in sentences:
        if sentence:
            module.warn(sentence)


def duplicates_warning(record, duplicates):
    """The warning naming operations of the same identity that another run created meanwhile (None without)."""
    if not duplicates:
        return None
    return ("Other operations with the same identity were created while this task created %s: %s. Another run "
            "(on another machine, or one without this machine's cache folder) created them; cancel the extra ones"
            % (record_summary(record)["id"], ", ".join("%s" % d["id"] for d in duplicates)))


def found_drift(module, record, body, created):
    """How a found operation differs from the task outside its identity ({} for a new one), with a warning."""
    differences = {} if created else drift(record, body)
    warn(module, [drift_warning(record, differences) if differences else None])
    return differences


def operation_diff(body, existing):
    """The body that is sent, or the identity of the operation that satisfies the task."""
    if existing is None:
        return {"before": {}, "after": body}
    summary = record_summary(existing)
    return {"before": summary, "after": summary}


def partial(result):
    return lambda records, report: dict(result, operation=records[0], wait=report)


def check_estimate(module, record, body, result):
    """Warn (or fail, with on_overrun=fail) when the API's estimate overruns the timeout or window."""
    found = overruns(record, body, module.params["window_minutes"])
    if found and module.params["on_overrun"] == "fail":
        fail(module, EstimateExceededError("; ".join(found)), **result)
    warn(module, found)


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
