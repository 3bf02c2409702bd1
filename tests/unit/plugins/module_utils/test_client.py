# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP client: headers, TLS, retries, error mapping, pagination, secrets."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import email.utils
import pathlib
import socket

import pytest
import requests
import urllib3
import yaml

from ansible_collections.zequenze.control.plugins.module_utils.api_session import COLLECTION_VERSION, USER_AGENT, request_was_not_sent
from ansible_collections.zequenze.control.plugins.module_utils.client import Client
from ansible_collections.zequenze.control.plugins.module_utils.retry_policy import parse_retry_after
from ansible_collections.zequenze.control.plugins.module_utils.errors import (
    AmbiguousRequestError,
    ApiError,
    AuthenticationError,
    BadRequestError,
    InputError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    ServerError,
    TransportError,
    UnprocessableError,
)

from ansible_collections.zequenze.control.tests.unit.plugins.fakes import BASE, ENDPOINT_URL, TOKEN, FakeApi, FakeClock, bearer_header, make_record, response

ENDPOINT = "inventory_device_serial_headless_operation/"


def new_client(api, clock=None, **kwargs):
    clock = clock or FakeClock()
    kwargs.setdefault("max_retries", 3)
    return Client(BASE, TOKEN, session=api.session, sleep=clock.sleep, jitter=lambda: 1.0, **kwargs)


def refused():
    """What requests raises when nothing listens on the port."""
    conn_error = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection: refused")
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/x", conn_error))


def reset_after_sending():
    return requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))


def test_version_constant_matches_galaxy_yml():
    galaxy = pathlib.Path(__file__).parents[4] / "galaxy.yml"
    assert COLLECTION_VERSION == yaml.safe_load(galaxy.read_text())["version"]
    assert USER_AGENT == "zequenze.control/%s" % COLLECTION_VERSION


def test_session_headers_tls_and_timeouts(fake_api, tmp_path):
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text("-")
    client = new_client(fake_api, timeout=45, ca_path=str(ca_file))
    assert bearer_header(fake_api.session) == "Bearer " + TOKEN
    assert "Authorization" not in fake_api.session.headers
    assert TOKEN not in repr(fake_api.session.auth)
    assert fake_api.session.headers["User-Agent"] == USER_AGENT
    assert fake_api.session.verify == str(ca_file)
    fake_api.records = [make_record(1)]
    client.get(ENDPOINT, params={"id": "1"})
    call = fake_api.calls[0]
    assert call["timeout"] == (10.0, 45.0)
    assert call["url"] == ENDPOINT_URL
    assert new_client(FakeApi(), validate_certs=False).session.verify is False
    assert new_client(FakeApi()).session.verify is True


def test_default_session_is_a_real_session_trusting_the_environment():
    client = Client(None, TOKEN)
    assert isinstance(client.session, requests.Session)
    assert client.session.trust_env is True
    assert client.api_url == "https://control.zequenze.com/api/v1"
    client.close()


def test_get_retries_5xx_and_429_honouring_retry_after(fake_api):
    clock = FakeClock()
    client = new_client(fake_api, clock)
    fake_api.script = [response(500, {"detail": "boom"}), response(429, {}, {"Retry-After": "7"}), response(502, text="bad gateway")]
    fake_api.records = [make_record(1)]
    page = client.get(ENDPOINT, params={"id": "1"})
    assert page["results"][0]["id"] == "1"
    assert len(fake_api.calls) == 4
    # full jitter (jitter()=1.0): 0.5, then max(1.0, Retry-After 7), then 2.0
    assert clock.sleeps == [0.5, 7.0, 2.0]


def test_get_retries_connection_errors_then_gives_up(fake_api):
    clock = FakeClock()
    client = new_client(fake_api, clock, max_retries=2)
    fake_api.script = [reset_after_sending(), requests.exceptions.ReadTimeout("read timed out"), refused()]
    with pytest.raises(TransportError) as info:
        client.get(ENDPOINT)
    assert not isinstance(info.value, AmbiguousRequestError)
    assert "after 3 attempt(s)" in info.value.message
    assert len(clock.sleeps) == 2


def test_backoff_is_capped_and_jittered():
    client = Client(BASE, TOKEN, session=FakeApi().session, jitter=lambda: 0.5)
    assert client.backoff(0) == 0.25
    assert client.backoff(20) == 15.0
    assert client.backoff(0, retry_after=500) == 120.0


