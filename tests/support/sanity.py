# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-test sanity over the whole tree copy, with no ignore files, on every installed Python the
core supports; then ansible-doc renders every module from that tree.

    python -m tests.support.sanity [ANSIBLE-TEST ARGS...]    # arguments narrow it (e.g. --test pep8)

The ansible-core under test is $VENV's (default: the running venv).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import subprocess
import sys
import tempfile

from tests.support import ansible_test
from tests.support.package import bin_under_test, run_in_collections_path
from tests.support.paths import REPO
from tests.support.tiers import stream
from tests.support.tree import known_files

RAN = re.compile(r'^Running sanity test "[^"]*"(?: on Python ([0-9.]+))?$', re.M)
# ansible-core ships about 40 sanity tests: fewer did not check the collection.
MINIMUM_TESTS = 20


def render_problems(parent, tree, home):
    """Each module whose ansible-doc does not render from the tree."""
    problems = []
    for module in sorted((tree / "plugins" / "modules").glob("*.py")):
        name = "zequenze.control." + module.stem
        doc = run_in_collections_path(parent, ["ansible-doc", name], home)
        # 2.16 prints "> ZEQUENZE.CONTROL.NAME", newer cores "> MODULE zequenze.control.name"
        if doc.returncode or not re.search(r"(?im)^> (MODULE )?%s( |$)" % re.escape(name), doc.stdout):
            problems.append("ansible-doc %s did not render:\n%s%s" % (name, doc.stdout, doc.stderr))
    return problems


def output_problems(output, narrowed):
    tests = len(RAN.findall(output))
    problems = []
    if "All targets skipped" in output:  # ansible-test exits 0 when it finds nothing to test
        problems.append("ansible-test skipped every target: the tree copy is not being tested")
    if tests < MINIMUM_TESTS and not narrowed:
        problems.append("ansible-test sanity ran only %d tests" % tests)
    return problems


def main(args):
    if list((REPO / "tests" / "sanity").glob("ignore-*.txt")):
        print("tests/sanity/ignore-*.txt found: fix the code instead of ignoring it", file=sys.stderr)
        return 1
    tools = bin_under_test()
    parent = REPO / ".tree" / ("sanity-" + tools.parent.name)
    try:
        tree, env = ansible_test.prepare(parent, tools)
        status, output = stream([tools / "ansible-test", "sanity", "--venv", "--color", "no"] + list(args), tree, env)
        with tempfile.TemporaryDirectory(prefix="zequenze-sanity-doc-") as home:
            problems = (["ansible-test sanity exited %d" % status] if status else []) + render_problems(parent, tree, home)
    except (OSError, subprocess.CalledProcessError) as error:
        problems, output, tree = ["sanity: %s" % error], "", None
    problems += output_problems(output, bool(args))
    pythons = sorted({version for version in RAN.findall(output) if version}, key=lambda v: [int(n) for n in v.split(".")])
    print(
        "ansible-test sanity (%s): %d test runs over %d files, Pythons %s"
        % (tools.parent.name, len(RAN.findall(output)), len(known_files(tree)) if tree else 0, " ".join(pythons))
    )
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
