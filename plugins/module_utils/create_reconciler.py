# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The create path: find the operations of an identity, decide, create at most once, confirm.

Only a refused connection proves a POST was not received (the client retries
those). Any other failed POST may have been saved: before each new POST the
identity is looked up again, repeatedly for settle_time (listings lag, saves
land late); an operation that appears is adopted. When none appears and no
retry is left, the task fails saying the operation may exist. After a create,
one more look reports operations of the same identity that another run made
meanwhile (duplicates). Runs on one machine take a lock per identity.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.zequenze.control.plugins.module_utils.errors import (
    AmbiguousRequestError,
    ApiError,
    PermissionDeniedError,
    UndecidedCreateError,
    ZequenzeError,
)
from ansible_collections.zequenze.control.plugins.module_utils.records import ACTIVE_STATUSES, record_view

# Seconds between the looks of one settle period: the first comes at once, then doubling.
SETTLE_FIRST_DELAY = 0.5
# Seconds a lock may be held beyond what a holder's POSTs and settling can take (its lookups).
LOCK_MARGIN = 120.0

# cache_dir: where the identity cache and the locks live; use_cache: keep the cache in files there
# (otherwise in memory, for this run only); settle_time: seconds to keep looking after an ambiguous failure.
CreateSettings = namedtuple("CreateSettings", ["cache_dir", "use_cache", "settle_time"])

# record: the operation that satisfies the request (None in check mode when one would be created);
# created: a POST was sent (or would be, in check mode); adopted: a POST failed ambiguously and the
# operation it made was found; duplicates: other operations of the identity created meanwhile;
# lookup: what reading the listing took.
CreateOutcome = namedtuple("CreateOutcome", ["record", "created", "adopted", "duplicates", "lookup"])


