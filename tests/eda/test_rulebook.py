# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The real ansible-rulebook with the example rulebook against a real emulator, killed and restarted.

A failing operation (organization 903) must run the failure rule's playbook (a ticket
record appears, the organizations are re-scheduled); a completing one must fire the
notification rule. Over at least 200 transitions, including the emulator's kill -9 and
restart, every transition must arrive exactly once; each event's delay after its
transition is printed. Run by the eda session of noxfile.py, which builds .venv-eda and the tree.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime
import json
import os
import queue
import shutil
import statistics
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
import yaml

from tests.support.emulator_process import EmulatorProcess

ROOT = Path(__file__).resolve().parents[2]

EDA_VENV = Path(os.environ.get("EDA_VENV", ROOT / ".venv-eda"))
# The folder holding ansible_collections/zequenze/control (a copy of the working tree).
COLLECTIONS_ROOT = os.environ.get("EDA_COLLECTIONS_ROOT", "")
TIME_SCALE = 300
OPERATIONS = 72  # three transitions each: created, started, ended
FAILING = (5, 50)  # which of them target organization 903
KILL_AFTER = 30  # operations created before the kill
DOWN_SECONDS = 3.0
RUN_TIMEOUT = 100.0
MARK = "EDA-EVENT "
TRANSITIONS = ("operation_created", "operation_started", "operation_completed", "operation_failed", "operation_cancelled")


def java_binary():
    """The java of JAVA_HOME, the Debian JDK 17 or PATH, if it is 17 or newer; else fail saying what to install."""
    candidates = [Path(os.environ["JAVA_HOME"]) / "bin" / "java"] if os.environ.get("JAVA_HOME") else []
    candidates.append(Path("/usr/lib/jvm/java-17-openjdk-amd64/bin/java"))
    found = shutil.which("java")
    if found:
        candidates.append(Path(found))
    for java in candidates:
        if not java.exists():
            continue
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, check=False).stderr
        version = out.split('"')[1] if '"' in out else "0"
        if int(version.split(".")[0]) >= 17:
            return java
    pytest.fail(
        "ansible-rulebook needs a Java runtime 17 or newer and none was found (JAVA_HOME, "
        "/usr/lib/jvm/java-17-openjdk-amd64, PATH): install one, e.g. "
        "`apt-get install openjdk-17-jre-headless`, or set JAVA_HOME"
    )


def _rulebook(path, workdir):
    """The example rulebook, polling fast, plus a rule that prints every event for the count."""
    rulesets = yaml.safe_load(Path(path).read_text())
    ruleset = rulesets[0]
    source = ruleset["sources"][0]["zequenze.control.operation_events"]
    source.update(interval=1, error_after=2, max_backoff=2, max_retries=0, timeout=2)
    # Every rule sees every event, and a playbook run does not hold up the printing of others.
    ruleset["match_multiple_rules"] = True
    ruleset["execution_strategy"] = "parallel"
    ruleset["rules"].append({"name": "Count every event", "condition": "event.type is defined", "action": {"debug": {"msg": MARK + "{{ event | tojson }}"}}})
    target = Path(workdir) / "rulebook.yml"
    target.write_text(yaml.safe_dump(rulesets, sort_keys=False))
    return target


class Reader(threading.Thread):
    """Reads ansible-rulebook's output as it comes: each event with the moment it arrived."""

    def __init__(self, stream, log):
        super().__init__(daemon=True)
        self.stream, self.log = stream, log
        self.events = queue.Queue()
        self.waiting = threading.Event()

    def run(self):
        for line in self.stream:
            now = time.time()
            self.log.write(line)
            if "Waiting for events" in line:
                self.waiting.set()
            if line.startswith(MARK):
                self.events.put((now, json.loads(line[len(MARK) :])))