def test_post_retries_only_when_not_received(fake_api):
    clock = FakeClock()
    client = new_client(fake_api, clock)
    fake_api.script = [refused(), requests.exceptions.ConnectTimeout("connect timeout")]
    record = client.post(ENDPOINT, {"operation_type": "bulk_serial_sync", "target_organizations": [101]})
    assert record["status"] == "scheduled"
    assert [c["method"] for c in fake_api.calls] == ["POST"] * 3


@pytest.mark.parametrize(
    "failure",
    [
        reset_after_sending(),
        requests.exceptions.ReadTimeout("read timed out"),
        requests.exceptions.ChunkedEncodingError("incomplete"),
    ],
)
def test_post_does_not_repeat_an_ambiguous_failure(fake_api, failure):
    client = new_client(fake_api)
    fake_api.script = [failure]
    with pytest.raises(AmbiguousRequestError):
        client.post(ENDPOINT, {"operation_type": "x"})
    assert len(fake_api.calls) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_post_5xx_other_than_503_is_ambiguous(fake_api, status):
    client = new_client(fake_api)
    fake_api.script = [response(status, {"detail": "oops"})]
    with pytest.raises(AmbiguousRequestError) as info:
        client.post(ENDPOINT, {})
    assert info.value.status == status
    assert len(fake_api.calls) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_post_busy_answers_are_ambiguous_and_not_repeated(fake_api, status):
    # A proxy may answer 429 or 503 after the backend saved the create.
    client = new_client(fake_api, max_retries=3)
    fake_api.script = [response(status, {"detail": "slow down"}, {"Retry-After": "4"})]
    with pytest.raises(AmbiguousRequestError) as info:
        client.post(ENDPOINT, {})
    assert info.value.status == status and info.value.retry_after == 4 and info.value.attempts == 1
    assert "may or may not have been created" in info.value.message
    assert len(fake_api.calls) == 1


@pytest.mark.parametrize(
    "status, error_class, hint_word",
    [
        (400, BadRequestError, "data option"),
        (401, AuthenticationError, "ZEQUENZE_API_TOKEN"),
        (403, PermissionDeniedError, "organizations"),
        (404, NotFoundError, "api_url (https://api.example.test/api/v1)"),
        (422, UnprocessableError, "fields"),
        (409, ApiError, ""),
    ],
)
def test_error_statuses_map_to_typed_errors(fake_api, status, error_class, hint_word):
    client = new_client(fake_api)
    body = {"detail": "it went wrong", "errors": [{"field": "schedule.priority", "message": "must be low"}]}
    fake_api.script = [response(status, body)]
    with pytest.raises(error_class) as info:
        client.get(ENDPOINT)
    error = info.value
    assert error.__class__ is error_class
    result = error.to_result()
    assert result["status"] == status
    assert result["detail"] == "it went wrong"
    assert result["errors"] == [{"field": "schedule.priority", "message": "must be low"}]
    assert "schedule.priority: must be low" in result["msg"]
    assert hint_word in result["msg"]
    assert result["url"] == ENDPOINT_URL


def test_not_found_by_id_names_the_id(fake_api):
    client = new_client(fake_api)
    with pytest.raises(NotFoundError) as info:
        client.get(ENDPOINT, params={"id": "4242"})
    assert info.value.full_message().endswith("Check the operation id: it does not exist or the token may not see it (id 4242).")


def test_server_error_after_retries(fake_api):
    client = new_client(fake_api, max_retries=0)
    fake_api.script = [response(500, text="<html>internal</html>")]
    with pytest.raises(ServerError) as info:
        client.get(ENDPOINT)
    assert info.value.detail == "<html>internal</html>"
    assert "max_retries" in info.value.full_message()


def test_fastapi_style_validation_errors_are_read(fake_api):
    client = new_client(fake_api)
    fake_api.script = [response(422, {"detail": [{"loc": ["body", "schedule", "priority"], "msg": "bad"}]})]
    with pytest.raises(UnprocessableError) as info:
        client.post(ENDPOINT, {})
    assert info.value.errors == [{"field": "schedule.priority", "message": "bad"}]
    assert info.value.detail is None


@pytest.mark.parametrize("body", [["a list"], {"detail": {"nested": 1}}])
def test_odd_error_bodies_do_not_break(fake_api, body):
    client = new_client(fake_api)
    fake_api.script = [response(400, body)]
    with pytest.raises(BadRequestError) as info:
        client.get(ENDPOINT)
    assert info.value.errors == []


