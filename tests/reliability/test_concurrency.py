"""Concurrency: eight nightly playbook runs at once, for eight different windows: eight operations, no errors."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import collections
import random
import time

from tests.support.reliability import TRACEBACK, EmulatorProcess, all_operations, finish, identity, pick_windows, start_playbook

RUNS = 8
DEADLINE = 300  # real seconds for all eight together; a bound, not a speed goal


def test_eight_playbooks_at_once(tmp_path, figure):
    windows = pick_windows(random.Random(8), RUNS)
    with EmulatorProcess(workdir=tmp_path) as emulator:
        started = time.monotonic()
        processes = [
            start_playbook(
                "nightly_inventory_sync",
                {
                    "nightly_inventory_sync_organizations": w["organizations"],
                    "nightly_inventory_sync_organizations_per_operation": len(w["organizations"]),  # one operation a run
                    "nightly_inventory_sync_window_start": w["start"],
                    "nightly_inventory_sync_timezone": w["zone"],
                },
                emulator.environment(),
            )
            for w in windows
        ]
        try:
            runs = [finish(p, max(1.0, DEADLINE - (time.monotonic() - started))) for p in processes]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        elapsed = time.monotonic() - started
        records = all_operations(emulator, emulator.token)
        log = emulator.log()

    failed = [r for r in runs if r.rc != 0]
    identities = collections.Counter(identity(r) for r in records)
    figure("playbooks run at once", RUNS)
    figure("runs failed", len(failed))
    figure("operations in the API", len(records))
    figure("wall time s", round(elapsed, 1))

    assert not failed, failed[0].describe()
    assert not [r for r in runs if TRACEBACK.search(r.output)]
    assert "Traceback" not in log, log[-4000:]
    assert len(records) == RUNS, records
    assert len(identities) == RUNS and max(identities.values()) == 1, identities
    assert sorted(r["scheduled_for"] for r in records) == sorted(w["instant"].strftime("%Y-%m-%dT%H:%M:%SZ") for w in windows)
    assert all("changed=1" in r.stdout for r in runs)
