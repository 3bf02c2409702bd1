# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bringing the identity cache up to date with the API's listing, reading only what is new.

The listing is read newest first. Once it reaches a record the cache already
saw listed, everything older was read before, provided the listing really is
newest first: each record's id must be lower than the one before it (or, for
ids that are not numbers, its created_at not later). Any record out of that
order, or a listing count higher than the cache knows, makes the lookup read
the whole listing instead (a full scan), as it does the first time.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.zequenze.control.plugins.module_utils.identity_index import match_key, view_key
from ansible_collections.zequenze.control.plugins.module_utils.records import newest_first_key, record_view

# The first look reads one page this long: what was created since the last lookup usually fits.
FIRST_PAGE_SIZE = 100
# Page size of longer reads: the emulator's largest page. The API document states no limit; a
# server that serves smaller pages is followed through its next links all the same.
LOOKUP_PAGE_SIZE = 1000
# created_at may step back this much between neighbours (clocks of several API workers).
ORDER_SLACK = datetime.timedelta(minutes=5)


def order_problem(previous, view):
    """Why view cannot follow previous in a newest-first listing, or None when it can."""
    if view.id is None:
        return "a listed record has no id"
    if previous is None:
        return None
    earlier, later = "%s" % previous.id, "%s" % view.id
    if earlier.isdigit() and later.isdigit():
        if int(later) >= int(earlier):
            return "the listing is not newest first (id %s after id %s)" % (later, earlier)
    elif previous.created_at is None or view.created_at is None:
        return "the listing's order cannot be checked (ids that are not numbers, no created_at)"
    if previous.created_at is not None and view.created_at is not None and view.created_at > previous.created_at + ORDER_SLACK:
        return "the listing is not newest first (created_at %s after %s)" % (view.created_at.isoformat(), previous.created_at.isoformat())
    return None


class IdentityLookup:
    """Finds the operations of an identity through the cache, after reading what is new."""

    def __init__(self, client, endpoint, index):
        self.client = client
        self.endpoint = endpoint
        self.index = index
        # The API records of the wanted identity read by this run, by id: no need to read them again.
        self.recent = {}
        self._wanted = None

    def matches(self, identity):
        """Every known record that is the same operation as identity (any state), newest first."""
        found = [r for r in self.index.candidates(identity) if identity.matches(r, any_state=True)]
        return sorted(found, key=newest_first_key)

    def refresh(self, identity=None):
        """Read the listing until the cache is complete again; return what it took (the lookup report).

        Records read that may match identity are kept in recent.
        """
        self._wanted = match_key(identity) if identity is not None else None
        if not self.index.get_meta("complete"):
            reason = "an earlier scan could not check the listing's order" if self.index.get_meta("scanned") else "the cache is empty"
            return self._full_scan(reason)
        report = self._read_new(FIRST_PAGE_SIZE)
        if report is None:  # more is new than one short page holds
            report = self._read_new(LOOKUP_PAGE_SIZE)
        return report

    def _read(self, raw):
        """(Record, match key) of an API record; one of the wanted identity is kept in recent."""
        view = record_view(raw)
        key = view_key(view)
        if key == self._wanted and view.id is not None:
            self.recent["%s" % view.id] = raw
        return view, key

    def _read_new(self, page_size):
        new, previous, count, pages, reached = [], None, None, 0, False
        for page in self.client.pages(self.endpoint, params={"page_size": page_size}):
            pages += 1
            if count is None:
                count = page.get("count")
            for raw in page["results"]:
                view, key = self._read(raw)
                problem = order_problem(previous, view)
                if problem:
                    return self._full_scan(problem)
                if self.index.is_listed(view.id):
                    reached = True
                    break
                new.append((view, key))
                previous = view
            if reached:
                break
            if page_size == FIRST_PAGE_SIZE and page.get("next"):
                return None
        with self.index.transaction():
            if reached:
                self.index.save(new, listed=True)
            else:  # the listing ended first: this was a full scan
                self.index.replace_listing(new)
            known = self.index.listed_count()
        if isinstance(count, int) and not isinstance(count, bool) and count > known:
            return self._full_scan("the listing counts %d operations, the cache %d" % (count, known))
        return {"scan": "incremental", "pages": pages, "records_read": len(new) + (1 if reached else 0), "full_scan_reason": None}

    def _full_scan(self, reason):
        views, previous, pages, ordered = [], None, 0, True
        for page in self.client.pages(self.endpoint, params={"page_size": LOOKUP_PAGE_SIZE}):
            pages += 1
            for raw in page["results"]:
                view, key = self._read(raw)
                if ordered and order_problem(previous, view):
                    ordered = False
                views.append((view, key))
                previous = view
        with self.index.transaction():
            self.index.replace_listing(views)
            # Only a listing seen in order lets the next lookup stop early.
            self.index.set_meta("complete", ordered)
            self.index.set_meta("scanned", True)
        return {"scan": "full", "pages": pages, "records_read": len(views), "full_scan_reason": reason}
