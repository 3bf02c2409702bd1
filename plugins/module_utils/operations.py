# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The headless operation domain: request bodies, records, identity, waiting.

No HTTP here: everything goes through the Client of client.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import math
import re
import time
from collections import namedtuple

from ansible.module_utils.common.validation import check_type_bool, check_type_int

from ansible_collections.zequenze.control.plugins.module_utils.errors import (
    AmbiguousRequestError,
    ApiError,
    InputError,
    NotFoundError,
    OperationFailedError,
    PermissionDeniedError,
    WaitTimeoutError,
    ZequenzeError,
)

ENDPOINT = "inventory_device_serial_headless_operation/"
TERMINAL_STATUSES = frozenset(("completed", "failed", "cancelled"))
ACTIVE_STATUSES = frozenset(("scheduled", "in_progress"))
# Page size asked for when matching scans every visible operation: the emulator's largest
# page. The API document states no limit; a server that serves smaller pages is followed
# through its next links all the same.
LOOKUP_PAGE_SIZE = 1000
# After an ambiguous create failure (looked up, not found), try again at most this often.
MAX_AMBIGUOUS_RETRIES = 2
# A "run now" operation is scheduled for the moment it was created.
RUN_NOW_TOLERANCE = datetime.timedelta(seconds=300)
# The device types and statuses of the API's vocabulary as we know it (the API document's
# examples and the emulator's fleet). The emulator records an absent filter as all of them;
# the real API may record it as an empty list, or as a longer list of values we do not know.
ALL_DEVICE_TYPES = frozenset(("router", "switch", "access_point", "firewall"))
ALL_DEVICE_STATUSES = frozenset(("active", "pending", "inactive"))
KNOWN_OPTION_TYPES = {
    "update_firmware_info": "bool",
    "validate_connectivity": "bool",
    "timeout_minutes": "int",
}
UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$")


