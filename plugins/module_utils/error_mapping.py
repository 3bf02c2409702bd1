# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a request's outcome means as a typed error, built whole: a transport failure, a
redirect that is not followed, an HTTP error status, an answer that is not JSON.

Every server text in a message is masked (scrub) before it is cut; see secret_mask.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.zequenze.control.plugins.module_utils.api_session import is_transient, transport_hint
from ansible_collections.zequenze.control.plugins.module_utils.errors import (
    AmbiguousRequestError,
    ApiError,
    TransportError,
    error_class_for_status,
)
from ansible_collections.zequenze.control.plugins.module_utils.secret_mask import cut

DEADLINE_NOTE = " (no time left before the deadline for another attempt)"
MAX_FIELD_ERRORS = 20


def _lenient_int(text):
    """An integer from JSON, or its text when Python refuses to convert that many digits."""
    try:
        return int(text)
    except ValueError:
        return text


def decoded(body, status, method, url):
    """The JSON of a successful answer's body (None when it has none)."""
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
            status=status,
            url=url,
            hint="Check that api_url points at the Zequenze Control API",
        )


def error_body(body, scrub):
    """(detail, errors) from an error answer's bytes, tolerating any body; server text masked, then cut."""
    try:
        decoded_body = json.loads(body, parse_int=_lenient_int) if body else None
    except (ValueError, RecursionError):
        text = scrub(body.decode("utf-8", "replace")).strip()
        return (cut(text) or None), []
    if not isinstance(decoded_body, dict):
        return None, []
    detail = decoded_body.get("detail")
    errors = decoded_body.get("errors")
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
            fields.append({"field": cut(scrub(field)), "message": cut(scrub(item.get("message", item.get("msg", ""))))})
    if detail is not None:
        detail = cut(scrub(detail))
    return detail, fields


def transport_error(method, url, exc, scrub, ambiguous, attempts, cut_short=False):
    """The error for a request that failed below HTTP (ambiguous: it may have been processed)."""
    kind = AmbiguousRequestError if ambiguous else TransportError
    reason = scrub(exc) + transport_hint(exc)
    return kind(
        scrub("%s %s failed after %d attempt(s)%s: %s" % (method, url, attempts, DEADLINE_NOTE if cut_short else "", reason)),
        url=url,
        attempts=attempts,
        deadline_reached=cut_short,
        transient=is_transient(exc),
    )


def ambiguous_status_error(method, url, status, body, scrub, attempts, retry_after):
    """The error for a create answered by a busy or failing server: it may have been saved."""
    detail, _errors = error_body(body, scrub)
    return AmbiguousRequestError(
        scrub("%s %s answered HTTP %s; the operation may or may not have been created" % (method, url, status)),
        status=status,
        detail=detail or None,
        url=url,
        attempts=attempts,
        retry_after=retry_after,
        transient=True,
    )


def redirect_error(method, url, response, scrub):
    """The error for a redirect, which only reads follow."""
    location = cut(scrub(response.headers.get("Location") or "no Location given"))
    return ApiError(
        scrub("%s %s answered HTTP %s (redirect to %s), which is not followed for a %s" % (method, url, response.status_code, location, method)),
        status=response.status_code,
        url=url,
        hint="Set api_url to the address the API answers at (scheme, host and path), " "so that no redirect is needed",
    )


def status_error(method, url, status, body, scrub, api_url, attempts, params=None, cut_short=False, transient=False):
    """The typed error of an HTTP error status, with the API's detail and field errors."""
    detail, errors = error_body(body, scrub)
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
            hint_detail = cut(scrub("id %s" % operation_id))
        else:
            hint = "Check api_url (%s): it does not serve the headless operation endpoint" % api_url
    return error_class(
        scrub(message),
        status=status,
        detail=detail,
        errors=errors,
        url=url,
        hint=scrub(hint) if hint else None,
        hint_detail=hint_detail,
        attempts=attempts,
        deadline_reached=cut_short,
        transient=transient,
    )
