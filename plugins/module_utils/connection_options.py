# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options checked before any request: api_url, api_token, the CA bundle and
the timeout, each refused with a message that names it (and never repeats a credential)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    from urlparse import urlsplit  # type: ignore[no-redef]

from ansible_collections.zequenze.control.plugins.module_utils.errors import InputError

DEFAULT_API_URL = "https://control.zequenze.com/api/v1"
MAX_HOST_LABEL = 63
MAX_HOST_NAME = 253
# Seconds per request: a request cannot be answered in no time, and beyond a day
# a timeout only hides a hang (and overflows the deadline arithmetic).
MIN_TIMEOUT = 0.1
MAX_TIMEOUT = 86400.0


def checked_token(api_token):
    """The token without surrounding whitespace; refuses what cannot go in an HTTP header.

    requests raises InvalidHeader (quoting the header, escaped) on a control
    character and UnicodeEncodeError beyond Latin-1: both would show the token.
    """
    token = (api_token or "").strip()
    if not token:
        raise InputError("api_token is empty; set the api_token option or the ZEQUENZE_API_TOKEN environment variable to the API token")
    for char in token:
        code = ord(char)
        if code < 0x20 or 0x7F <= code <= 0x9F or code > 0xFF:
            raise InputError(
                "api_token contains a control character or a character outside Latin-1, "
                "which cannot be sent in an HTTP header; check the api_token option or the "
                "ZEQUENZE_API_TOKEN environment variable"
            )
    return token


def checked_api_url(api_url):
    """api_url without a trailing slash; refuses what cannot be the API's address.

    A refused URL is only repeated when it carries no user information, which
    requests would send as Basic auth (and messages would show).
    """
    if api_url is None:
        return DEFAULT_API_URL
    url = ("%s" % api_url).strip().rstrip("/")
    if not url:
        raise InputError(
            "api_url is empty; set it (or ZEQUENZE_API_URL) to the API's address, such as %s, " "or leave it unset for that default" % DEFAULT_API_URL
        )
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
        raise InputError(
            "api_url must not carry a user name or password (user:password@host): the API token "
            "is the only credential sent; give it as api_token and remove it from api_url"
        )
    host = parts.hostname or ""
    labels = host.rstrip(".").split(".")
    if not host or (
        not host.startswith("[") and ":" not in host and (len(host) > MAX_HOST_NAME or any(not 0 < len(label) <= MAX_HOST_LABEL for label in labels))
    ):
        raise InputError(
            "%s; its host name must be at most %d characters, in dot-separated parts of 1 to %d "
            "characters%s" % (expected, MAX_HOST_NAME, MAX_HOST_LABEL, shown)
        )
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


def plain_http_warning(api_url):
    """A warning when the token would cross a network unencrypted, else None."""
    parts = urlsplit(api_url)
    if parts.scheme.lower() != "http" or is_loopback_host(parts.hostname):
        return None
    return (
        "api_url uses plain http:// to %s, which is not this machine: the API token and the records "
        "cross the network unencrypted; use https://" % parts.hostname
    )


def checked_ca_file(validate_certs, ca_path, https):
    """Refuses a CA bundle that does not exist, before requests raises OSError mid-request."""
    if not (validate_certs and https):
        return
    if ca_path:
        if not os.path.exists(ca_path):
            raise InputError(
                "ca_path %s does not exist; give the CA bundle file (or directory) that signs "
                "the API's certificate, or leave ca_path unset for the system trust store" % ca_path
            )
        return
    # Without ca_path, requests reads these (the client passes verify=True).
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        value = os.environ.get(name)
        if value:
            if not os.path.exists(value):
                raise InputError("The %s environment variable names %s, which does not exist; fix or unset it, " "or give ca_path" % (name, value))
            return


def checked_timeout(timeout):
    """The timeout as seconds; refuses one outside MIN_TIMEOUT..MAX_TIMEOUT."""
    value = float(timeout)
    if not MIN_TIMEOUT <= value <= MAX_TIMEOUT:  # also refuses NaN
        raise InputError("timeout must be a number of seconds from %s to %s, got %s" % (MIN_TIMEOUT, MAX_TIMEOUT, timeout))
    return value
