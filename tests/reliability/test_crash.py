"""Crash: kill -9 the emulator while operations run and a playbook waits; restart on the same database and port.

Nothing the API answered is lost, progress never goes backwards (as stored, read without a refresh,
and refreshed), the simulated clock runs on through the downtime (it advances by at least the real
downtime times the time scale, read at /healthz around each kill), and the waiting playbook
either rides through (connection refused is retried within its deadline) or fails naming the
cause, without a traceback.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime
import time

import requests
from tests.support.reliability import CAUSE, TRACEBACK, EmulatorProcess, all_operations, finish, scale, start_playbook

KILLS = scale(5, 12)
TIME_SCALE = 200  # 200 simulated seconds per real second
KILL_EVERY = 2.5  # real seconds between kills
DOWN_FOR = 0.4  # real seconds the API stays down before the restart begins
PLAYBOOK_DEADLINE = 240  # real seconds; the playbook's own wait_timeout is below it
STATUS_ORDER = {"scheduled": 0, "in_progress": 1, "completed": 2, "failed": 2, "cancelled": 2}
# Simulated seconds the clock may fall short of (real downtime x TIME_SCALE) across a restart. The
# measurement itself only errs the other way (/healthz is read before the real start and after the
# real end), so this is slack for rounding and clock slew; a clock reset at restart loses hundreds.
CLOCK_TOLERANCE = 40


def create(session: requests.Session, emulator: EmulatorProcess, organizations: list) -> dict:
    answer = session.post(
        emulator.operations_url,
        timeout=10,
        json={"operation_type": "inventory_audit", "target_organizations": organizations, "options": {"timeout_minutes": 1440}},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def snapshot(session: requests.Session, emulator: EmulatorProcess, refresh: bool = True) -> dict:
    """{id: (status rank, processed devices, progress)} for every operation, refreshed or as stored."""
    return {
        r["id"]: (STATUS_ORDER.get(r["status"], 0), r["processed_devices"], r["progress"])
        for r in all_operations(emulator, emulator.token, update_status=refresh)
    }


def simulated_now(emulator: EmulatorProcess) -> float:
    """The emulator's simulated time (/healthz), in seconds since the epoch."""
    return datetime.datetime.fromisoformat(emulator.healthz()["simulated_time"].replace("Z", "+00:00")).timestamp()


