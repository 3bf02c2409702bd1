# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client against hostile input: odd URLs and CA paths, huge or endless answers, echoed tokens."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import io
import json

import pytest
import requests

from ansible_collections.zequenze.control.plugins.module_utils.api_session import BODY_CHUNK_BYTES, MAX_BODY_BYTES, ApiSession
from ansible_collections.zequenze.control.plugins.module_utils.client import Client
from ansible_collections.zequenze.control.plugins.module_utils.connection_options import DEFAULT_API_URL
from ansible_collections.zequenze.control.plugins.module_utils.error_mapping import MAX_FIELD_ERRORS
from ansible_collections.zequenze.control.plugins.module_utils.errors import ApiError, InputError, PaginationError, TransportError
from ansible_collections.zequenze.control.plugins.module_utils.pagination import EXTRA_PAGES
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import BASE, ENDPOINT_URL, TOKEN, FakeApi, FakeClock, make_record, response

ENDPOINT = "inventory_device_serial_headless_operation/"


def new_client(api, clock=None, url=BASE, **kwargs):
    clock = clock or FakeClock()
    return Client(url, TOKEN, session=api.session, sleep=clock.sleep, clock=clock.monotonic, jitter=lambda: 1.0, max_retries=0, **kwargs)


@pytest.mark.parametrize(
    "url, words",
    [
        ("", "api_url is empty"),
        ("   ", "api_url is empty"),
        ("control.example.test/api/v1", "must be an http:// or https:// URL"),
        ("ftp://control.example.test/api/v1", "must be an http:// or https:// URL"),
        ("https://", "must be an http:// or https:// URL"),
        ("http://[::1", "not a valid URL"),
        ("https://host.example.test:99999/api", "not a valid URL"),
        ("https://%s.example.test/api" % ("a" * 64), "1 to 63 characters"),
        ("https://%s/api" % ".".join(["abcdefgh"] * 30), "at most 253 characters"),
        ("https://a..b/api", "1 to 63 characters"),
    ],
)
def test_an_api_url_that_cannot_be_the_api_is_refused_naming_api_url(fake_api, url, words):
    with pytest.raises(InputError) as info:
        new_client(fake_api, url=url)
    message = info.value.full_message()
    assert "api_url" in message and words in message
    # Said once: requests' own "No scheme supplied. Perhaps you meant ...?" repeated it.
    if "://" not in url and url.strip():
        assert message.count(url) == 1
    assert fake_api.calls == []


@pytest.mark.parametrize(
    "url", ["https://user:pa55word-xyz@api.example.test/api/v1", "https://pa55word-xyz@api.example.test/api/v1", "pa55word-xyz:x@api.example.test/api/v1"]
)
def test_userinfo_in_api_url_is_refused_without_repeating_it(fake_api, url):
    with pytest.raises(InputError) as info:
        new_client(fake_api, url=url)
    text = json.dumps(info.value.to_result())
    assert "api_url" in text
    assert "pa55word" not in text and "user:pa55" not in text


def test_none_api_url_is_the_default_and_ipv6_loopback_works(fake_api):
    assert new_client(fake_api, url=None).api_url == DEFAULT_API_URL
    assert new_client(fake_api, url="http://[::1]:8000/api/v1/").api_url == "http://[::1]:8000/api/v1"


@pytest.mark.parametrize("token", ["", "   ", "\n", None])
def test_an_empty_token_is_refused_before_sending(fake_api, token):
    with pytest.raises(InputError) as info:
        Client(BASE, token, session=fake_api.session)
    assert "api_token is empty" in info.value.message
    assert fake_api.calls == []


@pytest.mark.parametrize(
    "url, warned",
    [
        ("http://127.0.0.1:8000/api/v1", False),
        ("http://localhost/api/v1", False),
        ("http://[::1]/api", False),
        ("http://127.8.9.10/api", False),
        ("https://control.example.test/api", False),
        ("http://control.example.test/api", True),
        ("http://10.0.0.5/api", True),
        ("HTTP://Control.Example.Test/", True),
    ],
)
def test_plain_http_beyond_this_machine_is_warned_about(fake_api, url, warned):
    warning = new_client(fake_api, url=url).plain_http_warning
    assert bool(warning) is warned
    if warned:
        assert "unencrypted" in warning and "https://" in warning


def test_a_missing_ca_path_is_refused_naming_it(fake_api, tmp_path):
    missing = str(tmp_path / "nowhere.pem")
    with pytest.raises(InputError) as info:
        new_client(fake_api, ca_path=missing)
    assert "ca_path %s does not exist" % missing in info.value.message
    # Not read without TLS or without validation.
    new_client(fake_api, url="http://127.0.0.1/api", ca_path=missing)
    new_client(fake_api, ca_path=missing, validate_certs=False)


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_a_missing_ca_bundle_in_the_environment_is_refused_naming_it(fake_api, tmp_path, monkeypatch, variable):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv(variable, str(tmp_path / "gone.pem"))
    with pytest.raises(InputError) as info:
        new_client(fake_api)
    assert variable in info.value.message and "ca_path" in info.value.message
    new_client(fake_api, ca_path=__file__)  # ca_path wins over the environment


@pytest.mark.parametrize("timeout", [0, 0.01, 86401, 1e12, float("inf"), float("nan"), -1])
def test_a_timeout_out_of_bounds_is_refused(fake_api, timeout):
    with pytest.raises(InputError) as info:
        new_client(fake_api, timeout=timeout)
    assert info.value.message.startswith("timeout must be a number of seconds from 0.1 to 86400")


