# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The API server's clock as its records show it: the latest time read, plus our time since."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.zequenze.control.plugins.module_utils.timestamps import UTC


class ServerClock:
    """Estimates the server's time from the created_at/updated_at of the records it sends.

    monotonic: our clock (seconds), to carry the last server time read forward.
    """

    def __init__(self, monotonic):
        self._monotonic = monotonic
        self._seen = None  # (latest server time read, our monotonic time then)

    def now(self):
        """The server's time by now, or None before any record told it."""
        if self._seen is None:
            return None
        seen, at = self._seen
        return seen + datetime.timedelta(seconds=max(0.0, self._monotonic() - at))

    def note(self, view):
        """Learn from one record (a Record) the server's time, if it is later than known."""
        latest = max(
            [t for t in (view["created_at"], view["updated_at"]) if t is not None] or [None], key=lambda t: t or datetime.datetime.min.replace(tzinfo=UTC)
        )
        if latest is not None and (self._seen is None or latest > self.now()):
            self._seen = (latest, self._monotonic())
