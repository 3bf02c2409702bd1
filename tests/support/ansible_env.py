# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one environment builder for ansible-* child processes in the tests.

The collection under test comes from ZEQUENZE_TEST_COLLECTIONS_PATH, which the harness
sets (a link to this work tree, or the installed tarball); nothing else stands in for it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def collections_path(installed=False):
    """The folder holding ansible_collections/zequenze/control under test (installed: from the tarball)."""
    path = os.environ.get("ZEQUENZE_TEST_COLLECTIONS_PATH", "")
    control = Path(path) / "ansible_collections" / "zequenze" / "control"
    marks = ("MANIFEST.json",) if installed else ("MANIFEST.json", "galaxy.yml")
    if not path or not any((control / mark).is_file() for mark in marks):
        pytest.fail("ZEQUENZE_TEST_COLLECTIONS_PATH must hold %s zequenze.control: run these tests through make" % ("an installed" if installed else "a"))
    return path


def ansible_environment(home, api_env=None, collections=None, **extra):
    """os.environ without ANSIBLE_*/ZEQUENZE_*, plus the collection, a private ANSIBLE_HOME, no colour,
    the API variables, and extra (a None value removes a variable)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "ZEQUENZE_"))}
    env.update(
        PATH=str(BIN) + os.pathsep + env.get("PATH", ""),
        ANSIBLE_COLLECTIONS_PATH=str(collections or collections_path()),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_HOME=str(home),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        # The modules' identity cache and create locks: never the user's ~/.cache.
        ZEQUENZE_CACHE_DIR=str(Path(home) / "zequenze-cache"),
    )
    env.update(api_env or {})
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}