class CreateReconciler:
    """Creates operations of one endpoint through a Client, once per identity."""

    def __init__(self, client, endpoint, get, lookup, clock, sleep, settle_time=0.0, lock=None):
        """get(id): one record or None; lookup: an IdentityLookup;
        lock(identity, timeout): a context manager, or None for no lock."""
        self.client = client
        self.endpoint = endpoint
        self._get = get
        self.lookup = lookup
        self.settle_time = max(0.0, float(settle_time))
        self._clock = clock
        self._sleep = sleep
        self._lock = lock

    # -- find, decide, create, confirm ----------------------------------------
    def ensure(self, body, identity, force=False, check_mode=False):
        """The CreateOutcome of a request: an existing operation, or one created now."""
        if check_mode or self._lock is None:
            return self._ensure(body, identity, force, check_mode)
        with self._lock(identity, self.lock_timeout()):
            return self._ensure(body, identity, force, check_mode)

    def lock_timeout(self):
        """Long enough for a holder to POST max_retries + 1 times and settle after each."""
        attempts = self.client.max_retries + 1
        return attempts * (self.client.timeout[1] + self.settle_time) + LOCK_MARGIN

    def _ensure(self, body, identity, force, check_mode):
        report = self.lookup.refresh(identity)
        same = self.current(self.lookup.matches(identity), identity)
        if not force:
            for candidate in (r for r in same if identity.matches(r)):
                record = self.latest(candidate)
                if record is not None:
                    return CreateOutcome(record, False, False, [], report)
        if check_mode:
            return CreateOutcome(None, True, False, [], report)
        known = set("%s" % r.id for r in same)
        record, adopted = self.create(body, identity, known)
        self.lookup.index.save([record], listed=False)
        known.add("%s" % record_view(record).id)
        return CreateOutcome(record, True, adopted, self.newcomers(identity, known), report)

    def current(self, candidates, identity):
        """The candidates, those whose state decides the match re-read by id (gone ones dropped)."""
        if identity.scheduled_for is not None:
            return candidates  # any state satisfies a scheduled request
        fresh = []
        for candidate in candidates:
            if candidate.status is not None and candidate.status not in ACTIVE_STATUSES:
                fresh.append(candidate)  # ended: it stays ended
                continue
            latest = self.lookup.recent.get("%s" % candidate.id) or self.read(candidate.id)
            if latest is not None:
                fresh.append(record_view(latest))
        return fresh

    def latest(self, candidate):
        """The API record of a cached candidate: as read by this run, else read now by id (None: gone)."""
        return self.lookup.recent.get("%s" % candidate.id) or self.read(candidate.id)

    def read(self, operation_id):
        """One record by id (refreshing the cache), or None when the API no longer shows it."""
        record = self._get(operation_id)
        if record is None:
            self.lookup.index.forget(operation_id)
        else:
            self.lookup.index.save([record], listed=False)
            self.lookup.recent["%s" % operation_id] = record
        return record

    def newcomers(self, identity, known):
        """Operations of identity, in any state, that appeared while this run created its own."""
        try:
            self.lookup.refresh(identity)
        except ZequenzeError:
            return []  # the create succeeded; a failed second look must not fail the task
        found = [r for r in self.lookup.matches(identity) if "%s" % r.id not in known]
        try:
            return [self.latest(r) or r for r in found]
        except ZequenzeError:
            return found

    # -- the POST ----------------------------------------------------------
    def create(self, body, identity, known):
        """POST the body; after an ambiguous failure, settle and adopt, or POST again.

        Returns (record, adopted). At most max_retries + 1 POSTs in all, refused
        connections (retried by the client) included.
        """
        budget = self.client.max_retries
        while True:
            try:
                return created_record(self._post(body, budget)), False
            except AmbiguousRequestError as error:
                if identity is None:
                    raise
                ours = self.settle(identity, known, error)
                if ours is not None:
                    return ours, True
                budget -= error.attempts
                if budget < 0:
                    raise self.undecided(error)
            except PermissionDeniedError as error:
                orgs = sorted(identity.organizations, key=str) if identity else []
                if orgs:
                    raise error.replaced(hint_detail=", ".join("%s" % o for o in orgs))
                raise

    def _post(self, body, budget):
        try:
            return self.client.post(self.endpoint, body, max_retries=budget)
        except ApiError as error:
            if error.status is not None and 200 <= error.status < 300:  # saved, with a body we cannot decode
                raise error.replaced(
                    message="%s: the operation was %s" % (error.message, CREATED_UNREADABLE),
                    hint="A re-run finds it by its identity and adopts it " "instead of creating another",
                )
            raise

    def settle(self, identity, known, error):
        """Look for the operation an ambiguous POST may have made, for settle_time (and Retry-After)."""
        deadline = self._clock() + max(self.settle_time, error.retry_after or 0.0)
        delay = SETTLE_FIRST_DELAY
        while True:
            try:
                self.lookup.refresh(identity)
                # The oldest newcomer is the first POST's.
                ours = [self.latest(r) for r in reversed(self.lookup.matches(identity)) if "%s" % r.id not in known]
            except ZequenzeError:
                ours = []  # the lookup failed too: still undecided
            ours = [r for r in ours if r is not None]
            if ours:
                return ours[0]
            left = deadline - self._clock()
            if left <= 0:
                return None
            self._sleep(min(delay, left))
            delay *= 2

    def undecided(self, error):
        return UndecidedCreateError(
            "%s; no operation with this identity appeared within %.0f s of looking (settle_time), and no "
            "retry is left (max_retries): the operation may have been created, and a re-run will adopt it"
            % (error.message.rstrip("."), max(self.settle_time, error.retry_after or 0.0)),
            status=error.status,
            detail=error.detail,
            url=error.url,
            attempts=error.attempts,
            transient=error.transient,
        )


# A 2xx answer to the POST means the API saved the operation, whatever its body says.
CREATED_UNREADABLE = "created, but its id could not be read; re-run to adopt it"


def created_record(answer):
    """The POST answer, which must be the created operation: a mapping with a readable id."""
    if not isinstance(answer, dict) or record_view(answer).id is None:
        raise ApiError(
            "The API answered the create request with %s instead of the created operation: the operation was %s"
            % (
                (
                    "a list envelope"
                    if isinstance(answer, dict) and "results" in answer
                    else "an empty body" if answer is None else "a record without a readable id" if isinstance(answer, dict) else "a %s" % type(answer).__name__
                ),
                CREATED_UNREADABLE,
            ),
            hint="A re-run finds it by its identity and adopts it instead of creating another",
        )
    return answer
