"""kill -9 and restart on the same database: nothing answered is lost, nothing moves backwards."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import sqlite3
import subprocess
import sys
import time

from tests.support import emulator_process
import pytest
from tests.support.api import Api
from tests.support.emulator_process import EmulatorError, EmulatorProcess, emulator_command, free_port


def snapshot(api: Api) -> dict:
    page = api.get(page_size=1000, update_status="true").json()
    return {r["id"]: r for r in page["results"]}


def test_kill_9_loses_no_operation_and_progress_never_goes_backwards():
    with EmulatorProcess(time_scale=300) as process:
        api = Api(process, "demo-token")
        created = [api.create_from_example(schedule=None, target_organizations=[101 + i % 5])["id"] for i in range(12)]
        created.append(api.create_from_example(schedule={"execute_at": "2999-01-01T00:00:00Z"})["id"])
        for round_ in range(3):
            time.sleep(0.2)
            before = snapshot(api)
            clock_before = process.healthz()["simulated_time"]
            last = api.create_from_example(schedule=None, target_organizations=[102])["id"]  # answered, then the crash
            created.append(last)
            process.kill()
            process.start()
            api = Api(process, "demo-token")
            after = snapshot(api)
            assert set(created) <= set(after), f"round {round_}: operations lost"
            assert process.healthz()["simulated_time"] >= clock_before
            for operation_id, old in before.items():
                new = after[operation_id]
                assert new["processed_devices"] >= old["processed_devices"], operation_id
                assert new["progress"] >= old["progress"], operation_id
                assert new["created_at"] == old["created_at"]
                assert new["operation_config"] == old["operation_config"]
        assert any(r["status"] == "in_progress" for r in after.values())
        assert after[created[12]]["status"] == "scheduled"


def test_restart_with_another_time_scale_keeps_the_clock_continuous(tmp_path):
    db = tmp_path / "clock.db"
    with EmulatorProcess(db=db, time_scale=100000) as fast:
        time.sleep(0.2)
        fast_time = fast.healthz()["simulated_time"]
    with EmulatorProcess(db=db, time_scale=1) as slow:
        assert slow.healthz()["simulated_time"] >= fast_time  # not reset to the wall clock


def test_a_second_emulator_on_the_same_db_exits_2_and_leaves_the_first_alone(tmp_path):
    db = tmp_path / "shared.db"
    with EmulatorProcess(db=db, time_scale=600) as first:
        api = Api(first, "demo-token")
        operation_id = api.create_from_example(schedule=None, target_organizations=[101])["id"]
        time.sleep(0.3)
        clock_before = first.healthz()["simulated_time"]
        progress_before = api.record(operation_id)["processed_devices"]
        # Same db, another time scale; on the first's port (it cannot bind) and on a free one.
        for port in (first.port, free_port()):
            second = subprocess.run(
                emulator_command() + ["--host", "127.0.0.1", "--port", str(port), "--db", str(db), "--time-scale", "1"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            assert second.returncode == 2, second.stderr
            assert f"another emulator is using DB {db}" in second.stderr, second.stderr
            assert "Traceback" not in second.stderr
        assert first.healthz()["simulated_time"] >= clock_before
        assert first.healthz()["pid"] == first.process.pid
        assert api.record(operation_id)["processed_devices"] >= progress_before
        time.sleep(0.3)
        clock_before = first.healthz()["simulated_time"]
        progress_before = api.record(operation_id)["processed_devices"]
        # The stored clock anchor is still the first's: a restart continues its clock.
        first.kill()
        first.start()
        api = Api(first, "demo-token")
        assert first.healthz()["simulated_time"] >= clock_before
        assert api.record(operation_id)["processed_devices"] >= progress_before


def test_a_start_on_a_port_another_emulator_serves_is_a_failure(tmp_path):
    with EmulatorProcess() as running:
        intruder = EmulatorProcess(workdir=tmp_path)
        intruder.port = running.port  # the new process cannot bind; the running one answers /healthz
        with pytest.raises(EmulatorError):
            intruder.start()
        intruder.close()
        assert running.healthz()["pid"] == running.process.pid


def test_readiness_needs_the_started_process_not_any_answer_on_the_port(tmp_path, monkeypatch):
    # A started process that never serves, while another emulator answers on the port:
    # only the pid in /healthz tells them apart.
    with EmulatorProcess() as running:
        monkeypatch.setattr(emulator_process, "emulator_command", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
        monkeypatch.setattr(emulator_process, "READY_TIMEOUT", 1.5)
        impostor = EmulatorProcess(workdir=tmp_path)
        impostor.port = running.port
        with pytest.raises(EmulatorError):
            impostor.start()
        impostor.close()
        assert impostor.process.poll() is not None  # reaped


def test_a_file_written_without_the_count_index_gets_it_and_the_listing_counts_from_it(tmp_path):
    """The count of every listing page reads the narrow index, not every wide row (its cost: make bench)."""
    db = tmp_path / "older.db"
    with EmulatorProcess(db=db) as process:
        Api(process, "demo-token").create_from_example()
    with sqlite3.connect(db) as connection:
        connection.execute("DROP INDEX operations_counted")
    with EmulatorProcess(db=db) as process:
        assert Api(process, "demo-token").get(page_size=1).json()["count"] == 1
    with sqlite3.connect(db) as connection:
        plan = connection.execute("EXPLAIN QUERY PLAN SELECT count(*) FROM operations").fetchall()
    assert "USING COVERING INDEX operations_counted" in " ".join(row[-1] for row in plan), plan
