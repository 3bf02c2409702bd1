# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every gate must be able to fail: each case plants one known defect in a scratch copy of the work
tree, runs that copy's own tier (nox, narrowed where that keeps it cheap) and asserts that the tier
fails and says why.

    nox -s gates [-- CASE...]      (lint sanity skip integration changelog tarball format docs)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shutil
import subprocess
import sys

from tests.support.paths import REPO
from tests.support.tree import collection_tree, sync_tree

SCRATCH = REPO / ".tree" / "gates"


def plant_lint(copy):
    """A task name in lower case."""
    tasks = copy / "roles" / "nightly_inventory_sync" / "tasks" / "main.yml"
    tasks.write_text(re.sub(r"- name: ([A-Z])", r"- name: planted lower-case \1", tasks.read_text(), count=1))
    return ["lint"], r"^roles/nightly_inventory_sync/tasks/main\.yml:2:"


def plant_sanity(copy):
    """A pep8 violation in a filter; one sanity test on the copy."""
    with open(copy / "plugins" / "filter" / "next_window.py", "a") as handle:
        handle.write("\nplanted_violation=1\n")
    return ["sanity", "--", "--test", "pep8"], r"next_window\.py.*E225"


def plant_skip(copy):
    """A test that skips itself."""
    (copy / "emulator" / "tests" / "test_planted_skip.py").write_text('import pytest\n\n\ndef test_planted():\n    pytest.skip("planted")\n')
    return ["emulator", "--", "-k", "planted"], r"1 skipped: a skip does not count as a pass"


def plant_integration(copy):
    """A target ansible-test does not run (disabled), beside one real target."""
    targets = copy / "tests" / "integration" / "targets"
    for target in targets.iterdir():
        if target.name != "zequenze_api_group":
            shutil.rmtree(target)
    (targets / "planted_target" / "tasks").mkdir(parents=True)
    (targets / "planted_target" / "aliases").write_text("disabled\n")
    (targets / "planted_target" / "tasks" / "main.yml").write_text("---\n- name: Never runs\n  ansible.builtin.debug:\n    msg: planted\n")
    return ["integration"], r"did not run: planted_target"


def plant_changelog(copy):
    """A fragment that CHANGELOG.md does not show."""
    (copy / "changelogs" / "fragments" / "planted-change.yml").write_text("---\nminor_changes:\n  - A planted change that CHANGELOG.md does not show.\n")
    return ["changelog"], r"CHANGELOG\.md is not the changelog of the current fragments"


def plant_tarball(copy):
    """build_ignore drops a shipped filter."""
    galaxy = copy / "galaxy.yml"
    galaxy.write_text(galaxy.read_text().replace("build_ignore:\n", "build_ignore:\n  - plugins/filter/next_window.py\n", 1))
    return ["package"], r"missing from the tarball"


def plant_format(copy):
    """A Python file black would reformat."""
    (copy / "plugins" / "filter" / "planted_format.py").write_text("planted = ( 1,2 )\n")
    return ["format"], r"would reformat .*planted_format\.py"


def plant_docs(copy):
    """A guide whose console block fails as written, and a block in no language; the doc snippet test only."""
    page = "# Planted\n\n```console\nansible-doc zequenze.control.planted_missing\n```\n\n```\nno language\n```\n"
    (copy / "docs" / "planted.md").write_text(page)
    return [
        "ecosystem",
        "--",
        "tests/ecosystem/test_doc_snippets.py",
        "-k",
        "planted or every_block",
    ], r"ansible-doc zequenze\.control\.planted_missing did not document it"


CASES = {name[len("plant_") :]: plant for name, plant in sorted(globals().items()) if name.startswith("plant_")}


def run_case(name):
    """Plant the defect in a fresh copy and run the copy's tier: True when it failed and said why."""
    copy = sync_tree(collection_tree(SCRATCH / name))
    arguments, pattern = CASES[name](copy)
    # The copy has no venvs of its own: it uses this work tree's.
    env = dict(os.environ, VENV=os.environ.get("VENV", sys.prefix), DEV_VENV=os.environ.get("DEV_VENV", sys.prefix))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "nox", "--noxfile", str(copy / "noxfile.py"), "-s"] + arguments,
            cwd=copy,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            check=False,
            timeout=1800,
        )  # the slowest planted case takes a few minutes
    except subprocess.TimeoutExpired:
        print("gate %s: the copy's tier ran over 30 minutes" % name, file=sys.stderr)
        return False
    found = re.search(pattern, result.stdout, re.M)
    if result.returncode and found:
        print("gate %s: planted defect caught (exit %d): %s" % (name, result.returncode, found.group(0)[:160]))
        return True
    print("\n".join(result.stdout.splitlines()[-30:]), file=sys.stderr)
    print("gate %s: planted defect NOT caught (exit %d, looked for /%s/)" % (name, result.returncode, pattern), file=sys.stderr)
    return False


def main(names):
    unknown = sorted(set(names) - set(CASES))
    if unknown:
        print("unknown gate cases %s; known: %s" % (", ".join(unknown), " ".join(CASES)), file=sys.stderr)
        return 2
    missed = []
    for name in names or list(CASES):
        print("==> gate self-test: %s (%s)" % (name, CASES[name].__doc__), flush=True)
        if not run_case(name):
            missed.append(name)
    shutil.rmtree(SCRATCH, ignore_errors=True)
    total = len(names or CASES)
    print("test-gates: %d planted defects, %d caught%s" % (total, total - len(missed), ", missed: " + " ".join(missed) if missed else ""))
    return 1 if missed else 0
