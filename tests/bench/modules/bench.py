# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench (modules part): figures printed, never asserted by a test.

    bench.py tasks    headless_operation_info by id versus ansible.builtin.uri, per task
    bench.py wait     waiting for an operation that ends 20-90 s after it starts:
                      headless_operation_info wait versus uri + until (delay 2)
    bench.py listing  10,000 operations through the collection's client versus a bare
                      keep-alive requests loop over the same pages

Runs against the emulator that tests.support.emulator_process started (ZEQUENZE_API_URL,
ZEQUENZE_API_TOKEN) and the collection tree on ANSIBLE_COLLECTIONS_PATH. Prints each
figure with its goal and exits 1 when a goal is missed.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
import os
import pathlib
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime

import requests
import yaml

API_URL = os.environ["ZEQUENZE_API_URL"].rstrip("/")
TOKEN = os.environ["ZEQUENZE_API_TOKEN"]
ENDPOINT = API_URL + "/inventory_device_serial_headless_operation/"
HERE = pathlib.Path(__file__).resolve().parent
HEADERS = {"Authorization": "Bearer " + TOKEN}


def post(body: dict) -> dict:
    answer = requests.post(ENDPOINT, json=body, headers=HEADERS, timeout=30)
    answer.raise_for_status()
    return answer.json()


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def run_playbook(tasks: list, label: str, environment: dict | None = None) -> list:
    """Run tasks on localhost (with environment added); return the task_times callback's records."""
    play = [{"name": label, "hosts": "localhost", "gather_facts": False, "vars": {"ansible_python_interpreter": sys.executable}, "tasks": tasks}]
    with tempfile.TemporaryDirectory() as tmp:
        playbook = pathlib.Path(tmp, "play.yml")
        playbook.write_text(yaml.safe_dump(play, sort_keys=False))
        times = pathlib.Path(tmp, "times.json")
        env = dict(
            os.environ,
            ANSIBLE_CALLBACK_PLUGINS=str(HERE / "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="task_times",
            TASK_TIMES_FILE=str(times),
            ANSIBLE_STDOUT_CALLBACK="ansible.builtin.minimal",
            **(environment or {}),
        )
        run = subprocess.run(
            [str(pathlib.Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", "-c", "local", str(playbook)],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if not times.exists():
            raise SystemExit("ansible-playbook (%s) recorded no task: %s" % (label, run.stderr[-2000:]))
        return json.loads(times.read_text())


def goal(text: str, ok: bool) -> bool:
    print(f"  goal: {text}: {'met' if ok else 'MISSED'}")
    return ok


# -- per task -------------------------------------------------------------------
def bench_tasks(rounds: int = 21) -> bool:
    operation = post({"operation_type": "status_update", "target_organizations": [101]})
    url = f"{ENDPOINT}?id={operation['id']}"
    tasks = []
    for index in range(rounds):
        tasks.append({"name": f"info {index}", "zequenze.control.headless_operation_info": {"id": operation["id"]}})
        tasks.append(
            {
                "name": f"uri {index}",
                "ansible.builtin.uri": {"url": url, "headers": {"Authorization": "Bearer {{ lookup('ansible.builtin.env', 'ZEQUENZE_API_TOKEN') }}"}},
            }
        )
    records = run_playbook(tasks, "per-task time")
    durations = {"info": [], "uri": []}
    for record in records:
        kind, index = record["name"].split()
        if record["outcome"] != "ok":
            print(f"  task {record['name']} failed", file=sys.stderr)
            return False
        if int(index) > 0:  # the first of each warms caches
            durations[kind].append(record["end"] - record["start"])
    info, uri = statistics.median(durations["info"]), statistics.median(durations["uri"])
    print(
        f"per task, GET by id, median of {rounds - 1}: headless_operation_info {info * 1000:.0f} ms, "
        f"ansible.builtin.uri {uri * 1000:.0f} ms, ratio {info / uri:.2f}"
    )
    return goal("ratio <= 1.0", info / uri <= 1.0)


# -- waiting --------------------------------------------------------------------
def server_clock() -> tuple:
    """(local time, simulated time, scale) from the emulator's health answer."""
    before = time.time()
    health = requests.get(API_URL.rsplit("/api/", 1)[0] + "/healthz", timeout=10).json()
    after = time.time()
    return (before + after) / 2, parse_time(health["simulated_time"]), float(health["time_scale"])


def operation_lasting(rng: random.Random, low: float, high: float, scale: float) -> dict:
    """Create run-now syncs on random organizations until one lasts low..high real seconds."""
    while True:
        org = rng.randint(101, 124)
        record = post({"operation_type": "bulk_serial_sync", "target_organizations": [org]})
        seconds = (parse_time(record["estimated_completion"]) - parse_time(record["scheduled_for"])) / scale
        if low <= seconds <= high:
            return record


def bench_wait(trials: int = 4, seed: int = 7) -> bool:
    rng = random.Random(seed)
    local0, sim0, scale = server_clock()
    rows = []
    for trial in range(trials):
        record = operation_lasting(rng, 20, 90, scale)
        op_id = record["id"]
        ours = [
            {
                "name": "module wait",
                "zequenze.control.headless_operation_info": {"id": op_id, "wait": True, "wait_for": "ended", "wait_timeout": 300, "update_status": True},
            }
        ]
        theirs = [
            {
                "name": "uri wait",
                "ansible.builtin.uri": {
                    "url": f"{ENDPOINT}?id={op_id}&update_status=true",
                    "headers": {"Authorization": "Bearer {{ lookup('ansible.builtin.env', 'ZEQUENZE_API_TOKEN') }}"},
                },
                "register": "r",
                "until": "r.json.results[0].status in ['completed', 'failed']",
                "retries": 300,
                "delay": 2,
            }
        ]
        results = {}
        threads = [threading.Thread(target=lambda k=k, t=t: results.__setitem__(k, run_playbook(t, k))) for k, t in (("module", ours), ("uri", theirs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        final = requests.get(ENDPOINT, params={"id": op_id}, headers=HEADERS, timeout=30).json()["results"][0]
        finished = local0 + (parse_time(final["updated_at"]) - sim0) / scale
        duration = (parse_time(final["updated_at"]) - parse_time(record["created_at"])) / scale
        module, uri = results["module"][-1], results["uri"][-1]
        row = {
            "duration": duration,
            "module_lag": module["end"] - finished,
            "uri_lag": uri["end"] - finished,
            "module_requests": 1 + module["wait"]["polls"],
            "uri_requests": uri["attempts"] or 1,
        }
        rows.append(row)
        print(
            f"  trial {trial + 1}: operation {op_id} lasted {duration:.1f} s; lag after completion: "
            f"module {row['module_lag']:.2f} s, uri {row['uri_lag']:.2f} s; requests: "
            f"module {row['module_requests']}, uri {row['uri_requests']}"
        )
    module_lag = statistics.mean(r["module_lag"] for r in rows)
    uri_lag = statistics.mean(r["uri_lag"] for r in rows)
    module_requests = sum(r["module_requests"] for r in rows)
    uri_requests = sum(r["uri_requests"] for r in rows)
    print(
        f"wait, {trials} operations of 20-90 s: mean lag module {module_lag:.2f} s vs uri {uri_lag:.2f} s; "
        f"requests module {module_requests} vs uri {uri_requests} ({module_requests / uri_requests:.2f})"
    )
    ok = goal("mean lag after completion no more than uri + until", module_lag <= uri_lag)
    return goal("at most a third of the requests", module_requests * 3 <= uri_requests) and ok


# -- listing --------------------------------------------------------------------
def bare_listing(page_size: int) -> int:
    session = requests.Session()
    session.headers.update(HEADERS)
    url, params, count = ENDPOINT, {"page_size": page_size}, 0
    while url:
        page = session.get(url, params=params, timeout=60).json()
        params = None
        count += len(page["results"])
        url = page["next"]
    session.close()
    return count


def collection_listing(page_size: int) -> int:
    from ansible_collections.zequenze.control.plugins.module_utils.client import Client
    from ansible_collections.zequenze.control.plugins.module_utils.operations import Operations

    client = Client(API_URL, TOKEN)
    try:
        return sum(1 for _record in Operations(client).list(page_size=page_size))
    finally:
        client.close()


def bench_listing(expected: int = 10000, rounds: int = 5, page_size: int = 1000) -> bool:
    sys.path.insert(0, os.environ["ANSIBLE_COLLECTIONS_PATH"])
    timings = {"bare": [], "collection": []}
    for _round in range(rounds):
        for name, function in (("bare", bare_listing), ("collection", collection_listing)):
            started = time.perf_counter()
            count = function(page_size)
            timings[name].append(time.perf_counter() - started)
            if count != expected:
                print(f"  {name} listing saw {count} operations, expected {expected}", file=sys.stderr)
                return False
    bare, ours = statistics.median(timings["bare"]), statistics.median(timings["collection"])
    print(
        f"listing {expected} operations ({page_size} per page), median of {rounds}: collection client "
        f"{ours:.2f} s, bare keep-alive requests loop {bare:.2f} s, ratio {ours / bare:.2f}"
    )
    records = run_playbook([{"name": "list all", "zequenze.control.headless_operation_info": {}}], "list all")
    task = records[-1]
    print(
        f"  (for reference: the whole headless_operation_info task returning {task['count']} operations "
        f"to Ansible took {task['end'] - task['start']:.2f} s)"
    )
    return goal("ratio <= 1.3", ours / bare <= 1.3)


if __name__ == "__main__":
    benches = {"tasks": bench_tasks, "wait": bench_wait, "listing": bench_listing}
    outcomes = [benches[name]() for name in sys.argv[1:]]
    sys.exit(0 if all(outcomes) else 1)
