# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Typed errors of the Zequenze Control client and domain layers.

Every error a module can meet is a ZequenzeError; the modules turn it into
fail_json output with to_result(). Messages never carry the API token: the
client scrubs it before raising.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ZequenzeError(Exception):
    """Base class: a message, plus what the API said when it said anything.

    Every field is given when the error is built; replaced() builds a copy with
    some fields changed, for a caller that knows more (which wait it ended).

    hint is the class's generic advice unless given; hint_detail (an id, the
    organizations) is appended to it in parentheses.
    attempts: how many requests were sent before giving up.
    transient: the failure may pass on its own (refused, dropped, timed out, 429, 5xx on a GET).
    deadline_reached: retries of such a failure were cut short by a deadline.
    wait_result: how the wait it ended went, when it ended one.
    """

    hint = ""

    def __init__(
        self,
        message,
        status=None,
        detail=None,
        errors=None,
        url=None,
        hint=None,
        hint_detail=None,
        attempts=1,
        transient=False,
        deadline_reached=False,
        wait_result=None,
    ):
        super(ZequenzeError, self).__init__(message)
        self.message = message
        self.status = status
        self.detail = detail
        self.errors = list(errors or [])
        self.url = url
        if hint is not None:
            self.hint = hint
        self.hint_detail = hint_detail
        self.attempts = attempts
        self.transient = transient
        self.deadline_reached = deadline_reached
        self.wait_result = wait_result

    def replaced(self, **changes):
        """A new error of the same class with the given fields changed."""
        fields = dict(
            message=self.message,
            status=self.status,
            detail=self.detail,
            errors=self.errors,
            url=self.url,
            hint=self.__dict__.get("hint"),
            hint_detail=self.hint_detail,
            attempts=self.attempts,
            transient=self.transient,
            deadline_reached=self.deadline_reached,
            wait_result=self.wait_result,
        )
        fields.update(changes)
        return type(self)(**fields)

    def full_message(self):
        parts = [self.message]
        if self.detail and self.detail not in self.message:
            parts.append("API detail: %s" % self.detail)
        if self.errors:
            parts.append("Field errors: %s" % "; ".join("%s: %s" % (e.get("field", "?"), e.get("message", "")) for e in self.errors))
        if self.hint:
            parts.append("%s (%s)" % (self.hint, self.hint_detail) if self.hint_detail else self.hint)
        return ". ".join(p.rstrip(".") for p in parts) + "."

    def to_result(self):
        """The keyword arguments for fail_json (msg plus whatever is known)."""
        result = {"msg": self.full_message()}
        if self.status is not None:
            result["status"] = self.status
        if self.detail is not None:
            result["detail"] = self.detail
        if self.errors:
            result["errors"] = self.errors
        if self.url is not None:
            result["url"] = self.url
        return result


class InputError(ZequenzeError):
    """Module input that cannot be sent: names the option and what was expected."""


class TransportError(ZequenzeError):
    """The request got no HTTP answer (refused, reset, timed out, TLS failure)."""


class AmbiguousRequestError(TransportError):
    """A request may have reached the server, and its answer does not tell whether it was processed.

    retry_after: the seconds the server asked to wait (Retry-After), when it said.
    """

    def __init__(self, message, retry_after=None, **fields):
        super(AmbiguousRequestError, self).__init__(message, **fields)
        self.retry_after = retry_after


class UndecidedCreateError(AmbiguousRequestError):
    """A create failed ambiguously and no operation of its identity appeared within the settle time."""

    hint = (
        "The operation may have been created: run the task again later, and it adopts the operation "
        "if it appears (raise settle_time when the API's listing lags behind its saves)"
    )


class LockTimeoutError(ZequenzeError):
    """Another run on this machine held the create lock of the same identity for too long."""


class PaginationError(ZequenzeError):
    """The API's page links cannot be followed safely."""


class ApiError(ZequenzeError):
    """The API answered with an HTTP error status."""


class BadRequestError(ApiError):
    hint = "The request body was rejected as malformed; check the data option or the structured options"


class AuthenticationError(ApiError):
    hint = "Check the api_token option or the ZEQUENZE_API_TOKEN environment variable: the token is missing, unknown or expired"


class PermissionDeniedError(ApiError):
    hint = "Check that the token's scope includes every organization of the organizations option"


class NotFoundError(ApiError):
    hint = "Check the operation id: it does not exist or the token may not see it"


class UnprocessableError(ApiError):
    hint = "Check the fields named above against the module documentation"


class ServerError(ApiError):
    hint = "The API kept failing after the configured retries; try again later or raise max_retries"


class OperationFailedError(ZequenzeError):
    """An operation ended in a state the task did not ask for."""


class EstimateExceededError(ZequenzeError):
    """The API estimates that an operation overruns its timeout or window (on_overrun=fail)."""

    hint = "The operation exists and runs as scheduled; set on_overrun=warn to accept it, or schedule smaller operations"


class WaitTimeoutError(ZequenzeError):
    """The wait deadline passed before the operation reached the wanted state."""


_BY_STATUS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: UnprocessableError,
}


def error_class_for_status(status):
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return ApiError
