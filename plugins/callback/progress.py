# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: progress
type: stdout
short_description: Only what a person reads during a run - stages, messages, warnings, failures, recap
version_added: 0.1.0
author:
  - Zequenze Control collection maintainers (@zequenze)
description:
  - A stdout callback for runs watched by a person (C(make demo), a terminal, a job log).
  - Prints each play's name as a stage, the messages of C(ansible.builtin.debug) tasks (scheduling
    lines, progress lines, summaries), assertions that carry a C(success_msg), warnings, failures and
    a one-line recap per host.
  - Task names, included files, skipped tasks and internal C(set_fact) steps are not printed.
    Re-run with the default callback (or C(-v)) to see them.
  - Enable it with C(ANSIBLE_STDOUT_CALLBACK=zequenze.control.progress), or C(stdout_callback) in the
    C([defaults]) section of C(ansible.cfg).
"""

from ansible.plugins.callback import CallbackBase

DEBUG_ACTIONS = frozenset(("debug", "ansible.builtin.debug", "ansible.legacy.debug"))
ASSERT_ACTIONS = frozenset(("assert", "ansible.builtin.assert", "ansible.legacy.assert"))


def _parts(result):
    """(task, host, result dict) of a task result, on ansible-core 2.16 and 2.19+ alike."""
    task = getattr(result, "task", None) or result._task
    host = getattr(result, "host", None) or result._host
    data = getattr(result, "result", None)
    return task, host, data if isinstance(data, dict) else result._result


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "zequenze.control.progress"

    def v2_playbook_on_play_start(self, play):
        name = play.get_name().strip()
        if name:
            self._display.display("== %s" % name)

    def v2_runner_on_ok(self, result):
        task, _host, data = _parts(result)
        self._handle_warnings(data)
        if "results" not in data:  # a loop's items were shown one by one
            self._show_message(task, data)

    def v2_runner_item_on_ok(self, result):
        task, _host, data = _parts(result)
        self._handle_warnings(data)
        self._show_message(task, data)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        task, host, data = _parts(result)
        self._handle_warnings(data)
        if ignore_errors or "results" in data:
            return
        self._display.display("FAILED: %s (%s): %s" % (task.get_name().strip(), host.get_name(), _message(data)), stderr=True)

    def v2_runner_item_on_failed(self, result):
        task, host, data = _parts(result)
        self._handle_warnings(data)
        if not task.ignore_errors:
            self._display.display(
                "FAILED: %s (%s, %s): %s" % (task.get_name().strip(), host.get_name(), self._get_item_label(data), _message(data)), stderr=True
            )

    def v2_runner_on_unreachable(self, result):
        task, host, data = _parts(result)
        self._display.display("UNREACHABLE: %s (%s): %s" % (task.get_name().strip(), host.get_name(), _message(data)), stderr=True)

    def v2_playbook_on_stats(self, stats):
        for name in sorted(stats.processed):
            summary = stats.summarize(name)
            self._display.display(
                "%s: ok=%d changed=%d failed=%d unreachable=%d" % (name, summary["ok"], summary["changed"], summary["failures"], summary["unreachable"])
            )

    def _show_message(self, task, data):
        action = task.action
        if action in DEBUG_ACTIONS and "msg" in data:
            message = data["msg"]
        elif action in ASSERT_ACTIONS and task.args.get("success_msg") and "msg" in data:
            message = data["msg"]
        else:
            return
        for line in message if isinstance(message, list) else [message]:
            self._display.display("%s" % line)


def _message(data):
    message = data.get("msg") or data.get("stderr") or data.get("reason") or "see the result with -v"
    return "%s" % message
