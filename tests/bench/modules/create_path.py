# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench (create path): headless_operation create and rerun against a bare uri POST.

    create_path.py measure RESULTS STORED=DB...   one emulator per seeded database, all at once;
                                                 write the figures (JSON) to RESULTS
    create_path.py report RESULTS                print the table and the goals; exit 1 on a miss

One playbook, one empty identity cache (XDG_CACHE_HOME in a new folder): first each stored
count's fresh task (what a fresh controller pays), then ROUNDS rounds in which every stored
count gets a create (a new identity), the same task again (the idempotent rerun) and an
ansible.builtin.uri POST, the counts in a rotating order. Interleaved so, the load of a shared
machine weighs on every stored count alike, and each ratio is the median of the rounds' own
ratios; the first round warms up and is left out.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import statistics
import sys
import tempfile

ROUNDS = 8
HEADERS = {"Authorization": "Bearer {{ lookup('ansible.builtin.env', 'ZEQUENZE_API_TOKEN') }}"}
KINDS = ("fresh", "create", "rerun", "uri")


def create_task(name: str, api_url: str, minute: int) -> dict:
    return {
        "name": name,
        "zequenze.control.headless_operation": {
            "api_url": api_url,
            "operation_type": "inventory_audit",
            "organizations": [101],
            "schedule": {"execute_at": "2031-01-01T%02d:%02d:00Z" % divmod(minute, 60)},
        },
    }


def uri_task(name: str, api_url: str, minute: int) -> dict:
    body = {"operation_type": "inventory_audit", "target_organizations": [102], "schedule": {"execute_at": "2032-01-01T%02d:%02d:00Z" % divmod(minute, 60)}}
    return {
        "name": name,
        "ansible.builtin.uri": {
            "url": api_url + "/inventory_device_serial_headless_operation/",
            "method": "POST",
            "body_format": "json",
            "body": body,
            "status_code": 201,
            "headers": HEADERS,
        },
    }


def plan(urls: dict) -> list:
    """The tasks, named 'KIND STORED ROUND'."""
    counts = sorted(urls)
    tasks = [create_task(f"fresh {stored} 0", urls[stored], 0) for stored in counts]
    for index in range(ROUNDS):
        for stored in counts[index % len(counts) :] + counts[: index % len(counts)]:
            url = urls[stored]
            tasks += [
                create_task(f"create {stored} {index}", url, index + 1),
                create_task(f"rerun {stored} {index}", url, index + 1),
                uri_task(f"uri {stored} {index}", url, index),
            ]
    return tasks


def measure(results: str, databases: list) -> None:
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3]))
    from tests.support.emulator_process import EmulatorProcess

    with contextlib.ExitStack() as stack:
        urls = dict(
            (int(stored), stack.enter_context(EmulatorProcess(db=db, extra_args=["--no-access-log"])))
            for stored, db in (item.split("=", 1) for item in databases)
        )
        first = urls[min(urls)]
        os.environ.setdefault("ZEQUENZE_API_URL", first.api_url)  # bench.py reads them on import
        os.environ["ZEQUENZE_API_TOKEN"] = first.token
        from bench import run_playbook

        urls = dict((stored, emulator.api_url.rstrip("/")) for stored, emulator in urls.items())
        with tempfile.TemporaryDirectory() as cache:
            records = run_playbook(plan(urls), "create path, interleaved", {"XDG_CACHE_HOME": cache})
    figures = dict((stored, dict((kind, []) for kind in KINDS)) for stored in urls)
    for record in records:
        kind, stored, index = record["name"].split()
        expected = kind != "rerun"
        if record["outcome"] != "ok" or (kind != "uri" and bool(record["changed"]) != expected):
            raise SystemExit(f"task {record['name']}: {record['outcome']}, " f"changed={record['changed']}, expected changed={expected}")
        if kind == "fresh" or int(index) > 0:
            figures[int(stored)][kind].append(record["end"] - record["start"])
        if kind == "fresh":
            figures[int(stored)]["fresh_lookup"] = record.get("lookup")
    rows = [dict(figures[stored], stored=stored) for stored in sorted(figures)]
    pathlib.Path(results).write_text(json.dumps(rows))


def report(results: str) -> int:
    rows = json.loads(pathlib.Path(results).read_text())
    medians = [dict(row, **{k: statistics.median(row[k]) for k in KINDS}) for row in rows]
    print(f"create path, interleaved, medians of {ROUNDS - 1} (seconds per task):")
    print("  %10s %10s %10s %10s %12s" % ("stored", "create", "rerun", "uri POST", "fresh cache"))
    for row in medians:
        figures = (row["stored"], row["create"], row["rerun"], row["uri"], row["fresh"])
        print("  %10d %10.3f %10.3f %10.3f %12.3f" % figures)
    for row in medians:
        if row.get("fresh_lookup"):
            print(f"  first task with {row['stored']} stored, empty cache: {json.dumps(row['fresh_lookup'])}")
    small, large = rows[0], rows[-1]
    print(f"  ratios: medians of the {ROUNDS - 1} rounds' own ratios (the tasks of one round run back to back)")
    ok = True
    for kind in ("create", "rerun"):
        ratio = paired(large[kind], small[kind])
        ok &= goal(f"{kind} at {large['stored']} within 1.2x of {small['stored']} ({ratio:.2f}x)", ratio <= 1.2)
        ratio = paired(large[kind], large["uri"])
        ok &= goal(f"{kind} at {large['stored']} within 1.3x of the bare POST ({ratio:.2f}x)", ratio <= 1.3)
    return 0 if ok else 1


def paired(numerators: list, denominators: list) -> float:
    """The median of the per-round ratios: a load that drifts between rounds cancels out."""
    return statistics.median(n / d for n, d in zip(numerators, denominators))


def goal(text: str, ok: bool) -> bool:
    print(f"  goal: {text}: {'met' if ok else 'MISSED'}")
    return ok


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        measure(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(report(sys.argv[2]))
