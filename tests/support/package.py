# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the collection tarball the way a release does and install it the way a user does.

A release is built with the newest ansible-core (the dev venv, $DEV_VENV, default .venv) and
installed by users with theirs: the venv under test, $VENV (default: the running one), e.g.
.venv-core216 for the oldest supported core.

    python -m tests.support.package WORKDIR     # prints SRC_PARENT=, TARBALL=, INSTALLED_PARENT=
    from tests.support.package import build_and_install, run_in_collections_path
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

from tests.support.ansible_env import ansible_environment
from tests.support.paths import REPO
from tests.support.tree import collection_tree, sync_tree

Package = namedtuple("Package", "src_parent src tarball installed_parent")


def venv_bin(variable, default):
    """bin/ of the venv an environment variable names (relative to the repository), else of default."""
    value = os.environ.get(variable)
    return (REPO / value / "bin") if value else Path(default) / "bin"


def dev_bin():
    return venv_bin("DEV_VENV", REPO / ".venv")


def bin_under_test():
    return venv_bin("VENV", sys.prefix)


def run_in_collections_path(parent, command, home, **extra):
    """An ansible-* command of the venv under test that sees only the collections under parent,
    run outside the repository so that nothing adjacent stands in for the collection."""
    tools = bin_under_test()
    env = ansible_environment(home, collections=parent, PATH=os.pathsep.join([str(tools), os.environ.get("PATH", "")]), **extra)
    executable = command[0] if os.sep in command[0] else str(tools / command[0])
    Path(home).mkdir(parents=True, exist_ok=True)
    return subprocess.run([executable] + list(command[1:]), cwd=home, env=env, capture_output=True, text=True, timeout=600, check=False)


def _checked(result, what):
    if result.returncode:
        raise RuntimeError("%s failed (exit %d):\n%s%s" % (what, result.returncode, result.stdout, result.stderr))
    return result


def build_and_install(workdir, source=REPO):
    """The files git knows copied to WORKDIR/src/..., built into WORKDIR/dist/zequenze-control-<version>.tar.gz
    with the dev venv's ansible-galaxy and installed offline into WORKDIR/installed with the one under test."""
    workdir = Path(workdir)
    src = sync_tree(collection_tree(workdir / "src"), source)
    build = [str(dev_bin() / "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(workdir / "dist")]
    _checked(subprocess.run(build, cwd=src, capture_output=True, text=True, timeout=600, check=False), "ansible-galaxy collection build (%s)" % dev_bin())
    tarballs = sorted((workdir / "dist").glob("zequenze-control-*.tar.gz"))
    if len(tarballs) != 1:
        raise RuntimeError("expected one tarball in %s, found %d" % (workdir / "dist", len(tarballs)))
    installed = workdir / "installed"
    install = ["ansible-galaxy", "collection", "install", "--offline", str(tarballs[0]), "-p", str(installed)]
    _checked(run_in_collections_path(installed, install, workdir / "install-home"), "ansible-galaxy collection install --offline (%s)" % bin_under_test())
    return Package(workdir / "src", src, tarballs[0], installed)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.support.package WORKDIR")
    try:
        package = build_and_install(Path(sys.argv[1]).resolve())
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        sys.exit("tests.support.package: %s" % error)
    print("SRC_PARENT=%s\nTARBALL=%s\nINSTALLED_PARENT=%s" % (package.src_parent, package.tarball, package.installed_parent))
