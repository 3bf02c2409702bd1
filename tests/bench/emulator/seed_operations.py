"""Fill an emulator database with COUNT operations quickly (the bench's stored population).

    python seed_operations.py DB COUNT [SPAN_DAYS]

SPAN_DAYS spreads created_at evenly over that many days up to now (default: 5 s apart).
Uses the emulator's own store, fleet and planner, so the rows are exactly what the
server would have written; plans are reused across a few dozen templates for speed.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import random
import sys
import time

from zequenze_control_emulator.clock import real_now_us
from zequenze_control_emulator.fleet import Fleet
from zequenze_control_emulator.simulation import plan
from zequenze_control_emulator.store import Store
from zequenze_control_emulator.validation import OperationRequest
from zequenze_control_emulator.vocabulary import DEFAULT_OPTIONS, DEVICE_STATUSES, DEVICE_TYPES, OPERATION_TYPES

TEMPLATES = 48
BATCH = 5000


def templates(rng: random.Random, now_us: int) -> list:
    made = []
    for index in range(TEMPLATES):
        organizations = tuple(sorted(rng.sample(range(101, 125), rng.randint(1, 3))))
        execute_at = None if index % 3 == 0 else now_us + rng.randint(-3 * 86400, 3 * 86400) * 1_000_000
        made.append(
            OperationRequest(
                operation_type=OPERATION_TYPES[index % len(OPERATION_TYPES)],
                organizations=organizations,
                device_types=tuple(rng.sample(DEVICE_TYPES, rng.randint(1, 4))),
                device_statuses=tuple(rng.sample(DEVICE_STATUSES, rng.randint(1, 3))),
                execute_at_us=execute_at,
                priority=("low", "normal", "high")[index % 3],
                options=dict(DEFAULT_OPTIONS, timeout_minutes=rng.choice((60, 240, 1440))),
            )
        )
    return made


def main(db: str, count: int, span_days: float = 0) -> None:
    started = time.monotonic()
    store = Store(db)
    if store.page(None, 0, 1)[0]:
        sys.exit(f"{db} already holds operations; seed an empty database")
    now = real_now_us()
    sim_now = store.clock_anchor(1.0, now)[0]
    fleet, rng = Fleet(0), random.Random(11)
    requests = templates(rng, sim_now)
    plans = {i: plan(fleet, r, 0, i) for i, r in enumerate(requests)}
    step_us = int(span_days * 86400 * 1_000_000 / count) if span_days else 5_000_000
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        batch = [(requests[(done + i) % TEMPLATES], sim_now - (count - done - i) * step_us) for i in range(size)]
        store.create_many(batch, lambda operation_id: plans[(operation_id - 1) % TEMPLATES])
        done += size
    store.close()
    print(f"seeded {count} operations into {db} in {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 0)