class CountingBody(io.BytesIO):
    """A body that remembers how much of it was read (after it is closed too)."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def big_response(size, declare):
    resp = response(200, text="")
    resp.raw = CountingBody(b"x" * size)
    resp._content = False
    if declare:
        resp.headers["Content-Length"] = str(size)
    return resp


@pytest.mark.parametrize("declare", [True, False])
def test_a_body_over_the_cap_is_refused_without_reading_it_all(fake_api, declare):
    limit = MAX_BODY_BYTES
    answer = big_response(limit + BODY_CHUNK_BYTES * 3, declare)
    fake_api.script = [answer]
    with pytest.raises(ApiError) as info:
        new_client(fake_api).get(ENDPOINT)
    assert "larger than 16 MiB" in info.value.message
    # Declared: nothing read; streamed: at most one chunk beyond the cap.
    read = answer.raw.read_bytes
    assert read == 0 if declare else limit < read <= limit + BODY_CHUNK_BYTES


def test_a_broken_off_body_is_a_transport_failure(fake_api):
    answer = response(200, {"results": []})
    answer.iter_content = lambda _size: iter_raising()
    fake_api.script = [answer]
    with pytest.raises(TransportError) as info:
        new_client(fake_api).get(ENDPOINT)
    assert "IncompleteRead" in info.value.message


def iter_raising():
    yield b"{"
    raise requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead")


def test_token_echoed_near_the_cut_is_masked_before_cutting(fake_api):
    """An error page echoing the Authorization header around character 480 once leaked its first characters."""
    for offset in range(470, 500):
        page = "<html>" + "x" * offset + "Authorization: Bearer " + TOKEN + "</html>"
        fake_api.script = [response(400, text=page)]
        with pytest.raises(ApiError) as info:
            new_client(fake_api).get(ENDPOINT)
        text = json.dumps(info.value.to_result())
        assert not any(TOKEN[i : i + 6] in text for i in range(len(TOKEN) - 5)), offset


def test_server_text_is_cut_after_masking_in_every_field(fake_api):
    huge = "e" * 10000 + TOKEN
    fake_api.script = [response(422, {"detail": huge, "errors": [{"field": huge, "message": huge}] * 200})]
    with pytest.raises(ApiError) as info:
        new_client(fake_api).get(ENDPOINT)
    result = info.value.to_result()
    assert len(json.dumps(result)) < 60000  # 20 field errors of 500 characters, in msg and in errors
    assert len(result["errors"]) == MAX_FIELD_ERRORS
    assert TOKEN[:6] not in json.dumps(result)


@pytest.mark.parametrize(
    "body, reason",
    [
        ("[" * 200000 + "]" * 200000, "nested too deeply"),
        ('{"results": [', "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
    ],
)
def test_unreadable_success_bodies_fail_clearly(fake_api, body, reason):
    answer = response(200, text="")
    answer.raw = io.BytesIO(body if isinstance(body, bytes) else body.encode())
    answer._content = False
    fake_api.script = [answer]
    with pytest.raises(ApiError) as info:
        new_client(fake_api).get(ENDPOINT)
    assert reason in info.value.message


def test_a_number_too_long_to_convert_stays_text(fake_api):
    fake_api.script = [response(200, text='{"count": 1%s, "results": []}' % ("0" * 5000))]
    page = new_client(fake_api).get(ENDPOINT)
    assert isinstance(page["count"], str)


def endless(count):
    pages = iter(range(2, 10**6))

    def answer(*_args):
        return response(200, {"count": count, "results": [make_record(next(pages))], "next": ENDPOINT_URL + "?page=%d" % (next(pages) + 1)})

    return answer


def test_an_endless_next_chain_stops_after_the_pages_count_allows(fake_api):
    fake_api.script = [endless(3)] * 100
    with pytest.raises(PaginationError) as info:
        list(new_client(fake_api).iterate(ENDPOINT))
    assert "more than its count and page size call for" in info.value.message
    assert len(fake_api.calls) == 3 + EXTRA_PAGES


@pytest.mark.parametrize("count", [10**9, None, "many", True, -1])
def test_an_endless_next_chain_with_a_useless_count_stops_at_the_listing_deadline(fake_api, count):
    clock = FakeClock()
    api = FakeApi()
    calls = []
    pages = endless(count)

    def slow(*args):
        calls.append(1)
        clock.now += 1.0  # each page takes a second
        return pages(*args)

    api.script = [slow] * 2000
    with pytest.raises(PaginationError) as info:
        list(new_client(api, clock).iterate(ENDPOINT, max_seconds=60))
    assert "the longest a listing may take" in info.value.message
    assert len(calls) == 60


def test_a_huge_next_link_is_cut_in_the_message(fake_api):
    link = ENDPOINT_URL + "?page=" + "9" * 100000
    fake_api.script = [response(200, {"count": 0, "results": [], "next": link})]
    with pytest.raises(PaginationError) as info:
        list(new_client(fake_api).iterate(ENDPOINT))
    assert len(info.value.message) < 2000


def test_redirects_never_gain_credentials():
    """rebuild_auth: ~/.netrc never applies; our header is dropped when leaving the host."""
    session = ApiSession()
    original = requests.Request("GET", BASE + "/x", headers={"Authorization": "Bearer t"}).prepare()
    answer = requests.Response()
    answer.request = original
    for target, kept in ((BASE + "/y", True), ("https://other.example.test/y", False), ("http://api.example.test/api/v1/y", False)):
        follow = requests.Request("GET", target, headers={"Authorization": "Bearer t"}).prepare()
        session.rebuild_auth(follow, answer)
        assert ("Authorization" in follow.headers) is kept, target
    bare = requests.Request("GET", "https://other.example.test/y").prepare()
    session.rebuild_auth(bare, answer)
    assert "Authorization" not in bare.headers
    session.close()
