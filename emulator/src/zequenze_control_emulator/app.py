"""The HTTP layer: routes, authentication, query parsing and error rendering (Starlette)."""

from __future__ import annotations

import json
import os

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .errors import ApiError
from .openapi import openapi_document
from .operations import API_PATH, Operations
from .timestamps import format_us
from .validation import parse_create_body

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_PAGE = 10**9
MAX_BODY_BYTES = 1 << 20
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


def json_response(payload, status: int = 200, headers=None) -> Response:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def create_app(operations: Operations, tokens: dict, time_scale: float) -> Starlette:
    openapi_body = json.dumps(openapi_document()).encode()

    def authorize(request: Request):
        """The token's scope (None: every organization); 401 when missing or unknown."""
        header = request.headers.get("authorization")
        if not header:
            raise _unauthorized("missing Authorization header; expected `Authorization: Bearer <token>`")
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("malformed Authorization header; expected `Authorization: Bearer <token>`")
        try:
            return tokens[token.strip()]
        except KeyError:
            raise _unauthorized("unknown API token") from None

    async def list_operations(request: Request) -> Response:
        scope = authorize(request)
        query = request.query_params
        refresh = _boolean(query.get("update_status"), "update_status")
        number = _integer(query.get("page"), "page", 1, 1, MAX_PAGE)
        size = _integer(query.get("page_size"), "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        if "id" in query:
            record = operations.get(query["id"], scope, refresh)
            if record is None:
                raise ApiError(
                    404,
                    f"no operation with id {query['id']!r} is visible to this token",
                    [("id", "unknown operation id, or one outside this token's organizations")],
                )
            return json_response({"count": 1, "next": None, "previous": None, "results": [record]})
        count, records = operations.page(scope, number, size, refresh)
        url = request.url
        has_next = number * size < count
        return json_response(
            {
                "count": count,
                "next": str(url.include_query_params(page=number + 1, page_size=size)) if has_next else None,
                "previous": str(url.include_query_params(page=number - 1, page_size=size)) if number > 1 else None,
                "results": records,
            }
        )

    async def create_operation(request: Request) -> Response:
        scope = authorize(request)
        operation = parse_create_body(await _bounded_body(request))
        if scope is not None:
            outside = [o for o in operation.organizations if o not in scope]
            if outside:
                names = ", ".join(str(o) for o in outside)
                raise ApiError(
                    403,
                    f"this token may not act on organization(s) {names}",
                    [("target_organizations", f"organization {o} is outside this token's scope") for o in outside],
                )
        record = operations.create(operation)
        return json_response(record, 201, {"location": str(request.url.replace(query=f"id={record['id']}"))})

    async def operations_endpoint(request: Request) -> Response:
        if request.method == "POST":
            return await create_operation(request)
        return await list_operations(request)

    async def healthz(request: Request) -> Response:
        return json_response({"status": "ok", "pid": os.getpid(), "simulated_time": format_us(operations.clock.now_us()), "time_scale": time_scale})

    async def openapi(request: Request) -> Response:
        return Response(openapi_body, media_type="application/json")

    async def api_error(request: Request, exc: ApiError) -> Response:
        return json_response(exc.body(), exc.status, exc.headers)

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return json_response({"detail": exc.detail, "errors": []}, exc.status_code, exc.headers)

    async def server_error(request: Request, exc: Exception) -> Response:
        return json_response({"detail": "internal server error", "errors": []}, 500)

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"]),
            # One route for both methods, so a 405 lists them all in `Allow`.
            Route(API_PATH, operations_endpoint, methods=["GET", "POST"]),
        ],
        exception_handlers={ApiError: api_error, HTTPException: http_error, Exception: server_error},
    )


async def _bounded_body(request: Request) -> bytes:
    """The request body, refused (413) past MAX_BODY_BYTES: by its declared length before reading
    anything, or as soon as a streamed (chunked) body passes the limit, so memory stays bounded."""
    declared = request.headers.get("content-length")
    if declared is not None and not (declared.isdigit() and int(declared) <= MAX_BODY_BYTES):
        raise _too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large() -> ApiError:
    # The rest of the body is never read: the connection cannot carry another request.
    return ApiError(413, "the request body is too large", [("body", f"expected at most {MAX_BODY_BYTES} bytes")], {"connection": "close"})


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, detail, [("Authorization", "expected a valid bearer token")], {"www-authenticate": "Bearer"})


def _integer(text, field: str, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    if len(text) <= 12 and text.isascii() and text.isdigit() and low <= int(text) <= high:
        return int(text)
    raise ApiError(422, f"invalid query parameter {field}", [(field, f"expected an integer from {low} to {high}, got {text!r}")])


def _boolean(text, field: str) -> bool:
    if text is None:
        return False
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ApiError(422, f"invalid query parameter {field}", [(field, f"expected true or false, got {text!r}")])
