"""Fixtures of the ecosystem tests: AWX/AAP through ansible-runner, GitOps, docs.

The collection under test is the tarball built and installed by
the harness, which passes its location in
ZEQUENZE_TEST_COLLECTIONS_PATH and ZEQUENZE_TEST_TARBALL. Every test that talks
to the API gets its own emulator process with its own random token.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import os
import secrets
from pathlib import Path

import pytest

from tests.support.ansible_env import ansible_environment, collections_path
from tests.support.api import Api
from tests.support.emulator_process import single_token_emulator


def _required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run these tests through make")
    return value


@pytest.fixture(scope="session")
def installed_collections() -> Path:
    """The folder holding ansible_collections/zequenze/control, installed from the tarball."""
    return Path(collections_path(installed=True))


@pytest.fixture(scope="session")
def tarball() -> Path:
    return Path(_required_env("ZEQUENZE_TEST_TARBALL"))


@pytest.fixture
def token() -> str:
    return "zq-" + secrets.token_urlsafe(32)


@pytest.fixture
def emulator(tmp_path, token):
    with single_token_emulator(tmp_path / "emulator-data", token) as process:
        yield process


@pytest.fixture
def api(emulator, token) -> Api:
    return Api(emulator, token)


@pytest.fixture
def ansible_env(tmp_path, installed_collections, emulator) -> dict:
    """Environment of an ansible-playbook run that sees only the installed collection."""
    return ansible_environment(tmp_path / "ansible-home", emulator.environment(), installed_collections, ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"))
