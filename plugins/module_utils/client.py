# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The only code of the collection that speaks HTTP.

A keep-alive session with bearer auth, timeouts, TLS settings and proxies from the
environment (api_session); retries with capped exponential backoff and full jitter
(retry_policy); error mapping to typed errors (error_mapping); pagination that never
lets the token leave api_url's origin (pagination). This file runs one request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import random
import time

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    from urlparse import urlsplit  # type: ignore[no-redef]

from ansible_collections.zequenze.control.plugins.module_utils.api_session import (
    TRANSPORT_ERRORS,
    configure_session,
    is_transient,
    new_session,
    read_body,
    request_was_not_sent,
)
from ansible_collections.zequenze.control.plugins.module_utils.connection_options import (
    checked_api_url,
    checked_ca_file,
    checked_timeout,
    checked_token,
    plain_http_warning,
)
from ansible_collections.zequenze.control.plugins.module_utils.error_mapping import (
    ambiguous_status_error,
    decoded,
    redirect_error,
    status_error,
    transport_error,
)
from ansible_collections.zequenze.control.plugins.module_utils.pagination import MAX_LISTING_SECONDS, listing_pages
from ansible_collections.zequenze.control.plugins.module_utils.retry_policy import (
    backoff_delay,
    is_busy,
    is_idempotent,
    parse_retry_after,
    request_timeouts,
    timeouts_within,
)
from ansible_collections.zequenze.control.plugins.module_utils.secret_mask import SecretMask


class Client:
    """HTTP access to one Zequenze Control API base URL with one token."""

    def __init__(self, api_url, api_token, validate_certs=True, ca_path=None, timeout=30, max_retries=5, session=None, sleep=None, jitter=None, clock=None):
        self.api_url = checked_api_url(api_url)
        self._token = checked_token(api_token)
        self._mask = SecretMask(self._token)
        checked_ca_file(validate_certs, ca_path, urlsplit(self.api_url).scheme.lower() == "https")
        self.timeout = request_timeouts(checked_timeout(timeout))
        self.max_retries = max(0, int(max_retries))
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._jitter = jitter or random.random
        self.session = configure_session(session if session is not None else new_session(), self._token, (ca_path or True) if validate_certs else False)

    @property
    def plain_http_warning(self):
        """A warning when the token would cross a network unencrypted, else None."""
        return plain_http_warning(self.api_url)

    def scrub(self, text):
        """The text with the token masked (exception texts can echo headers)."""
        return self._mask(text)

    def cache_key(self):
        """A digest of the API URL and the token, naming this connection's caches (never the token)."""
        return hashlib.sha256(("zequenze.control\0%s\0%s" % (self.api_url, self._token)).encode("utf-8")).hexdigest()

    def url_for(self, path):
        return "%s/%s" % (self.api_url, path.lstrip("/"))

    # -- requests --------------------------------------------------------
    def backoff(self, attempt, retry_after=None):
        """Full jitter over a capped exponential; Retry-After is a floor."""
        return backoff_delay(attempt, self._jitter(), retry_after)

    def _timeout_before(self, deadline):
        """(connect, read) timeouts for one attempt: the configured ones, capped at the time left."""
        if deadline is None:
            return self.timeout
        return timeouts_within(self.timeout, deadline - self._clock())

    def _may_retry(self, attempt, delay, deadline, retries):
        """Whether another attempt after sleeping delay stays within retries and the deadline."""
        if attempt >= retries:
            return False
        return deadline is None or self._clock() + delay < deadline

    def _send(self, method, url, params, json_body, timeout):
        # Per request: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override Session.verify,
        # which would silently undo validate_certs: false and ca_path.
        # requests follows a 301/302 answer to a POST with a GET: the list would come back
        # as the "created" record. Only reads follow redirects.
        # stream: the body is read in chunks, up to a cap (see api_session.read_body).
        return self.session.request(
            method, url, params=params, json=json_body, timeout=timeout, verify=self.session.verify, stream=True, allow_redirects=is_idempotent(method)
        )

    def request(self, method, path_or_url, params=None, json_body=None, deadline=None, max_retries=None):
        """Send one request with retries; return the decoded JSON body.

        GET is retried on transport errors, 429 and 5xx. POST is retried only
        when the server certainly did not process it; otherwise an
        AmbiguousRequestError tells the caller to look before trying again.
        deadline (on the clock's monotonic scale): no sleep or retry reaches past
        it, and each attempt's read timeout is capped at the time left.
        max_retries: this request's share of the retries, when not the client's own.
        Errors carry the number of attempts made as ``attempts``.
        """
        retries = self.max_retries if max_retries is None else max(0, int(max_retries))
        url = path_or_url if "://" in path_or_url else self.url_for(path_or_url)
        idempotent = is_idempotent(method)
        attempt = 0
        while True:
            try:
                response = self._send(method, url, params, json_body, self._timeout_before(deadline))
            except TRANSPORT_ERRORS as exc:
                if not is_transient(exc):
                    # Nothing was processed, and trying again would fail the same way.
                    raise transport_error(method, url, exc, self.scrub, ambiguous=False, attempts=attempt + 1)
                not_sent = request_was_not_sent(exc)
                delay = self.backoff(attempt)
                if (idempotent or not_sent) and self._may_retry(attempt, delay, deadline, retries):
                    self._sleep(delay)
                    attempt += 1
                    continue
                raise transport_error(
                    method,
                    url,
                    exc,
                    self.scrub,
                    ambiguous=not (idempotent or not_sent),
                    attempts=attempt + 1,
                    cut_short=(idempotent or not_sent) and attempt < retries,
                )
            status = response.status_code
            try:
                body = read_body(response, method, url)
            except TRANSPORT_ERRORS as exc:
                # The answer broke off: as a transport failure, but the request certainly arrived.
                raise transport_error(method, url, exc, self.scrub, ambiguous=not idempotent, attempts=attempt + 1)
            if 300 <= status < 400:
                raise redirect_error(method, url, response, self.scrub)
            if status < 400:
                return decoded(body, status, method, url)
            busy = is_busy(status)
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if busy and not idempotent:
                # A proxy may answer 429, 503 or 500 after the backend saved the create: the caller
                # looks before sending it again.
                raise ambiguous_status_error(method, url, status, body, self.scrub, attempt + 1, retry_after)
            delay = self.backoff(attempt, retry_after)
            if busy and self._may_retry(attempt, delay, deadline, retries):
                self._sleep(delay)
                attempt += 1
                continue
            raise status_error(method, url, status, body, self.scrub, self.api_url, attempt + 1, params, cut_short=busy and attempt < retries, transient=busy)

    def get(self, path, params=None, deadline=None):
        return self.request("GET", path, params=params, deadline=deadline)

    def post(self, path, body, max_retries=None):
        return self.request("POST", path, json_body=body, max_retries=max_retries)

    def iterate(self, path, params=None, max_seconds=MAX_LISTING_SECONDS):
        """Yield the results of every page (see pages)."""
        for page in self.pages(path, params, max_seconds):
            yield from page["results"]

    def pages(self, path, params=None, max_seconds=MAX_LISTING_SECONDS):
        """Yield every page envelope, following next links safely (see pagination.listing_pages)."""
        return listing_pages(self, self._clock, path, params, max_seconds)

    def close(self):
        self.session.close()


def client_for(options, **extra):
    """A Client from connection options named as the modules and the event source name them."""
    names = ("validate_certs", "ca_path", "timeout", "max_retries")
    return Client(options["api_url"], options["api_token"], **dict(((name, options[name]) for name in names), **extra))
