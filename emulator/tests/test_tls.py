"""HTTPS with a test CA made here: trusted with the CA, refused without it."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import pytest
import requests
from tests.support.api import Api
from tests.support.emulator_process import EmulatorProcess
from tests.support.tls_ca import make_ca_and_server_cert


@pytest.fixture(scope="module")
def https_emulator(tmp_path_factory):
    paths = make_ca_and_server_cert(tmp_path_factory.mktemp("tls"))
    with EmulatorProcess(tls_cert=paths["cert"], tls_key=paths["key"], ca_file=str(paths["ca"])) as process:
        yield process, paths


def test_https_with_the_test_ca(https_emulator):
    process, paths = https_emulator
    assert process.base_url.startswith("https://")
    api = Api(process, "demo-token", verify=str(paths["ca"]))
    before = api.get().json()["count"]
    created = api.create_from_example()
    page = api.get().json()
    # Newest first; the module's other tests may have created operations before or after.
    assert page["results"][0]["id"] == created["id"]
    assert page["count"] == before + 1


def test_next_links_keep_https(https_emulator):
    process, paths = https_emulator
    api = Api(process, "demo-token", verify=str(paths["ca"]))
    api.create_from_example()
    assert api.get(page_size=1).json()["next"].startswith(f"https://127.0.0.1:{process.port}/")


def test_untrusted_certificate_is_refused(https_emulator):
    process = https_emulator[0]
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(process.base_url + "/healthz", timeout=5, verify=True)


def test_plain_http_is_not_served(https_emulator):
    process = https_emulator[0]
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{process.port}/healthz", timeout=5)
