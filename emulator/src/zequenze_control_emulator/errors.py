"""The one error type the routes raise, rendered as the API's error body."""

from __future__ import annotations

# An error answer stays small whatever the body: the first errors, then how many more.
MAX_ERRORS = 20
MAX_FIELDS_NAMED = 10


class ApiError(Exception):
    """An HTTP error answer: `{"detail": ..., "errors": [{"field", "message"}]}`."""

    def __init__(self, status: int, detail: str, errors=(), headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        errors = list(errors)
        self.errors = [{"field": field, "message": message} for field, message in errors[:MAX_ERRORS]]
        if len(errors) > MAX_ERRORS:
            self.errors.append({"field": "body", "message": f"and {len(errors) - MAX_ERRORS} more errors"})
        self.headers = headers or {}

    def body(self) -> dict:
        return {"detail": self.detail, "errors": self.errors}


def invalid(errors) -> ApiError:
    """422 for a well-formed body whose parameters are wrong."""
    fields = list(dict.fromkeys(error[0] for error in errors))
    named = ", ".join(fields[:MAX_FIELDS_NAMED])
    if len(fields) > MAX_FIELDS_NAMED:
        named += f" and {len(fields) - MAX_FIELDS_NAMED} more"
    return ApiError(422, f"invalid operation parameters: {named}", errors)
