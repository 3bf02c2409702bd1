# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench (create path): headless_operation create and rerun against a bare uri POST.

    create_path.py measure STORED RESULTS   against the emulator of tests.support.emulator_process,
                                            append one JSON line of figures to RESULTS
    create_path.py report RESULTS           print the table and the goals; exit 1 on a miss

Each measure run starts with an empty identity cache (XDG_CACHE_HOME in a new folder): its
first task is what a fresh controller pays. Then ROUNDS rounds of: a create (a new identity),
the same task again (the idempotent rerun), and an ansible.builtin.uri POST; the first round
warms up and is left out of the medians.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile

ROUNDS = 4
HEADERS = {"Authorization": "Bearer {{ lookup('ansible.builtin.env', 'ZEQUENZE_API_TOKEN') }}"}


def create_task(name: str, minute: int) -> dict:
    return {"name": name, "zequenze.control.headless_operation": {
        "operation_type": "inventory_audit", "organizations": [101],
        "schedule": {"execute_at": "2031-01-01T%02d:%02d:00Z" % divmod(minute, 60)}}}


def uri_task(name: str, minute: int) -> dict:
    body = {"operation_type": "inventory_audit", "target_organizations": [102],
            "schedule": {"execute_at": "2032-01-01T%02d:%02d:00Z" % divmod(minute, 60)}}
    return {"name": name, "ansible.builtin.uri": {
        "url": "{{ lookup('ansible.builtin.env', 'ZEQUENZE_API_URL') }}/inventory_device_serial_headless_operation/",
        "method": "POST", "body_format": "json", "body": body, "status_code": 201, "headers": HEADERS}}


def measure(stored: int, results: str) -> None:
    from bench import run_playbook  # reads the emulator's address from the environment

    tasks = [create_task("fresh 0", 0)]
    for index in range(ROUNDS):
        tasks += [create_task(f"create {index}", index + 1), create_task(f"rerun {index}", index + 1),
                  uri_task(f"uri {index}", index)]
    with tempfile.TemporaryDirectory() as cache:
        records = run_playbook(tasks, f"create path, {stored} stored", {"XDG_CACHE_HOME": cache})
    figures = {"stored": stored, "fresh": [], "create": [], "rerun": [], "uri": []}
    for record in records:
        kind, index = record["name"].split()
        expected = kind != "rerun"
        if record["outcome"] != "ok" or (kind != "uri" and bool(record["changed"]) != expected):
            raise SystemExit(f"task {record['name']} ({stored} stored): {record['outcome']}, "
                             f"changed={record['changed']}, expected changed={expected}")
        if kind == "fresh" or int(index) > 0:
            figures[kind].append(record["end"] - record["start"])
        if kind == "fresh":
            figures["fresh_lookup"] = record.get("lookup")
    with open(results, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(figures) + "\n")


def report(results: str) -> int:
    rows = [json.loads(line) for line in open(results, encoding="utf-8")]
    medians = [dict(row, **{k: statistics.median(row[k]) for k in ("fresh", "create", "rerun", "uri")})
               for row in rows]
    print(f"create path, medians of {ROUNDS - 1} (seconds per task):")
    print("  %10s %10s %10s %10s %12s" % ("stored", "create", "rerun", "uri POST", "fresh cache"))
    for row in medians:
        figures = (row["stored"], row["create"], row["rerun"], row["uri"], row["fresh"])
        print("  %10d %10.3f %10.3f %10.3f %12.3f" % figures)
    for row in medians:
        if row.get("fresh_lookup"):
            print(f"  first task with {row['stored']} stored, empty cache: {json.dumps(row['fresh_lookup'])}")
    small, large = medians[0], medians[-1]
    ok = True
    for kind in ("create", "rerun"):
        ratio = large[kind] / small[kind]
        ok &= goal(f"{kind} at {large['stored']} within 1.2x of {small['stored']} ({ratio:.2f}x)", ratio <= 1.2)
        ratio = large[kind] / large["uri"]
        ok &= goal(f"{kind} at {large['stored']} within 1.3x of the bare POST ({ratio:.2f}x)", ratio <= 1.3)
    return 0 if ok else 1


def goal(text: str, ok: bool) -> bool:
    print(f"  goal: {text}: {'met' if ok else 'MISSED'}")
    return ok


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        measure(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(report(sys.argv[2]))
