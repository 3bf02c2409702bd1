"""The README's nightly example as a new user runs it, with the role's defaults, against a fresh
emulator: every operation it schedules ends completed. Sizing the role's defaults would not fit
is warned about when it is scheduled, before anything fails."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import pytest

from tests.support.api import Api
from tests.support.emulator_process import EmulatorProcess
from tests.support.playbooks import Playbooks, wait_until

README_EXTRA_VARS = {"nightly_inventory_sync_organizations": [101, 102, 103]}
TERMINAL = {"completed", "failed", "cancelled"}


@pytest.fixture
def first_night(collections_path, tmp_path):
    # A fresh clock for each test: the window is up to a day ahead, which at 3600x opens within
    # 24 s, and each sync then lasts seconds.
    with EmulatorProcess(time_scale=3600) as emulator:
        yield Playbooks(collections_path, emulator, tmp_path), Api(emulator)


def _syncs(api, organizations):
    return [op for op in api.operations(update_status="true") if set(op["operation_details"]["organization_ids"]) <= set(organizations)]


def test_the_readme_example_with_defaults_ends_completed(first_night):
    playbooks, api = first_night
    run = playbooks.run("nightly_inventory_sync", README_EXTRA_VARS)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "[WARNING]" not in run.stdout + run.stderr, run.stdout + run.stderr
    scheduled = _syncs(api, [101, 102, 103])
    assert len(scheduled) == 3  # one organization per operation
    for op in scheduled:
        assert op["estimated_duration_minutes"] <= op["operation_config"]["options"]["timeout_minutes"], op

    def ended():
        return all(op["status"] in TERMINAL for op in _syncs(api, [101, 102, 103]))

    wait_until(ended, 90, "the README example's operations to end")
    ends = {op["id"]: (op["status"], op["processed_devices"], op["total_devices"]) for op in _syncs(api, [101, 102, 103])}
    assert all(end[0] == "completed" for end in ends.values()), ends


def test_an_operation_that_cannot_fit_is_warned_about_when_scheduled(first_night):
    playbooks, api = first_night
    organizations = [107, 110, 111]  # 697 active or pending devices: about 221 minutes of syncing
    run = playbooks.run(
        "nightly_inventory_sync", {"nightly_inventory_sync_organizations": organizations, "nightly_inventory_sync_organizations_per_operation": 3}
    )
    assert run.returncode == 0, run.stdout[-3000:]
    output = " ".join((run.stdout + run.stderr).split())
    assert "more than its timeout_minutes 120" in output, output[-3000:]
    [op] = _syncs(api, organizations)
    assert op["status"] == "scheduled"  # warned while nothing has failed yet

    strict = playbooks.run(
        "nightly_inventory_sync",
        {
            "nightly_inventory_sync_organizations": organizations,
            "nightly_inventory_sync_organizations_per_operation": 3,
            "nightly_inventory_sync_on_overrun": "fail",
        },
    )
    assert strict.returncode != 0
    assert "more than its timeout_minutes 120" in " ".join(strict.stdout.split())