class SimClock:
    """Maps the emulator's simulated time to our clock, from /healthz samples."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.samples = []

    def sample(self):
        try:
            answer = requests.get(self.emulator.base_url + "/healthz", timeout=2).json()
        except requests.RequestException:
            return
        self.samples.append((_parse(answer["simulated_time"]), time.time()))

    def real(self, simulated):
        before = [s for s in self.samples if s[0] <= simulated] or self.samples[:1]
        sim, real = before[-1]
        return real + (simulated - sim).total_seconds() / TIME_SCALE


def _parse(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _create(emulator, index):
    failing = index in FAILING
    body = {
        "operation_type": "status_update" if index % 2 else "inventory_audit",
        "target_organizations": [903] if failing else [101 + index % 20],
        "device_filters": {"types": ["router", "switch"]},
    }
    answer = requests.post(emulator.operations_url, json=body, timeout=10, headers={"Authorization": "Bearer %s" % emulator.token})
    answer.raise_for_status()
    return answer.json()["id"]


def _all_records(emulator):
    records, url = [], emulator.operations_url + "?page_size=1000"
    while url:
        page = requests.get(url, timeout=10, headers={"Authorization": "Bearer %s" % emulator.token}).json()
        records += page["results"]
        url = page["next"]
    return records


def _expected(record):
    """The transitions an operation went through so far, with their simulated moments."""
    created = _parse(record["created_at"])
    found = [("operation_created", created)]
    if record["status"] in ("in_progress", "completed", "failed"):
        found.append(("operation_started", max(created, _parse(record["scheduled_for"]))))
    if record["status"] in ("completed", "failed", "cancelled"):
        found.append(("operation_%s" % record["status"], _parse(record["updated_at"])))
    return found


def test_rulebook_rides_through_a_restart_and_tells_each_transition_once(tmp_path):
    java = java_binary()
    rulebook_bin = EDA_VENV / "bin" / "ansible-rulebook"
    if not rulebook_bin.exists():
        pytest.fail("ansible-rulebook is not installed in %s: run make test-eda, " "which builds it from tests/eda/requirements.txt" % EDA_VENV)
    if not (Path(COLLECTIONS_ROOT) / "ansible_collections" / "zequenze" / "control").is_dir():
        pytest.fail("EDA_COLLECTIONS_ROOT must name the folder holding ansible_collections/zequenze/control")
    tickets = tmp_path / "tickets"
    emulator = EmulatorProcess(time_scale=TIME_SCALE, workdir=tmp_path).start()
    clock = SimClock(emulator)
    env = dict(os.environ, **emulator.environment())
    env.update(
        PATH="%s:%s:%s" % (EDA_VENV / "bin", java.parent, os.environ["PATH"]),
        JAVA_HOME=str(java.resolve().parents[1]),
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT,
        ANSIBLE_HOME=str(tmp_path / "ansible-home"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        ZEQUENZE_TICKET_DIR=str(tickets),
    )
    rulebook = _rulebook(Path(COLLECTIONS_ROOT) / "ansible_collections/zequenze/control/extensions/eda/rulebooks" "/operation_events.yml", tmp_path)
    inventory = tmp_path / "inventory.yml"
    inventory.write_text("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n")
    log = open(tmp_path / "ansible-rulebook.log", "w")
    process = subprocess.Popen(
        [str(rulebook_bin), "--rulebook", str(rulebook), "-i", str(inventory), "-v"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    reader = Reader(process.stdout, log)
    reader.start()
    received = []
    restart = {}
    try:

        def collect(timeout):
            try:
                received.append(reader.events.get(timeout=timeout))
            except queue.Empty:
                pass

        # Operations that exist at the source's first poll are not told (emit_existing is false):
        # start the load once the rule engine waits and the first poll is surely done.
        assert reader.waiting.wait(60), "ansible-rulebook did not start within 60 s; see %s" % log.name
        time.sleep(2)
        ours = [_create(emulator, 0)]
        deadline = time.time() + 60
        while not received and time.time() < deadline and process.poll() is None:
            collect(0.5)
        assert received, "no event within 60 s; see %s" % log.name
        for index in range(1, OPERATIONS):
            if index == KILL_AFTER:
                clock.sample()
                emulator.kill()
                restart["down"] = time.time()
                time.sleep(DOWN_SECONDS)
                emulator.start()
                restart["up"] = time.time()
            ours.append(_create(emulator, index))
            clock.sample()
            collect(0.15)
        deadline = time.time() + RUN_TIMEOUT
        while time.time() < deadline:
            clock.sample()
            records = _all_records(emulator)
            running = [r for r in records if r["id"] in ours and r["status"] in ("scheduled", "in_progress")]
            told = set((e["operation"]["id"], e["type"]) for _t, e in received if e.get("operation"))
            wanted = set((r["id"], kind) for r in records for kind, _at in _expected(r))
            if not running and wanted <= told and tickets.is_dir() and len(list(tickets.iterdir())) >= len(FAILING):
                break
            collect(0.5)
        time.sleep(2)  # anything told twice would come now
        while not reader.events.empty():
            received.append(reader.events.get())
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        emulator.stop()
        log.close()

    records = _all_records_after(emulator)
    by_id = dict((r["id"], r) for r in records)
    transitions = [(r["id"], kind, at) for r in records for kind, at in _expected(r)]
    counts = {}
    for _t, event in received:
        if event.get("type") in TRANSITIONS:
            key = (event["operation"]["id"], event["type"])
            counts[key] = counts.get(key, 0) + 1
    lost = [t for t in transitions if (t[0], t[1]) not in counts]
    duplicated = dict((k, n) for k, n in counts.items() if n > 1)
    arrival = dict(((e["operation"]["id"], e["type"]), t) for t, e in received if e.get("type") in TRANSITIONS)
    delays, after_restart = [], []
    for op_id, kind, at in transitions:
        if (op_id, kind) not in arrival:
            continue
        happened = clock.real(at)
        if restart["down"] - 1.0 <= happened <= restart["up"]:
            # Nobody could see it while the API was down (or in the poll before the kill, which the
            # kill cut short): count from when it was back.
            after_restart.append(arrival[(op_id, kind)] - restart["up"])
        else:
            delays.append(arrival[(op_id, kind)] - happened)
    types = [e["type"] for _t, e in received]
    print(
        "\nEDA rulebook figures: %d transitions of %d operations (%d created by the test), "
        "%d lost, %d duplicated; kill -9 after %d operations, down %.1f s"
        % (len(transitions), len(records), len(ours), len(lost), len(duplicated), KILL_AFTER, restart["up"] - restart["down"])
    )
    if delays:
        print(
            "  delay after the transition (interval 1 s): median %.2f s, p95 %.2f s, max %.2f s (%d events)"
            % (statistics.median(delays), sorted(delays)[int(len(delays) * 0.95) - 1], max(delays), len(delays))
        )
    if after_restart:
        print(
            "  delay after the restart for the %d transitions made while the API was down or just before: max %.2f s" % (len(after_restart), max(after_restart))
        )
    print(
        "  source_error events: %d, source_recovered: %d; tickets written: %s"
        % (types.count("source_error"), types.count("source_recovered"), sorted(p.name for p in tickets.iterdir()) if tickets.is_dir() else [])
    )

    assert len(transitions) >= 200
    assert not lost, "transitions never told: %s" % lost[:10]
    assert not duplicated, "transitions told more than once: %s" % duplicated
    assert types.count("source_error") >= 1 and types.count("source_recovered") >= 1
    # The rules fired: each failed operation has its ticket, a completed one was notified.
    failed = [i for i in ours if by_id[i]["status"] == "failed"]
    assert failed and all((tickets / ("operation-%s.json" % i)).exists() for i in failed), "no ticket for a failed operation; see %s" % (
        tmp_path / "ansible-rulebook.log"
    )
    ticket = json.loads((tickets / ("operation-%s.json" % failed[0])).read_text())
    assert ticket["failed_operation"]["organizations"] == [903] and ticket["rescheduled_operation"]
    rescheduled = by_id[str(ticket["rescheduled_operation"])]
    assert rescheduled["operation_details"]["organization_ids"] == [903]
    log_text = (tmp_path / "ansible-rulebook.log").read_text()
    completed = [i for i in ours if by_id[i]["status"] == "completed"]
    assert completed and "NOTIFY operation %s " % completed[0] in log_text
    assert emulator.token not in log_text


def _all_records_after(emulator):
    """The final records, read from a fresh emulator on the same database."""
    emulator.start()
    try:
        return _all_records(emulator)
    finally:
        emulator.stop()
