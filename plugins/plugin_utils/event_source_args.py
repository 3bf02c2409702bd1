# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The arguments of the operation_events event source, checked and completed.

Connection arguments fall back to the ZEQUENZE_* environment variables the
modules read, so a credential that injects them serves rulebooks and job
templates alike. A wrong value fails with a message that names the argument.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.common.validation import check_type_bool, check_type_float, check_type_int

from ansible_collections.zequenze.control.plugins.module_utils.connection_options import DEFAULT_API_URL
from ansible_collections.zequenze.control.plugins.module_utils.errors import InputError

# name: (type, default, environment variable or None)
SPEC = {
    "api_url": ("str", DEFAULT_API_URL, "ZEQUENZE_API_URL"),
    "api_token": ("str", None, "ZEQUENZE_API_TOKEN"),
    "validate_certs": ("bool", True, "ZEQUENZE_VALIDATE_CERTS"),
    "ca_path": ("str", None, "ZEQUENZE_CA_PATH"),
    "timeout": ("float", 30.0, "ZEQUENZE_TIMEOUT"),
    "max_retries": ("int", 2, "ZEQUENZE_MAX_RETRIES"),
    "interval": ("float", 30.0, None),
    "operation_types": ("list", None, None),
    "organizations": ("list", None, None),
    "emit_existing": ("bool", False, None),
    "update_status": ("bool", False, None),
    "page_size": ("int", 100, None),
    "lookups_per_poll": ("int", 20, None),
    "failed_devices_threshold": ("int", None, None),
    "failed_percent_threshold": ("float", None, None),
    "stalled_minutes": ("float", None, None),
    "overdue_minutes": ("float", None, None),
    "error_after": ("int", 3, None),
    "max_backoff": ("float", 300.0, None),
}
# The smallest value each number may take.
MINIMUM = {
    "timeout": 0.1,
    "max_retries": 0,
    "interval": 0.1,
    "page_size": 1,
    "lookups_per_poll": 0,
    "failed_devices_threshold": 0,
    "failed_percent_threshold": 0,
    "stalled_minutes": 0,
    "overdue_minutes": 0,
    "error_after": 1,
    "max_backoff": 0.1,
}
_CHECKS = {"bool": check_type_bool, "int": check_type_int, "float": check_type_float}


def _as_list(name, value):
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not value:
        raise InputError("%s must be a non-empty list (or comma-separated text), got %r" % (name, value))
    return ["%s" % v for v in value]


def _checked(name, kind, value):
    if kind == "list":
        return _as_list(name, value)
    if kind == "str":
        if not isinstance(value, str):
            raise InputError("%s must be text, got %s" % (name, type(value).__name__))
        return value
    try:
        value = _CHECKS[kind](value)
    except TypeError:
        raise InputError("%s must be %s, got %r" % (name, {"bool": "a boolean", "int": "a whole number", "float": "a number"}[kind], value))
    if name in MINIMUM and not value >= MINIMUM[name]:
        raise InputError("%s must be at least %s, got %r" % (name, MINIMUM[name], value))
    return value


def source_settings(args, environ=None):
    """The source's settings: args, else the environment, else the default; checked.

    Unknown arguments are refused (a misspelt filter would otherwise watch everything).
    The token is never part of a message.
    """
    environ = os.environ if environ is None else environ
    args = dict(args or {})
    # ansible-rulebook adds its own keys (the feedback queue); they are not ours to check.
    unknown = sorted(k for k in args if k not in SPEC and not k.startswith("eda_"))
    if unknown:
        raise InputError("unknown argument(s) %s; the arguments are %s" % (", ".join(unknown), ", ".join(sorted(SPEC))))
    settings = {}
    for name, (kind, default, variable) in SPEC.items():
        value = args.get(name)
        if value is None and variable and environ.get(variable, "") != "":
            value = environ[variable]
        if value is None:
            settings[name] = default
            continue
        if name == "api_token":
            if not isinstance(value, str):
                raise InputError("api_token must be text, got %s" % type(value).__name__)
            settings[name] = value
            continue
        settings[name] = _checked(name, kind, value)
    if not (settings["api_token"] or "").strip():
        raise InputError(
            "api_token is required: set the api_token argument or the ZEQUENZE_API_TOKEN "
            "environment variable (an EDA credential of the Zequenze Control type injects it)"
        )
    return settings
