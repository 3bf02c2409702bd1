# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-playbook by FQCN, the PLAY RECAP, and what the emulator logged meanwhile."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.support.ansible_env import ansible_environment


def ansible_playbook() -> str:
    """The ansible-playbook of the running venv, else the one on PATH."""
    beside = Path(sys.executable).with_name("ansible-playbook")
    return str(beside) if beside.exists() else (shutil.which("ansible-playbook") or "ansible-playbook")


class Playbooks:
    """Runs `ansible-playbook zequenze.control.<name>` against one emulator, from outside the repository."""

    def __init__(self, collections: str, emulator, workdir: Path):
        self.collections = collections
        self.emulator = emulator
        self.workdir = workdir

    def env(self, **extra) -> dict:
        return ansible_environment(self.workdir / ".ansible", self.emulator.environment(), self.collections, **extra)

    def run(self, name: str, extra_vars: dict, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        command = [ansible_playbook(), f"zequenze.control.{name}", "-e", json.dumps(extra_vars), *args]
        return subprocess.run(command, cwd=self.workdir, env=self.env(**(env or {})), capture_output=True, text=True, timeout=600, check=False)


def recap(output: str) -> dict:
    """The localhost line of PLAY RECAP as a dict of ints."""
    for line in output.splitlines():
        if line.startswith("localhost") and "ok=" in line:
            return {k: int(v) for k, v in (part.split("=") for part in line.split(":", 1)[1].split())}
    raise AssertionError(f"no PLAY RECAP in output:\n{output[-3000:]}")


REQUEST = re.compile(r'"(GET|POST) /api/v1/inventory_device_serial_headless_operation/\??(\S*) HTTP')


def requests_during(emulator, action):
    """What action returns, and the (method, query string) of each operations request the emulator
    logged meanwhile: a GET without id= is one page of a listing."""
    start = len(emulator.log())
    outcome = action()
    return outcome, REQUEST.findall(emulator.log()[start:])


def listing_pages(requests) -> list:
    return [query for method, query in requests if method == "GET" and "id=" not in query]


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
