"""Fixtures: real emulator processes on free loopback ports, spoken to over HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from emulator_process import EmulatorProcess  # noqa: E402

TOKENS_YAML = """\
tokens:
  all-token: {organizations: "*"}
  north-token: {organizations: [101, 102]}
  south-token: {organizations: [103]}
"""


class Api:
    """A keep-alive session against one emulator, with the operations URL and a token."""

    def __init__(self, emulator: EmulatorProcess, token: str | None, verify=True):
        self.emulator = emulator
        self.url = emulator.operations_url
        self.session = requests.Session()
        # Per request: REQUESTS_CA_BUNDLE in the environment overrides Session.verify.
        self.verify = verify
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, **params) -> requests.Response:
        return self.session.get(self.url, params=params, timeout=10, verify=self.verify)

    def post(self, body=None, **kwargs) -> requests.Response:
        return self.session.post(self.url, json=body, timeout=10, verify=self.verify, **kwargs)

    def create(self, **overrides) -> dict:
        answer = self.post(operation_body(**overrides))
        assert answer.status_code == 201, answer.text
        return answer.json()

    def record(self, operation_id: str, refresh=True) -> dict:
        answer = self.get(id=operation_id, update_status=str(refresh).lower())
        assert answer.status_code == 200, answer.text
        return answer.json()["results"][0]


def operation_body(**overrides) -> dict:
    """The document's cURL example body, with overrides (None removes a key)."""
    body = {
        "operation_type": "bulk_serial_sync",
        "target_organizations": [101, 102, 103],
        "device_filters": {"types": ["router", "switch"], "status": ["active", "pending"]},
        "schedule": {"execute_at": "2024-01-16T02:00:00Z", "priority": "normal"},
        "options": {"update_firmware_info": True, "validate_connectivity": True, "timeout_minutes": 120},
    }
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


@pytest.fixture(scope="module")
def emulator():
    """A shared demo-token emulator at real-time speed (for shapes and codes)."""
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def api(emulator) -> Api:
    return Api(emulator, "demo-token")


@pytest.fixture(scope="module")
def tokens_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tokens") / "tokens.yml"
    path.write_text(TOKENS_YAML)
    return path


@pytest.fixture(scope="module")
def scoped_emulator(tokens_file):
    with EmulatorProcess(tokens=tokens_file) as process:
        yield process


def scoped_api(emulator, token) -> Api:
    return Api(emulator, token)