# -- timestamps --------------------------------------------------------------
def parse_timestamp(value):
    """An aware datetime from ISO 8601 text (a missing offset means UTC), or None."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        return None
    match = _TIMESTAMP.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz = UTC
    if offset and offset not in ("Z", "z"):
        digits = offset[1:].replace(":", "")
        delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        tz = datetime.timezone(delta if offset[0] == "+" else -delta)
    try:
        return datetime.datetime(int(year), int(month), int(day), int(hour), int(minute),
                                 int(second or 0), micro, tzinfo=tz)
    except ValueError:
        return None


def has_explicit_offset(value):
    match = _TIMESTAMP.match(value.strip()) if isinstance(value, str) else None
    return bool(match and match.group(8))


def format_timestamp(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


# -- request bodies ----------------------------------------------------------
def _checked_option(name, value):
    kind = KNOWN_OPTION_TYPES.get(name)
    try:
        if kind == "bool":
            return check_type_bool(value)
        if kind == "int":
            return check_type_int(value)
    except TypeError:
        raise InputError("options.%s must be %s, got %r" % (
            name, "a boolean" if kind == "bool" else "an integer", value))
    return value


def parse_data(data):
    """The data option as a dict: a JSON object given as text or as a mapping."""
    if isinstance(data, dict):
        return data
    if not isinstance(data, str):
        raise InputError("data must be a JSON object, as text or as a mapping; got %s %r" % (
            type(data).__name__, data))
    try:
        parsed = json.loads(data)
    except ValueError as exc:
        raise InputError("data must be a JSON object (text or mapping); it is not valid JSON: %s" % exc)
    if not isinstance(parsed, dict):
        raise InputError("data must be a JSON object (text or mapping); the text is JSON %s" % (
            "null" if parsed is None else "of type %s" % type(parsed).__name__))
    return parsed


def build_request_body(params):
    """The POST body: data as is, or the configuration object from the structured options."""
    if params.get("data") is not None:
        return parse_data(params["data"])
    missing = [name for name in ("operation_type", "organizations") if params.get(name) is None]
    if missing:  # data: null passes required_one_of, yet gives nothing to send
        raise InputError("%s %s required unless data is given (data is null)" % (
            " and ".join(missing), "is" if len(missing) == 1 else "are"))
    body = {
        "operation_type": params["operation_type"],
        "target_organizations": list(params["organizations"]),
    }
    filters = params.get("device_filters") or {}
    device_filters = dict((k, list(filters[k])) for k in ("types", "status") if filters.get(k))
    if device_filters:
        body["device_filters"] = device_filters
    schedule = params.get("schedule") or {}
    sched = {}
    execute_at = schedule.get("execute_at")
    if execute_at is not None and "%s" % execute_at != "now":
        text = ("%s" % execute_at).strip()
        if parse_timestamp(text) is None or not has_explicit_offset(text):
            raise InputError(
                "schedule.execute_at must be 'now' or an ISO 8601 date and time with an offset, "
                "such as 2024-01-16T02:00:00Z or 2024-01-16T02:00:00+01:00; got %r" % text)
        sched["execute_at"] = text.replace(" ", "T", 1)
    if schedule.get("priority"):
        sched["priority"] = schedule["priority"]
    if sched:
        body["schedule"] = sched
    options = params.get("options") or {}
    cleaned = dict((k, _checked_option(k, v)) for k, v in options.items() if v is not None)
    if cleaned:
        body["options"] = cleaned
    return body


# -- records -----------------------------------------------------------------
def _first(*values):
    for value in values:
        if value is not None:
            return value
    return None


def _as_list(values):
    """A list from an API value that should be one: a single value becomes a list of one."""
    if values is None:
        return []
    if isinstance(values, (list, tuple, set, frozenset)):
        return list(values)
    return [values]


def _as_set(values):
    return frozenset("%s" % v for v in _as_list(values))


def _org_set(values):
    result = set()
    for value in _as_list(values):
        try:
            result.add(int(value))
        except (TypeError, ValueError):
            result.add("%s" % value)
    return frozenset(result)


def _mapping(value):
    """The value if it is a mapping, else an empty one (an odd API answer must not break reading)."""
    return value if isinstance(value, dict) else {}


def _number(value):
    """A finite number from an API value (numeric text included), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
        if math.isfinite(value) and value.is_integer():
            value = int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def record_view(record):
    """The fields of an API record that the collection uses, read from either shape.

    GET records carry operation_details.organization_ids/device_types; POST
    answers carry operation_config.organizations/device_types and scheduled_for.
    Fields of an unexpected type read as absent: mappings as {}, numbers as None,
    a status that is not text as None.
    """
    record = _mapping(record)
    details = _mapping(record.get("operation_details"))
    config = _mapping(record.get("operation_config"))
    filters = _mapping(config.get("device_filters") or record.get("device_filters"))
    statuses = _first(filters.get("status"), config.get("device_statuses"), details.get("device_statuses"))
    status = record.get("status")
    return {
        "id": record.get("id"),
        "operation_type": record.get("operation_type"),
        "status": status if isinstance(status, str) else None,
        "organizations": _as_list(_first(details.get("organization_ids"), config.get("organizations"),
                                         record.get("target_organizations"))),
        "device_types": _as_list(_first(details.get("device_types"), config.get("device_types"),
                                        filters.get("types"))),
        "device_statuses": None if statuses is None else _as_list(statuses),
        "scheduled_for": parse_timestamp(record.get("scheduled_for")),
        "created_at": parse_timestamp(record.get("created_at")),
        "updated_at": parse_timestamp(record.get("updated_at")),
        "estimated_completion": parse_timestamp(record.get("estimated_completion")),
        "estimated_duration_minutes": _number(record.get("estimated_duration_minutes")),
        "progress": _number(record.get("progress")),
        "processed_devices": _number(record.get("processed_devices")),
        "failed_devices": _number(record.get("failed_devices")) or 0,
        "total_devices": _first(_number(record.get("total_devices")), _number(record.get("target_device_count"))),
        "error_summary": _mapping(details.get("error_summary") or record.get("error_summary")),
    }


def is_terminal(status):
    return status in TERMINAL_STATUSES


def describe(record):
    """One line about an operation for messages: id, status, progress."""
    view = record_view(record)
    text = "operation %s (status %s" % (view["id"], view["status"])
    if view["progress"] is not None:
        text += ", progress %s%%" % view["progress"]
    if view["processed_devices"] is not None and view["total_devices"] is not None:
        text += ", %s of %s devices processed" % (view["processed_devices"], view["total_devices"])
    if view["failed_devices"]:
        text += ", %s failed" % view["failed_devices"]
    return text + ")"


