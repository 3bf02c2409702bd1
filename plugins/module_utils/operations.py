# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The headless operation service the modules use: read, find, create, wait.

No HTTP here: everything goes through the Client of client.py. The ideas live
in their own files: records, identity, request_body, create_reconciler,
waiter and wait_outcome.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.zequenze.control.plugins.module_utils.create_reconciler import CreateReconciler
from ansible_collections.zequenze.control.plugins.module_utils.errors import ApiError, NotFoundError
from ansible_collections.zequenze.control.plugins.module_utils.identity import OperationIdentity
from ansible_collections.zequenze.control.plugins.module_utils.waiter import Waiter

ENDPOINT = "inventory_device_serial_headless_operation/"


class Operations:
    """Find, create and wait for headless operations through a Client."""

    def __init__(self, client, clock=None, sleep=None):
        # clock must be the client's (both time.monotonic by default): wait hands its deadline on.
        self.client = client
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._reconciler = CreateReconciler(client, ENDPOINT, self._sleep)

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
        """Every visible operation that satisfies identity, newest first (see CreateReconciler)."""
        return self._reconciler.find_matches(identity, any_state)

    def ensure(self, body, force=False, check_mode=False):
        """(record, created): an operation with the body's identity, else the one created (None in check mode)."""
        identity = OperationIdentity.from_body(body)
        same = self.find_matches(identity, any_state=True)
        existing = [r for r in same if identity.matches(r)]
        if existing and not force:
            return existing[0], False
        if check_mode:
            return None, True
        return self.create(body, identity, known_ids=[r.get("id") for r in same]), True

    def create(self, body, identity, known_ids=()):
        """POST once and adopt what an ambiguous failure made (see CreateReconciler.create)."""
        return self._reconciler.create(body, identity, known_ids)

    def wait(self, record, goal, timeout, poll_interval, max_poll_interval, refresh_status=True,
             created=False, refreshed=False):
        """Poll until goal is reached, unreachable, or timeout passes (see Waiter.wait)."""
        return Waiter(self.get, self._clock, self._sleep).wait(
            record, goal, timeout, poll_interval, max_poll_interval, refresh_status, created, refreshed)
