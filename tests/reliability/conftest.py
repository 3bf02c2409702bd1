"""Reliability suite fixtures: the figures printed in its summary (helpers: tests.support.reliability)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from tests.support.reliability import PROFILE


@pytest.fixture
def figure(request):
    """figure(name, value): a number printed in the suite's summary (works under xdist)."""

    def record(name, value):
        request.node.user_properties.append(("figure", (request.node.nodeid.split("::")[-1], name, value)))

    return record


def pytest_terminal_summary(terminalreporter):
    rows = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) == "call":
                rows += [value for key, value in getattr(report, "user_properties", []) if key == "figure"]
    if not rows:
        return
    terminalreporter.write_sep("=", f"reliability figures ({PROFILE})")
    for test, name, value in sorted(rows, key=lambda r: (r[0], r[1])):
        terminalreporter.write_line(f"{test:48} {name:44} {value}")
