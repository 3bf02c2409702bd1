# Copyright (c) 2026 Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An ansible-rulebook event source: one event per headless operation status change."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import os
import random
import sys
from pathlib import Path


def _collections_root() -> str:
    """Return the folder holding the ansible_collections tree this file is in, or ''."""
    for parent in Path(__file__).resolve().parents:
        if parent.name == "ansible_collections":
            return str(parent.parent)
    return ""


# ansible-rulebook loads a source by its path, without Ansible's collection loader: make
# the collection this file belongs to importable, ahead of any other copy.
if _collections_root() and _collections_root() not in sys.path:
    sys.path.insert(0, _collections_root())

# pylint: disable=wrong-import-position
from ansible_collections.zequenze.control.plugins.plugin_utils.event_source_args import (  # noqa: E402
    source_settings,
)
from ansible_collections.zequenze.control.plugins.plugin_utils.event_source_watch import (  # noqa: E402
    build_watch,
    error_text,
    scrubbed,
)
from ansible_collections.zequenze.control.plugins.plugin_utils.operation_watch import (  # noqa: E402
    OperationWatch,
)

# pylint: enable=wrong-import-position

DOCUMENTATION = r"""
---
short_description: Events for Zequenze Control headless operations as they start, finish and fail
description:
  - Polls the Zequenze Control API and puts one event on the rulebook's queue for each
    status change of a headless operation - a new operation, C(scheduled) to C(in_progress),
    and the end (C(completed), C(failed) or C(cancelled)).
  - Each poll reads the newest page of the listing (the API lists newest first; the source
    checks it), down to the newest operation it already knew, and looks up by id the active
    operations it did not meet there. The first poll reads the whole history once, to learn
    which operations are still active.
  - "Every event has C(type) (V(operation_created), V(operation_existing), V(operation_started),
    V(operation_completed), V(operation_failed), V(operation_cancelled), V(operation_status_changed),
    V(operation_failed_devices_over_threshold), V(operation_stalled), V(operation_overdue),
    V(source_error) or V(source_recovered)), C(operation) (the API record as read) and C(status)."
  - Status change events also have C(previous_status); it is absent for a new operation.
    An operation that went from C(scheduled) to an end between two polls gets an
    V(operation_started) event with C(inferred=true) first.
  - A poll that fails (the API restarts, a network cut) is repeated with capped exponential
    backoff; after O(error_after) failed polls in a row one V(source_error) event reports it,
    and V(source_recovered) follows when polls succeed again. Changes made meanwhile are
    delivered then - none is lost, none repeated.
  - The API token never appears in an event.
  - Needs the Python package C(requests) and ansible-core in the decision environment.
options:
  api_url:
    description:
      - Base URL of the Zequenze Control API, up to and including the version.
      - If not set, the value of the E(ZEQUENZE_API_URL) environment variable is used.
    type: str
    default: https://control.zequenze.com/api/v1
  api_token:
    description:
      - API token. If not set, the value of the E(ZEQUENZE_API_TOKEN) environment variable is used.
      - An EDA credential of the Zequenze Control type injects the variable.
    type: str
    required: true
  validate_certs:
    description:
      - Whether to check the API's TLS certificate.
      - If not set, the value of the E(ZEQUENZE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of certificate authorities to trust instead of the system trust store.
      - If not set, the value of the E(ZEQUENZE_CA_PATH) environment variable is used.
    type: str
  timeout:
    description:
      - Seconds to wait for each HTTP answer. If not set, E(ZEQUENZE_TIMEOUT) is used.
    type: float
    default: 30
  max_retries:
    description:
      - How many times one request is repeated before the poll counts as failed.
        If not set, E(ZEQUENZE_MAX_RETRIES) is used.
    type: int
    default: 2
  interval:
    description:
      - Seconds between the start of one poll and the start of the next.
      - An event reaches the rulebook at most about O(interval) seconds after the change
        shows in the API.
    type: float
    default: 30
  operation_types:
    description:
      - Only operations of these types produce events.
    type: list
    elements: str
  organizations:
    description:
      - Only operations that target at least one of these organizations produce events.
    type: list
    elements: str
  emit_existing:
    description:
      - On start, an V(operation_existing) event for each operation that is scheduled or running.
      - With V(false), the source starts silently and reports only what changes afterwards.
    type: bool
    default: false
  update_status:
    description:
      - Ask the API to refresh the status of the operations it lists (C(update_status=true)).
      - Fresher records, at a cost for the API; without it a record may be one refresh period old.
    type: bool
    default: false
  page_size:
    description:
      - Operations asked for per listing page.
    type: int
    default: 100
  lookups_per_poll:
    description:
      - Active operations below the newest page are looked up by id - every running one,
        every scheduled one whose time has come, and, in turn, up to this many in all
        per poll of the ones scheduled for later.
    type: int
    default: 20
  failed_devices_threshold:
    description:
      - One V(operation_failed_devices_over_threshold) event per operation when more
        devices than this have failed.
    type: int
  failed_percent_threshold:
    description:
      - One V(operation_failed_devices_over_threshold) event per operation when more than
        this percentage of its devices have failed.
    type: float
  stalled_minutes:
    description:
      - One V(operation_stalled) event per operation that is running with no update, or has
        not started, this many minutes after it should have (as the monitor_operations playbook
        counts them, against this host's clock).
    type: float
  overdue_minutes:
    description:
      - One V(operation_overdue) event per operation still active this many minutes past its
        estimated completion.
    type: float
  error_after:
    description:
      - Failed polls in a row before a V(source_error) event. An error that will not pass
        on its own (a rejected token) is reported at once.
    type: int
    default: 3
  max_backoff:
    description:
      - The longest wait, in seconds, between polls after failures.
    type: float
    default: 300
"""