# -- identity ----------------------------------------------------------------
class OperationIdentity(namedtuple("OperationIdentity", [
        "operation_type", "organizations", "device_types", "device_statuses", "scheduled_for"])):
    """What makes two operations the same (DESIGN.md "Identity").

    device_statuses is None when a record does not say (the API's records may
    omit the filters); scheduled_for is None for "run now".
    """

    __slots__ = ()

    @classmethod
    def from_body(cls, body):
        if not isinstance(body, dict):
            return None
        filters = body.get("device_filters") or {}
        schedule = body.get("schedule") or {}
        execute_at = schedule.get("execute_at") if isinstance(schedule, dict) else None
        orgs = _first(body.get("target_organizations"), body.get("organizations"))
        return cls(
            body.get("operation_type"),
            _org_set(orgs if isinstance(orgs, list) else [orgs] if orgs is not None else []),
            _as_set(filters.get("types") if isinstance(filters, dict) else None),
            _as_set(filters.get("status") if isinstance(filters, dict) else None),
            parse_timestamp(execute_at) if execute_at not in (None, "now") else None,
        )

    @classmethod
    def from_record(cls, record):
        return cls.from_view(record_view(record))

    @classmethod
    def from_view(cls, view):
        statuses = view["device_statuses"]
        return cls(
            view["operation_type"],
            _org_set(view["organizations"]),
            _as_set(view["device_types"]),
            None if statuses is None else _as_set(statuses),
            view["scheduled_for"],
        )

    def matches(self, record, any_state=False):
        """Whether an existing record satisfies a request with this identity.

        any_state: whether it is the same operation at all, whatever its status
        (a run-now request is satisfied only by one still active).
        """
        view = record_view(record)
        other = OperationIdentity.from_view(view)
        if (other.operation_type != self.operation_type or other.organizations != self.organizations
                or not _same_filter(self.device_types, other.device_types, ALL_DEVICE_TYPES)):
            return False
        if other.device_statuses is not None and not _same_filter(
                self.device_statuses, other.device_statuses, ALL_DEVICE_STATUSES):
            return False
        if self.scheduled_for is not None:
            return other.scheduled_for == self.scheduled_for
        # Run now: only a still active operation that was itself a run-now one.
        if view["status"] not in ACTIVE_STATUSES and not any_state:
            return False
        if view["scheduled_for"] is None or view["created_at"] is None:
            return True
        return view["scheduled_for"] - view["created_at"] <= RUN_NOW_TOLERANCE


def _same_filter(wanted, recorded, everything):
    """Whether a recorded device filter is the one wanted; an empty filter means every value.

    A request without a filter matches a record with none, or with every value
    we know of or more (an API may know values we do not: an exact comparison
    with everything would never match, and each run would create a duplicate).
    A request with a filter keeps exact matching, an empty record standing for
    everything.
    """
    if not wanted:
        return not recorded or recorded >= everything
    return wanted == (recorded or everything)


def record_summary(record):
    identity = OperationIdentity.from_record(record)
    view = record_view(record)
    summary = {
        "id": view["id"],
        "status": view["status"],
        "operation_type": identity.operation_type,
        "organizations": sorted(identity.organizations, key=str),
        "device_types": sorted(identity.device_types),
        "execute_at": format_timestamp(identity.scheduled_for) or "now",
    }
    if identity.device_statuses is not None:
        summary["device_statuses"] = sorted(identity.device_statuses)
    return summary


# -- waiting -----------------------------------------------------------------
# last_error: why the last poll of a timed-out wait failed (a transient failure, or retries cut short
# by the deadline). failed_polls: polls that failed with a transient error; polls counts them too.
WaitResult = namedtuple("WaitResult", ["record", "elapsed", "polls", "timed_out", "last_error", "failed_polls"],
                        defaults=(None, 0))

ETA_MARGIN = 0.2          # seconds after the predicted moment: land just after it
OVERDUE_FIRST_POLL = 0.5  # then doubling up to max_poll_interval
BACKOFF_FACTOR = 1.5
MIN_POLL_INTERVAL = 0.1   # seconds: never poll back to back


