"""The emulated service: create, find and list operations as records at the simulated time."""

from __future__ import annotations

import functools
import json
import math

from .clock import SimulatedClock
from .fleet import Fleet
from .simulation import Stored, evaluate, plan
from .store import Store
from .timestamps import format_us

API_PATH = "/api/v1/inventory_device_serial_headless_operation/"
MAX_ID = 2**63 - 1


class Operations:
    def __init__(self, store: Store, fleet: Fleet, clock: SimulatedClock, seed: int, refresh_seconds: float):
        self.store = store
        self.fleet = fleet
        self.clock = clock
        self.seed = seed
        self.refresh_us = max(1, int(refresh_seconds * 1_000_000))

    def create(self, request) -> dict:
        now = self.clock.now_us()
        row = self.store.create(request, now, lambda operation_id: plan(self.fleet, request, self.seed, operation_id))
        return render(row, now)

    def get(self, operation_id: str, scope, refresh: bool):
        """The record, or None when the id is unknown or outside the scope."""
        # Only the canonical form names an operation: "01" or "+1" is not id 1.
        if not (0 < len(operation_id) <= 19 and operation_id.isascii() and operation_id.isdigit()) or operation_id[0] == "0" or int(operation_id) > MAX_ID:
            return None
        row = self.store.get(int(operation_id))
        if row is None or not visible(row, scope):
            return None
        return self._render_rows([row], refresh)[0]

    def page(self, scope, number: int, size: int, refresh: bool) -> tuple:
        count, rows = self.store.page(scope, (number - 1) * size, size)
        return count, self._render_rows(rows, refresh)

    def _render_rows(self, rows, refresh: bool) -> list:
        now = self.clock.now_us()
        if refresh:
            self.store.mark_refreshed([row[0] for row in rows], now)
            return [render(row, now) for row in rows]
        # Without a refresh a record may be up to one refresh period stale, never
        # older than its last refresh: progress does not go backwards.
        stale = now - now % self.refresh_us
        return [render(row, max(stale, row[16])) for row in rows]


def visible(row, scope) -> bool:
    return scope is None or set(_parse(row[2])) <= scope


@functools.lru_cache(maxsize=8192)
def _parse(text: str):
    """Stored JSON columns repeat across operations (the same jobs run nightly); parse each once.
    The result is shared: records are only serialized, never modified."""
    return json.loads(text)


def render(row, at_us: int) -> dict:
    (
        operation_id,
        operation_type,
        organizations,
        device_types,
        device_statuses,
        options,
        priority,
        created_us,
        scheduled_us,
        start_us,
        timeout_us,
        total,
        nominal,
        actual,
        stall_after,
        failures,
        _refreshed,
    ) = row
    pairs = _parse(failures)
    state = evaluate(
        Stored(created_us, start_us, timeout_us, total, actual, stall_after, tuple(pair[0] for pair in pairs), tuple(pair[1] for pair in pairs)),
        at_us,
    )
    organizations = _parse(organizations)
    device_types = _parse(device_types)
    device_statuses = _parse(device_statuses)
    identifier = str(operation_id)
    return {
        "id": identifier,
        "operation_type": operation_type,
        "status": state.status,
        "progress": state.progress,
        "total_devices": total,
        "processed_devices": state.processed,
        "failed_devices": state.failed,
        "created_at": format_us(created_us),
        "updated_at": format_us(state.updated_us),
        "scheduled_for": format_us(scheduled_us),
        "estimated_duration_minutes": math.ceil(total * nominal / 60_000_000),
        "estimated_completion": format_us(start_us + total * nominal),
        "target_device_count": total,
        "operation_details": {
            "device_types": device_types,
            "organization_ids": organizations,
            "device_statuses": device_statuses,
            "error_summary": state.error_summary,
        },
        "operation_config": {
            "organizations": organizations,
            "device_types": device_types,
            "device_statuses": device_statuses,
            "options": _parse(options),
            "priority": priority,
        },
        "monitoring_url": f"{API_PATH}?id={identifier}",
    }
