"""A loopback HTTP server that records the Authorization header of every request and answers as told."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import http.server
import json
import threading


class RecordingServer:
    """A loopback HTTP server answering with `answer(path, headers)` -> (status, headers, body).

    body is text, or an iterable of bytes to stream. Records (path, Authorization) per request.
    """

    def __init__(self, host="127.0.0.1"):
        self.host = host
        self.seen = []
        self.answer = lambda path, headers: (200, {"Content-Type": "application/json"}, json.dumps({"count": 0, "next": None, "previous": None, "results": []}))
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                owner.seen.append((self.path, self.headers.get("Authorization")))
                status, headers, body = owner.answer(self.path, self.headers)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if isinstance(body, str):
                    data = body.encode()
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                # An iterable of bytes: streamed until it ends or the client hangs up (HTTP/1.0, no length).
                self.end_headers()
                try:
                    for chunk in body:
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_POST = do_GET

            def log_message(self, *_args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}/api/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()

    def authorizations(self) -> set:
        return {auth for _path, auth in self.seen}
