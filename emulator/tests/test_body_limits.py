"""Oversized and hostile create bodies: refused before they are read, validated in linear time, small answers."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
import socket

from tests.support.api import operation_body

LIMIT = 1 << 20


def raw_post(emulator, head: bytes, body_chunks, read_limit=1 << 16) -> bytes:
    """Send a POST by hand (declared length or chunked), stop at the first refusal; the answer's bytes."""
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=10) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: what a refusal looks like
        answer = b""
        while len(answer) < read_limit:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
            if b"\r\n\r\n" in answer and answer.endswith(b"}"):
                break
        return answer


def head(emulator, extra: str) -> bytes:
    return (
        f"POST /api/v1/inventory_device_serial_headless_operation/ HTTP/1.1\r\nHost: 127.0.0.1:{emulator.port}\r\n"
        f"Authorization: Bearer demo-token\r\nContent-Type: application/json\r\n{extra}\r\n"
    ).encode()


def test_a_declared_oversized_body_is_refused_before_it_is_sent(emulator):
    answer = raw_post(emulator, head(emulator, f"Content-Length: {400 * LIMIT}\r\n"), [])
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"expected at most 1048576 bytes" in answer


def test_a_streamed_oversized_body_is_refused_once_it_passes_the_limit(emulator):
    chunk = b"[" + b"1," * 32767 + b"1]"
    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    answer = raw_post(emulator, head(emulator, "Transfer-Encoding: chunked\r\n"), [framed] * 40 + [b"0\r\n\r\n"])
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_body_at_the_limit_is_still_read(api):
    body = json.dumps(operation_body()).encode()
    padded = body[:-1] + b" " * (LIMIT - len(body)) + b"}"
    answer = api.post(data=padded, headers={"Content-Type": "application/json"})
    assert answer.status_code == 201, answer.text


def test_many_organizations_are_refused_naming_the_limit(api):
    answer = api.post(operation_body(target_organizations=[101] * 60000))
    assert answer.status_code == 422
    assert "at most 10000 organization ids" in answer.text
    answer = api.post(operation_body(target_organizations=[101, 102] * 4000))
    assert answer.status_code == 201
    assert answer.json()["operation_config"]["organizations"] == [101, 102]


def test_an_error_answer_stays_small_for_a_body_full_of_errors(api):
    answer = api.post(operation_body(target_organizations=["x" * 50] * 9000, device_filters={"types": ["toaster"] * 9000}))
    assert answer.status_code == 422
    assert len(answer.content) < 10000, len(answer.content)
    body = answer.json()
    assert len(body["errors"]) == 21 and "more errors" in body["errors"][-1]["message"]
    assert "more" in body["detail"]
