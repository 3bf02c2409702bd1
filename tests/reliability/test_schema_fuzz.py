"""Schema-driven fuzzing (schemathesis) of the emulator from its own /openapi.json, without faults.

Every operation of the document is fuzzed with valid (positive) and invalid (negative) requests,
authenticated with the emulator's token. Zero 5xx answers, and zero responses that break the
document: undocumented status codes, wrong content types, bodies that do not match the schema.
"""

from __future__ import annotations

import collections

import pytest
import requests
import schemathesis
from conftest import FULL, EmulatorProcess, scale
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = scale(60, 500)  # per operation and generation mode
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


@pytest.fixture(scope="module")
def emulator():
    with EmulatorProcess(time_scale=600) as process:
        yield process


@pytest.fixture(scope="module")
def schema(emulator):
    return schemathesis.openapi.from_url(emulator.base_url + "/openapi.json")


def operations(schema):
    found = [result.ok() for result in schema.get_all_operations()]
    assert found, "the OpenAPI document lists no operation"
    return found


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_fuzz_every_operation(emulator, schema, mode, figure):
    tally = {"requests": 0, "statuses": collections.Counter(), "failures": [], "unfuzzable": []}
    session = requests.Session()
    headers = {"Authorization": f"Bearer {emulator.token}"}
    for operation in operations(schema):

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not FULL,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case):
            # The document's bearer scheme makes schemathesis invent a token: send the real one.
            case.headers = {**{k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"},
                            **headers}
            response = case.call(base_url=emulator.base_url, session=session, timeout=30)
            tally["requests"] += 1
            tally["statuses"][response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as failure:  # schemathesis raises a group of named failures
                tally["failures"].append(f"{operation.label} [{mode.value}] -> {response.status_code}: "
                                         f"{str(failure)[:1500]}")

        try:
            fuzz()
        except Unsatisfiable:  # nothing invalid to send (e.g. /healthz has no parameters)
            tally["unfuzzable"].append(f"{operation.label} [{mode.value}]")

    figure(f"{mode.value}: requests", tally["requests"])
    figure(f"{mode.value}: answers by status", dict(sorted(tally["statuses"].items())))
    server_errors = sum(n for status, n in tally["statuses"].items() if status >= 500)
    figure(f"{mode.value}: 5xx answers", server_errors)
    figure(f"{mode.value}: operations with no such cases", len(tally["unfuzzable"]))
    figure(f"{mode.value}: responses breaking the schema (all checks)", len(tally["failures"]))
    assert tally["requests"] >= EXAMPLES
    assert tally["statuses"][200] + tally["statuses"][201] > 0, tally["statuses"]  # not all refused at the door
    assert server_errors == 0, tally["failures"][:5]
    assert not tally["failures"], "\n\n".join(tally["failures"][:5])
    assert "Traceback" not in emulator.log(), emulator.log()[-4000:]
