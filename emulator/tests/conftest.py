"""Fixtures: real emulator processes on free loopback ports, spoken to over HTTP."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

from pathlib import Path

import pytest

from tests.support.api import Api
from tests.support.emulator_process import EmulatorProcess

TOKENS_YAML = """\
tokens:
  all-token: {organizations: "*"}
  north-token: {organizations: [101, 102]}
  south-token: {organizations: [103]}
"""


@pytest.fixture(scope="module")
def emulator():
    """A shared demo-token emulator at real-time speed (for shapes and codes)."""
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def api(emulator) -> Api:
    return Api(emulator, "demo-token")


@pytest.fixture(scope="module")
def tokens_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tokens") / "tokens.yml"
    path.write_text(TOKENS_YAML)
    return path


@pytest.fixture(scope="module")
def scoped_emulator(tokens_file):
    with EmulatorProcess(tokens=tokens_file) as process:
        yield process