def test_kill_9_while_operations_run_and_a_playbook_waits(tmp_path, figure):
    with EmulatorProcess(time_scale=TIME_SCALE, seed=9, workdir=tmp_path) as emulator:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {emulator.token}"
        answered = [create(session, emulator, [101 + i, 111 + i])["id"] for i in range(3)]

        # The window opens a couple of simulated minutes from now, a second or so of real time.
        server_now = datetime.datetime.fromisoformat(emulator.healthz()["simulated_time"].replace("Z", "+00:00"))
        window = (server_now + datetime.timedelta(minutes=3)).strftime("%H:%M")
        nightly = {
            "nightly_inventory_sync_organizations": [118, 119, 120],  # runs about 35 s of real time
            "nightly_inventory_sync_organizations_per_operation": 3,  # one operation, as counted below
            "nightly_inventory_sync_window_start": window,
            "nightly_inventory_sync_timeout_minutes": 1440,
            "nightly_inventory_sync_wait": True,
            "nightly_inventory_sync_wait_timeout": PLAYBOOK_DEADLINE - 60,
            "nightly_inventory_sync_report_interval": 5,
            "nightly_inventory_sync_max_failed_percent": 100,
        }
        playbook_started = time.monotonic()
        playbook = start_playbook("nightly_inventory_sync", nightly, emulator.environment())
        runs = []
        try:
            # Kill only once the playbook's operation exists: from then on it is waiting.
            deadline = time.monotonic() + 60
            while len(snapshot(session, emulator)) < len(answered) + 1:
                assert time.monotonic() < deadline and playbook.poll() is None, finish(playbook, 10).describe()
                time.sleep(0.2)
            kills, backwards, lost, waiting_kills = 0, [], [], 0
            stored_backwards, clock_short, clock_margins = [], [], []
            before = snapshot(session, emulator)
            # At least KILLS kills, at least five of them while a playbook waits (bounded: KILLS + 5).
            while kills < KILLS or (waiting_kills < 5 and kills < KILLS + 5):
                kills += 1
                answered.append(create(session, emulator, [101 + kills % 10])["id"])  # answered just before the crash
                time.sleep(KILL_EVERY)
                if playbook.poll() is not None and playbook.returncode != 0:
                    # It gave up with a message; an operator runs it again, which must adopt the same operation.
                    runs.append(finish(playbook, 10))
                    playbook = start_playbook("nightly_inventory_sync", nightly, emulator.environment())
                    time.sleep(1.0)
                waiting_kills += playbook.poll() is None
                # What is stored (no refresh, which would persist progress and raise the clock's floor
                # at restart), then the simulated time, right before the kill.
                stored_before = snapshot(session, emulator, refresh=False)
                simulated_before = simulated_now(emulator)
                real_before = time.monotonic()
                emulator.kill()
                time.sleep(DOWN_FOR)
                emulator.start()  # same port, same database
                real_after = time.monotonic()
                simulated_after = simulated_now(emulator)
                # The simulated clock ran on through the downtime: it did not restart from a floor.
                expected = (real_after - real_before) * TIME_SCALE
                clock_margins.append(round(simulated_after - simulated_before - expected, 1))
                if simulated_after - simulated_before < expected - CLOCK_TOLERANCE:
                    clock_short.append((kills, round(simulated_after - simulated_before, 1), round(expected, 1)))
                session = requests.Session()
                session.headers["Authorization"] = f"Bearer {emulator.token}"
                stored_after = snapshot(session, emulator, refresh=False)
                stored_backwards += [(i, stored_before[i], stored_after[i]) for i in stored_before if i in stored_after and stored_after[i] < stored_before[i]]
                after = snapshot(session, emulator)
                lost += [i for i in answered if i not in after]
                backwards += [(i, before[i], after[i]) for i in before if i in after and after[i] < before[i]]
                before = after
            runs.append(finish(playbook, PLAYBOOK_DEADLINE))
            elapsed = time.monotonic() - playbook_started
        finally:
            if playbook.poll() is None:
                playbook.kill()
                playbook.wait()
        final = snapshot(session, emulator)
        log = emulator.log()

    gave_up = [r for r in runs if r.rc != 0]
    figure("kill -9 and restarts", kills)
    figure("kills while a playbook waited", waiting_kills)
    figure("operations answered before a kill", len(answered))
    figure("operations lost", len(lost))
    figure("progress went backwards", len(backwards))
    figure("stored progress went backwards", len(stored_backwards))
    figure("clock advance minus downtime x scale, min s", min(clock_margins))
    figure("restarts whose clock fell short", len(clock_short))
    figure("playbook runs (a failed one is run again)", len(runs))
    figure("playbook runs that rode through", len(runs) - len(gave_up))
    for number, run in enumerate(gave_up, 1):
        figure(f"gave up #{number}", " | ".join(run.failure_messages())[:300])
    figure("playbook wall time s (all runs)", round(elapsed, 1))

    assert kills >= KILLS
    assert waiting_kills >= 5, "a playbook did not wait through five kills"
    assert not lost, lost
    assert not backwards, backwards
    assert not stored_backwards, stored_backwards
    assert not clock_short, f"simulated time did not run on through the downtime (kill, advanced, expected): {clock_short}"
    assert len(final) == len(answered) + 1, "a re-run created a second operation"
    assert "Traceback" not in log, log[-4000:]
    for run in runs:
        assert not TRACEBACK.search(run.output), run.describe()
        if run.rc != 0:
            messages = [m for m in run.failure_messages() if m]
            assert messages and all(CAUSE.search(m) for m in messages), run.describe()
        else:
            assert "completed" in run.stdout, run.describe()