def test_success_without_json_is_an_error(fake_api):
    client = new_client(fake_api)
    fake_api.script = [response(200, text="<html>login page</html>")]
    with pytest.raises(ApiError) as info:
        client.get(ENDPOINT)
    assert "api_url" in info.value.full_message()


def test_empty_success_body_is_none(fake_api):
    client = new_client(fake_api)
    fake_api.script = [response(204)]
    assert client.get(ENDPOINT) is None


def test_token_is_scrubbed_from_every_error(fake_api):
    client = new_client(fake_api, max_retries=0)
    echo = "header Authorization: Bearer %s" % TOKEN
    fake_api.script = [requests.exceptions.ConnectionError(echo)]
    with pytest.raises(TransportError) as info:
        client.get(ENDPOINT)
    assert TOKEN not in str(info.value.to_result())
    fake_api.script = [response(401, {"detail": "unknown token " + TOKEN, "errors": [{"field": TOKEN, "message": TOKEN}]})]
    with pytest.raises(AuthenticationError) as info:
        client.get(ENDPOINT)
    assert TOKEN not in str(info.value.to_result())
    assert "********" in info.value.detail
    fake_api.script = [response(500, {"detail": "trace " + TOKEN})]
    with pytest.raises(AmbiguousRequestError) as info:
        client.post(ENDPOINT, {})
    assert TOKEN not in str(info.value.to_result())


def test_tls_failure_points_at_the_tls_options(fake_api):
    client = new_client(fake_api, max_retries=0)
    fake_api.script = [requests.exceptions.SSLError("certificate verify failed")]
    with pytest.raises(TransportError) as info:
        client.get(ENDPOINT)
    assert "validate_certs" in info.value.message and "ca_path" in info.value.message


def test_tls_failure_with_a_string_reason_is_reported(fake_api):
    import ssl

    ssl_error = ssl.SSLError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    ssl_error.reason = "CERTIFICATE_VERIFY_FAILED"
    client = new_client(fake_api, max_retries=0)
    fake_api.script = [requests.exceptions.SSLError(urllib3.exceptions.MaxRetryError(None, "/x", ssl_error))]
    with pytest.raises(TransportError) as info:
        client.get(ENDPOINT)
    assert "CERTIFICATE_VERIFY_FAILED" in info.value.message


@pytest.mark.parametrize("options, verify", [({}, True), ({"validate_certs": False}, False), ({"ca_path": __file__}, __file__)])
def test_tls_choice_is_passed_on_every_request(fake_api, options, verify):
    """requests would let REQUESTS_CA_BUNDLE override Session.verify; the client passes it each time."""
    client = new_client(fake_api, **options)
    fake_api.records = [make_record(1)]
    client.get(ENDPOINT)
    assert fake_api.session.request.call_args.kwargs["verify"] == verify


def test_request_was_not_sent_reads_the_exception_chain():
    assert request_was_not_sent(refused())
    assert request_was_not_sent(requests.exceptions.ConnectTimeout("x"))
    assert request_was_not_sent(requests.exceptions.ConnectionError(ConnectionRefusedError(111, "refused")))
    assert not request_was_not_sent(reset_after_sending())
    assert not request_was_not_sent(requests.exceptions.ReadTimeout("x"))
    wrapped = requests.exceptions.ConnectionError("outer")
    wrapped.__cause__ = socket.timeout("inner")
    assert not request_was_not_sent(wrapped)


def test_parse_retry_after():
    assert parse_retry_after(None) is None
    assert parse_retry_after(" 3 ") == 3.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("soon") is None
    when = email.utils.formatdate(1000.0 + 30, usegmt=True)
    assert parse_retry_after(when, now=1000.0) == 30.0
    assert parse_retry_after("Mon, 01 Jan 2001 00:00:00", now=1000.0) is None  # no zone


def test_pagination_follows_next_and_rebases_foreign_origins():
    api = FakeApi(next_base="http://internal-host:8000/api/v1")
    api.records = [make_record(i) for i in range(7)]
    client = new_client(api)
    ids = [r["id"] for r in client.iterate(ENDPOINT, params={"page_size": 3})]
    assert ids == [str(i) for i in range(7)]
    assert len(api.calls) == 3
    for call in api.calls[1:]:
        assert call["url"].startswith(ENDPOINT_URL + "?page=")
        assert call["params"] is None


