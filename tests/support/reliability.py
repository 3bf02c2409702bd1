# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared pieces of the reliability suite: scale, real emulators, playbook runs.

RELIABILITY_PROFILE=short (inside `make test`) or full (`make reliability`) sets how many
runs, kills and generated examples each check uses; the assertions are the same.
Every check talks to real emulator processes (tests.support.emulator_process) over HTTP.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import time
import zoneinfo
from dataclasses import dataclass
from pathlib import Path


from tests.support.ansible_env import BIN, ansible_environment
from tests.support.api import Api
from tests.support.emulator_process import EmulatorProcess  # noqa: F401  (re-exported to the tests)
from tests.support.paths import REPO as ROOT

PROFILE = os.environ.get("RELIABILITY_PROFILE", "short")
if PROFILE not in ("short", "full"):
    raise SystemExit(f"RELIABILITY_PROFILE must be short or full, got {PROFILE!r}")
FULL = PROFILE == "full"


def scale(short, full):
    """The figure for the current profile."""
    return full if FULL else short


# What a crash looks like in Ansible output (at the default verbosity).
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|MODULE FAILURE|The full traceback is")
# A failed run must name a real cause: the API's HTTP status, what the transport met (refused,
# timed out, dropped, TLS), or the option to change. "failed after 1 attempt(s)" or a bare
# "ConnectionError" alone names none.
CAUSE = re.compile(
    r"HTTP \d{3}"
    r"|refused|timed out|Connection (?:aborted|reset|broken)|reset by peer|closed connection"
    r"|certificate|\bSSL|\bTLS\b|Name or service not known|name resolution"
    r"|\b(?:api_url|api_token|validate_certs|ca_path|wait_timeout|max_retries)\b",
    re.I,
)


def distinctive_token() -> str:
    """A token that cannot occur by chance in any output."""
    return "zqtok-" + secrets.token_hex(20)


def write_tokens(path: Path, tokens: dict) -> Path:
    """A --tokens file: {token: "*" or [organization ids]}."""
    lines = ["tokens:"]
    for token, organizations in tokens.items():
        lines.append(f"  {token}: {{organizations: {json.dumps(organizations)}}}")
    path.write_text("\n".join(lines) + "\n")
    return path


# -- running Ansible -----------------------------------------------------------------
@dataclass
class Run:
    command: list
    rc: int
    stdout: str
    stderr: str
    elapsed: float

    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr

    def failure_messages(self) -> list:
        """The msg of every failed task in the default callback's output."""
        messages = []
        decoder = json.JSONDecoder()
        # One line at the default verbosity, pretty-printed over several with -v and up; ad-hoc runs
        # print `host | FAILED! => {...}`.
        for match in re.finditer(r"^(?:fatal: \[.*?FAILED!|failed: \[.*?|\S+ \| FAILED!) => ", self.stdout, re.M):
            try:
                result, _end = decoder.raw_decode(self.stdout, match.end())
            except ValueError:
                result = {}
            messages.append(str(result.get("msg", "")) if isinstance(result, dict) else "")
        for line in self.stderr.splitlines():
            if line.startswith("ERROR!") or line.startswith("[ERROR]"):
                messages.append(line)
        return messages

    def describe(self) -> str:
        return f"rc={self.rc} in {self.elapsed:.1f}s\n--- stdout ---\n{self.stdout[-6000:]}\n--- stderr ---\n{self.stderr[-3000:]}"


def ansible_env(api_env: dict, extra: dict | None = None) -> dict:
    """A clean environment for ansible-playbook / ansible: the collection under test, no stray settings."""
    return ansible_environment(ROOT / ".ansible", api_env, ANSIBLE_DISPLAY_SKIPPED_HOSTS="false", ANSIBLE_PYTHON_INTERPRETER=sys.executable, **(extra or {}))