class EtaEstimator:
    """Predicts, in local seconds, when an operation reaches a server-side moment.

    The API's clock may run at another pace than ours (the emulator runs a fast
    simulated clock), so the pace is measured from pairs of (local time, server
    time) samples; without two samples, progress per local second is used.
    """

    def __init__(self):
        self.clock_samples = []     # (local, server datetime)
        self.progress_samples = []  # (local, fraction done)

    def observe(self, local, record, server_now=None):
        if server_now is not None and (not self.clock_samples or server_now != self.clock_samples[-1][1]):
            self.clock_samples.append((local, server_now))
        view = record_view(record)
        if view["status"] == "in_progress":
            fraction = None
            if view["processed_devices"] is not None and view["total_devices"]:
                fraction = float(view["processed_devices"]) / float(view["total_devices"])
            elif view["progress"] is not None:
                fraction = float(view["progress"]) / 100.0
            if fraction is not None and (not self.progress_samples or fraction != self.progress_samples[-1][1]):
                self.progress_samples.append((local, fraction))

    def remaining(self, local, target):
        """Local seconds until the server clock reaches target (None when unknown)."""
        if target is None or len(self.clock_samples) < 2:
            return None
        (t1, s1), (t2, s2) = self.clock_samples[0], self.clock_samples[-1]
        pace = (s2 - s1).total_seconds() / (t2 - t1) if t2 > t1 else 0.0
        if pace <= 0:
            return None
        return (target - s2).total_seconds() / pace - (local - t2)

    def remaining_by_progress(self, local):
        if len(self.progress_samples) < 2:
            return None
        (t1, f1), (t2, f2) = self.progress_samples[0], self.progress_samples[-1]
        if t2 <= t1 or f2 <= f1:
            return None
        return (1.0 - f2) * (t2 - t1) / (f2 - f1) - (local - t2)


class Goal:
    """What a wait waits for: a set of statuses, plus which server moment announces it."""

    def __init__(self, statuses, moment, failure_is_success=False):
        self.statuses = frozenset(statuses)
        self.moment = moment  # "start" or "completion"
        # Only a caller that names the statuses may accept failed/cancelled.
        self.failure_is_success = failure_is_success

    @classmethod
    def started(cls):
        return cls(("in_progress",) + tuple(TERMINAL_STATUSES), "start")

    @classmethod
    def completed(cls):
        return cls(TERMINAL_STATUSES, "completion")

    @classmethod
    def statuses_in(cls, statuses):
        statuses = frozenset(statuses)
        return cls(statuses, "start" if statuses <= frozenset(("scheduled", "in_progress")) else "completion",
                   failure_is_success=True)

    def reached(self, record):
        return record_view(record)["status"] in self.statuses

    def unreachable(self, record):
        """Terminal in a status the goal does not accept: waiting longer is useless."""
        status = record_view(record)["status"]
        return is_terminal(status) and status not in self.statuses

    def target_moment(self, record):
        view = record_view(record)
        if self.moment == "start" and view["status"] == "scheduled":
            return view["scheduled_for"]
        if view["estimated_completion"] is not None:
            return view["estimated_completion"]
        if view["scheduled_for"] is not None and view["estimated_duration_minutes"]:
            try:
                return view["scheduled_for"] + datetime.timedelta(minutes=view["estimated_duration_minutes"])
            except OverflowError:
                return None
        return None


