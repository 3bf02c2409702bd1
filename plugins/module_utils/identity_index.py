# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A cache, on the machine the module runs on, of the identities the API has shown.

Identity fields of an operation never change, so a lookup only needs the
records created since the last one. The cache keeps, per API URL and token
(a hash of the token names the file: never the token), each record's identity
fields and last seen status, and whether the listing showed it ("listed").
SQLite serializes writers, so several processes may share one file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import hashlib
import json
import os
import sqlite3

from ansible_collections.zequenze.control.plugins.module_utils.identity import OperationIdentity
from ansible_collections.zequenze.control.plugins.module_utils.records import partial_record, record_view
from ansible_collections.zequenze.control.plugins.module_utils.timestamps import parse_timestamp

CACHE_FOLDER = "zequenze.control"
SCHEMA_VERSION = "1"
BUSY_TIMEOUT_MS = 30000
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    match_key TEXT NOT NULL,
    listed INTEGER NOT NULL,
    view TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_match ON records (match_key);
-- listed_count reads this narrow index, not every stored view: every lookup counts.
CREATE INDEX IF NOT EXISTS records_by_listed ON records (listed);
"""


def default_cache_dir():
    """$XDG_CACHE_HOME/zequenze.control, ~/.cache/zequenze.control without it."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, CACHE_FOLDER)


def _digest(*parts):
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def api_folder(cache_dir, api_url):
    """The folder of one API URL under the cache folder."""
    return os.path.join(cache_dir, "api-" + _digest("zequenze.control api", api_url.rstrip("/"))[:24])


def match_key(identity):
    """What an exact lookup can use: the operation type and the organizations."""
    return json.dumps(["%s" % identity.operation_type, sorted("%s" % o for o in identity.organizations)])


def view_key(view):
    """match_key of a Record."""
    return match_key(OperationIdentity.from_view(view))


def make_private_dir(path):
    """Create path (and parents) readable by the owner only."""
    if not os.path.isdir(path):
        os.makedirs(path, 0o700)


class IdentityIndex:
    """The identity fields of the records one API URL shows one token: a file, or memory."""

    def __init__(self, path=None):
        """path: the SQLite file (created 0600), or None for a cache held in memory for this run."""
        self.path = path
        if path is not None:
            make_private_dir(os.path.dirname(path))
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        self.db = sqlite3.connect(path or ":memory:", timeout=BUSY_TIMEOUT_MS / 1000.0, isolation_level=None)
        try:
            self.db.execute("PRAGMA busy_timeout=%d" % BUSY_TIMEOUT_MS)
            if path is not None:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            with self.transaction():
                version = self.get_meta("schema_version")
                if version is None:
                    self.set_meta("schema_version", SCHEMA_VERSION)
                elif version != SCHEMA_VERSION:
                    raise sqlite3.DatabaseError("identity cache schema %s is not %s" % (version, SCHEMA_VERSION))
        except sqlite3.Error:
            self.db.close()
            raise

    @staticmethod
    def path_for(cache_dir, api_url, cache_key):
        """The file of one connection (Client.cache_key: API URL and token) under cache_dir."""
        return os.path.join(api_folder(cache_dir, api_url), "identities-%s.sqlite" % cache_key[:32])

    @staticmethod
    def remove(path):
        """Delete a cache file and SQLite's companions (a cache can always be rebuilt)."""
        for name in (path, path + "-wal", path + "-shm"):
            if os.path.exists(name):
                os.remove(name)

    def close(self):
        self.db.close()

    @contextlib.contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- bookkeeping -------------------------------------------------------
    def get_meta(self, key):
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key, value):
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def is_listed(self, operation_id):
        row = self.db.execute("SELECT listed FROM records WHERE id = ?", ("%s" % operation_id,)).fetchone()
        return bool(row and row[0])

    def listed_count(self):
        return self.db.execute("SELECT count(*) FROM records WHERE listed = 1").fetchone()[0]

    # -- records -----------------------------------------------------------
    def save(self, records, listed):
        """Store records (API records, Records, or (Record, match key) pairs); listed: the listing showed them.

        A record once listed stays listed until a full scan no longer shows it.
        """
        rows = [_row(record_view(r), key) for r, key in _keyed(records)]
        rows = [row for row in rows if row is not None]
        flag = 1 if listed else 0
        self.db.executemany("INSERT OR IGNORE INTO records (id, match_key, listed, view) VALUES (?, ?, ?, ?)", [(i, key, flag, view) for i, key, view in rows])
        self.db.executemany("UPDATE records SET view = ?, listed = max(listed, ?) WHERE id = ?", [(view, flag, i) for i, _key, view in rows])

    def replace_listing(self, records):
        """A full scan's records: they alone are listed now."""
        self.db.execute("UPDATE records SET listed = 0")
        self.save(records, listed=True)

    def forget(self, operation_id):
        self.db.execute("DELETE FROM records WHERE id = ?", ("%s" % operation_id,))

    def candidates(self, identity):
        """The stored Records that share identity's operation type and organizations."""
        rows = self.db.execute("SELECT view FROM records WHERE match_key = ?", (match_key(identity),))
        return [_record(json.loads(view)) for (view,) in rows]


def _keyed(records):
    """(record, match key) pairs from records or such pairs."""
    for item in records:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str):
            yield item
        else:
            yield item, None


def _row(view, key=None):
    if view.id is None:
        return None
    stored = {
        "id": "%s" % view.id,
        "operation_type": view.operation_type,
        "status": view.status,
        "organizations": view.organizations,
        "device_types": view.device_types,
        "device_statuses": view.device_statuses,
        "scheduled_for": _precise(view.scheduled_for),
        "created_at": _precise(view.created_at),
    }
    return stored["id"], key or view_key(view), json.dumps(stored)


def _precise(value):
    return value.isoformat() if value is not None else None


def _record(stored):
    return partial_record(
        id=stored["id"],
        operation_type=stored["operation_type"],
        status=stored["status"],
        organizations=stored["organizations"],
        device_types=stored["device_types"],
        device_statuses=stored["device_statuses"],
        scheduled_for=parse_timestamp(stored["scheduled_for"]),
        created_at=parse_timestamp(stored["created_at"]),
    )
