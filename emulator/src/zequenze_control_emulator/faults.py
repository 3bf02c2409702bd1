"""ASGI middleware injecting the faults of a FaultProfile into API requests, with seeded randomness."""

from __future__ import annotations

import asyncio
import json
import logging
import random

from .settings import FaultProfile

API_PREFIX = "/api/"
logger = logging.getLogger("uvicorn.error")


class ConnectionDropped(Exception):
    """Raised after response headers were sent: the server closes the connection mid-answer."""


class QuietDroppedConnections(logging.Filter):
    """uvicorn logs a traceback for an app exception; a deliberate drop deserves one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], ConnectionDropped):
            record.msg, record.args = "fault injected: %s", (record.exc_info[1],)
            record.exc_info = None
        return True


class FaultInjector:
    def __init__(self, app, profile: FaultProfile, seed: int):
        self.app = app
        self.profile = profile
        self.rng = random.Random(f"faults:{profile.seed if profile.seed is not None else seed}")
        self.burst_status = 0
        self.burst_left = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        profile, rng = self.profile, self.rng
        if profile.latency_rate and rng.random() < profile.latency_rate:
            await asyncio.sleep(rng.uniform(profile.latency_min_ms, profile.latency_max_ms) / 1000)
        status = self._pick_error()
        if status:
            await _answer_fault(send, status, profile.retry_after_seconds)
            return
        if scope["method"] == "POST" and profile.drop_after_create and rng.random() < profile.drop_after_create:
            await self._drop_after_create(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _pick_error(self) -> int:
        if self.burst_left:
            self.burst_left -= 1
            return self.burst_status
        profile, roll = self.profile, self.rng.random()
        if roll < profile.rate_limit_429:
            return 429
        roll -= profile.rate_limit_429
        for status, rate in ((500, profile.error_500), (503, profile.error_503)):
            if roll < rate:
                self.burst_status = status
                self.burst_left = self.rng.randint(profile.burst_min, profile.burst_max) - 1
                return status
            roll -= rate
        return 0

    async def _drop_after_create(self, scope, receive, send):
        """Let the create commit, then drop the connection instead of answering."""
        messages = []

        async def hold(message):
            messages.append(message)

        await self.app(scope, receive, hold)
        if not messages or messages[0].get("status") != 201:
            for message in messages:
                await send(message)
            return
        # uvicorn's send is a method of the request cycle, which holds the transport:
        # aborting it resets the connection before a single byte of the answer.
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if transport is not None:
            transport.abort()
            logger.info("fault injected: connection dropped after a committed create (no answer sent)")
            await asyncio.sleep(0)  # let the server see the connection is gone
            return
        await send(messages[0])
        raise ConnectionDropped("connection dropped after a committed create (201 headers sent, no body)")


async def _answer_fault(send, status: int, retry_after: int) -> None:
    detail = {429: "too many requests (simulated fault)", 500: "internal server error (simulated fault)",
              503: "service unavailable (simulated fault)"}[status]
    body = json.dumps({"detail": detail, "errors": []}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status in (429, 503):
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
