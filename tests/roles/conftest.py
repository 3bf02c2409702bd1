"""Fixtures for the role and playbook tests: real emulator processes, and ansible-playbook
run by FQCN from the collection as installed from its tarball (the harness builds and
installs it and passes the path in ZEQUENZE_TEST_COLLECTIONS_PATH)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from tests.support.ansible_env import collections_path as installed_collections_path
from tests.support.api import Api
from tests.support.emulator_process import EmulatorProcess
from tests.support.playbooks import Playbooks


@pytest.fixture(scope="session")
def collections_path() -> str:
    return installed_collections_path(installed=True)


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
