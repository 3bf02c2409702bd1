# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wait_for_operations action: its arguments, what it hands headless_operation_info, what it prints."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest import mock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.connection.local import Connection
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.zequenze.control.plugins.action import wait_for_operations
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import make_record


def action(args):
    task = mock.create_autospec(Task, instance=True)
    task.args = args
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    connection = mock.create_autospec(Connection, instance=True)
    connection._shell = mock.Mock(spec=["tmpdir"], tmpdir="/tmp/remote")  # no temporary folder to make
    plugin = wait_for_operations.ActionModule(
        task,
        connection,
        mock.create_autospec(PlayContext, instance=True),
        mock.create_autospec(DataLoader, instance=True),
        mock.create_autospec(Templar, instance=True),
        None,
    )
    plugin._execute_module = mock.create_autospec(plugin._execute_module)
    return plugin


def done(ids):
    return {"operations": [make_record(i, status="completed") for i in ids], "wait": {"elapsed": 1.5, "polls": 2, "failed_polls": 0, "timed_out": False}}


def test_passes_on_what_was_given_and_prints_a_line_per_operation():
    plugin = action({"ids": [7, "8"], "api_url": "http://127.0.0.1:1/api/v1", "api_token": "tok", "update_status": True, "report_interval": 10})
    plugin._execute_module.side_effect = lambda module_name, module_args, task_vars: done(module_args["ids"])
    with mock.patch.object(wait_for_operations.display, "display") as say:
        result = plugin.run(task_vars={})
    call = plugin._execute_module.call_args.kwargs
    assert call["module_name"] == "zequenze.control.headless_operation_info"
    assert call["module_args"] == {
        "api_url": "http://127.0.0.1:1/api/v1",
        "api_token": "tok",
        "update_status": True,
        "ids": ["7", "8"],
        "wait": True,
        "wait_for": "completed",
        "wait_timeout": 10.0,
    }
    assert [r["id"] for r in result["records"]] == ["7", "8"] and result["pending"] == []
    assert say.call_count == 2 and say.call_args.args[0].startswith("operation 8 bulk_serial_sync")


@pytest.mark.parametrize(
    "args, message",
    [
        ({"ids": ["1"], "report_interval": 60}, "report_interval must be from 5 to 55 seconds, got 60"),
        ({"ids": ["1"], "wait_for": "soon"}, "wait_for"),
        ({}, "ids"),
    ],
)
def test_bad_arguments_fail_naming_them(args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        action(args).run(task_vars={})
