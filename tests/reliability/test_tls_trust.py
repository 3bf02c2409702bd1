"""TLS: an HTTPS emulator whose certificate a test CA (made here) signed.

The default validate_certs: true fails clearly on the untrusted certificate, ca_path makes it
pass, validate_certs: false passes with a warning. A REQUESTS_CA_BUNDLE in the environment
(common on corporate machines) must not override either setting.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import certifi
import pytest
from tests.support.reliability import TRACEBACK, EmulatorProcess, run_adhoc
from tests.support.tls_ca import make_ca_and_server_cert

MODULE = "zequenze.control.headless_operation_info"


@pytest.fixture(scope="module")
def https(tmp_path_factory):
    paths = make_ca_and_server_cert(tmp_path_factory.mktemp("tls"))
    with EmulatorProcess(tls_cert=paths["cert"], tls_key=paths["key"], ca_file=str(paths["ca"])) as emulator:
        yield emulator, paths


# An unrelated bundle in REQUESTS_CA_BUNDLE, as a corporate proxy setup leaves it.
ENVIRONMENTS = {
    "clean": {"REQUESTS_CA_BUNDLE": None, "CURL_CA_BUNDLE": None},
    "REQUESTS_CA_BUNDLE set": {"REQUESTS_CA_BUNDLE": certifi.where(), "CURL_CA_BUNDLE": None},
}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_untrusted_certificate_fails_clearly_by_default(https, environment):
    emulator, _paths = https
    assert emulator.api_url.startswith("https://")
    run = run_adhoc(MODULE, {"max_retries": 1}, emulator.environment(), env=ENVIRONMENTS[environment])
    assert run.rc != 0, run.describe()
    messages = run.failure_messages()
    assert messages, run.describe()
    message = messages[0]
    assert "certificate" in message.lower() and "validate_certs" in message and "ca_path" in message, message
    assert emulator.api_url.split("/api/")[0] in message, message
    assert not TRACEBACK.search(run.output), run.describe()


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_ca_path_makes_it_pass(https, environment):
    emulator, paths = https
    run = run_adhoc(MODULE, {"ca_path": str(paths["ca"])}, emulator.environment(), env=ENVIRONMENTS[environment])
    assert run.rc == 0, run.describe()
    assert '"count": 0' in run.stdout and "WARNING" not in run.output, run.describe()


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_validate_certs_false_passes_with_a_warning(https, environment):
    emulator, _paths = https
    run = run_adhoc(MODULE, {"validate_certs": False}, emulator.environment(), env=ENVIRONMENTS[environment])
    assert run.rc == 0, run.describe()
    assert "[WARNING]: validate_certs is false" in run.output, run.describe()
