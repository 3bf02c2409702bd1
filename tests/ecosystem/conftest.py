"""Fixtures of the ecosystem tests: AWX/AAP through ansible-runner, GitOps, docs.

The collection under test is the tarball built and installed by
scripts/test-ecosystem.sh, which passes its location in
ZEQUENZE_TEST_COLLECTIONS_PATH and ZEQUENZE_TEST_TARBALL. Every test that talks
to the API gets its own emulator process with its own random token.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "support"))

from emulator_process import EmulatorProcess  # noqa: E402  (path set just above)


def _required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run these tests with scripts/test-ecosystem.sh")
    return value


@pytest.fixture(scope="session")
def installed_collections() -> Path:
    """The folder holding ansible_collections/zequenze/control, installed from the tarball."""
    path = Path(_required_env("ZEQUENZE_TEST_COLLECTIONS_PATH"))
    assert (path / "ansible_collections" / "zequenze" / "control" / "MANIFEST.json").is_file()
    return path


@pytest.fixture(scope="session")
def tarball() -> Path:
    return Path(_required_env("ZEQUENZE_TEST_TARBALL"))


class Api:
    """Reads the emulator over HTTP, as an operator's own script would."""

    def __init__(self, emulator: EmulatorProcess, token: str):
        self.emulator = emulator
        self.token = token

    def operations(self) -> list:
        results, url = [], self.emulator.operations_url + "?page_size=1000"
        while url:
            request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self.token}"})
            with urllib.request.urlopen(request, timeout=10) as answer:
                page = json.load(answer)
            results += page["results"]
            url = page["next"]
        return results

    def count(self) -> int:
        return len(self.operations())

    def posts(self) -> int:
        """POSTs the emulator has answered, from its access log."""
        return self.emulator.log().count('"POST /api/v1/inventory_device_serial_headless_operation/')


@pytest.fixture
def token() -> str:
    return "zq-" + secrets.token_urlsafe(32)


def started_emulator(workdir: Path, token: str, **options) -> EmulatorProcess:
    """An emulator (use it as a context manager) where only `token` is valid, seeing every organization."""
    workdir.mkdir(parents=True)
    tokens = workdir / "tokens.yml"
    tokens.write_text(yaml.safe_dump({"tokens": {token: {"organizations": "*"}}}))
    return EmulatorProcess(tokens=tokens, token=token, workdir=workdir, **options)


@pytest.fixture
def emulator(tmp_path, token):
    with started_emulator(tmp_path / "emulator-data", token) as process:
        yield process


@pytest.fixture
def api(emulator, token) -> Api:
    return Api(emulator, token)


@pytest.fixture
def ansible_env(tmp_path, installed_collections, emulator) -> dict:
    """Environment of an ansible-playbook run that sees only the installed collection."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "ZEQUENZE_"))}
    env.update(emulator.environment())
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(installed_collections),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_HOME=str(tmp_path / "ansible-home"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
    )
    return env
