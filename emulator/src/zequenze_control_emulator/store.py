"""SQLite storage: operations, their organizations, and the clock anchor.

WAL with synchronous=NORMAL: every answer is committed before it is sent, and a
committed transaction survives the process being killed.
"""

from __future__ import annotations

import json
import sqlite3

from .simulation import Plan

SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS operations (
    id INTEGER PRIMARY KEY,
    operation_type TEXT NOT NULL,
    organizations TEXT NOT NULL,
    device_types TEXT NOT NULL,
    device_statuses TEXT NOT NULL,
    options TEXT NOT NULL,
    priority TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    scheduled_us INTEGER NOT NULL,
    start_us INTEGER NOT NULL,
    timeout_us INTEGER NOT NULL,
    total_devices INTEGER NOT NULL,
    nominal_us_per_device INTEGER NOT NULL,
    actual_us_per_device INTEGER NOT NULL,
    stall_after INTEGER,
    failures TEXT NOT NULL,
    refreshed_us INTEGER NOT NULL
);
-- The narrowest index of operations: SQLite counts its entries for the count of every listing
-- page, instead of reading every (wide) row, so a page costs the same at any number stored.
-- Files written before it get it when opened.
CREATE INDEX IF NOT EXISTS operations_counted ON operations (created_us);
CREATE TABLE IF NOT EXISTS operation_organizations (
    operation_id INTEGER NOT NULL,
    organization INTEGER NOT NULL,
    PRIMARY KEY (operation_id, organization)
) WITHOUT ROWID;
"""
COLUMNS = (
    "id, operation_type, organizations, device_types, device_statuses, options, priority, created_us,"
    " scheduled_us, start_us, timeout_us, total_devices, nominal_us_per_device, actual_us_per_device,"
    " stall_after, failures, refreshed_us"
)
COLUMN_COUNT = COLUMNS.count(",") + 1
# Operations with an organization outside the scope (a JSON list) are invisible.
OUTSIDE_SCOPE = (
    "EXISTS (SELECT 1 FROM operation_organizations x WHERE x.operation_id = operations.id AND x.organization NOT IN (SELECT value FROM json_each(?)))"
)


class Store:
    def __init__(self, path: str):
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.executescript(SCHEMA)
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        elif row[0] != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"database schema version {row[0]} is not {SCHEMA_VERSION}, the one this emulator writes; use a new file")

    def close(self) -> None:
        self.db.close()

    def clock_anchor(self, scale: float, real_us: int) -> tuple:
        """(simulated, real) anchor for this run, continuing the stored clock."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
        if row is None:
            sim_us = real_us
        else:
            stored = json.loads(row[0])
            sim_us = stored["sim_us"] + int((real_us - stored["real_us"]) * stored["scale"])
        latest = self.db.execute("SELECT max(max(created_us), max(refreshed_us)) FROM operations").fetchone()[0]
        sim_us = max(sim_us, latest or 0)
        value = json.dumps({"sim_us": sim_us, "real_us": real_us, "scale": scale})
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('clock', ?)", (value,))
        return sim_us, real_us

    def create(self, request, created_us: int, make_plan) -> tuple:
        """Insert an operation; `make_plan(operation_id)` gives its Plan. Committed on return."""
        return self.create_many([(request, created_us)], make_plan)[0]

    def create_many(self, requests, make_plan) -> list:
        """Insert (request, created_us) pairs in one transaction; ids follow the order given."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM operations").fetchone()[0]
            rows, memberships = [], []
            for operation_id, (request, created_us) in enumerate(requests, start=next_id):
                rows.append(_row(operation_id, request, created_us, make_plan(operation_id)))
                memberships += [(operation_id, o) for o in request.organizations]
            db.executemany(f"INSERT INTO operations ({COLUMNS}) VALUES ({', '.join('?' * COLUMN_COUNT)})", rows)
            db.executemany("INSERT INTO operation_organizations (operation_id, organization) VALUES (?, ?)", memberships)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return rows

    def get(self, operation_id: int):
        return self.db.execute(f"SELECT {COLUMNS} FROM operations WHERE id = ?", (operation_id,)).fetchone()

    def page(self, scope, offset: int, limit: int) -> tuple:
        """(count, rows) of the operations visible in `scope` (None: all), newest first."""
        if scope is None:
            count = self.db.execute("SELECT count(*) FROM operations").fetchone()[0]
            rows = self.db.execute(f"SELECT {COLUMNS} FROM operations ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset)).fetchall()
            return count, rows
        allowed = json.dumps(sorted(scope))
        count = self.db.execute(f"SELECT count(*) FROM operations WHERE NOT {OUTSIDE_SCOPE}", (allowed,)).fetchone()[0]
        rows = self.db.execute(
            f"SELECT {COLUMNS} FROM operations WHERE NOT {OUTSIDE_SCOPE} ORDER BY id DESC LIMIT ? OFFSET ?",
            (allowed, limit, offset),
        ).fetchall()
        return count, rows

    def mark_refreshed(self, operation_ids, now_us: int) -> None:
        """Record that these operations were refreshed to `now_us` (never moves backwards)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(
                "UPDATE operations SET refreshed_us = ? WHERE id = ? AND refreshed_us < ?",
                [(now_us, i, now_us) for i in operation_ids],
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise


def _row(operation_id: int, request, created_us: int, plan: Plan) -> tuple:
    scheduled = created_us if request.execute_at_us is None else request.execute_at_us
    return (
        operation_id,
        request.operation_type,
        json.dumps(list(request.organizations)),
        json.dumps(list(request.device_types)),
        json.dumps(list(request.device_statuses)),
        json.dumps(request.options),
        request.priority,
        created_us,
        scheduled,
        max(scheduled, created_us),
        request.options["timeout_minutes"] * 60_000_000,
        plan.total_devices,
        plan.nominal_us_per_device,
        plan.actual_us_per_device,
        plan.stall_after,
        json.dumps(plan.failures, separators=(",", ":")),
        created_us,
    )
