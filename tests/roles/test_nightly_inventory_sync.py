"""The nightly_inventory_sync playbook, run by FQCN from the installed collection against a
real emulator with a fast clock: check mode, the window, idempotence, waiting, the threshold,
and clear messages for bad input."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime
import json
import re
import zoneinfo

import pytest

from tests.support.emulator_process import EmulatorProcess
from tests.support.api import Api
from tests.support.playbooks import Playbooks, listing_pages, recap, requests_during


def window_ahead(hours: int) -> str:
    """HH:MM (UTC) a few hours ahead: the fast emulator reaches it in seconds, the controller's clock does not."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)).strftime("%H:%M")


def parse(timestamp: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def syncs(api, organizations=None):
    found = [op for op in api.operations() if op["operation_type"] == "bulk_serial_sync"]
    if organizations is not None:
        found = [op for op in found if set(op["operation_details"]["organization_ids"]) <= set(organizations)]
    return found


def test_check_diff_then_apply_then_rerun(playbooks, api):
    extra = {
        "nightly_inventory_sync_organizations": [101, 102, 103],
        "nightly_inventory_sync_organizations_per_operation": 2,
        "nightly_inventory_sync_window_start": "02:00",
        "nightly_inventory_sync_timezone": "Europe/Madrid",
    }

    check = playbooks.run("nightly_inventory_sync", extra, "--check", "--diff")
    assert check.returncode == 0, check.stdout[-3000:]
    assert syncs(api, [101, 102, 103]) == []
    assert "Would schedule an operation for organizations 101,102" in check.stdout
    planned = re.findall(r'"execute_at": "([^"]+)"', check.stdout)
    assert planned and len(set(planned)) == 1, check.stdout[-3000:]

    first = playbooks.run("nightly_inventory_sync", extra)
    assert first.returncode == 0, first.stdout[-3000:]
    created = syncs(api, [101, 102, 103])
    assert sorted(sorted(op["operation_details"]["organization_ids"]) for op in created) == [[101, 102], [103]]
    assert {parse(op["scheduled_for"]) for op in created} == {parse(planned[0])}
    assert recap(first.stdout)["changed"] == 1  # one looped task
    assert first.stdout.count("changed: [localhost] => (item=") == 2

    second = playbooks.run("nightly_inventory_sync", extra)
    assert second.returncode == 0, second.stdout[-3000:]
    assert recap(second.stdout)["changed"] == 0
    assert second.stdout.count("Already scheduled operation") == 2
    assert len(syncs(api, [101, 102, 103])) == 2


def test_wait_summarizes_and_writes_the_summary_file(playbooks, api, tmp_path):
    summary_file = tmp_path / "summary.json"
    result = playbooks.run(
        "nightly_inventory_sync",
        {
            "nightly_inventory_sync_organizations": [105, 106],
            "nightly_inventory_sync_organizations_per_operation": 2,
            "nightly_inventory_sync_window_start": window_ahead(3),
            "nightly_inventory_sync_timeout_minutes": 1440,
            "nightly_inventory_sync_wait": True,
            "nightly_inventory_sync_report_interval": 5,
            "nightly_inventory_sync_max_failed_percent": 50,
            "nightly_inventory_sync_summary_file": str(summary_file),
        },
    )
    assert result.returncode == 0, result.stdout[-3000:]
    (operation,) = syncs(api, [105, 106])
    assert operation["status"] == "completed"
    assert re.search(rf"operation {operation['id']} bulk_serial_sync \(organizations 105,106\): \w+ \d+% - \d+/\d+ devices processed", result.stdout)
    total = operation["total_devices"]
    assert f"operation {operation['id']} (organizations 105,106): completed, {total}/{total} devices processed" in result.stdout
    summary = json.loads(summary_file.read_text())
    assert [s["id"] for s in summary["operations"]] == [operation["id"]]
    assert summary["totals"]["failed_devices"] == operation["failed_devices"]
    assert playbooks.emulator.token not in summary_file.read_text() + result.stdout


def test_threshold_fails_after_the_summary_naming_the_organizations(playbooks, api):
    result = playbooks.run(
        "nightly_inventory_sync",
        {
            "nightly_inventory_sync_organizations": [903],
            "nightly_inventory_sync_window_start": window_ahead(3),
            "nightly_inventory_sync_timeout_minutes": 1440,
            "nightly_inventory_sync_wait": True,
            "nightly_inventory_sync_report_interval": 5,
        },
    )
    assert result.returncode == 2, result.stdout[-3000:]
    (operation,) = syncs(api, [903])
    assert operation["status"] == "failed"
    summary_at = result.stdout.index(f"operation {operation['id']} (organizations 903): failed")
    failure_at = result.stdout.index(f"1 operation(s) failed or exceeded 5.0% failed devices: operation {operation['id']} (organizations 903)")
    assert summary_at < failure_at
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture(scope="module")
def realtime(collections_path, tmp_path_factory):
    """An emulator whose clock runs at real speed: a window hours ahead stays ahead between runs."""
    with EmulatorProcess(time_scale=1) as emulator:
        yield Playbooks(collections_path, emulator, tmp_path_factory.mktemp("realtime")), Api(emulator)


def test_window_is_the_next_local_start_in_the_zone(realtime, tmp_path):
    # At real speed the emulator does not reach the window (up to a day ahead) during the test.
    playbooks, api = realtime
    zone = zoneinfo.ZoneInfo("America/New_York")
    summary_file = tmp_path / "scheduled.json"
    result = playbooks.run(
        "nightly_inventory_sync",
        {
            "nightly_inventory_sync_organizations": [104],
            "nightly_inventory_sync_window_start": "23:45",
            "nightly_inventory_sync_timezone": "America/New_York",
            "nightly_inventory_sync_summary_file": str(summary_file),
        },
    )
    assert result.returncode == 0, result.stdout[-3000:]
    (operation,) = syncs(api, [104])
    scheduled = parse(operation["scheduled_for"]).astimezone(zone)
    now = datetime.datetime.now(zone)
    assert (scheduled.hour, scheduled.minute) == (23, 45)
    assert now < scheduled <= now + datetime.timedelta(days=1, hours=1)
    summary = json.loads(summary_file.read_text())
    assert summary["window"] == {"start": "23:45", "timezone": "America/New_York", "execute_at": scheduled.isoformat()}
    assert [(s["id"], s["status"]) for s in summary["operations"]] == [(operation["id"], "scheduled")]


def test_summary_file_check_mode_writes_nothing_and_a_rerun_changes_nothing(realtime, tmp_path):
    playbooks, api = realtime
    summary_file = tmp_path / "scheduled.json"
    extra = {
        "nightly_inventory_sync_organizations": [107, 108],
        "nightly_inventory_sync_organizations_per_operation": 2,
        "nightly_inventory_sync_window_start": window_ahead(3),
        "nightly_inventory_sync_summary_file": str(summary_file),
    }

    check = playbooks.run("nightly_inventory_sync", extra, "--check", "--diff")
    assert check.returncode == 0, check.stdout[-3000:]
    assert not summary_file.exists() and list(tmp_path.iterdir()) == []
    assert syncs(api, [107, 108]) == []

    first, requests = requests_during(playbooks.emulator, lambda: playbooks.run("nightly_inventory_sync", extra))
    assert first.returncode == 0, first.stdout[-3000:]
    written = summary_file.read_text()
    (operation,) = syncs(api, [107, 108])
    assert [s["id"] for s in json.loads(written)["operations"]] == [operation["id"]]
    # The module's one listing to find a match, the create, one listing to confirm no concurrent
    # run made the same operation, one read by id for the summary: no more.
    assert len(listing_pages(requests)) == 2, requests
    assert [m for m, _q in requests].count("POST") == 1, requests
    assert [q for m, q in requests if "id=" in q] == [f"id={operation['id']}"], requests

    second, requests = requests_during(playbooks.emulator, lambda: playbooks.run("nightly_inventory_sync", extra))
    assert second.returncode == 0, second.stdout[-3000:]
    assert len(listing_pages(requests)) == 1 and "POST" not in [m for m, _q in requests], requests
    assert recap(second.stdout)["changed"] == 0, second.stdout[-3000:]
    assert summary_file.read_text() == written
    assert len(syncs(api, [107, 108])) == 1


def test_bad_input_gets_a_clear_message(playbooks):
    missing = playbooks.run("nightly_inventory_sync", {})
    assert missing.returncode != 0
    assert "nightly_inventory_sync_organizations" in missing.stdout
    bad_window = playbooks.run("nightly_inventory_sync", {"nightly_inventory_sync_organizations": [101], "nightly_inventory_sync_window_start": "25:00"})
    assert bad_window.returncode != 0
    assert "window start must be a string 'HH:MM'" in bad_window.stdout
    bad_zone = playbooks.run("nightly_inventory_sync", {"nightly_inventory_sync_organizations": [101], "nightly_inventory_sync_timezone": "Mars/Olympus"})
    assert "timezone 'Mars/Olympus' is not a known IANA time zone" in bad_zone.stdout
    bad_priority = playbooks.run("nightly_inventory_sync", {"nightly_inventory_sync_organizations": [101], "nightly_inventory_sync_priority": "urgent"})
    assert "nightly_inventory_sync_priority" in bad_priority.stdout and "urgent" in bad_priority.stdout
    for run in (missing, bad_window, bad_zone, bad_priority):
        assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize(("organizations", "expected"), [("107, 108", [107, 108]), (109, [109])])
def test_organizations_as_survey_text_or_a_single_id(playbooks, api, organizations, expected):
    """An AWX text answer ("107, 108") or a lone id is read as the argument spec reads it."""
    result = playbooks.run(
        "nightly_inventory_sync",
        {
            "nightly_inventory_sync_organizations": organizations,
            "nightly_inventory_sync_organizations_per_operation": 2,
            "nightly_inventory_sync_window_start": "02:00",
        },
    )
    assert result.returncode == 0, result.stdout[-3000:]
    (operation,) = [op for op in syncs(api) if set(op["operation_details"]["organization_ids"]) & set(expected)]
    assert sorted(operation["operation_details"]["organization_ids"]) == expected
