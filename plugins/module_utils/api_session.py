# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The requests session and what its failures mean.

Bearer auth as the only credential (never ~/.netrc, not even on a redirect), the cap on
what one answer may make us read, and which transport failures may pass on their own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

try:
    import requests
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
except ImportError:  # pragma: no cover - exercised by the sanity import test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    # Without requests no request is sent (callers check HAS_REQUESTS): nothing to catch.
    TRANSPORT_ERRORS = ()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
    TRANSPORT_ERRORS = (requests.exceptions.RequestException,)

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


from ansible_collections.zequenze.control.plugins.module_utils.errors import ApiError
from ansible_collections.zequenze.control.plugins.module_utils.secret_mask import SECRET_MASK

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "zequenze.control/%s" % COLLECTION_VERSION

# Bounds on what a server can make us read in one answer.
MAX_BODY_BYTES = 16 * 1024 * 1024
BODY_CHUNK_BYTES = 64 * 1024


def new_session():
    """A fresh session; the client sets its auth, headers and TLS verification."""
    return ApiSession()


def configure_session(session, token, verify):
    """Give the session the token as its only credential, our headers, and the TLS setting."""
    session.auth = BearerAuth(token)
    session.headers.update(
        {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
    )
    session.verify = verify
    return session


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


def read_body(response, method, url):
    """The answer's bytes; an answer larger than MAX_BODY_BYTES is refused without reading it all."""
    too_large = ApiError(
        "%s %s answered HTTP %s with a body larger than %d MiB; stopping instead of reading it"
        % (method, url, response.status_code, MAX_BODY_BYTES // (1024 * 1024)),
        status=response.status_code,
        url=url,
        hint="Check that api_url points at the Zequenze Control API; its pages are far smaller",
    )
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
    return isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError))


def transport_hint(exc):
    """Which option to check after a transport failure, as a message's tail ("" when none helps)."""
    if isinstance(exc, requests.exceptions.SSLError):
        return " (check validate_certs and ca_path)"
    if isinstance(exc, (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL, requests.exceptions.URLRequired)):
        return " (check api_url: it must be an http:// or https:// URL)"
    if isinstance(exc, requests.exceptions.InvalidHeader):
        return " (check api_token)"
    return ""
