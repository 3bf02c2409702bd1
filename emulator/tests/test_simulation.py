"""The simulated fleet and clock: progress, failures, completion, lag and troubled organizations."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import time

import pytest
from tests.support.api import Api
from tests.support.emulator_process import EmulatorProcess

FAST = 5000  # simulated seconds per real second


@pytest.fixture(scope="module")
def fast():
    with EmulatorProcess(time_scale=FAST) as process:
        yield Api(process, "demo-token")


def wait_until(api: Api, operation_id: str, statuses, limit=30.0) -> list:
    """Poll with update_status=true until a status in `statuses`; return every record seen."""
    seen = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        seen.append(api.record(operation_id))
        if seen[-1]["status"] in statuses:
            return seen
        time.sleep(0.05)
    pytest.fail(f"operation {operation_id} still {seen[-1]['status']} after {limit} s")


def run_now(**overrides) -> dict:
    """Overrides for Api.create: no execute_at, so the operation runs now."""
    return {"schedule": {"priority": "high"}, **overrides}


def test_progress_runs_to_completion_and_never_goes_backwards(fast):
    # 12 s per device for 200 devices = 40 simulated minutes = 0.5 real seconds.
    created = fast.create_from_example(**run_now(target_organizations=[101], device_filters=None, options={"timeout_minutes": 600}))
    assert created["status"] == "scheduled"
    seen = wait_until(fast, created["id"], {"completed", "failed"})
    final = seen[-1]
    assert final["status"] == "completed"
    assert final["progress"] == 100 and final["processed_devices"] == final["total_devices"] == 200
    assert final["failed_devices"] == sum(final["operation_details"]["error_summary"].values())
    assert final["updated_at"] == final["estimated_completion"]  # the estimate was honest
    assert any(r["status"] == "in_progress" and 0 < r["progress"] < 100 for r in seen)
    progress = [r["processed_devices"] for r in seen]
    assert progress == sorted(progress)


def test_estimates_follow_the_device_count_and_options(fast):
    record = fast.create_from_example(
        **run_now(operation_type="status_update", target_organizations=[105], device_filters=None, options={"timeout_minutes": 60})
    )
    assert record["total_devices"] == 48
    assert record["estimated_duration_minutes"] == 48 * 3 // 60 + 1  # 3 s per device, rounded up


def test_some_devices_fail_with_the_documented_categories(fast):
    created = fast.create_from_example(
        **run_now(operation_type="status_update", target_organizations=list(range(101, 113)), device_filters=None, options={"timeout_minutes": 1440})
    )
    final = wait_until(fast, created["id"], {"completed", "failed"})[-1]
    summary = final["operation_details"]["error_summary"]
    assert final["status"] == "completed"
    assert 0 < final["failed_devices"] < final["total_devices"] * 0.1
    assert set(summary) == {"connection_timeouts", "authentication_failures", "unsupported_firmware"}
    assert all(summary.values()), summary


def test_timeout_fails_the_operation_part_way(fast):
    # 200 devices at 19 s each need 64 minutes; the timeout allows 10.
    created = fast.create_from_example(
        **run_now(target_organizations=[101], device_filters=None, options={"timeout_minutes": 10, "update_firmware_info": True, "validate_connectivity": True})
    )
    final = wait_until(fast, created["id"], {"completed", "failed"})[-1]
    assert final["status"] == "failed"
    assert 0 < final["processed_devices"] < final["total_devices"]


def test_future_operation_stays_scheduled(fast):
    created = fast.create_from_example(schedule={"execute_at": "2999-01-01T00:00:00Z"})
    time.sleep(0.2)
    assert fast.record(created["id"])["status"] == "scheduled"


def test_past_schedule_starts_at_once(fast):
    created = fast.create_from_example(schedule={"execute_at": "2020-01-01T00:00:00Z"}, target_organizations=[105])
    time.sleep(0.1)
    assert fast.record(created["id"])["status"] in ("in_progress", "completed")


def test_unreachable_organization_fails_every_device(fast):
    created = fast.create_from_example(**run_now(operation_type="status_update", target_organizations=[903], device_filters=None))
    final = wait_until(fast, created["id"], {"completed", "failed"})[-1]
    assert final["status"] == "failed"
    assert final["failed_devices"] == final["total_devices"] == 12
    assert final["operation_details"]["error_summary"]["connection_timeouts"] == 12


def test_stalled_and_slow_organizations_miss_their_estimates():
    # 60 devices at 12 s: estimated 12 simulated minutes (0.72 s here); the slow one needs 36
    # (2.16 s), the stalled one never ends. The window between leaves room for a loaded machine.
    with EmulatorProcess(time_scale=1000) as process:
        api = Api(process, "demo-token")
        stalled = api.create_from_example(**run_now(target_organizations=[901], device_filters=None, options={"timeout_minutes": 1440}))
        slow = api.create_from_example(**run_now(target_organizations=[902], device_filters=None, options={"timeout_minutes": 1440}))
        estimate = max(stalled["estimated_completion"], slow["estimated_completion"])
        while process.healthz()["simulated_time"] <= estimate:
            time.sleep(0.02)
        stalled_record = api.record(stalled["id"])
        slow_record = api.record(slow["id"])
        time.sleep(0.1)
        stalled_later = api.record(stalled["id"])
    for record in (stalled_record, slow_record):
        assert record["status"] == "in_progress"  # overdue
        assert record["estimated_completion"] <= estimate
    assert slow_record["progress"] < 100
    assert stalled_record["progress"] == 40
    assert stalled_record["updated_at"] < estimate  # no progress since it stalled
    assert stalled_later["processed_devices"] == stalled_record["processed_devices"]
    assert stalled_later["updated_at"] == stalled_record["updated_at"]


def test_without_update_status_a_record_lags_by_at_most_the_refresh_period():
    with EmulatorProcess(time_scale=1, extra_args=["--refresh-seconds", "3600"]) as process:
        api = Api(process, "demo-token")
        created = api.create_from_example(**run_now(operation_type="status_update", target_organizations=[105]))
        time.sleep(0.1)
        lagging = api.record(created["id"], refresh=False)
        fresh = api.record(created["id"], refresh=True)
        assert fresh["status"] == "in_progress"
        after = api.record(created["id"], refresh=False)
        assert after["status"] == "in_progress"  # a refresh is never undone
    assert lagging["status"] == "scheduled"


def test_the_fleet_is_deterministic_by_seed():
    counts = []
    for seed in (7, 7, 8):
        with EmulatorProcess(seed=seed) as process:
            counts.append(Api(process, "demo-token").create_from_example()["target_device_count"])
    assert counts[0] == counts[1] != counts[2]
