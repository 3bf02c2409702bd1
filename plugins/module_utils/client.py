# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The only code of the collection that speaks HTTP.

A keep-alive requests.Session with bearer auth, timeouts, TLS settings and
proxies from the environment; retries with capped exponential backoff and full
jitter; error mapping to typed errors; pagination that never lets the token
leave api_url's origin.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import hashlib
import ipaddress
import json
import os
import random
import time
import traceback

try:
    from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    from urllib import urlencode  # type: ignore[no-redef,attr-defined]
    from urlparse import urljoin, urlsplit, urlunsplit  # type: ignore[no-redef]

try:
    import requests
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
except ImportError:  # pragma: no cover - exercised by the sanity import test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

    class ApiSession(requests.Session):
        """A Session whose redirects never pick up credentials of their own.

        requests' rebuild_auth adds the ~/.netrc entry of a redirect's host: Basic auth
        for a host the token was never meant for. Only our Authorization header is
        carried, and it is dropped when the redirect leaves the host (or HTTPS).
        """

        def rebuild_auth(self, prepared_request, response):
            headers = prepared_request.headers
            if "Authorization" in headers and self.should_strip_auth(response.request.url, prepared_request.url):
                del headers["Authorization"]

from ansible_collections.zequenze.control.plugins.module_utils.errors import (
    AmbiguousRequestError,
    ApiError,
    InputError,
    PaginationError,
    TransportError,
    error_class_for_status,
)

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "zequenze.control/%s" % COLLECTION_VERSION
DEFAULT_API_URL = "https://control.zequenze.com/api/v1"

# Connecting is quick or hopeless; reading may wait for a slow API.
MAX_CONNECT_TIMEOUT = 10.0
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
MAX_RETRY_AFTER = 120.0
# With a deadline, the last attempt still gets this long to answer (or the timeout, if shorter).
MIN_ATTEMPT_TIMEOUT = 1.0
DEADLINE_NOTE = " (no time left before the deadline for another attempt)"
SECRET_MASK = "********"

# Bounds on what a server can make us read: one answer's body, a listing's pages and time.
MAX_BODY_BYTES = 16 * 1024 * 1024
BODY_CHUNK_BYTES = 64 * 1024
# Pages beyond what count / page size call for (records created while we read shift pages).
EXTRA_PAGES = 10
# Without a usable count, no listing this collection makes needs more pages than this.
MAX_PAGES = 10000
MAX_LISTING_SECONDS = 900.0
# Server text (an error page, a link) kept in a message, after the token is masked.
MAX_SERVER_TEXT = 500
MAX_FIELD_ERRORS = 20
MAX_HOST_LABEL = 63
MAX_HOST_NAME = 253

# Answers that may pass on their own, besides any 5xx: a GET is retried on them.
BUSY_STATUSES = frozenset((429,))
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))
# Seconds per request: a request cannot be answered in no time, and beyond a day
# a timeout only hides a hang (and overflows the deadline arithmetic).
MIN_TIMEOUT = 0.1
MAX_TIMEOUT = 86400.0


def _checked_token(api_token):
    """The token without surrounding whitespace; refuses what cannot go in an HTTP header.

    requests raises InvalidHeader (quoting the header, escaped) on a control
    character and UnicodeEncodeError beyond Latin-1: both would show the token.
    """
    token = (api_token or "").strip()
    if not token:
        raise InputError("api_token is empty; set the api_token option or the ZEQUENZE_API_TOKEN "
                         "environment variable to the API token")
    for char in token:
        code = ord(char)
        if code < 0x20 or 0x7f <= code <= 0x9f or code > 0xff:
            raise InputError(
                "api_token contains a control character or a character outside Latin-1, "
                "which cannot be sent in an HTTP header; check the api_token option or the "
                "ZEQUENZE_API_TOKEN environment variable")
    return token


