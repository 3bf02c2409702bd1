"""The create path against hostile answers and concurrent runs, each against a real emulator.

Every fault mode of the emulator that saves a POST yet answers as if it failed: one run makes at
most one operation, a rerun makes none; a case nobody can decide fails saying the operation may
have been created, and the rerun adopts it. Runs started together on one machine (one cache
folder, one lock) make one operation per identity; runs that share no cache folder (two machines)
report every duplicate they make.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import collections
import json
import subprocess
import time

import pytest
from tests.support.reliability import BIN, TRACEBACK, EmulatorProcess, all_operations, ansible_env, identity, scale

MODULE = "zequenze.control.headless_operation"
# One identity per test run: scheduled, so that any state of it satisfies a rerun.
BASE_TASK = {"operation_type": "inventory_audit", "organizations": [104], "schedule": {"execute_at": "2031-06-01T02:00:00Z"}}


def start_task(args: dict, api_env: dict, env: dict | None = None) -> subprocess.Popen:
    """`ansible localhost -m headless_operation -a JSON` in the background."""
    command = [str(BIN / "ansible"), "localhost", "-m", MODULE, "-a", json.dumps(args)]
    return subprocess.Popen(command, env=ansible_env(api_env, env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def result_of(process: subprocess.Popen, timeout: float = 240) -> dict:
    """The task's result (rc, output and the module's JSON) once the process ends."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    start = stdout.find(" => ")
    try:
        result = json.JSONDecoder().raw_decode(stdout, start + 4)[0] if start >= 0 else {}
    except ValueError:
        result = {}
    return dict(result, rc=process.returncode, output=stdout + stderr)


def run_task(args: dict, api_env: dict, env: dict | None = None) -> dict:
    return result_of(start_task(args, api_env, env))


def faulty(tmp_path, text: str) -> EmulatorProcess:
    path = tmp_path / "faults.yml"
    path.write_text(text)
    return EmulatorProcess(faults=path, workdir=tmp_path)


@pytest.mark.parametrize(
    "faults, options",
    [
        ("save_then_503: 1.0\nretry_after_seconds: 1\n", {}),
        ("save_then_429: 1.0\nretry_after_seconds: 2\n", {}),
        ("save_then_500: 1.0\n", {}),
        ("save_then_reset: 1.0\n", {}),
        ("late_save: {delay_ms: 2500}\n", {"timeout": 1}),
        ("listing_lag_seconds: 3\n", {}),
        ("late_save: {delay_ms: 2000}\nlisting_lag_seconds: 2\n", {"timeout": 1}),
    ],
    ids=["save-503", "save-429", "save-500", "save-reset", "late-save", "listing-lag", "late-and-lagging"],
)
def test_one_operation_whatever_the_answer(tmp_path, figure, faults, options):
    task = dict(BASE_TASK, settle_time=8, **options)
    with faulty(tmp_path, faults) as emulator:
        first = run_task(task, emulator.environment())
        again = run_task(task, emulator.environment())
        time.sleep(3.5)  # past any listing lag, so the count below sees every operation
        records = all_operations(emulator, emulator.token)
    figure("operations", len(records))
    assert first["rc"] == 0, first["output"][-3000:]
    assert first["changed"] is True and first["duplicates"] == []
    assert again["rc"] == 0 and again["changed"] is False, again["output"][-3000:]
    assert again["operation"]["id"] == first["operation"]["id"]
    assert len(records) == 1, records
    assert not TRACEBACK.search(first["output"] + again["output"])


def test_an_undecidable_create_fails_and_the_rerun_adopts_it(tmp_path):
    # The save lands 6 s after the POST; the task gives up after 1 s of timeout and 2 s of settling.
    task = dict(BASE_TASK, timeout=1, settle_time=2, max_retries=0)
    with faulty(tmp_path, "late_save: {delay_ms: 6000}\n") as emulator:
        first = run_task(task, emulator.environment())
        assert first["rc"] != 0
        assert "may have been created" in first["msg"] and "re-run will adopt it" in first["msg"], first["msg"]
        assert "timed out" in first["msg"]
        deadline = time.monotonic() + 30
        while not all_operations(emulator, emulator.token) and time.monotonic() < deadline:
            time.sleep(0.5)
        again = run_task(task, emulator.environment())
        records = all_operations(emulator, emulator.token)
    assert again["rc"] == 0 and again["changed"] is False, again["output"][-3000:]
    assert len(records) == 1 and again["operation"]["id"] == records[0]["id"]
    assert not TRACEBACK.search(first["output"] + again["output"])


def pair_tasks(count: int) -> list:
    return [dict(BASE_TASK, organizations=[101 + n % 20], schedule={"execute_at": "2031-07-%02dT03:00:00Z" % (1 + n)}) for n in range(count)]


def run_pairs(emulator, tasks, cache_dirs):
    """Each task twice, all at once; cache_dirs(n, side) gives the cache folder of each run."""
    processes = []
    for number, task in enumerate(tasks):
        for side in (0, 1):
            processes.append((number, start_task(task, emulator.environment(), {"ZEQUENZE_CACHE_DIR": str(cache_dirs(number, side))})))
    return [(number, result_of(process, 300)) for number, process in processes]


def test_pairs_on_one_machine_make_one_operation_each(tmp_path, figure):
    tasks = pair_tasks(10)
    with EmulatorProcess(workdir=tmp_path) as emulator:
        started = time.monotonic()
        runs = run_pairs(emulator, tasks, lambda number, side: tmp_path / "controller")
        figure("wall time s", round(time.monotonic() - started, 1))
        records = all_operations(emulator, emulator.token)
    failed = [r for _n, r in runs if r["rc"] != 0]
    assert not failed, failed[0]["output"][-3000:]
    per_identity = collections.Counter(identity(r) for r in records)
    figure("operations for 10 pairs", len(records))
    assert len(records) == 10 and max(per_identity.values()) == 1, per_identity
    assert sorted(r["changed"] for _n, r in runs) == [False] * 10 + [True] * 10
    assert all(r["duplicates"] == [] for _n, r in runs)


def test_runs_on_two_machines_report_every_duplicate_they_make(tmp_path, figure):
    tasks = pair_tasks(scale(5, 20))
    # A second per API request: both runs of a pair look before either POST is saved.
    with faulty(tmp_path, "latency: {rate: 1.0, min_ms: 1000, max_ms: 1000}\n") as emulator:
        runs = run_pairs(emulator, tasks, lambda number, side: tmp_path / ("machine-%d" % side))
        records = all_operations(emulator, emulator.token)
    failed = [r for _n, r in runs if r["rc"] != 0]
    assert not failed, failed[0]["output"][-3000:]
    by_identity = collections.defaultdict(set)
    for record in records:
        by_identity[identity(record)].add(record["id"])
    duplicated = sum(len(ids) - 1 for ids in by_identity.values())
    figure("pairs", len(tasks))
    figure("duplicates made", duplicated)
    assert len(by_identity) == len(tasks)
    assert duplicated >= 1, "no pair raced: the check proves nothing"
    for number, _task in enumerate(tasks):
        pair = [r for n, r in runs if n == number]
        ids = set(r["operation"]["id"] for r in pair if r["changed"])
        ids |= set(r["operation"]["id"] for r in pair if not r["changed"])
        reported = set(d["id"] for r in pair for d in r["duplicates"])
        if len(ids) > 1:  # both created: the later one saw the other
            assert reported and reported <= ids, pair
            assert all(d["id"] in r["output"] for r in pair for d in r["duplicates"])  # the warning names it
