# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wait_for_operations action: headless_operation_info in chunks, a progress line per operation after each."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.zequenze.control.plugins.module_utils.waiting import WAIT_FOR_CHOICES
from ansible_collections.zequenze.control.plugins.plugin_utils.chunked_wait import (
    MAX_REPORT_INTERVAL,
    MIN_REPORT_INTERVAL,
    ChunkedWait,
)

display = Display()

INFO_MODULE = "zequenze.control.headless_operation_info"
# Passed on only when given, so the module's environment fallbacks and defaults apply.
CONNECTION_OPTIONS = dict(
    api_url=dict(type="str"),
    api_token=dict(type="str", no_log=True),
    validate_certs=dict(type="bool"),
    ca_path=dict(type="path"),
    timeout=dict(type="float"),
    max_retries=dict(type="int"),
)
POLLING_OPTIONS = dict(
    poll_interval=dict(type="float"),
    max_poll_interval=dict(type="float"),
    update_status=dict(type="bool", default=False),
)
ARGUMENT_SPEC = dict(
    CONNECTION_OPTIONS,
    ids=dict(type="list", elements="str", required=True),
    wait_for=dict(type="str", choices=list(WAIT_FOR_CHOICES), default="completed"),
    wait_timeout=dict(type="float", default=3600),
    report_interval=dict(type="float", default=30),
    **POLLING_OPTIONS
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        if not MIN_REPORT_INTERVAL <= args["report_interval"] <= MAX_REPORT_INTERVAL:
            raise AnsibleActionFail(
                "report_interval must be from %s to %s seconds, got %s" % (MIN_REPORT_INTERVAL, MAX_REPORT_INTERVAL, args["report_interval"])
            )
        passed = dict((k, args[k]) for k in list(CONNECTION_OPTIONS) + list(POLLING_OPTIONS) if args.get(k) is not None)

        def run_chunk(ids, seconds):
            module_args = dict(passed, ids=ids, wait=True, wait_for=args["wait_for"], wait_timeout=seconds)
            return self._execute_module(module_name=INFO_MODULE, module_args=module_args, task_vars=task_vars)

        return ChunkedWait(run_chunk, display.display).run(args["ids"], args["wait_for"], args["wait_timeout"], args["report_interval"])