def run_playbook(name: str, extra_vars: dict, api_env: dict, *, verbosity: int = 0, env: dict | None = None, timeout: float = 300, check: bool = False) -> Run:
    """ansible-playbook playbooks/<name>.yml as an operator runs it; bounded by timeout."""
    command = [str(BIN / "ansible-playbook"), str(ROOT / "playbooks" / f"{name}.yml"), "-e", json.dumps(extra_vars)]
    if verbosity:
        command.append("-" + "v" * verbosity)
    if check:
        command += ["--check", "--diff"]
    return _run(command, ansible_env(api_env, env), timeout)


def run_adhoc(module: str, args: dict, api_env: dict, *, env: dict | None = None, timeout: float = 120) -> Run:
    """`ansible localhost -m <module> -a "k=v ..."`: one task, the user-facing output."""
    arguments = " ".join(f"{k}={shlex.quote(v if isinstance(v, str) else json.dumps(v))}" for k, v in args.items())
    command = [str(BIN / "ansible"), "localhost", "-m", module, "-a", arguments]
    return _run(command, ansible_env(api_env, env), timeout)


def _run(command: list, env: dict, timeout: float) -> Run:
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    return Run(command, done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def start_playbook(name: str, extra_vars: dict, api_env: dict, *, env: dict | None = None) -> subprocess.Popen:
    """ansible-playbook in the background (the caller waits with a bound and reads the output)."""
    command = [str(BIN / "ansible-playbook"), str(ROOT / "playbooks" / f"{name}.yml"), "-e", json.dumps(extra_vars)]
    return subprocess.Popen(
        command, env=ansible_env(api_env, env), cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
    )


def finish(process: subprocess.Popen, timeout: float) -> Run:
    started = time.monotonic()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        stderr += f"\n[reliability suite] killed after {timeout} s"
    return Run(process.args, process.returncode, stdout, stderr, time.monotonic() - started)


# -- reading the API directly ---------------------------------------------------------
def all_operations(emulator: EmulatorProcess, token: str, verify=True, update_status=False) -> list:
    """Every operation the token sees, through the API's pages (for counting)."""
    return Api(emulator, token, verify).operations(**({"update_status": "true"} if update_status else {}))


def identity(record: dict) -> tuple:
    """The identity of docs/idempotency.md: type, organizations, device types, device statuses, scheduled time."""
    details = record.get("operation_details") or {}
    return (
        record["operation_type"],
        tuple(sorted(details.get("organization_ids") or [])),
        tuple(sorted(details.get("device_types") or [])),
        tuple(sorted(details.get("device_statuses") or [])),
        record.get("scheduled_for"),
    )


# -- maintenance windows -----------------------------------------------------------
ZONES = ("UTC", "Europe/Madrid", "America/New_York", "Asia/Tokyo")


def pick_windows(rng, count: int) -> list:
    """Distinct (zone, HH:MM, organizations) whose next start is 2 to 22 hours away (stable during the soak)."""
    # The collection's own filter, importable because the harness puts ZEQUENZE_TEST_COLLECTIONS_PATH
    # on PYTHONPATH.
    from ansible_collections.zequenze.control.plugins.filter.next_window import next_window

    now = datetime.datetime.now(datetime.timezone.utc)
    windows, instants = [], set()
    for _attempt in range(10_000):
        if len(windows) == count:
            return windows
        zone = rng.choice(ZONES)
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        start = (local + datetime.timedelta(minutes=rng.randrange(120, 22 * 60))).strftime("%H:%M")
        execute_at = next_window(start, zone)
        instant = datetime.datetime.fromisoformat(execute_at).astimezone(datetime.timezone.utc)
        if instant in instants:
            continue
        instants.add(instant)
        first = rng.randrange(101, 118)
        windows.append({"zone": zone, "start": start, "execute_at": execute_at, "instant": instant, "organizations": [first, first + 1, first + 2]})
    raise AssertionError("could not pick distinct windows")