def test_pagination_keeps_same_origin_and_relative_links(fake_api):
    client = new_client(fake_api)
    fake_api.script = [
        response(200, {"count": 3, "next": BASE + "/other/?page=2", "results": [make_record(1)]}),
        response(200, {"count": 3, "next": "/api/v1/other/?page=3", "results": [make_record(2)]}),
        response(200, {"count": 3, "next": None, "results": [make_record(3)]}),
    ]
    assert [r["id"] for r in client.iterate(ENDPOINT)] == ["1", "2", "3"]
    assert fake_api.calls[1]["url"] == BASE + "/other/?page=2"
    assert fake_api.calls[2]["url"] == "https://api.example.test/api/v1/other/?page=3"


def test_pagination_refuses_a_repeated_next(fake_api):
    client = new_client(fake_api)
    loop = BASE + "/inventory_device_serial_headless_operation/?page=2"
    fake_api.script = [response(200, {"next": loop, "results": [make_record(1)]}), response(200, {"next": loop, "results": [make_record(2)]})]
    with pytest.raises(PaginationError) as info:
        list(client.iterate(ENDPOINT))
    assert "repeats" in info.value.message


def test_pagination_refuses_a_body_that_is_not_a_page(fake_api):
    client = new_client(fake_api)
    fake_api.script = [response(200, {"id": "1"})]
    with pytest.raises(PaginationError):
        list(client.iterate(ENDPOINT))


def test_token_surrounding_whitespace_is_stripped(fake_api):
    new_client_with_token = Client(BASE, "  %s\n" % TOKEN, session=fake_api.session)
    assert bearer_header(fake_api.session) == "Bearer " + TOKEN
    assert new_client_with_token.scrub("x %s y" % TOKEN) == "x ******** y"


@pytest.mark.parametrize("token", ["qzx\nqzy", "qzx\x01qzy", "qzx\x7fqzy", "qzx\x85qzy", "qzx\u20acqzy", "qzx\U0001f600"])
def test_token_that_cannot_be_a_header_is_refused_without_quoting_it(fake_api, token):
    with pytest.raises(InputError) as info:
        Client(BASE, token, session=fake_api.session)
    message = info.value.full_message()
    assert "api_token" in message
    assert "qzx" not in message and "qzy" not in message
    assert fake_api.session.auth is None


def test_token_is_scrubbed_in_its_escaped_forms(fake_api):
    token = "tok\xe9\xa0n\\x"  # Latin-1, with characters repr() escapes
    client = Client(BASE, token, session=fake_api.session)
    header = "Bearer " + token
    for text in (repr(header), ascii(header), repr(header.encode("latin-1")), repr(header.encode("utf-8"))):
        scrubbed = client.scrub("Invalid header value: %s" % text)
        assert "********" in scrubbed
        assert "tok" not in scrubbed
    assert client.scrub("nothing to hide") == "nothing to hide"


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_post_does_not_follow_a_redirect(fake_api, status):
    client = new_client(fake_api)
    location = "https://api.example.test/api/v1/inventory_device_serial_headless_operation/?token=" + TOKEN
    fake_api.script = [response(status, text="", headers={"Location": location})]
    with pytest.raises(ApiError) as info:
        client.post(ENDPOINT, {"operation_type": "x"})
    assert info.value.status == status
    assert "redirect to https://api.example.test/api/v1/inventory_device_serial_headless_operation/" in info.value.message
    assert TOKEN not in str(info.value.to_result())
    assert "api_url" in info.value.full_message()
    assert fake_api.session.request.call_args.kwargs["allow_redirects"] is False
    assert len(fake_api.calls) == 1


def test_get_follows_redirects_and_a_final_3xx_is_an_error(fake_api):
    client = new_client(fake_api)
    fake_api.records = [make_record(1)]
    client.get(ENDPOINT)
    assert fake_api.session.request.call_args.kwargs["allow_redirects"] is True
    fake_api.script = [response(304, text="")]
    with pytest.raises(ApiError) as info:
        client.get(ENDPOINT)
    assert "no Location given" in info.value.message


