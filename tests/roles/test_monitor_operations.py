"""playbooks/monitor_operations.yml against an emulator holding healthy, overdue, stalled and
failed operations. The emulator's troubled organizations misbehave on purpose: 901 stops at 40%
(stalled), 902 runs three times slower than estimated (overdue), 903 fails every device (failed).
The emulator runs a fast clock, so the playbook gets the API's time (/healthz) as its reference."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime
import json
import re
import time

import pytest

from tests.support.emulator_process import EmulatorProcess
from tests.support.api import Api
from tests.support.playbooks import Playbooks, listing_pages, requests_during, wait_until

TIME_SCALE = 80  # 80 simulated seconds per real second: ~25 s of slack while the slow operation is overdue
OPTIONS = {"update_firmware_info": True, "validate_connectivity": True, "timeout_minutes": 1440}


def sim(timestamp: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def emulator():
    with EmulatorProcess(time_scale=TIME_SCALE) as process:
        yield process


@pytest.fixture(scope="module")
def env(collections_path, emulator, tmp_path_factory):
    return Playbooks(collections_path, emulator, tmp_path_factory.mktemp("monitor")), Api(emulator)


def monitor(playbooks, api, tmp_path, **limits):
    report = tmp_path / f"attention-{time.monotonic_ns()}.json"
    extra = {
        "monitor_operations_now": api.simulated_now(),
        "monitor_operations_report_file": str(report),
        "monitor_operations_overdue_minutes": 2,
        "monitor_operations_stalled_minutes": 2,
        **limits,
    }
    result = playbooks.run("monitor_operations", extra)
    assert "Traceback" not in result.stdout + result.stderr
    return result, json.loads(report.read_text())


def sync(api, organizations, **extra):
    return api.create(operation_type="bulk_serial_sync", target_organizations=organizations, options=OPTIONS, **extra)["id"]


def test_monitor_reports_what_needs_attention(env, tmp_path):
    playbooks, api = env
    healthy_running = sync(api, [101, 102, 103, 104])  # about four simulated hours of work
    tomorrow = (sim(api.simulated_now()) + datetime.timedelta(days=1)).isoformat()
    healthy_scheduled = sync(api, [105], schedule={"execute_at": tomorrow, "priority": "normal"})

    (calm, calm_report), requests = requests_during(playbooks.emulator, lambda: monitor(playbooks, api, tmp_path))
    assert calm.returncode == 0, calm.stdout[-3000:]
    # One listing (a single page here), then one by-id refresh per scheduled or running operation.
    assert listing_pages(requests) == ["page_size=1000"], requests
    assert sorted(query for _method, query in requests if "id=" in query) == sorted(
        f"id={i}&update_status=true" for i in (healthy_running, healthy_scheduled)
    ), requests
    assert calm_report["count"] == 0
    assert "2 scheduled or running, 0 failed in the last 24 h; 0 need attention" in calm.stdout

    created = sim(api.simulated_now())
    stalled = sync(api, [901])  # stops at 40% after ~4 simulated minutes
    slow = sync(api, [902])  # estimated 19 simulated minutes, takes 57
    failed = sync(api, [903])  # every device fails within ~4 simulated minutes
    # Past the slow one's estimate plus the margin, well before it ends.
    while sim(api.simulated_now()) < created + datetime.timedelta(minutes=23):
        time.sleep(0.2)

    alarm, report = monitor(playbooks, api, tmp_path)
    assert alarm.returncode == 2, alarm.stdout[-3000:]
    assert sorted(o["id"] for o in report["overdue"]) == sorted([stalled, slow])
    assert [o["id"] for o in report["stalled"]] == [stalled]
    assert [o["id"] for o in report["failed"]] == [failed]
    assert report["count"] == 3
    assert healthy_running not in report["ids"] and healthy_scheduled not in report["ids"]
    assert f"OVERDUE: operation {slow} bulk_serial_sync (organizations 902)" in alarm.stdout
    assert f"STALLED: operation {stalled} bulk_serial_sync (organizations 901), no progress for" in alarm.stdout
    assert f"FAILED: operation {failed} bulk_serial_sync (organizations 903), failed at" in alarm.stdout
    assert "3 operation(s) need attention: 2 overdue, 1 stalled, 1 failed" in alarm.stdout
    assert playbooks.emulator.token not in alarm.stdout + alarm.stderr

    lenient, lenient_report = monitor(
        playbooks, api, tmp_path, monitor_operations_overdue_minutes=600, monitor_operations_stalled_minutes=600, monitor_operations_failed_hours=0.1
    )
    assert lenient.returncode == 0, lenient.stdout[-3000:]
    assert lenient_report["count"] == 0


def test_check_mode_writes_no_report(env, tmp_path):
    playbooks, api = env
    report = tmp_path / "attention.json"
    # A failed operation of its own (903 fails every device within a few simulated minutes), so
    # whatever else the module's emulator holds, one operation needs attention: the check still runs
    # in check mode and fails the play with 2, only the report file is not written.
    failed = sync(api, [903])
    wait_until(lambda: api.operations(id=failed, update_status="true")[0]["status"] == "failed", 60, f"operation {failed} to fail")
    result = playbooks.run("monitor_operations", {"monitor_operations_now": api.simulated_now(), "monitor_operations_report_file": str(report)}, "--check")
    assert result.returncode == 2, result.stdout[-3000:]
    assert re.search(r"\d+ operation\(s\) need attention: .*\b%s\b" % re.escape(str(failed)), result.stdout), result.stdout[-3000:]
    assert not report.exists() and list(tmp_path.iterdir()) == []
    assert "Traceback" not in result.stdout + result.stderr


def test_bad_limit_is_named(env, tmp_path):
    playbooks, api = env
    result = playbooks.run("monitor_operations", {"monitor_operations_stalled_minutes": "soon"})
    assert result.returncode != 0
    assert "stalled_minutes must be a number of at least 0, got 'soon'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_refreshed_record_replaces_the_listed_one(collections_path, tmp_path):
    """The listing is stale (this emulator refreshes a listed record only when asked to), so it shows
    an operation as scheduled or running that has failed since; the refreshed record decides, once."""
    with EmulatorProcess(time_scale=600, extra_args=["--refresh-seconds", "1000000000"]) as emulator:
        playbooks, api = Playbooks(collections_path, emulator, tmp_path), Api(emulator)
        failed = sync(api, [903])  # every device fails within ~4 simulated minutes
        created = sim(api.simulated_now())
        while sim(api.simulated_now()) < created + datetime.timedelta(minutes=10):
            time.sleep(0.2)
        (listed,) = [op for op in api.operations() if op["id"] == failed]
        assert listed["status"] in ("scheduled", "in_progress"), listed
        result, report = monitor(playbooks, api, tmp_path, monitor_operations_overdue_minutes=600, monitor_operations_stalled_minutes=600)
        assert result.returncode == 2, result.stdout[-3000:]
        assert [o["id"] for o in report["failed"]] == [failed]
        assert report["overdue"] == report["stalled"] == []
        assert report["ids"] == [failed]
        assert "1 scheduled or running, 1 failed in the last 24 h; 1 need attention" in result.stdout
