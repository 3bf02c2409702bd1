"""Schema-driven fuzzing (schemathesis) of the emulator from its own /openapi.json, without faults.

Every operation of the document is fuzzed with valid (positive) and invalid (negative) requests,
authenticated with the emulator's token. Zero 5xx answers, and zero responses that break the
document: undocumented status codes, wrong content types, bodies that do not match the schema.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import collections

import pytest
import requests
import schemathesis
from tests.support.reliability import FULL, EmulatorProcess, scale
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
# The API proper: each must be fuzzed in every mode, never skipped as having no such cases.
API_OPERATIONS = {f"{method} /api/v1/inventory_device_serial_headless_operation/" for method in ("GET", "POST")}
MIN_PER_API_OPERATION = EXAMPLES // 2  # hypothesis may stop early once a strategy is exhausted


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
    tally = {"requests": 0, "statuses": collections.Counter(), "failures": [], "unfuzzable": [], "per_operation": collections.Counter()}
    session = requests.Session()
    headers = {"Authorization": f"Bearer {emulator.token}"}
    found = operations(schema)
    assert API_OPERATIONS <= {operation.label for operation in found}, sorted(o.label for o in found)
    for operation in found:

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not FULL, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case):
            # The document's bearer scheme makes schemathesis invent a token: send the real one.
            case.headers = {**{k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}, **headers}
            response = case.call(base_url=emulator.base_url, session=session, timeout=30)
            tally["requests"] += 1
            tally["per_operation"][operation.label] += 1
            tally["statuses"][response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as failure:  # schemathesis raises a group of named failures
                tally["failures"].append(f"{operation.label} [{mode.value}] -> {response.status_code}: " f"{str(failure)[:1500]}")

        try:
            fuzz()
        except Unsatisfiable:  # nothing invalid to send (e.g. /healthz has no parameters)
            tally["unfuzzable"].append(operation.label)

    figure(f"{mode.value}: requests", tally["requests"])
    figure(f"{mode.value}: requests per operation", dict(sorted(tally["per_operation"].items())))
    figure(f"{mode.value}: answers by status", dict(sorted(tally["statuses"].items())))
    server_errors = sum(n for status, n in tally["statuses"].items() if status >= 500)
    figure(f"{mode.value}: 5xx answers", server_errors)
    figure(f"{mode.value}: operations with no such cases", len(tally["unfuzzable"]))
    figure(f"{mode.value}: responses breaking the schema (all checks)", len(tally["failures"]))
    assert tally["requests"] >= EXAMPLES
    assert not API_OPERATIONS & set(tally["unfuzzable"]), f"API operations left unfuzzed: {tally['unfuzzable']}"
    short = {label: tally["per_operation"][label] for label in API_OPERATIONS if tally["per_operation"][label] < MIN_PER_API_OPERATION}
    assert not short, f"API operations fuzzed with fewer than {MIN_PER_API_OPERATION} requests: {short}"
    assert tally["statuses"][200] + tally["statuses"][201] > 0, tally["statuses"]  # not all refused at the door
    assert server_errors == 0, tally["failures"][:5]
    assert not tally["failures"], "\n\n".join(tally["failures"][:5])
    assert "Traceback" not in emulator.log(), emulator.log()[-4000:]
