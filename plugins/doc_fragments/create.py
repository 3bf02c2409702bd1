# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The options of a module that creates operations.

    DOCUMENTATION: the create path (identity cache, create lock, settle time), whose argument spec
    is module_utils/api_module.py's create_argument_spec. CONFIGURATION: the operation configuration
    the API's create call takes, in the structured options or as data, and its checks. CHECKS: what
    the task checks of the operation it found or created (the API's estimate, failed devices).
    """

    DOCUMENTATION = r"""
options:
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
"""

    CONFIGURATION = r"""
notes:
  - "Before any request, in check mode as in a real run and for O(data) as for the structured options, the
    module checks the request against the API's contract: the operation types, device types and statuses,
    priorities and keys it knows, the O(options) C(timeout_minutes) range, the O(schedule.execute_at) format
    and the organization ids. A request the API would refuse fails naming each bad field, and nothing is sent."
  - "What cannot be known without creating the operation is not checked: whether the token's scope
    includes every organization (the API answers HTTP 403). Check mode says so in RV(unverified)."
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
  validate_vocabulary:
    description:
      - Check operation types, device types and statuses, priorities and keys against the values this
        collection knows before sending anything.
      - Set V(false) for values an API newer than this collection accepts. Formats, ranges and types
        are checked either way.
    type: bool
    default: true
"""

    CHECKS = r"""
options:
  max_failed_devices:
    description:
      - After waiting, fail when the operation has more failed devices than this.
      - Checked against the last record, so it is meaningful with O(wait=true).
    type: int
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
"""
