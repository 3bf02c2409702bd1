# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one check of a pytest run's JUnit report: a skipped test fails the run, and so does a
run of fewer tests than the test files define (none ran, or a file was not collected).

    python -m tests.support.junit NAME REPORT [TEST_DIR...]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TEST_FUNCTION = re.compile(r"^\s*(?:async\s+)?def test_\w+", re.M)


def counts(report):
    """tests, failures + errors, skipped over every testsuite of a JUnit file."""
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return total, failed, skipped


def defined_tests(folders):
    """Test functions written in test_*.py under the folders (a parametrized one runs at least once)."""
    return sum(len(TEST_FUNCTION.findall(path.read_text(errors="replace"))) for folder in folders for path in Path(folder).rglob("test_*.py"))


def main(argv):
    name, report, folders = argv[0], argv[1], argv[2:]
    try:
        total, failed, skipped = counts(report)
    except (OSError, ET.ParseError) as error:
        print("%s: no JUnit report (%s): pytest did not run" % (name, error), file=sys.stderr)
        return 1
    floor = defined_tests(folders) if folders else 1
    print("%s: %d tests, %d passed, %d failed, %d skipped (at least %d expected)" % (name, total, total - failed - skipped, failed, skipped, floor))
    problems = []
    if skipped:
        problems.append("%d skipped: a skip does not count as a pass" % skipped)
    if total < max(floor, 1):
        problems.append("%d ran, fewer than the %d the test files define" % (total, max(floor, 1)))
    for problem in problems:
        print("%s: %s" % (name, problem), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
