"""ASGI middleware injecting the faults of a FaultProfile into API requests, with seeded randomness."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from urllib.parse import parse_qs

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
        self.saved_at = {}  # operation id -> when it was saved (time.monotonic), for listing_lag_seconds

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
        if scope["method"] == "POST":
            await self._post(scope, receive, send)
            return
        if profile.listing_lag_seconds and "id" not in parse_qs(scope.get("query_string", b"").decode("latin-1")):
            await self._lagging_listing(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _post(self, scope, receive, send):
        profile, rng = self.profile, self.rng
        if profile.drop_after_create and rng.random() < profile.drop_after_create:
            await self._drop_after_create(scope, receive, send)
            return
        after_save = self._pick_after_save()
        if after_save == "reset":
            await self._drop_after_create(scope, receive, send)
            return
        if profile.late_save_rate and rng.random() < profile.late_save_rate:
            # The answer (and the save) come after the client's timeout: the record appears later.
            # The body is read first: a client that gave up must not undo the save.
            receive = await _buffered(receive)
            await asyncio.sleep(profile.late_save_ms / 1000)
            logger.info("fault injected: create held %d ms before being saved", profile.late_save_ms)
        messages = await self._held(scope, receive)
        if messages and messages[0].get("status") == 201:
            self._saved(messages)
            if after_save:
                logger.info("fault injected: create saved, then answered %d", after_save)
                await _answer_fault(send, after_save, profile.retry_after_seconds)
                return
        for message in messages:
            await send(message)

    def _pick_after_save(self):
        """What answers a saved POST instead of its 201: a status, "reset", or None."""
        profile = self.profile
        outcomes = ((503, profile.save_then_503), (429, profile.save_then_429), (500, profile.save_then_500), ("reset", profile.save_then_reset))
        if not any(rate for _outcome, rate in outcomes):
            return None  # no roll: seeded profiles without these faults keep their sequence
        roll = self.rng.random()
        for outcome, rate in outcomes:
            if roll < rate:
                return outcome
            roll -= rate
        return None

    async def _held(self, scope, receive) -> list:
        """The app's answer, held instead of sent."""
        messages = []

        async def hold(message):
            messages.append(message)

        await self.app(scope, receive, hold)
        return messages

    def _saved(self, messages) -> None:
        """Note when a created operation was saved (listings lag behind that moment)."""
        if not self.profile.listing_lag_seconds:
            return
        try:
            record = json.loads(b"".join(m.get("body", b"") for m in messages[1:]))
        except ValueError:
            return
        self.saved_at[str(record.get("id"))] = time.monotonic()

    async def _lagging_listing(self, scope, receive, send):
        """A listing without the operations saved less than listing_lag_seconds ago."""
        messages = await self._held(scope, receive)
        cutoff = time.monotonic() - self.profile.listing_lag_seconds
        self.saved_at = {k: v for k, v in self.saved_at.items() if v > cutoff}
        if not messages or messages[0].get("status") != 200 or not self.saved_at:
            for message in messages:
                await send(message)
            return
        page = json.loads(b"".join(m.get("body", b"") for m in messages[1:]))
        results = page.get("results") or []
        page["results"] = [r for r in results if str(r.get("id")) not in self.saved_at]
        page["count"] = max(0, page.get("count", 0) - len(self.saved_at))
        body = json.dumps(page, separators=(",", ":")).encode()
        headers = [(k, v) for k, v in messages[0].get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

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
        messages = await self._held(scope, receive)
        if messages and messages[0].get("status") == 201:
            self._saved(messages)
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


async def _buffered(receive):
    """A receive that replays the request body read now, whatever the client does meanwhile."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)

    async def replay():
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _answer_fault(send, status: int, retry_after: int) -> None:
    detail = {429: "too many requests (simulated fault)", 500: "internal server error (simulated fault)", 503: "service unavailable (simulated fault)"}[status]
    body = json.dumps({"detail": detail, "errors": []}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status in (429, 503):
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