def _checked_api_url(api_url):
    """api_url without a trailing slash; refuses what cannot be the API's address.

    A refused URL is only repeated when it carries no user information, which
    requests would send as Basic auth (and messages would show).
    """
    if api_url is None:
        return DEFAULT_API_URL
    url = ("%s" % api_url).strip().rstrip("/")
    if not url:
        raise InputError("api_url is empty; set it (or ZEQUENZE_API_URL) to the API's address, such as %s, "
                         "or leave it unset for that default" % DEFAULT_API_URL)
    shown = "" if "@" in url else " (got %r)" % url
    expected = "api_url must be an http:// or https:// URL such as %s" % DEFAULT_API_URL
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # e.g. "Invalid IPv6 URL" for http://[::1, a port out of range
        raise InputError("%s; it is not a valid URL (%s)%s" % (expected, exc if shown else "unreadable", shown))
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InputError("%s%s" % (expected, shown))
    if "@" in parts.netloc:
        raise InputError("api_url must not carry a user name or password (user:password@host): the API token "
                         "is the only credential sent; give it as api_token and remove it from api_url")
    host = parts.hostname or ""
    labels = host.rstrip(".").split(".")
    if not host or (not host.startswith("[") and ":" not in host and (
            len(host) > MAX_HOST_NAME or any(not 0 < len(label) <= MAX_HOST_LABEL for label in labels))):
        raise InputError("%s; its host name must be at most %d characters, in dot-separated parts of 1 to %d "
                         "characters%s" % (expected, MAX_HOST_NAME, MAX_HOST_LABEL, shown))
    del port  # read only to refuse an invalid one
    return url


def is_loopback_host(host):
    """Whether host names this machine (traffic to it never crosses a network)."""
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _checked_ca_file(validate_certs, ca_path, https):
    """Refuses a CA bundle that does not exist, before requests raises OSError mid-request."""
    if not (validate_certs and https):
        return
    if ca_path:
        if not os.path.exists(ca_path):
            raise InputError("ca_path %s does not exist; give the CA bundle file (or directory) that signs "
                             "the API's certificate, or leave ca_path unset for the system trust store" % ca_path)
        return
    # Without ca_path, requests reads these (Client._send passes verify=True).
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        value = os.environ.get(name)
        if value:
            if not os.path.exists(value):
                raise InputError("The %s environment variable names %s, which does not exist; fix or unset it, "
                                 "or give ca_path" % (name, value))
            return


def _checked_timeout(timeout):
    value = float(timeout)
    if not MIN_TIMEOUT <= value <= MAX_TIMEOUT:  # also refuses NaN
        raise InputError("timeout must be a number of seconds from %s to %s, got %s" % (
            MIN_TIMEOUT, MAX_TIMEOUT, timeout))
    return value


def _lenient_int(text):
    """An integer from JSON, or its text when Python refuses to convert that many digits."""
    try:
        return int(text)
    except ValueError:
        return text


class BearerAuth:
    """The token as the request's only credential.

    As the session's auth, it also keeps requests from using ~/.netrc
    credentials instead (which it does for a request without auth), while
    proxies still come from the environment.
    """

    def __init__(self, token):
        self._token = token

    def __call__(self, request):
        request.headers["Authorization"] = "Bearer %s" % self._token
        return request

    def __repr__(self):
        return "BearerAuth(%s)" % SECRET_MASK


def _secret_forms(secret):
    """The ways an exception text may spell a secret: as is, escaped (repr), as bytes."""
    if not secret:
        return []
    # The token is Latin-1 (see _checked_token), the encoding requests sends headers in.
    forms = set([secret, repr(secret)[1:-1], ascii(secret)[1:-1], repr(secret.encode("latin-1"))[2:-1],
                 repr(secret.encode("utf-8"))[2:-1]])
    # Longest first, so a form never leaves part of a longer one behind.
    return sorted((f for f in forms if f), key=len, reverse=True)


def _exception_chain(exc):
    """The exception and what it wraps (requests/urllib3 nest them in args)."""
    seen = []
    todo = [exc]
    while todo:
        current = todo.pop()
        # ssl.SSLError.reason is a string such as CERTIFICATE_VERIFY_FAILED: only exceptions nest.
        if not isinstance(current, BaseException) or any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend([getattr(current, "reason", None), current.__cause__, current.__context__])
        todo.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
    return seen


def request_was_not_sent(exc):
    """True when a transport failure happened before any byte reached the server."""
    for item in _exception_chain(exc):
        if isinstance(item, (NewConnectionError, ConnectTimeoutError, ConnectionRefusedError)):
            return True
        if isinstance(item, requests.exceptions.ConnectTimeout):
            return True
    return False


def is_transient(exc):
    """Whether a transport failure may pass on its own: a dropped or refused connection, a timeout.

    TLS failures, malformed URLs or headers and redirect loops fail the same way each time.
    """
    if isinstance(exc, requests.exceptions.SSLError):
        return False
    return isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                            requests.exceptions.ChunkedEncodingError))


