"""Helpers for the role and playbook tests: ansible-playbook by FQCN, the PLAY RECAP, direct HTTP."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from emulator_process import EmulatorProcess


def ansible_playbook() -> str:
    """The ansible-playbook of the running venv, else the one on PATH."""
    beside = Path(sys.executable).with_name("ansible-playbook")
    return str(beside) if beside.exists() else (shutil.which("ansible-playbook") or "ansible-playbook")


class Playbooks:
    """Runs `ansible-playbook zequenze.control.<name>` against one emulator, from outside the repository."""

    def __init__(self, collections: str, emulator: EmulatorProcess, workdir: Path):
        self.collections = collections
        self.emulator = emulator
        self.workdir = workdir

    def env(self, **extra) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ZEQUENZE_", "ANSIBLE_"))}
        env.update(self.emulator.environment())
        env.update(
            ANSIBLE_COLLECTIONS_PATH=self.collections,
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
            ANSIBLE_HOME=str(self.workdir / ".ansible"),
            ZEQUENZE_CACHE_DIR=str(self.workdir / "zequenze-cache"),  # never the user's ~/.cache
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        )
        env.update(extra)
        return env

    def run(self, name: str, extra_vars: dict, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        command = [ansible_playbook(), f"zequenze.control.{name}", "-e", json.dumps(extra_vars), *args]
        return subprocess.run(command, cwd=self.workdir, env=self.env(**(env or {})), capture_output=True, text=True, timeout=600, check=False)


def recap(output: str) -> dict:
    """The localhost line of PLAY RECAP as a dict of ints."""
    for line in output.splitlines():
        if line.startswith("localhost") and "ok=" in line:
            return {k: int(v) for k, v in (part.split("=") for part in line.split(":", 1)[1].split())}
    raise AssertionError(f"no PLAY RECAP in output:\n{output[-3000:]}")


class Api:
    """Direct HTTP to the emulator, to arrange state and to check what the playbooks did."""

    def __init__(self, emulator: EmulatorProcess):
        self.emulator = emulator

    def _call(self, method: str, url: str, body=None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"Bearer {self.emulator.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    def create(self, **body) -> dict:
        return self._call("POST", self.emulator.operations_url, body)

    def operations(self, **params) -> list:
        query = "&".join(f"{k}={v}" for k, v in {"page_size": 1000, **params}.items())
        return self._call("GET", f"{self.emulator.operations_url}?{query}")["results"]

    def simulated_now(self) -> str:
        return self.emulator.healthz()["simulated_time"]


REQUEST = re.compile(r'"(GET|POST) /api/v1/inventory_device_serial_headless_operation/\??(\S*) HTTP')


def requests_during(emulator: EmulatorProcess, action):
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
