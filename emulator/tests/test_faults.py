"""Each kind of injected fault, the built-in flaky profile, and that /healthz is never faulted."""

from __future__ import (absolute_import, division, print_function)
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


@pytest.mark.parametrize("text, status, retry_after", [
    ("error_500: 1.0\n", 500, None),
    ("error_503: 1.0\nretry_after_seconds: 4\n", 503, "4"),
    ("rate_limit_429: 1.0\nretry_after_seconds: 7\n", 429, "7"),
])
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
