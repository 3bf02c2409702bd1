"""A `next` link to a foreign origin never receives the token.

A reverse proxy on loopback forwards to a real emulator and rewrites every page link onto a
capture server's origin (another loopback address and port), as a misconfigured proxy would.
The capture server records whatever reaches it. The client must re-base the links onto
api_url, as docs/connection.md says: every operation is listed, and the capture server sees no
token, indeed no request at all.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from tests.support.reliability import EmulatorProcess, distinctive_token, run_adhoc, write_tokens

TOKEN = distinctive_token()
CAPTURE_HOST = "127.0.0.2"  # another loopback address: a different origin even on the same port
OPERATIONS = 7
PAGE_SIZE = 2


class Server:
    """A ThreadingHTTPServer on a loopback address in a daemon thread."""

    def __init__(self, host, handler):
        self.httpd = ThreadingHTTPServer((host, 0), handler)  # a free port
        self.origin = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def capture_handler(seen: list):
    class Capture(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server naming)
            seen.append({"path": self.path, "headers": dict(self.headers)})
            body = json.dumps({"count": 0, "next": None, "previous": None, "results": []}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    return Capture


def proxy_handler(upstream: str, foreign_origin: str, pages: list):
    session = requests.Session()

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            answer = session.get(upstream + self.path, headers={"Authorization": self.headers.get("Authorization", "")}, timeout=30)
            body = answer.content
            if answer.status_code == 200 and answer.headers.get("content-type", "").startswith("application/json"):
                page = answer.json()
                for key in ("next", "previous"):
                    if page.get(key):
                        parts = urlsplit(page[key])
                        page[key] = urlunsplit(("http", urlsplit(foreign_origin).netloc, parts.path, parts.query, ""))
                pages.append(page.get("next"))
                body = json.dumps(page).encode()
            self.send_response(answer.status_code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Proxy


@pytest.fixture
def servers(tmp_path):
    tokens = write_tokens(tmp_path / "tokens.yml", {TOKEN: "*"})
    seen, pages = [], []
    with EmulatorProcess(tokens=tokens, token=TOKEN) as emulator:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {TOKEN}"
        for i in range(OPERATIONS):
            answer = session.post(
                emulator.operations_url,
                timeout=10,
                json={"operation_type": "inventory_audit", "target_organizations": [101 + i], "schedule": {"execute_at": "2031-01-01T02:00:00Z"}},
            )
            assert answer.status_code == 201, answer.text
        capture = Server(CAPTURE_HOST, capture_handler(seen))
        proxy = Server("127.0.0.1", proxy_handler(emulator.base_url, capture.origin, pages))
        try:
            yield emulator, proxy, capture, seen, pages
        finally:
            proxy.close()
            capture.close()


def test_token_never_sent_to_a_foreign_next_link(servers, figure):
    emulator, proxy, capture, seen, pages = servers
    api_env = dict(emulator.environment(), ZEQUENZE_API_URL=proxy.origin + "/api/v1")
    run = run_adhoc("zequenze.control.headless_operation_info", {"page_size": PAGE_SIZE}, api_env)

    foreign = [p for p in pages if p]
    leaked = [r for r in seen if TOKEN in json.dumps(r)]
    figure("pages served with a foreign next link", len(foreign))
    figure("requests reaching the capture server", len(seen))
    figure("of them carrying the token", len(leaked))

    assert run.rc == 0, run.describe()
    assert len(foreign) == -(-OPERATIONS // PAGE_SIZE) - 1, pages  # every page but the last pointed away
    assert all(p.startswith(capture.origin) for p in foreign)
    assert f'"count": {OPERATIONS}' in run.stdout, run.describe()  # re-based: every page was read from api_url
    assert not leaked, leaked
    assert not seen, seen