EXAMPLES = r"""
- name: React to headless operations
  hosts: localhost
  sources:
    - zequenze.control.operation_events:
        interval: 30
        operation_types: [bulk_serial_sync]
        failed_percent_threshold: 5
  rules:
    - name: Re-schedule what failed
      condition: event.type == "operation_failed"
      action:
        run_playbook:
          name: zequenze.control.eda_reschedule_failed
"""

SOURCE_ERROR = "source_error"
SOURCE_RECOVERED = "source_recovered"


class Poller:
    """Runs the watch's polls in a thread, paced by interval, backing off after failures."""

    def __init__(
        self,
        watch: OperationWatch,
        settings: dict,
        sleep: object = None,
        jitter: object = None,
    ) -> None:
        """Poll with watch; sleep and jitter are replaceable for tests."""
        self.watch = watch
        self.interval = settings["interval"]
        self.error_after = settings["error_after"]
        self.max_backoff = max(settings["max_backoff"], self.interval)
        self._sleep = sleep or asyncio.sleep
        self._jitter = jitter or random.random
        self.failed_polls = 0
        self.reported = False

    def _backoff(self) -> float:
        """Capped exponential backoff with half jitter: never sooner than interval."""
        ceiling = min(self.max_backoff, self.interval * (2 ** min(self.failed_polls, 30)))
        return max(self.interval, ceiling * (0.5 + self._jitter() / 2))

    def _error_event(self, error: Exception) -> dict:
        return {
            "type": SOURCE_ERROR,
            "error": error_text(error),
            "failed_polls": self.failed_polls,
            "api_url": self.watch.operations.client.api_url,
        }

    async def run_once(self, queue: asyncio.Queue) -> float:
        """One poll; put its events on the queue and return the seconds to wait before the next."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        client = self.watch.operations.client
        try:
            events = await loop.run_in_executor(None, self.watch.poll)
        # Any failure of a poll, even a bug, is reported as an event: the source must not die.
        except Exception as error:  # noqa: BLE001  # pylint: disable=broad-exception-caught
            self.failed_polls += 1
            lasting = not getattr(error, "transient", False)
            if not self.reported and (lasting or self.failed_polls >= self.error_after):
                await queue.put(scrubbed(self._error_event(error), client))
                self.reported = True
            return self._backoff()
        if self.reported:
            await queue.put(
                {
                    "type": SOURCE_RECOVERED,
                    "failed_polls": self.failed_polls,
                    "api_url": client.api_url,
                },
            )
        self.failed_polls = 0
        self.reported = False
        for event in events:
            await queue.put(scrubbed(event, client))
        return max(0.0, self.interval - (loop.time() - started))

    async def run(self, queue: asyncio.Queue, polls: object = None) -> None:
        """Poll until cancelled (or for a number of polls, in tests)."""
        done = 0
        while polls is None or done < polls:
            delay = await self.run_once(queue)
            done += 1
            if polls is None or done < polls:
                await self._sleep(delay)


async def main(queue: asyncio.Queue, args: dict) -> None:
    """Entry point of ansible-rulebook: watch the API and put events on the queue."""
    settings = source_settings(args)
    watch = build_watch(settings)
    try:
        await Poller(watch, settings).run(queue)
    finally:
        watch.operations.client.close()


if __name__ == "__main__":

    class MockQueue(asyncio.Queue):
        """Prints what the source would hand to a rulebook."""

        async def put(self, item: object) -> None:
            """Print one event."""
            print(item)  # noqa: T201

    asyncio.run(main(MockQueue(), {"interval": float(os.environ.get("INTERVAL", "5"))}))