def test_deadline_caps_timeouts_and_stops_retries():
    clock = FakeClock()
    api = FakeApi()
    client = Client(BASE, TOKEN, session=api.session, sleep=clock.sleep, jitter=lambda: 1.0, clock=clock.monotonic, max_retries=5)
    api.records = [make_record(1)]
    client.get(ENDPOINT, deadline=clock.now + 5)
    assert api.calls[-1]["timeout"] == (5.0, 5.0)
    client.get(ENDPOINT, deadline=clock.now - 5)  # the last attempt still gets a moment
    assert api.calls[-1]["timeout"] == (1.0, 1.0)
    client.get(ENDPOINT, deadline=clock.now + 100)
    assert api.calls[-1]["timeout"] == (10.0, 30.0)
    api.script = [response(500, {}), response(500, {}), response(500, {})]
    with pytest.raises(ServerError) as info:
        client.get(ENDPOINT, deadline=clock.now + 1.2)
    assert clock.sleeps == [0.5]  # the next backoff (1.0) would end past the deadline
    assert "after 2 attempts (no time left before the deadline" in info.value.message


def test_pagination_refuses_a_next_back_to_the_first_page(fake_api):
    client = new_client(fake_api)
    fake_api.script = [response(200, {"next": ENDPOINT_URL + "?page_size=2", "results": [make_record(1)]})]
    with pytest.raises(PaginationError) as info:
        list(client.iterate(ENDPOINT, params={"page_size": 2}))
    assert "repeats" in info.value.message
    assert len(fake_api.calls) == 1


def test_pagination_refuses_a_next_on_an_empty_page(fake_api):
    client = new_client(fake_api)
    counter = iter(range(2, 1000))

    def empty_page(*_args):
        return response(200, {"next": ENDPOINT_URL + "?page=%d" % next(counter), "results": []})

    fake_api.script = [empty_page] * 5
    with pytest.raises(PaginationError) as info:
        list(client.iterate(ENDPOINT))
    assert "empty page" in info.value.message
    assert len(fake_api.calls) == 1


def test_pagination_refuses_a_next_that_is_not_text(fake_api):
    client = new_client(fake_api)
    fake_api.script = [response(200, {"next": {"page": 2}, "results": [make_record(1)]})]
    with pytest.raises(PaginationError):
        list(client.iterate(ENDPOINT))


def test_pagination_resolves_a_query_only_next_against_the_endpoint(fake_api):
    client = new_client(fake_api)
    fake_api.script = [response(200, {"next": "?page=2", "results": [make_record(1)]}), response(200, {"next": None, "results": [make_record(2)]})]
    assert [r["id"] for r in client.iterate(ENDPOINT)] == ["1", "2"]
    assert fake_api.calls[1]["url"] == ENDPOINT_URL + "?page=2"


@pytest.mark.parametrize("result", [None, "x", 3])
def test_pagination_refuses_results_that_are_not_records(fake_api, result):
    client = new_client(fake_api)
    fake_api.script = [response(200, {"next": None, "results": [make_record(1), result]})]
    with pytest.raises(PaginationError) as info:
        list(client.iterate(ENDPOINT))
    assert "not an operation record" in info.value.message


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "failure, words",
    [
        (requests.exceptions.SSLError("certificate verify failed"), "validate_certs and ca_path"),
        (requests.exceptions.InvalidHeader("Invalid return character in header value"), "check api_token"),
        (requests.exceptions.MissingSchema("Invalid URL 'x': No scheme supplied"), "check api_url"),
        (requests.exceptions.InvalidURL("Failed to parse: http://[::1"), "check api_url"),
        (requests.exceptions.TooManyRedirects("Exceeded 30 redirects"), "30 redirects"),
    ],
)
def test_permanent_transport_failures_fail_at_once(fake_api, method, failure, words):
    clock = FakeClock()
    client = new_client(fake_api, clock, max_retries=5)
    fake_api.script = [failure]
    with pytest.raises(TransportError) as info:
        client.request(method, ENDPOINT, json_body={} if method == "POST" else None)
    assert not isinstance(info.value, AmbiguousRequestError)
    assert words in info.value.message and "after 1 attempt(s)" in info.value.message
    assert clock.sleeps == [] and len(fake_api.calls) == 1


def test_a_dropped_answer_is_retried_for_a_get(fake_api):
    clock = FakeClock()
    client = new_client(fake_api, clock)
    fake_api.records = [make_record(1)]
    fake_api.script = [requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead")]
    assert client.get(ENDPOINT)["results"][0]["id"] == "1"
    assert len(fake_api.calls) == 2
