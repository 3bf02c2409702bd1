# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bench helper: write each task's wall-clock start and end (per host) to $TASK_TIMES_FILE."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: task_times
type: aggregate
short_description: Record task start and end times for the benchmarks
description: Writes a JSON list of {name, start, end, result} to the file named by TASK_TIMES_FILE.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_times"
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self):
        super().__init__()
        self.tasks = []
        self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.current = {"name": task.get_name(), "start": time.time()}

    def _done(self, result, outcome):
        entry = dict(self.current or {}, end=time.time(), outcome=outcome)
        payload = result._result
        entry["attempts"] = payload.get("attempts")
        entry["wait"] = payload.get("wait")
        entry["count"] = payload.get("count")
        entry["changed"] = payload.get("changed")
        entry["lookup"] = payload.get("lookup")
        self.tasks.append(entry)

    def v2_runner_on_ok(self, result):
        self._done(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result, "failed")

    def v2_playbook_on_stats(self, stats):
        with open(os.environ["TASK_TIMES_FILE"], "w", encoding="utf-8") as handle:
            json.dump(self.tasks, handle)
