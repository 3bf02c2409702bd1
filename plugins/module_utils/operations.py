# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The headless operation service the modules use: read, list, ensure (find or create), wait.

No HTTP here: everything goes through the Client of client.py. The ideas live
in their own files: records, identity, request_body, identity_index,
identity_lookup, create_lock, create_reconciler, waiter and wait_outcome.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sqlite3
import time

from ansible_collections.zequenze.control.plugins.module_utils.create_lock import HAS_LOCKS, CreateLock
from ansible_collections.zequenze.control.plugins.module_utils.create_reconciler import (
    CreateReconciler,
    CreateSettings,
)
from ansible_collections.zequenze.control.plugins.module_utils.errors import ApiError, NotFoundError
from ansible_collections.zequenze.control.plugins.module_utils.identity import OperationIdentity
from ansible_collections.zequenze.control.plugins.module_utils.identity_index import (
    IdentityIndex,
    default_cache_dir,
    make_private_dir,
)
from ansible_collections.zequenze.control.plugins.module_utils.identity_lookup import IdentityLookup
from ansible_collections.zequenze.control.plugins.module_utils.waiter import Waiter

ENDPOINT = "inventory_device_serial_headless_operation/"


class Operations:
    """Find, create and wait for headless operations through a Client."""

    def __init__(self, client, clock=None, sleep=None, settings=None):
        """settings: the CreateSettings of ensure (default: the cache in the user's cache folder)."""
        # clock must be the client's (both time.monotonic by default): wait hands its deadline on.
        self.client = client
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self.settings = settings or CreateSettings(None, True, 0.0)
        # What the caller should tell the user (a cache that could not be used).
        self.warnings = []
        self._reconciler = None

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
                        hint="Check that api_url points at the Zequenze Control API",
                    )
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

    def ensure(self, body, force=False, check_mode=False):
        """The CreateOutcome of a request body: an operation with its identity, else the one created
        (see CreateReconciler.ensure)."""
        return self.reconciler().ensure(body, OperationIdentity.from_body(body), force, check_mode)

    def reconciler(self):
        if self._reconciler is None:
            self._reconciler = self._make_reconciler()
        return self._reconciler

    def _make_reconciler(self):
        settings = self.settings
        cache_dir = settings.cache_dir or default_cache_dir()
        index = lock = None
        try:
            make_private_dir(cache_dir)
        except OSError as exc:
            self.warnings.append(
                "The cache folder %s cannot be used (%s): every lookup reads the whole listing, "
                "and runs on this machine do not take the create lock" % (cache_dir, exc)
            )
        else:
            if HAS_LOCKS:
                lock = self._lock_factory(cache_dir)
            if settings.use_cache:
                index = self._open_index(cache_dir)
        if index is None:
            index = IdentityIndex(None)
        return CreateReconciler(
            self.client, ENDPOINT, self.get, IdentityLookup(self.client, ENDPOINT, index), self._clock, self._sleep, settings.settle_time, lock
        )

    def _open_index(self, cache_dir):
        path = IdentityIndex.path_for(cache_dir, self.client.api_url, self.client.cache_key())
        try:
            try:
                return IdentityIndex(path)
            except sqlite3.DatabaseError as exc:
                IdentityIndex.remove(path)
                self.warnings.append(
                    "The identity cache %s could not be read (%s) and started a new cache: " "this lookup reads the whole listing" % (path, exc)
                )
                return IdentityIndex(path)
        except (OSError, sqlite3.Error) as exc:
            self.warnings.append("The identity cache in %s cannot be used (%s): this lookup reads the whole " "listing" % (cache_dir, exc))
            return None

    def _lock_factory(self, cache_dir):
        def lock(identity, timeout):
            return CreateLock(cache_dir, self.client.api_url, identity, timeout, self._clock, self._sleep)

        return lock

    def wait(self, record, goal, timeout, poll_interval, max_poll_interval, refresh_status=True, created=False, refreshed=False):
        """Poll until goal is reached, unreachable, or timeout passes (see Waiter.wait)."""
        return Waiter(self.get, self._clock, self._sleep).wait(record, goal, timeout, poll_interval, max_poll_interval, refresh_status, created, refreshed)

    def close(self):
        if self._reconciler is not None:
            self._reconciler.lookup.index.close()