def _transport_hint(exc):
    if isinstance(exc, requests.exceptions.SSLError):
        return " (check validate_certs and ca_path)"
    if isinstance(exc, (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
                        requests.exceptions.InvalidURL, requests.exceptions.URLRequired)):
        return " (check api_url: it must be an http:// or https:// URL)"
    if isinstance(exc, requests.exceptions.InvalidHeader):
        return " (check api_token)"
    return ""


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _error_body(body, scrub):
    """(detail, errors) from an error answer's bytes, tolerating any body; server text masked, then cut."""
    try:
        decoded = json.loads(body, parse_int=_lenient_int) if body else None
    except (ValueError, RecursionError):
        text = scrub(body.decode("utf-8", "replace")).strip()
        return (_cut(text) or None), []
    if not isinstance(decoded, dict):
        return None, []
    detail = decoded.get("detail")
    errors = decoded.get("errors")
    if isinstance(detail, list):
        # FastAPI-style validation lists: [{"loc": [...], "msg": "..."}]
        errors = (errors if isinstance(errors, list) else []) + detail
        detail = None
    fields = []
    for item in (errors if isinstance(errors, list) else [])[:MAX_FIELD_ERRORS]:
        if isinstance(item, dict):
            field = item.get("field")
            if field is None and isinstance(item.get("loc"), list):
                field = ".".join(str(p) for p in item["loc"] if p != "body")
            fields.append({"field": _cut(scrub(field)),
                           "message": _cut(scrub(item.get("message", item.get("msg", ""))))})
    if detail is not None:
        detail = _cut(scrub(detail))
    return detail, fields


def _cut(text, limit=MAX_SERVER_TEXT):
    """Server text short enough for a message (mask secrets before cutting, never after)."""
    return text if len(text) <= limit else text[:limit] + "... (%d characters cut)" % (len(text) - limit)


