# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The package tier builds the tarball once per session and installs it with the ansible-core under test."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import subprocess

import pytest

from tests.support import package


def pytest_report_header(config):
    version = subprocess.run([str(package.bin_under_test() / "ansible"), "--version"], capture_output=True, text=True, check=False)
    return "package tier: built with %s, installed with %s (%s)" % (
        package.dev_bin(),
        package.bin_under_test(),
        (version.stdout or version.stderr).splitlines()[0],
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    try:
        return package.build_and_install(tmp_path_factory.mktemp("package"))
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def ansible(built, tmp_path):
    """Runs an ansible-* command of the core under test that sees only the installed collection."""

    def run(*command):
        return package.run_in_collections_path(built.installed_parent, list(command), tmp_path / "home")

    return run
