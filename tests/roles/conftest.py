"""Fixtures for the role and playbook tests: real emulator processes, and ansible-playbook
run by FQCN from the collection as installed from its tarball (scripts/test-roles.sh
builds and installs it and passes the path in ZEQUENZE_TEST_COLLECTIONS_PATH)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from emulator_process import EmulatorProcess  # noqa: E402
from playbook_runner import Api, Playbooks  # noqa: E402


@pytest.fixture(scope="session")
def collections_path() -> str:
    path = os.environ.get("ZEQUENZE_TEST_COLLECTIONS_PATH")
    if not path or not (Path(path) / "ansible_collections" / "zequenze" / "control" / "MANIFEST.json").is_file():
        pytest.fail("ZEQUENZE_TEST_COLLECTIONS_PATH must hold an installed zequenze.control; run scripts/test-roles.sh")
    return path


@pytest.fixture(scope="module")
def fast_emulator():
    with EmulatorProcess(time_scale=3600) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def playbooks(collections_path, fast_emulator, tmp_path_factory) -> Playbooks:
    return Playbooks(collections_path, fast_emulator, tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def api(fast_emulator) -> Api:
    return Api(fast_emulator)