def _page_limit(count, page_size):
    """Pages a listing may take: what count records in pages of page_size need, plus slack."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0 or page_size < 1:
        return MAX_PAGES
    return min(MAX_PAGES, -(-count // page_size) + EXTRA_PAGES)


class Client:
    """HTTP access to one Zequenze Control API base URL with one token."""

    def __init__(self, api_url, api_token, validate_certs=True, ca_path=None, timeout=30,
                 max_retries=5, session=None, sleep=None, jitter=None, clock=None):
        self.api_url = _checked_api_url(api_url)
        parts = urlsplit(self.api_url)
        self._origin = parts[:2]
        self._token = _checked_token(api_token)
        self._secret_forms = _secret_forms(self._token)
        _checked_ca_file(validate_certs, ca_path, parts.scheme.lower() == "https")
        timeout = _checked_timeout(timeout)
        self.timeout = (min(timeout, MAX_CONNECT_TIMEOUT), timeout)
        self.max_retries = max(0, int(max_retries))
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._jitter = jitter or random.random
        self.session = session if session is not None else ApiSession()
        self.session.auth = BearerAuth(self._token)
        self.session.headers.update({
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        })
        self.session.verify = (ca_path or True) if validate_certs else False

    @property
    def plain_http_warning(self):
        """A warning when the token would cross a network unencrypted, else None."""
        parts = urlsplit(self.api_url)
        if parts.scheme.lower() != "http" or is_loopback_host(parts.hostname):
            return None
        return ("api_url uses plain http:// to %s, which is not this machine: the API token and the records "
                "cross the network unencrypted; use https://" % parts.hostname)

    # -- secrets ---------------------------------------------------------
    def scrub(self, text):
        """The text with the token masked (exception texts can echo headers)."""
        text = "%s" % (text,)
        for form in self._secret_forms:
            text = text.replace(form, SECRET_MASK)
        return text

    def cache_key(self):
        """A digest of the API URL and the token, naming this connection's caches (never the token)."""
        return hashlib.sha256(("zequenze.control\0%s\0%s" % (self.api_url, self._token)).encode("utf-8")).hexdigest()

    # -- URLs ------------------------------------------------------------
    def url_for(self, path):
        return "%s/%s" % (self.api_url, path.lstrip("/"))

    def rebase(self, url, endpoint_url):
        """A page link made safe: a foreign origin keeps only its query, on our endpoint.

        A relative link (``?page=2``, ``/api/v1/...``) is resolved against the endpoint first.
        """
        url = urljoin(endpoint_url, url)
        parts = urlsplit(url)
        if parts[:2] == self._origin:
            return url
        endpoint = urlsplit(endpoint_url)
        return urlunsplit((endpoint.scheme, endpoint.netloc, endpoint.path, parts.query, ""))

    # -- requests --------------------------------------------------------
    def backoff(self, attempt, retry_after=None):
        """Full jitter over a capped exponential; Retry-After is a floor."""
        delay = self._jitter() * min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt))
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
        return delay

    def _timeout_before(self, deadline):
        """(connect, read) timeouts for one attempt: the configured ones, capped at the time left."""
        if deadline is None:
            return self.timeout
        left = max(deadline - self._clock(), min(MIN_ATTEMPT_TIMEOUT, self.timeout[1]))
        return (min(self.timeout[0], left), min(self.timeout[1], left))

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
        # stream: the body is read in chunks, up to MAX_BODY_BYTES (see _read_body).
        return self.session.request(method, url, params=params, json=json_body, timeout=timeout,
                                    verify=self.session.verify, stream=True,
                                    allow_redirects=method.upper() in IDEMPOTENT_METHODS)

    def _read_body(self, response, method, url):
        """The answer's bytes; an answer larger than MAX_BODY_BYTES is refused without reading it all."""
        too_large = ApiError(
            "%s %s answered HTTP %s with a body larger than %d MiB; stopping instead of reading it" % (
                method, url, response.status_code, MAX_BODY_BYTES // (1024 * 1024)),
            status=response.status_code, url=url,
            hint="Check that api_url points at the Zequenze Control API; its pages are far smaller")
        try:
            declared = int(response.headers.get("Content-Length") or 0)
        except ValueError:
            declared = 0
        try:
            if declared > MAX_BODY_BYTES:
                raise too_large
            body = bytearray()
            for chunk in response.iter_content(BODY_CHUNK_BYTES):
                body.extend(chunk)
                if len(body) > MAX_BODY_BYTES:
                    raise too_large
            return bytes(body)
        finally:
            response.close()

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
        idempotent = method.upper() in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            try:
                response = self._send(method, url, params, json_body, self._timeout_before(deadline))
            except requests.exceptions.RequestException as exc:
                if not is_transient(exc):
                    # Nothing was processed, and trying again would fail the same way.
                    self._raise_transport(method, url, exc, ambiguous=False, attempts=attempt + 1)
                not_sent = request_was_not_sent(exc)
                delay = self.backoff(attempt)
                if (idempotent or not_sent) and self._may_retry(attempt, delay, deadline, retries):
                    self._sleep(delay)
                    attempt += 1
                    continue
                self._raise_transport(method, url, exc, ambiguous=not (idempotent or not_sent),
                                      attempts=attempt + 1,
                                      cut_short=(idempotent or not_sent) and attempt < retries)
            status = response.status_code
            try:
                body = self._read_body(response, method, url)
            except requests.exceptions.RequestException as exc:
                # The answer broke off: as a transport failure, but the request certainly arrived.
                self._raise_transport(method, url, exc, ambiguous=not idempotent, attempts=attempt + 1)
            if 300 <= status < 400:
                self._raise_redirect(method, url, response)
            if status < 400:
                return self._decode(body, status, method, url)
            busy = status in BUSY_STATUSES or status >= 500
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if busy and not idempotent:
                # A proxy may answer 429, 503 or 500 after the backend saved the create: the caller
                # looks before sending it again.
                detail, _errors = _error_body(body, self.scrub)
                raise AmbiguousRequestError(
                    self.scrub("%s %s answered HTTP %s; the operation may or may not have been created"
                               % (method, url, status)),
                    status=status, detail=detail or None, url=url, attempts=attempt + 1,
                    retry_after=retry_after, transient=True)
            delay = self.backoff(attempt, retry_after)
            if busy and self._may_retry(attempt, delay, deadline, retries):
                self._sleep(delay)
                attempt += 1
                continue
            self._raise_status(method, url, status, body, attempt + 1, params,
                               cut_short=busy and attempt < retries, transient=busy)

    def _raise_transport(self, method, url, exc, ambiguous, attempts, cut_short=False):
        kind = AmbiguousRequestError if ambiguous else TransportError
        reason = self.scrub(exc) + _transport_hint(exc)
        raise kind(self.scrub("%s %s failed after %d attempt(s)%s: %s" % (
            method, url, attempts, DEADLINE_NOTE if cut_short else "", reason)), url=url,
            attempts=attempts, deadline_reached=cut_short, transient=is_transient(exc))

    def _raise_redirect(self, method, url, response):
        location = _cut(self.scrub(response.headers.get("Location") or "no Location given"))
        raise ApiError(
            self.scrub("%s %s answered HTTP %s (redirect to %s), which is not followed for a %s"
                       % (method, url, response.status_code, location, method)),
            status=response.status_code, url=url,
            hint="Set api_url to the address the API answers at (scheme, host and path), "
                 "so that no redirect is needed")

    def _raise_status(self, method, url, status, body, attempts, params=None, cut_short=False, transient=False):
        detail, errors = _error_body(body, self.scrub)
        error_class = error_class_for_status(status)
        message = "%s %s answered HTTP %s" % (method, url, status)
        if attempts > 1:
            message += " after %d attempts" % attempts
        hint = None
        if cut_short:
            message += DEADLINE_NOTE
            hint = "Try again later, or allow more time (wait_timeout)"
        hint_detail = None
        if status == 404:
            operation_id = (params or {}).get("id")
            if operation_id is not None:
                hint_detail = _cut(self.scrub("id %s" % operation_id))
            else:
                hint = "Check api_url (%s): it does not serve the headless operation endpoint" % self.api_url
        raise error_class(
            self.scrub(message), status=status,
            detail=detail, errors=errors,
            url=url, hint=self.scrub(hint) if hint else None, hint_detail=hint_detail,
            attempts=attempts, deadline_reached=cut_short, transient=transient)

    def _decode(self, body, status, method, url):
        if status == 204 or not body:
            return None
        try:
            # A number with more digits than Python converts stays text: the record reader
            # then treats that one field as unknown instead of the whole page failing.
            return json.loads(body, parse_int=_lenient_int)
        except (ValueError, RecursionError) as exc:
            reason = "nested too deeply to read" if isinstance(exc, RecursionError) else "not JSON"
            raise ApiError(
                "%s %s answered HTTP %s with a body that is %s" % (method, url, status, reason),
                status=status, url=url, hint="Check that api_url points at the Zequenze Control API")

    def get(self, path, params=None, deadline=None):
        return self.request("GET", path, params=params, deadline=deadline)

    def post(self, path, body, max_retries=None):
        return self.request("POST", path, json_body=body, max_retries=max_retries)

    def iterate(self, path, params=None, max_seconds=MAX_LISTING_SECONDS):
        """Yield the results of every page (see pages)."""
        for page in self.pages(path, params, max_seconds):
            yield from page["results"]

    def pages(self, path, params=None, max_seconds=MAX_LISTING_SECONDS):
        """Yield every page envelope (count/next/previous/results), following next links safely.

        Each page's results are checked to be records before the page is yielded.
        Bounded: no more pages than the API's count and first page size call for
        (plus EXTRA_PAGES), and no longer than max_seconds, so a next chain
        that never ends cannot keep a run paging.
        """
        endpoint_url = self.url_for(path)
        url = endpoint_url
        seen = set([url + ("?" + urlencode(params) if params else "")])
        started = self._clock()
        page_limit = MAX_PAGES
        pages = 0
        while url:
            page = self.get(url, params=params, deadline=started + max_seconds)
            pages += 1
            params = None  # the next link carries the query
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise PaginationError(
                    "GET %s did not answer a page (count/next/previous/results)" % url, url=url,
                    hint="Check that api_url points at the Zequenze Control API")
            for record in page["results"]:
                if not isinstance(record, dict):
                    raise PaginationError(
                        self.scrub("GET %s answered a result that is not an operation record (%s)"
                                   % (url, type(record).__name__)), url=url,
                        hint="Check that api_url points at the Zequenze Control API")
            yield page
            link = page.get("next")
            if not link:
                return
            if not page["results"]:
                raise PaginationError(
                    self.scrub("GET %s answered an empty page that links to a next one (%s); "
                               "stopping instead of following it" % (url, _cut(self.scrub(link)))),
                    url=url, hint="This is an API bug; report it with the URL")
            if not isinstance(link, str):
                raise PaginationError(
                    "GET %s answered a next link that is not a URL: %s" % (url, type(link).__name__),
                    url=url, hint="This is an API bug; report it with the URL")
            if pages == 1:
                page_limit = _page_limit(page.get("count"), len(page["results"]))
            self._check_listing_bounds(url, pages, page_limit, started, max_seconds)
            url = self.rebase(link, endpoint_url)
            if url in seen:
                raise PaginationError(
                    self.scrub("The API's next link repeats (%s); stopping instead of looping" % _cut(url)),
                    url=url, hint="This is an API bug; report it with the URL")
            seen.add(url)

    def _check_listing_bounds(self, url, pages, page_limit, started, max_seconds):
        """Raise when one more page would pass the page limit or the listing's time."""
        elapsed = self._clock() - started
        if pages < page_limit and elapsed < max_seconds:
            return
        if pages >= page_limit:
            reason = "after %d pages, more than its count and page size call for" % pages
        else:
            reason = "after %d pages in %.0f s, the longest a listing may take" % (pages, elapsed)
        raise PaginationError(
            self.scrub("GET %s still links to a next page %s; stopping instead of paging on" % (url, reason)),
            url=url, hint="This is an API bug (a next link that never ends); report it with the URL")

    def close(self):
        self.session.close()
