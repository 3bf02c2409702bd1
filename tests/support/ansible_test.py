# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-test of the venv under test, in a fresh tree copy, offline, with every installed Python."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess

from tests.support.paths import REPO
from tests.support.tiers import install_get_pip_standin, python_links
from tests.support.tree import collection_tree, sync_tree


def prepare(parent, tools):
    """(tree, env): a fresh tree copy under parent (a symlinked tree is refused), the get-pip stand-in
    that --venv needs offline, and pythonX.Y links to every installed Python on PATH."""
    tree = sync_tree(collection_tree(parent))
    install_get_pip_standin(str(tools / "python"))
    links = python_links(REPO / ".tree" / "bin")
    return tree, dict(os.environ, PATH=os.pathsep.join([str(links), str(tools), os.environ.get("PATH", "")]))


def python_version(tools):
    return subprocess.run(
        [str(tools / "python"), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True, check=True
    ).stdout.strip()
