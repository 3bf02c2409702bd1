# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Blocks that quote what the code answers or prints: API bodies and records, a file tree, a progress
line, the messages of docs/errors.md. Each is compared with a real run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import requests
import yaml

from tests.support.doc_context import ansible_playbook, assert_same_shape, emulator_in
from tests.support.doc_yaml import run_task_list
from tests.support.paths import REPO


def request_body(context):
    return next(b.text for b in context.blocks if b.kind == "api request body")


def request_body_block(block, workdir, context):
    with emulator_in(workdir) as emulator:
        answer = requests.post(
            emulator.operations_url, data=block.text, timeout=30, headers={"Authorization": f"Bearer {emulator.token}", "Content-Type": "application/json"}
        )
    assert answer.status_code == 201, f"the page's create body gets {answer.status_code}: {answer.text}"


def record_block(block, workdir, context):
    with emulator_in(workdir) as emulator:
        headers = {"Authorization": f"Bearer {emulator.token}", "Content-Type": "application/json"}
        created = requests.post(emulator.operations_url, data=request_body(context), headers=headers, timeout=30)
        assert created.status_code == 201, created.text
        listed = requests.get(emulator.operations_url, params={"id": created.json()["id"], "update_status": "true"}, headers=headers, timeout=30)
    (record,) = listed.json()["results"]
    assert_same_shape(json.loads(block.text), record, "record")
    assert_same_shape(json.loads(block.text), created.json(), "POST answer")


def file_tree_block(block, workdir, context):
    project = REPO / "docs" / "awx" / "project"
    for line in block.text.splitlines():
        path, _hash, comment = line.partition("#")
        assert (project / path.strip()).is_file(), f"docs/awx/project/{path.strip()} does not exist"
        shown = comment.strip().removeprefix("zequenze.control, installed when the project syncs").strip()
        shown = shown.removeprefix("- ")  # the gist of a play: its first key
        if shown:
            assert shown in (project / path.strip()).read_text(), f"{path.strip()} does not hold `{shown}`"
    requirements = yaml.safe_load((project / "collections" / "requirements.yml").read_text())
    assert "zequenze.control" in [c["name"] if isinstance(c, dict) else c for c in requirements["collections"]]


def progress_line_block(block, workdir, context):
    """The line the page shows is the form the wait_for_operations action prints (its own task list's run)."""
    (waiting,) = [b for b in context.blocks if b.page == block.page and b.kind == "task list" and "report_interval" in b.text]
    output = context.once(("tasks", waiting.id), lambda: run_task_list(waiting, workdir, context))
    shown = block.text.strip()
    head, _sep, _tail = shown.rpartition(" - ")  # the end is the ETA or the start time, by status
    pattern = ""
    for part in re.split(r"(\d+(?:,\d+)*|\w+_\w+)", head):  # numbers and lists vary; so do type and status
        pattern += r"[\d,]+" if part[:1].isdigit() else r"\w+" if "_" in part else re.escape(part)
    assert re.search(pattern + r"( - \S.*)?$", output, re.M), f"no printed line has the form the page shows:\n{shown}\n{output[-3000:]}"


# -- docs/errors.md: the messages it quotes are the ones the modules produce -------------------------
# Tasks that provoke the failures docs/errors.md quotes, against an emulator where
# the token sees organizations 101 and 102 only.
ERROR_CASES = [
    {"zequenze.control.headless_operation": {"api_token": "not-a-token", "operation_type": "inventory_audit", "organizations": [101]}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_audit", "organizations": [101, 103]}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_sync", "organizations": [101]}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_sync", "organizations": [101], "validate_vocabulary": False}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_audit", "organizations": [101], "schedule": {"execute_at": "tomorrow"}}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_audit", "organizations": [101], "data": {"operation_type": "inventory_audit"}}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_audit", "organizations": [101], "wait_timeout": -1}},
    {"zequenze.control.headless_operation": {"data": "{not json"}},
    {"zequenze.control.headless_operation_info": {"api_url": "{{ lookup('ansible.builtin.env', 'ZEQUENZE_API_URL') | replace('/api/v1', '/api') }}"}},
    {"zequenze.control.headless_operation_info": {"api_url": "http://127.0.0.1:9/api/v1", "max_retries": 1}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_audit", "organizations": [101], "wait": True, "wait_timeout": 1}},
    {
        "zequenze.control.headless_operation": {
            "operation_type": "bulk_serial_sync",
            "organizations": [101, 102],
            "options": {"timeout_minutes": 1},
            "wait": True,
            "force": True,
        }
    },
    {"zequenze.control.headless_operation": {"operation_type": "status_update", "organizations": [102], "wait": True, "max_failed_devices": 0, "force": True}},
]


def without_failed_count(message: str) -> str:
    """A message with whitespace collapsed and the ", N failed" of an operation's
    description left out (whether any device failed yet depends on timing)."""
    return re.sub(r", \d+ failed\)", ")", " ".join(message.split()))


def message_pattern(quoted: str):
    """A quoted message as a regex: any number where it has one, anything where it has '…'."""
    parts = re.split(r"(\d+|…)", without_failed_count(quoted))
    return re.compile("".join(r"\d+" if p.isdigit() else ".*" if p == "…" else re.escape(p) for p in parts))


def provoke_errors(workdir, context):
    """Run every ERROR_CASES task once against an emulator whose token sees 101 and 102 only: their messages."""
    token = "zq-docs-errors-token"
    tokens = workdir / "tokens.yml"
    tokens.write_text(yaml.safe_dump({"tokens": {token: {"organizations": [101, 102]}}}))
    play = [
        {
            "name": "Provoke the documented failures",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "tasks": [dict(case, name=f"case {n}", ignore_errors=True, register=f"case_{n}") for n, case in enumerate(ERROR_CASES)],
        }
    ]
    messages_file = workdir / "messages.json"
    names = ", ".join(f"case_{n}.msg | default('')" for n in range(len(ERROR_CASES)))
    play[0]["tasks"].append(
        {"name": "Write the messages", "ansible.builtin.copy": {"content": "{{ [" + names + "] | to_json }}", "dest": str(messages_file), "mode": "0600"}}
    )
    playbook = workdir / "errors.yml"
    playbook.write_text(yaml.safe_dump(play))
    with emulator_in(workdir, tokens=tokens, token=token, time_scale=300) as emulator:
        ansible_playbook(playbook, workdir, context, emulator)
    messages = [without_failed_count(message) for message in json.loads(messages_file.read_text())]
    assert len(messages) == len(ERROR_CASES) and all(messages), messages
    return messages


def error_message_block(block, workdir, context):
    messages = context.once("errors", lambda: provoke_errors(workdir, context))
    pattern = message_pattern(block.text)
    assert any(pattern.fullmatch(m) for m in messages), f"docs/errors.md quotes a message no run produces:\n{block.text}\nproduced:\n" + "\n".join(messages)
