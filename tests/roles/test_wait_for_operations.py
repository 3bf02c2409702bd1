"""Waiting with progress lines: an emulator at real-time speed, so the operations outlast the wait."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import re

import pytest

from tests.support.emulator_process import EmulatorProcess
from tests.support.playbooks import Playbooks

PROGRESS = re.compile(r"operation (\d+) compliance_report \(organizations (\d+)\): in_progress \d+% - \d+/\d+ devices processed, \d+ failed - ETA \S+")


@pytest.fixture(scope="module")
def playbooks(collections_path, tmp_path_factory):
    with EmulatorProcess(time_scale=1) as emulator:
        yield Playbooks(collections_path, emulator, tmp_path_factory.mktemp("wait"))


def test_progress_lines_in_chunks_then_a_clear_timeout(playbooks, tmp_path):
    result = playbooks.run(
        "compliance_collection",
        {
            "compliance_collection_organizations": [101, 102],
            "compliance_collection_report_dir": str(tmp_path),
            "compliance_collection_wait_timeout": 30,
            "compliance_collection_report_interval": 5,
        },
    )
    assert result.returncode == 2, result.stdout[-3000:]
    lines = PROGRESS.findall(result.stdout)
    # Six rounds at most (30 s in chunks of 5 s); half of them still come on a loaded machine,
    # where each chunk also pays the task's start-up.
    rounds = len(lines) // 2
    assert rounds >= 3, result.stdout[-3000:]
    assert {organization for _operation, organization in lines} == {"101", "102"}
    assert re.search(r"Gave up after 30 s waiting for operation\(s\) \d+, \d+ to reach ended; they keep running", result.stdout)
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in result.stdout + result.stderr
