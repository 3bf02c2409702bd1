"""How an operation runs: facts fixed at creation (`plan`) and its state at any moment (`evaluate`).

`evaluate` is a pure function of the stored facts and the simulated time, so a restart
changes nothing and, as the clock only moves forward, progress never goes backwards.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from dataclasses import dataclass

from .fleet import LEGACY_FIRMWARE, SLOWDOWN, STALL_FRACTION, TROUBLED, Fleet
from .vocabulary import ERROR_CATEGORIES

US = 1_000_000
# Simulated seconds one device takes, by operation type, plus what each option adds.
SECONDS_PER_DEVICE = {"bulk_serial_sync": 12, "inventory_audit": 8, "status_update": 3, "compliance_report": 10}
OPTION_SECONDS = {"validate_connectivity": 4, "update_firmware_info": 3}
DEVICE_FAILURE_RATE = 0.03
UNSUPPORTED_SHARE_ON_LEGACY = 0.7
TRANSIENT_CATEGORY_WEIGHTS = {"connection_timeouts": 60, "authentication_failures": 40}


@dataclass(frozen=True)
class Plan:
    """The facts stored with an operation when it is created."""

    total_devices: int
    nominal_us_per_device: int  # what the estimates assume
    actual_us_per_device: int  # what really happens (slower for troubled organizations)
    stall_after: int | None  # devices processed before the operation stops moving
    failures: tuple  # ((position, category index), ...) sorted by position


@dataclass(frozen=True)
class Stored:
    """What `evaluate` reads: a Plan plus the operation's times."""

    created_us: int
    start_us: int
    timeout_us: int
    total_devices: int
    actual_us_per_device: int
    stall_after: int | None
    failure_positions: tuple
    failure_categories: tuple


@dataclass(frozen=True)
class State:
    status: str
    processed: int
    failed: int
    progress: int
    updated_us: int
    error_summary: dict


def plan(fleet: Fleet, request, seed: int, operation_id: int) -> Plan:
    devices = fleet.matching(request.organizations, request.device_types, request.device_statuses)
    seconds = SECONDS_PER_DEVICE[request.operation_type] + sum(extra for option, extra in OPTION_SECONDS.items() if request.options.get(option))
    nominal = seconds * US
    behaviours = {TROUBLED[o].behaviour for o in request.organizations if o in TROUBLED}
    actual = nominal * SLOWDOWN if "slow" in behaviours else nominal
    stall_after = int(len(devices) * STALL_FRACTION) if "stall" in behaviours else None

    rng = random.Random(f"operation:{seed}:{operation_id}")
    unreachable = {o for o in request.organizations if o in TROUBLED and TROUBLED[o].behaviour == "unreachable"}
    transient = list(TRANSIENT_CATEGORY_WEIGHTS)
    weights = list(TRANSIENT_CATEGORY_WEIGHTS.values())
    failures = []
    for position, device in enumerate(devices):
        if device.organization in unreachable:
            failures.append((position, ERROR_CATEGORIES.index("connection_timeouts")))
        elif rng.random() < DEVICE_FAILURE_RATE:
            if device.firmware in LEGACY_FIRMWARE and rng.random() < UNSUPPORTED_SHARE_ON_LEGACY:
                category = "unsupported_firmware"
            else:
                category = rng.choices(transient, weights=weights)[0]
            failures.append((position, ERROR_CATEGORIES.index(category)))
    return Plan(len(devices), nominal, actual, stall_after, tuple(failures))


def evaluate(op: Stored, now_us: int) -> State:
    start, total, per = op.start_us, op.total_devices, op.actual_us_per_device
    if now_us <= start:
        return State("scheduled", 0, 0, 0, op.created_us, _summary(op, 0))
    if total == 0:
        return State("completed", 0, 0, 100, start, _summary(op, 0))
    deadline = start + op.timeout_us
    finish = None if op.stall_after is not None else start + total * per
    if finish is not None and finish <= deadline and now_us >= finish:
        failed = len(op.failure_positions)
        return State("failed" if failed == total else "completed", total, failed, 100, finish, _summary(op, failed))
    limit = total if op.stall_after is None else op.stall_after
    if now_us >= deadline:
        processed = min(limit, (deadline - start) // per)
        failed = bisect_left(op.failure_positions, processed)
        return State("failed", processed, failed, processed * 100 // total, deadline, _summary(op, failed))
    processed = min(limit, (now_us - start) // per)
    failed = bisect_left(op.failure_positions, processed)
    updated = start + processed * per
    return State("in_progress", processed, failed, processed * 100 // total, updated, _summary(op, failed))


def _summary(op: Stored, failed: int) -> dict:
    counts = [0] * len(ERROR_CATEGORIES)
    for category in op.failure_categories[:failed]:
        counts[category] += 1
    return dict(zip(ERROR_CATEGORIES, counts))
