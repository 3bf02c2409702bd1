# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An advisory lock per identity, so that runs on one machine create an operation one at a time."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

try:
    import fcntl
except ImportError:  # pragma: no cover - not a POSIX system
    fcntl = None

from ansible_collections.zequenze.control.plugins.module_utils.errors import LockTimeoutError
from ansible_collections.zequenze.control.plugins.module_utils.identity_index import (
    api_folder,
    make_private_dir,
    match_key,
)

# Seconds between two tries of a lock another process holds.
LOCK_POLL_INTERVAL = 0.05
HAS_LOCKS = fcntl is not None


class CreateLock:
    """flock on <cache>/<api>/locks/<identity>.lock: held from the lookup to the create's confirmation.

    The kernel releases it when its holder ends, however it ends (kill -9 included).
    """

    def __init__(self, cache_dir, api_url, identity, timeout, clock, sleep):
        self.path = os.path.join(api_folder(cache_dir, api_url), "locks", match_key(identity) + ".lock")
        self.timeout = timeout
        self._clock = clock
        self._sleep = sleep
        self._handle = None

    def __enter__(self):
        make_private_dir(os.path.dirname(self.path))
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = self._clock() + self.timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except (IOError, OSError):
                if self._clock() >= deadline:
                    os.close(handle)
                    raise LockTimeoutError(
                        "Another run on this machine has been creating an operation with the same identity for "
                        "%.0f s and still holds its lock (%s)" % (self.timeout, self.path),
                        hint="Wait for that run to end, then run the task again; it adopts what that run created",
                    )
                self._sleep(LOCK_POLL_INTERVAL)
        self._handle = handle
        return self

    def __exit__(self, *exc_info):
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        os.close(self._handle)
        self._handle = None
        return False
