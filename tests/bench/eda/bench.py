# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench (EDA part): the operation_events source against real emulators; figures and goals.

- lag: seconds from an operation's end (by the emulator's clock) to its event, goal <= interval + 1 s;
- list requests per poll with 100,000 stored operations, goal <= 2;
- memory of the source process across 10,000 events, goal flat (growth under 2 MiB).

Run inside the collection tree copy (PYTHONPATH=<tree parent>), as make bench does.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import asyncio
import datetime
import gc
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import requests

from ansible_collections.zequenze.control.extensions.eda.plugins.event_source import operation_events
from ansible_collections.zequenze.control.plugins.plugin_utils.event_source_args import source_settings
from tests.support.emulator_process import EmulatorProcess

HERE = Path(__file__).resolve().parent

TIME_SCALE = 300
INTERVAL = 2.0
LAG_OPERATIONS = 24
STORED = 100_000
POLLS = 10
MEMORY_EVENTS = 10_000
MEMORY_BATCH = 500


def _parse(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _create(emulator, index, operation_type="status_update"):
    body = {"operation_type": operation_type, "target_organizations": [101 + index % 20], "device_filters": {"types": ["router"]}}
    answer = requests.post(emulator.operations_url, json=body, timeout=30, headers={"Authorization": "Bearer %s" % emulator.token})
    answer.raise_for_status()
    return answer.json()["id"]


def _settings(emulator, **extra):
    args = {"api_url": emulator.api_url, "api_token": emulator.token, "interval": INTERVAL, "max_retries": 1}
    args.update(extra)
    return source_settings(args, environ={})


class CountingSession:
    """Counts the list requests (GETs without id) that the client's session sends."""

    def __init__(self, session):
        self.session = session
        self.lists = 0
        self.lookups = 0
        original = session.request

        def request(method, url, params=None, **kwargs):
            if method == "GET":
                if params and "id" in params:
                    self.lookups += 1
                else:
                    self.lists += 1
            return original(method, url, params=params, **kwargs)

        session.request = request


async def _lag(emulator):
    """Seconds from each operation's end to its event reaching the queue."""
    settings = _settings(emulator)
    watch = operation_events.build_watch(settings)
    poller = operation_events.Poller(watch, settings)
    queue = asyncio.Queue()
    task = asyncio.ensure_future(poller.run(queue))
    await asyncio.sleep(INTERVAL + 1)
    # The emulator's clock against ours, to place each end on our clock.
    samples = []

    def sample():
        health = requests.get(emulator.base_url + "/healthz", timeout=5).json()
        samples.append((_parse(health["simulated_time"]), time.time()))

    ids = set()
    ended = {}

    async def consume():
        # Stamp each event as it reaches the queue, while operations are still being created.
        while True:
            event = await queue.get()
            if event["type"] in ("operation_completed", "operation_failed"):
                ended[event["operation"]["id"]] = (time.time(), _parse(event["operation"]["updated_at"]))

    consumer = asyncio.ensure_future(consume())
    loop = asyncio.get_running_loop()
    for index in range(LAG_OPERATIONS):
        kind = "status_update" if index % 2 else "inventory_audit"
        ids.add(await loop.run_in_executor(None, _create, emulator, index, kind))
        await loop.run_in_executor(None, sample)
        await asyncio.sleep(0.3)
    deadline = time.time() + 120
    while not ids <= set(ended) and time.time() < deadline:
        await loop.run_in_executor(None, sample)
        await asyncio.sleep(0.5)
    consumer.cancel()
    ended = dict((k, v) for k, v in ended.items() if k in ids)
    task.cancel()
    watch.operations.client.close()
    lags = []
    for arrived, end in ended.values():
        sim, real = [s for s in samples if s[0] <= end][-1] if any(s[0] <= end for s in samples) else samples[0]
        lags.append(arrived - (real + (end - sim).total_seconds() / TIME_SCALE))
    return lags, len(ids) - len(ended)


def _requests_per_poll(emulator):
    settings = _settings(emulator)
    watch = operation_events.build_watch(settings)
    counting = CountingSession(watch.operations.client.session)
    started = time.monotonic()
    watch.poll()
    first = (counting.lists, time.monotonic() - started, watch.tracked)
    per_poll = []
    for index in range(POLLS):
        counting.lists = counting.lookups = 0
        if index % 2:
            _create(emulator, index)
        started = time.monotonic()
        events = watch.poll()
        per_poll.append((counting.lists, counting.lookups, len(events), time.monotonic() - started))
    watch.operations.client.close()
    return first, per_poll


async def _memory(emulator):
    """tracemalloc's current size of this process after each batch of events."""
    settings = _settings(emulator, interval=0.5)
    watch = operation_events.build_watch(settings)
    poller = operation_events.Poller(watch, settings)
    queue = asyncio.Queue()
    task = asyncio.ensure_future(poller.run(queue))
    await asyncio.sleep(1.5)
    received, sizes, index = 0, [], 0
    tracemalloc.start()
    deadline = time.time() + 600
    while received < MEMORY_EVENTS and time.time() < deadline:
        for _batch_item in range(MEMORY_BATCH):
            _create(emulator, index)
            index += 1
        want = min(MEMORY_EVENTS, received + MEMORY_BATCH * 3)
        while received < want and time.time() < deadline:
            try:
                await asyncio.wait_for(queue.get(), 5)
                received += 1
            except asyncio.TimeoutError:
                pass
        await asyncio.sleep(INTERVAL)
        while not queue.empty():  # events still queued would count as the source's memory
            queue.get_nowait()
            received += 1
        gc.collect()
        sizes.append((received, tracemalloc.get_traced_memory()[0], watch.tracked))
    tracemalloc.stop()
    task.cancel()
    watch.operations.client.close()
    return sizes


def verdict(met):
    return "goal met" if met else "GOAL MISSED"


def main():
    failures = 0
    with tempfile.TemporaryDirectory(prefix="zequenze-eda-bench-") as work:
        work = Path(work)
        for name in ("lag", "big", "memory"):
            (work / name).mkdir()
        with EmulatorProcess(time_scale=TIME_SCALE, workdir=work / "lag") as emulator:
            lags, missing = asyncio.run(_lag(emulator))
        goal = INTERVAL + 1
        print(
            "event lag after an operation ends (interval %.0f s, %d operations, time scale %d): "
            "median %.2f s, p95 %.2f s, max %.2f s, %d never told; goal <= %.0f s: %s"
            % (
                INTERVAL,
                len(lags) + missing,
                TIME_SCALE,
                statistics.median(lags),
                sorted(lags)[max(0, int(len(lags) * 0.95) - 1)],
                max(lags),
                missing,
                goal,
                verdict(max(lags) <= goal and not missing),
            )
        )
        failures += not (max(lags) <= goal and not missing)

        big = work / "big.db"
        subprocess.run([sys.executable, str(HERE.parents[0] / "emulator" / "seed_operations.py"), str(big), str(STORED)], check=True, stdout=subprocess.DEVNULL)
        with EmulatorProcess(db=big, workdir=work / "big") as emulator:
            (first_lists, first_seconds, tracked), per_poll = _requests_per_poll(emulator)
        most = max(p[0] for p in per_poll)
        print(
            "list requests per poll with %d stored operations: first poll %d (reads the history once, "
            "%.1f s, %d active remembered); next %d polls: max %d list requests, max %d lookups by id, "
            "max %.2f s; goal <= 2: %s"
            % (STORED, first_lists, first_seconds, tracked, POLLS, most, max(p[1] for p in per_poll), max(p[3] for p in per_poll), verdict(most <= 2))
        )
        failures += most > 2

        with EmulatorProcess(time_scale=3000, workdir=work / "memory") as emulator:
            sizes = asyncio.run(_memory(emulator))
        events, start_size = sizes[0][0], sizes[0][1]
        growth = sizes[-1][1] - start_size
        print(
            "memory across %d events (tracemalloc, after each batch): %s; growth after the first "
            "batch %+.2f MiB; goal flat (< 2 MiB): %s"
            % (
                sizes[-1][0],
                ", ".join("%d: %.2f MiB" % (n, b / 2**20) for n, b, _t in sizes),
                growth / 2**20,
                verdict(growth < 2 * 2**20 and sizes[-1][0] >= MEMORY_EVENTS),
            )
        )
        failures += not (growth < 2 * 2**20 and sizes[-1][0] >= MEMORY_EVENTS)
        del events
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
