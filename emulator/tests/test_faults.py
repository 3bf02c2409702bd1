"""Each kind of injected fault, the built-in flaky profile, and that /healthz is never faulted."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import time

import pytest
import requests
from tests.support.api import Api, operation_body
from tests.support.emulator_process import EmulatorProcess


def faulty(tmp_path, text: str) -> EmulatorProcess:
    path = tmp_path / "faults.yml"
    path.write_text(text)
    return EmulatorProcess(faults=path, db=tmp_path / "faults.db")


@pytest.mark.parametrize(
    "text, status, retry_after",
    [
        ("error_500: 1.0\n", 500, None),
        ("error_503: 1.0\nretry_after_seconds: 4\n", 503, "4"),
        ("rate_limit_429: 1.0\nretry_after_seconds: 7\n", 429, "7"),
    ],
)
def test_error_answers_nothing_processed(tmp_path, text, status, retry_after):
    with faulty(tmp_path, text) as process:
        api = Api(process, "demo-token")
        for answer in (api.get(), api.post(operation_body())):
            assert answer.status_code == status
            assert answer.json()["detail"]
            assert answer.headers.get("retry-after") == retry_after
        assert requests.get(process.base_url + "/healthz", timeout=5).status_code == 200
    with EmulatorProcess(db=process.db) as clean:
        assert Api(clean, "demo-token").get().json()["count"] == 0  # the faulted create did nothing


def test_added_latency(tmp_path):
    with faulty(tmp_path, "latency: {rate: 1.0, min_ms: 300, max_ms: 300}\n") as process:
        api = Api(process, "demo-token")
        started = time.monotonic()
        assert api.get().status_code == 200
        assert time.monotonic() - started >= 0.3
        started = time.monotonic()
        process.healthz()
        assert time.monotonic() - started < 0.3


def test_connection_dropped_after_the_create_was_committed(tmp_path):
    with faulty(tmp_path, "drop_after_create: 1.0\n") as process:
        api = Api(process, "demo-token")
        with pytest.raises(requests.exceptions.ConnectionError):
            api.post(operation_body(operation_type="compliance_report"))
        page = api.get().json()  # GETs are not dropped: the create happened
        assert page["count"] == 1
        assert page["results"][0]["operation_type"] == "compliance_report"
        invalid = api.post(operation_body(operation_type="nope"))
        assert invalid.status_code == 422  # only a committed create is dropped
        assert "Traceback" not in process.log()


def statuses(process: EmulatorProcess, count: int) -> list:
    api = Api(process, "demo-token")
    return [api.get().status_code for _request in range(count)]


def test_flaky_profile_mixes_faults_deterministically_by_seed():
    with EmulatorProcess(faults="flaky", seed=3) as first:
        sequence = statuses(first, 80)
    with EmulatorProcess(faults="flaky", seed=3) as second:
        assert statuses(second, 80) == sequence
    assert {200, 429, 500, 503} <= set(sequence)
    assert sequence.count(200) > 50


@pytest.mark.parametrize(
    "text, status, retry_after",
    [
        ("save_then_503: 1.0\nretry_after_seconds: 2\n", 503, "2"),
        ("save_then_429: 1.0\nretry_after_seconds: 3\n", 429, "3"),
        ("save_then_500: 1.0\n", 500, None),
    ],
)
def test_a_save_answered_with_an_error(tmp_path, text, status, retry_after):
    with faulty(tmp_path, text) as process:
        api = Api(process, "demo-token")
        answer = api.post(operation_body(operation_type="inventory_audit"))
        assert answer.status_code == status and answer.headers.get("retry-after") == retry_after
        page = api.get().json()  # the create was saved all the same
        assert page["count"] == 1 and page["results"][0]["operation_type"] == "inventory_audit"
        assert api.post(operation_body(operation_type="nope")).status_code == 422  # only a save is faulted


def test_a_save_answered_by_a_reset(tmp_path):
    with faulty(tmp_path, "save_then_reset: 1.0\n") as process:
        api = Api(process, "demo-token")
        with pytest.raises(requests.exceptions.ConnectionError):
            api.post(operation_body())
        assert api.get().json()["count"] == 1
        assert "Traceback" not in process.log()


def test_a_late_save_appears_after_the_client_gave_up(tmp_path):
    with faulty(tmp_path, "late_save: {delay_ms: 1500}\n") as process:
        api = Api(process, "demo-token")
        with pytest.raises(requests.exceptions.ReadTimeout):
            api.session.post(api.url, json=operation_body(), timeout=0.5)
        assert api.get().json()["count"] == 0
        deadline = time.monotonic() + 10
        while api.get().json()["count"] == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert api.get().json()["count"] == 1
        assert "Traceback" not in process.log()


def test_a_listing_lags_behind_saves(tmp_path):
    with faulty(tmp_path, "listing_lag_seconds: 1.5\n") as process:
        api = Api(process, "demo-token")
        created = api.post(operation_body())
        assert created.status_code == 201
        started = time.monotonic()
        page = api.get().json()
        assert page["count"] == 0 and page["results"] == []
        assert api.get(id=created.json()["id"]).status_code == 200  # reading by id does not lag
        time.sleep(max(0.0, 1.6 - (time.monotonic() - started)))
        page = api.get().json()
        assert page["count"] == 1 and page["results"][0]["id"] == created.json()["id"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("save_then_503: 0.6\nsave_then_500: 0.6\n", "must not exceed 1"),
        ("late_save: {rate: 0.5}\n", "delay_ms"),
        ("late_save: {delay_ms: 0}\n", "late_save.delay_ms"),
        ("listing_lag_seconds: -1\n", "listing_lag_seconds"),
        ("save_then_reset: 2\n", "save_then_reset"),
    ],
)
def test_bad_hostile_fault_settings_name_the_key(tmp_path, text, words):
    path = tmp_path / "faults.yml"
    path.write_text(text)
    from zequenze_control_emulator.settings import ConfigError, load_faults

    with pytest.raises(ConfigError) as info:
        load_faults(str(path))
    assert words in str(info.value)
