"""The one error type the routes raise, rendered as the API's error body."""

from __future__ import annotations


class ApiError(Exception):
    """An HTTP error answer: `{"detail": ..., "errors": [{"field", "message"}]}`."""

    def __init__(self, status: int, detail: str, errors=(), headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = [{"field": field, "message": message} for field, message in errors]
        self.headers = headers or {}

    def body(self) -> dict:
        return {"detail": self.detail, "errors": self.errors}


def invalid(errors) -> ApiError:
    """422 for a well-formed body whose parameters are wrong."""
    fields = ", ".join(dict.fromkeys(error[0] for error in errors))
    return ApiError(422, f"invalid operation parameters: {fields}", errors)