class Operations:
    """Find, create and wait for headless operations through a Client."""

    def __init__(self, client, clock=None, sleep=None):
        # clock must be the client's (both time.monotonic by default): wait hands its deadline on.
        self.client = client
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep

    # -- reading -------------------------------------------------------
    def get(self, operation_id, update_status=False, deadline=None):
        """One record by id, or None when the API does not know it (404).

        deadline: a moment of this service's clock past which the client neither
        sleeps nor retries.
        """
        params = {"id": "%s" % operation_id}
        if update_status:
            params["update_status"] = "true"
        try:
            page = self.client.get(ENDPOINT, params=params, deadline=deadline)
        except NotFoundError:
            return None
        results = page.get("results") if isinstance(page, dict) else None
        if isinstance(results, list):
            for record in results:
                if not isinstance(record, dict):
                    raise ApiError(
                        "GET %s?id=%s answered a result that is not an operation record: %s"
                        % (self.client.url_for(ENDPOINT), operation_id, type(record).__name__),
                        hint="Check that api_url points at the Zequenze Control API")
                if "%s" % record.get("id") == "%s" % operation_id:
                    return record
            return None
        # Tolerate an API that answers the bare record.
        return page if isinstance(page, dict) and page.get("id") is not None else None

    def list(self, update_status=False, page_size=None):
        params = {}
        if page_size:
            params["page_size"] = page_size
        if update_status:
            params["update_status"] = "true"
        return self.client.iterate(ENDPOINT, params=params or None)

    def find_matches(self, identity, any_state=False):
        """Every visible operation that satisfies identity (see matches), newest first.

        Newest by created_at, then by id (numerically when both are numbers); records
        without a creation time come last. The API's own order is not relied on.
        """
        found = [r for r in self.list(page_size=LOOKUP_PAGE_SIZE) if identity.matches(r, any_state)]
        return sorted(found, key=_newest_first_key)

    # -- creating ------------------------------------------------------
    def create(self, body, identity, known_ids=()):
        """POST the body once; after an ambiguous failure, adopt the operation it made.

        known_ids are the operations of the same identity, in any state, that
        existed before: after a read timeout or reset, one that is not among
        them is ours, even if it already ended.

        The client retries what certainly did not arrive (refused, 429, 503);
        this loop handles only the ambiguous failures, at most
        MAX_AMBIGUOUS_RETRIES times, and both layers draw on the one
        max_retries budget: at most max_retries + 1 POSTs in all.
        """
        known = set("%s" % i for i in known_ids)
        budget = self.client.max_retries
        ambiguous_retries = 0
        while True:
            try:
                return _created_record(self.client.post(ENDPOINT, body, max_retries=budget))
            except AmbiguousRequestError as error:
                if identity is None:
                    raise
                ours = [r for r in self.find_matches(identity, any_state=True)
                        if "%s" % r.get("id") not in known]
                if ours:
                    return ours[0]
                budget -= getattr(error, "attempts", 1)
                if budget < 0 or ambiguous_retries >= MAX_AMBIGUOUS_RETRIES:
                    raise
                self._sleep(self.client.backoff(ambiguous_retries))
                ambiguous_retries += 1
            except PermissionDeniedError as exc:
                orgs = sorted(identity.organizations, key=str) if identity else []
                if orgs:
                    exc.hint_detail = ", ".join("%s" % o for o in orgs)
                raise

    # -- waiting -------------------------------------------------------
    def wait(self, record, goal, timeout, poll_interval, max_poll_interval, refresh_status=True,
             created=False, refreshed=False):
        """Poll the operation until goal is reached, unreachable, or the deadline passes.

        record is the latest known record: the POST answer (created) or a GET
        answer, refreshed with update_status or not. Fresh records tell the
        server's time, which lets the pace of its clock be measured.

        A poll that fails with a transient error (the client's retries used up
        by a refused connection, a timeout, 429 or 5xx: an API restart) does not
        end the wait: it is counted, the last good record is kept, and the next
        poll comes after the polling backoff, until the deadline. Other errors
        end the wait at once.
        """
        started = self._clock()
        deadline = started + max(0.0, float(timeout))
        estimator = EtaEstimator()
        view = record_view(record)
        if created or refreshed:
            estimator.observe(started, record, _server_now(view, created))
        polls = failed_polls = 0
        last_error = None
        backoff = max(MIN_POLL_INTERVAL, float(poll_interval))
        max_poll_interval = max(MIN_POLL_INTERVAL, float(max_poll_interval))
        overdue_delay = OVERDUE_FIRST_POLL
        operation_id = view["id"]
        while not (goal.reached(record) or goal.unreachable(record)):
            now = self._clock()
            if now >= deadline:
                return WaitResult(record, now - started, polls, True, last_error, failed_polls)
            # After a failed poll, back off as polling does: no estimate is worth trusting then.
            eta = None if last_error else estimator.remaining(now, goal.target_moment(record))
            if (eta is None or eta <= 0) and goal.moment == "completion" and not last_error:
                # No estimate, or the API's estimate has passed: trust the measured progress.
                eta = _first(estimator.remaining_by_progress(now), eta)
            if eta is None:
                delay = backoff
                backoff = min(backoff * BACKOFF_FACTOR, max_poll_interval)
            elif eta > 0:
                delay = eta + ETA_MARGIN
            else:
                # Overdue with no better idea: look again soon, then less and less often.
                delay = overdue_delay
                overdue_delay *= 2
            delay = max(0.0, min(max(MIN_POLL_INTERVAL, min(delay, max_poll_interval)), deadline - now))
            self._sleep(delay)
            try:
                latest = self.get(operation_id, update_status=refresh_status, deadline=deadline)
            except ZequenzeError as error:
                if error.deadline_reached:
                    # A failure that might have passed, out of time to retry: the wait timed out.
                    return WaitResult(record, self._clock() - started, polls + 1, True, error.message,
                                      failed_polls + 1)
                if error.transient:
                    # The API may be restarting: keep the last good record, back off, poll again.
                    polls += 1
                    failed_polls += 1
                    last_error = error.message
                    continue
                # Say which operation the wait was about, so the user can come back to it.
                error.message = "While waiting for %s: %s" % (describe(record), error.message)
                error.wait_result = WaitResult(record, self._clock() - started, polls, False, None, failed_polls)
                raise
            polls += 1
            last_error = None
            if latest is None:
                error = NotFoundError(
                    "Operation %s disappeared while waiting for it" % operation_id, status=404,
                    hint="Check that the token still sees the operation's organizations")
                error.wait_result = WaitResult(record, self._clock() - started, polls, False, None, failed_polls)
                raise error
            record = latest
            estimator.observe(self._clock(), record,
                              _server_now(record_view(record)) if refresh_status else None)
        return WaitResult(record, self._clock() - started, polls, False, None, failed_polls)


