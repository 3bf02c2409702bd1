"""Emulator benchmark: throughput and p99 from wrk, and the time of 1,000-record pages.

Figures are printed with the goal each is held to; this is not a test and never fails
on a missed goal (the exit status reports only whether the benchmark could run).
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

from tests.support.emulator_process import API_PATH, EmulatorProcess

CONNECTIONS = 16
DURATION = os.environ.get("BENCH_DURATION", "10s")
# The page test also times a token limited to half the organizations (no goal; for information).
TOKENS_YAML = 'tokens:\n  demo-token: {organizations: "*"}\n  scoped-token: {organizations: [%s]}\n' % ", ".join(str(o) for o in range(101, 113))
GOALS = {"get": (1500, 50.0), "post": (300, 50.0), "page_ms": 150.0}
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def seed(db: Path, count: int) -> None:
    subprocess.run([sys.executable, str(HERE / "seed_operations.py"), str(db), str(count)], check=True)


def wrk(script: str, url: str, operations: int) -> dict:
    """Run wrk with keep-alive connections; return rate, p99 and error counts."""
    env = dict(os.environ, OPERATIONS=str(operations), TOKEN="demo-token")
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", str(HERE / script), url]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:(.*)", output)
    return {
        "rate": rate,
        "p99_ms": float(value) * UNITS_MS[unit],
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "none",
    }


def page_times(port: int, pages, repeats: int = 5, token: str = "demo-token") -> list:
    """Wall time (ms) of GET page_size=1000 over one keep-alive connection, body fully read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    for page in pages:
        for _repeat in range(repeats):
            started = time.perf_counter()
            connection.request("GET", f"{API_PATH}?page={page}&page_size=1000", headers=headers)
            answer = connection.getresponse()
            body = answer.read()
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status == 200 and body.count(b'"id":') >= 1000, answer.status
    connection.close()
    return times


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    with tempfile.TemporaryDirectory(prefix="zequenze-bench-") as workdir:
        work = Path(workdir)
        print(f"machine: {os.cpu_count()} cores; wrk -t2 -c{CONNECTIONS} -d{DURATION} --latency; emulator with default options")

        db = work / "ten-thousand.db"
        seed(db, 10_000)
        with EmulatorProcess(db=db, workdir=work) as emulator:
            url = emulator.base_url
            wrk("get_by_id.lua", url, 10_000)  # warm-up run, not reported
            get = wrk("get_by_id.lua", url, 10_000)
            post = wrk("create.lua", url + API_PATH, 10_000)

        big = work / "hundred-thousand.db"
        seed(big, 100_000)
        tokens = work / "tokens.yml"
        tokens.write_text(TOKENS_YAML)
        with EmulatorProcess(db=big, workdir=work, tokens=tokens) as emulator:
            page_times(emulator.port, [1], repeats=2)  # warm-up
            times = page_times(emulator.port, [1, 2, 50, 100])
            scoped = page_times(emulator.port, [1, 2, 20], token="scoped-token")

    get_goal, post_goal = GOALS["get"], GOALS["post"]
    print()
    print(f"{'measure':<44} {'figure':>12}   goal")
    rows = [
        ("GET ?id= at 10,000 operations, req/s", f"{get['rate']:.0f}", f">= {get_goal[0]}", get["rate"] >= get_goal[0]),
        ("GET ?id= p99 latency, ms", f"{get['p99_ms']:.1f}", f"< {get_goal[1]:.0f}", get["p99_ms"] < get_goal[1]),
        ("POST create, req/s", f"{post['rate']:.0f}", f">= {post_goal[0]}", post["rate"] >= post_goal[0]),
        ("POST create p99 latency, ms", f"{post['p99_ms']:.1f}", f"< {post_goal[1]:.0f}", post["p99_ms"] < post_goal[1]),
        (
            "1,000-record page at 100,000 ops, median ms",
            f"{statistics.median(times):.1f}",
            f"< {GOALS['page_ms']:.0f}",
            statistics.median(times) < GOALS["page_ms"],
        ),
        ("1,000-record page at 100,000 ops, max ms", f"{max(times):.1f}", f"< {GOALS['page_ms']:.0f}", max(times) < GOALS["page_ms"]),
    ]
    for name, figure, goal, met in rows:
        print(f"{name:<44} {figure:>12}   {goal:<8} {verdict(met)}")
    print(f"{'  same, token scoped to 12 organizations':<44} {statistics.median(scoped):>12.1f}   (no goal)")
    print(f"errors: GET non-2xx {get['non_2xx']}, socket {get['socket_errors']}; " f"POST non-2xx {post['non_2xx']}, socket {post['socket_errors']}")
    missed = [row[0] for row in rows if not row[3]]
    print("all emulator goals met" if not missed else f"goals missed: {'; '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
