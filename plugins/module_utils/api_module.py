# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every zequenze.control module shares: connection options, the client, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.zequenze.control.plugins.module_utils.api_session import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.zequenze.control.plugins.module_utils.client import client_for
from ansible_collections.zequenze.control.plugins.module_utils.connection_options import DEFAULT_API_URL, MAX_TIMEOUT, MIN_TIMEOUT
from ansible_collections.zequenze.control.plugins.module_utils.create_reconciler import CreateSettings
from ansible_collections.zequenze.control.plugins.module_utils.errors import ZequenzeError
from ansible_collections.zequenze.control.plugins.module_utils.mapping_options import checked_mapping
from ansible_collections.zequenze.control.plugins.module_utils.operations import Operations
from ansible_collections.zequenze.control.plugins.module_utils.unreadable_fields import pending_warnings
from ansible_collections.zequenze.control.plugins.module_utils.wait_outcome import wait_report
from ansible_collections.zequenze.control.plugins.module_utils.waiter import MIN_POLL_INTERVAL
from ansible_collections.zequenze.control.plugins.module_utils.waiting import WAIT_FOR_CHOICES, wait_for_all

# Seconds to keep looking for the operation an ambiguous create may have made.
DEFAULT_SETTLE_TIME = 20.0
# More retries than this only make a failing run take hours.
MAX_RETRIES = 100
# Seconds: beyond about 30 years, deadlines and sleeps overflow the platform's clock types.
MAX_WAIT_SECONDS = 1e9


def connection_argument_spec():
    """The connection options of plugins/doc_fragments/connection.py."""
    return dict(
        api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["ZEQUENZE_API_URL"])),
        api_token=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["ZEQUENZE_API_TOKEN"])),
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["ZEQUENZE_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["ZEQUENZE_CA_PATH"])),
        timeout=dict(type="float", default=30, fallback=(env_fallback, ["ZEQUENZE_TIMEOUT"])),
        max_retries=dict(type="int", default=5, fallback=(env_fallback, ["ZEQUENZE_MAX_RETRIES"])),
    )


def wait_argument_spec():
    """The waiting and status refresh options of plugins/doc_fragments/wait.py."""
    return dict(
        wait=dict(type="bool", default=False),
        wait_for=dict(type="str", choices=list(WAIT_FOR_CHOICES), default="completed"),
        update_status=dict(type="bool", default=False),
        wait_timeout=dict(type="float", default=3600),
        poll_interval=dict(type="float", default=2),
        max_poll_interval=dict(type="float", default=30),
    )


def require_at_least(module, minimum, names):
    """Fail naming the first option among names whose value is below minimum or not finite."""
    for name in names:
        value = module.params.get(name)
        if value is not None and not minimum <= value < float("inf"):
            module.fail_json(msg="%s must be a finite number of at least %s, got %s" % (name, minimum, value))


def require_mappings(module, suboptions_by_name):
    """Check the mapping options declared type raw (see mapping_options) in place; fail naming the first bad one."""
    for name, suboptions in suboptions_by_name.items():
        try:
            module.params[name] = checked_mapping(name, module.params.get(name), suboptions)
        except ZequenzeError as error:
            fail(module, error)


def create_argument_spec():
    """The options of the create path: the identity cache, its lock, the settle time."""
    return dict(
        cache_dir=dict(type="path", fallback=(env_fallback, ["ZEQUENZE_CACHE_DIR"])),
        identity_cache=dict(type="bool", default=True, fallback=(env_fallback, ["ZEQUENZE_IDENTITY_CACHE"])),
        settle_time=dict(type="float", default=DEFAULT_SETTLE_TIME, fallback=(env_fallback, ["ZEQUENZE_SETTLE_TIME"])),
    )


def create_settings(module):
    """The CreateSettings of a module with the create options (None for one without)."""
    params = module.params
    if "settle_time" not in params:
        return None
    require_between(module, 0, MAX_WAIT_SECONDS, ("settle_time",))
    return CreateSettings(params["cache_dir"], params["identity_cache"], params["settle_time"])


def require_between(module, minimum, maximum, names):
    """Fail naming the first option among names whose value is outside minimum..maximum."""
    for name in names:
        value = module.params.get(name)
        # The comparisons also refuse NaN; infinity would overflow sleeps and timeouts.
        if value is not None and not minimum <= value <= maximum:
            module.fail_json(msg="%s must be a number from %s to %s, got %s" % (name, minimum, maximum, value))


def operations_for(module):
    """The domain service for a module's connection options (fails without requests)."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    require_between(module, 0, MAX_RETRIES, ("max_retries",))
    require_between(module, 0, MAX_WAIT_SECONDS, ("wait_timeout",))
    require_between(module, MIN_TIMEOUT, MAX_TIMEOUT, ("timeout",))
    # 0 would poll back to back (the backoff multiplies it).
    require_between(module, MIN_POLL_INTERVAL, MAX_WAIT_SECONDS, ("poll_interval", "max_poll_interval"))
    if not params["validate_certs"]:
        module.warn("validate_certs is false: the API's TLS certificate is not checked")
    try:
        client = client_for(params)
    except ZequenzeError as error:
        fail(module, error)
    if client.plain_http_warning:
        module.warn(client.plain_http_warning)
    return Operations(client, settings=create_settings(module))


def warn_unreadable_records(module):
    """One warning per API record field the task could not read (it was treated as unknown)."""
    for warning in pending_warnings():
        module.warn(warning)


def fail(module, error, **result):
    """fail_json for a ZequenzeError, keeping whatever the task already has to report: the one place."""
    kwargs = dict(result)
    if not module._diff:
        kwargs.pop("diff", None)
    kwargs.update(error.to_result())
    module.fail_json(**kwargs)


def wait_step(module, operations, records, partial, **kwargs):
    """Wait for records as the module's wait options say; return (records, wait report).

    partial(records, report) is the task's result so far; a wait that fails
    fails the task with it, holding the last records seen. kwargs go to wait_for_all.
    """
    try:
        waited = wait_for_all(operations, records, module.params, **kwargs)
    except ZequenzeError as error:
        fail(module, error, **partial(error.wait_result.records, wait_report(error.wait_result)))
    return waited.records, wait_report(waited)


def run_module(module, run):
    """Run run(module, operations) -> the task result (diff included) and exit."""
    operations = operations_for(module)
    failure = None
    try:
        result = run(module, operations)
    except ZequenzeError as error:
        failure = error
    finally:
        operations.close()
        operations.client.close()
    for warning in operations.warnings:
        module.warn(warning)
    warn_unreadable_records(module)
    if failure is not None:
        fail(module, failure)
    if not module._diff:
        result.pop("diff", None)
    module.exit_json(**result)