def newest_first(records):
    """The records sorted newest first: by created_at, then by id; records without a creation time last."""
    return sorted(records, key=_newest_first_key)


def _newest_first_key(record):
    view = record_view(record)
    created = view["created_at"]
    ident = "%s" % (view["id"],)
    return (
        created is None,
        -(created - _EPOCH).total_seconds() if created is not None else 0.0,
        (0, -int(ident), "") if re.match(r"^[0-9]+$", ident) else (1, 0, ident),
    )


def _created_record(answer):
    """The POST answer, which must be the created operation: a mapping with an id."""
    if not isinstance(answer, dict) or answer.get("id") is None:
        raise ApiError(
            "The API answered the create request with %s instead of the created operation (no id)"
            % ("a list envelope" if isinstance(answer, dict) and "results" in answer
               else "an empty body" if answer is None else "a %s" % type(answer).__name__),
            hint="Nothing is known to have been created; check api_url and the API's logs")
    return answer


def _server_now(view, created=False):
    """The server's clock when a fresh record was produced, or None when it does not tell.

    A POST answer was made at its created_at. A running operation's updated_at
    is when its last device finished, up to one device's time ago: add half of
    that so the estimate is not biased late. Other records keep old times.
    """
    if created:
        return view["created_at"]
    now = view["updated_at"]
    if view["status"] != "in_progress" or now is None:
        return None
    if view["total_devices"]:
        start = _first(view["scheduled_for"], view["created_at"])
        if view["estimated_completion"] is not None and start is not None:
            if view["created_at"] is not None and view["created_at"] > start:
                start = view["created_at"]
            try:
                now += (view["estimated_completion"] - start) / (2 * view["total_devices"])
            except OverflowError:
                pass
    return now


def wait_report(result=None):
    """The wait return value; no result means nothing was waited for."""
    if result is None:
        return {"elapsed": 0.0, "polls": 0, "failed_polls": 0, "timed_out": False}
    return {"elapsed": round(result.elapsed, 3), "polls": result.polls, "failed_polls": result.failed_polls,
            "timed_out": result.timed_out}


def check_wait_outcome(result, goal, max_failed_devices=None):
    """Raise the error a finished wait deserves: timeout, unreachable goal, too many failures.

    The error carries the wait's result as wait_result, like errors raised while polling.
    """
    try:
        _check_wait_outcome(result, goal, max_failed_devices)
    except ZequenzeError as error:
        error.wait_result = result
        raise


def _check_wait_outcome(result, goal, max_failed_devices):
    record = result.record
    status = record_view(record)["status"]
    if result.timed_out:
        raise WaitTimeoutError(
            "Timed out after %.0f s waiting for %s to reach %s%s" % (
                result.elapsed, describe(record), " or ".join(sorted(goal.statuses)),
                "; the last poll failed: %s" % result.last_error if result.last_error else ""),
            hint="Raise wait_timeout, or wait again later with zequenze.control.headless_operation_info")
    failed = is_terminal(status) and status != "completed"
    if goal.unreachable(record) or (failed and not goal.failure_is_success):
        raise OperationFailedError(
            "%s ended %s" % (_capitalized(describe(record)), status),
            hint=_error_summary_hint(record))
    if max_failed_devices is not None:
        failed_devices = record_view(record)["failed_devices"]
        if failed_devices > max_failed_devices:
            raise OperationFailedError(
                "%s has %s failed devices, more than max_failed_devices (%s)" % (
                    _capitalized(describe(record)), failed_devices, max_failed_devices),
                hint=_error_summary_hint(record))


def _capitalized(text):
    return text[:1].upper() + text[1:]


def _error_summary_hint(record):
    summary = record_view(record)["error_summary"]
    if summary:
        return "Error summary: %s" % ", ".join("%s=%s" % (k, summary[k]) for k in sorted(summary))
    return ""
