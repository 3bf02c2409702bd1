# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event source under asyncio (no JVM): pacing, backoff, error events, no token, arguments."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import asyncio
import threading
from unittest import mock

import pytest

from ansible_collections.zequenze.control.extensions.eda.plugins.event_source import operation_events
from ansible_collections.zequenze.control.plugins.module_utils.client import Client, client_for
from ansible_collections.zequenze.control.plugins.module_utils.errors import (
    AuthenticationError,
    InputError,
    TransportError,
)
from ansible_collections.zequenze.control.plugins.module_utils.operations import Operations
from ansible_collections.zequenze.control.plugins.plugin_utils.event_source_args import source_settings
from ansible_collections.zequenze.control.plugins.plugin_utils import event_source_watch
from ansible_collections.zequenze.control.plugins.plugin_utils.operation_watch import OperationWatch
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import BASE, TOKEN, FakeApi, make_record

ARGS = {"api_url": BASE, "api_token": TOKEN, "interval": 5, "max_retries": 0}


def _poller(watch, **args):
    settings = source_settings(dict(ARGS, **args), environ={})
    sleeps = []

    async def sleep(seconds):
        sleeps.append(seconds)

    return operation_events.Poller(watch, settings, sleep=sleep, jitter=lambda: 1.0), sleeps


def _fake_watch(api_url=BASE):
    watch = mock.create_autospec(OperationWatch, instance=True)
    watch.operations = mock.create_autospec(Operations, instance=True)
    watch.operations.client = Client(api_url, TOKEN, session=FakeApi().session)
    return watch


def _drain(queue):
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


def test_polls_run_in_a_thread_and_their_events_reach_the_queue_in_order():
    api = FakeApi()
    threads = []
    client = Client(BASE, TOKEN, session=api.session, max_retries=0)
    watch = OperationWatch(Operations(client))
    original = watch.poll

    def poll():
        threads.append(threading.current_thread())
        return original()

    watch.poll = poll
    poller, sleeps = _poller(watch)

    async def scenario():
        queue = asyncio.Queue()
        await poller.run(queue, polls=1)
        api.records.insert(0, make_record(1, status="failed"))
        await poller.run(queue, polls=1)
        return _drain(queue)

    events = asyncio.run(scenario())
    assert [e["type"] for e in events] == ["operation_created", "operation_started", "operation_failed"]
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert sleeps == []


def test_the_pace_is_the_interval_from_poll_start():
    watch = _fake_watch()
    watch.poll.return_value = []
    poller, sleeps = _poller(watch, interval=5)
    asyncio.run(poller.run(asyncio.Queue(), polls=3))
    assert len(sleeps) == 2 and all(4.0 < s <= 5 for s in sleeps)


def test_a_restart_is_ridden_through_with_backoff_and_one_error_event():
    watch = _fake_watch()
    down = TransportError("GET %s failed: refused" % BASE, transient=True)
    watch.poll.side_effect = [down] * 6 + [[{"type": "operation_failed", "operation": {"id": "1"}}]]
    poller, sleeps = _poller(watch, interval=2, error_after=3, max_backoff=20)
    queue = asyncio.Queue()
    asyncio.run(poller.run(queue, polls=7))
    events = _drain(queue)
    assert [e["type"] for e in events] == ["source_error", "source_recovered", "operation_failed"]
    assert events[0]["failed_polls"] == 3 and "refused" in events[0]["error"]
    assert events[1]["failed_polls"] == 6
    assert sleeps[:6] == [4, 8, 16, 20, 20, 20]


def test_a_lasting_error_is_reported_at_once_and_polling_goes_on():
    watch = _fake_watch()
    watch.poll.side_effect = [AuthenticationError("GET answered HTTP 401", status=401), KeyError("bug"), []]
    poller, _sleeps = _poller(watch)
    queue = asyncio.Queue()
    asyncio.run(poller.run(queue, polls=3))
    events = _drain(queue)
    assert [e["type"] for e in events] == ["source_error", "source_recovered"]
    assert "api_token" in events[0]["error"]


def test_the_token_never_appears_in_an_event():
    watch = _fake_watch()
    leaky = make_record(1, status="failed", note="Bearer %s" % TOKEN)
    watch.poll.side_effect = [RuntimeError("header Authorization: Bearer %s" % TOKEN), [{"type": "operation_failed", "operation": leaky, TOKEN: [TOKEN]}]]
    poller, _sleeps = _poller(watch, error_after=1)
    queue = asyncio.Queue()
    asyncio.run(poller.run(queue, polls=2))
    events = _drain(queue)
    assert len(events) == 3 and TOKEN not in repr(events)


def test_main_watches_the_api_and_closes_the_client(monkeypatch):
    api = FakeApi()
    api.records = [make_record(2, status="in_progress")]
    monkeypatch.setattr(event_source_watch, "client_for", lambda settings: client_for(settings, session=api.session))
    queue = asyncio.Queue()

    async def scenario():
        task = asyncio.ensure_future(operation_events.main(queue, dict(ARGS, emit_existing=True, interval=0.1)))
        event = await asyncio.wait_for(queue.get(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return event

    event = asyncio.run(scenario())
    assert event["type"] == "operation_existing" and event["operation"]["id"] == "2"
    api.session.close.assert_called_once_with()


def test_bad_arguments_fail_naming_the_argument():
    with pytest.raises(InputError, match="interval must be a number"):
        asyncio.run(operation_events.main(asyncio.Queue(), dict(ARGS, interval="soon")))


@pytest.mark.parametrize(
    "args, message",
    [
        ({"interval": 0}, "interval must be at least 0.1"),
        ({"page_size": "many"}, "page_size must be a whole number"),
        ({"emit_existing": "perhaps"}, "emit_existing must be a boolean"),
        ({"organizations": []}, "organizations must be a non-empty list"),
        ({"api_url": 5}, "api_url must be text"),
        ({"api_token": 12345}, "api_token must be text"),
        ({"intervall": 5}, "unknown argument.s. intervall"),
    ],
)
def test_each_argument_is_checked(args, message):
    with pytest.raises(InputError, match=message) as info:
        source_settings(dict(ARGS, **args), environ={})
    assert TOKEN not in str(info.value)


def test_connection_falls_back_to_the_environment_and_lists_accept_text():
    environ = {
        "ZEQUENZE_API_URL": "http://127.0.0.1:1/api/v1",
        "ZEQUENZE_API_TOKEN": TOKEN,
        "ZEQUENZE_VALIDATE_CERTS": "false",
        "ZEQUENZE_TIMEOUT": "7",
        "ZEQUENZE_CA_PATH": "",
    }
    settings = source_settings({"organizations": "101, 903", "eda_feedback_queue": object()}, environ=environ)
    assert settings["api_url"] == "http://127.0.0.1:1/api/v1" and settings["api_token"] == TOKEN
    assert settings["validate_certs"] is False and settings["timeout"] == 7.0 and settings["ca_path"] is None
    assert settings["organizations"] == ["101", "903"] and settings["interval"] == 30.0


def test_a_missing_token_says_where_to_set_it():
    with pytest.raises(InputError, match="ZEQUENZE_API_TOKEN"):
        source_settings({"api_url": BASE}, environ={})
