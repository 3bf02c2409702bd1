# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fakes for unit tests of one layer: the HTTP session boundary and the clock.

The session is an autospec of requests.Session, so a call with a wrong
signature fails; answers are real requests.Response objects.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import contextlib
import datetime
import io
import json
import types
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

BASE = "https://api.example.test/api/v1"
ENDPOINT_URL = BASE + "/inventory_device_serial_headless_operation/"
TOKEN = "s3cr3t-token-value"
UTC = datetime.timezone.utc


def response(status=200, body=None, headers=None, text=None):
    """A real requests.Response carrying a JSON body (or raw text)."""
    resp = requests.Response()
    resp.status_code = status
    resp._content = (text if text is not None else json.dumps(body) if body is not None else "").encode()
    resp.raw = io.BytesIO(resp._content)  # the client streams the body (iter_content reads raw)
    resp.headers = CaseInsensitiveDict(headers or {})
    if body is not None:
        resp.headers.setdefault("Content-Type", "application/json")
    resp.encoding = "utf-8"
    return resp


def make_record(
    op_id,
    status="scheduled",
    operation_type="bulk_serial_sync",
    orgs=(101,),
    types=("router",),
    statuses=None,
    scheduled_for="2030-01-16T02:00:00Z",
    created_at="2030-01-15T10:00:00Z",
    **extra,
):
    """A record with the union of the GET and POST shapes, as the emulator answers."""
    record = {
        "id": str(op_id),
        "operation_type": operation_type,
        "status": status,
        "created_at": created_at,
        "updated_at": created_at,
        "scheduled_for": scheduled_for,
        "progress": 0,
        "total_devices": 100,
        "target_device_count": 100,
        "processed_devices": 0,
        "failed_devices": 0,
        "operation_details": {"device_types": list(types), "organization_ids": list(orgs), "error_summary": {}},
        "operation_config": {"organizations": list(orgs), "device_types": list(types), "options": {}},
    }
    if statuses is not None:
        record["operation_config"]["device_filters"] = {"types": list(types), "status": list(statuses)}
    record.update(extra)
    return record


class FakeApi:
    """An in-memory API behind an autospec'd requests.Session.

    `script` holds answers (Response objects or exceptions to raise) served
    before the in-memory behaviour; `calls` records every request.
    """

    def __init__(self, base=BASE, next_base=None):
        self.base = base
        self.next_base = next_base or base
        self.records = []  # newest first
        self.script = []
        self.calls = []
        self.on_get = None  # optional hook(record) -> record, e.g. progress with a clock
        self.next_id = 1000
        self.session = mock.create_autospec(requests.Session, instance=True)
        self.session.headers = CaseInsensitiveDict()
        self.session.auth = None
        self.session.request.side_effect = self.handle

    def handle(self, method, url, params=None, json=None, timeout=None, **kwargs):
        self.calls.append({"method": method, "url": url, "params": params, "json": json, "timeout": timeout})
        if self.script:
            item = self.script.pop(0)
            if isinstance(item, BaseException):
                raise item
            if callable(item):
                return item(method, url, params, json)
            return item
        if method == "POST":
            return self.create(json)
        return self.read(url, params or {})

    def create(self, body):
        self.next_id += 1
        orgs = body.get("target_organizations") or []
        types = (body.get("device_filters") or {}).get("types") or []
        statuses = (body.get("device_filters") or {}).get("status")
        execute_at = (body.get("schedule") or {}).get("execute_at") or "2030-01-15T10:00:00Z"
        record = make_record(self.next_id, operation_type=body.get("operation_type"), orgs=orgs, types=types, statuses=statuses, scheduled_for=execute_at)
        self.records.insert(0, record)
        return response(201, record)

    def read(self, url, params):
        query = dict((k, v[0]) for k, v in parse_qs(urlsplit(url).query).items())
        query.update(params)
        if "id" in query:
            found = [r for r in self.records if r["id"] == query["id"]]
            if not found:
                return response(404, {"detail": "Operation %s not found" % query["id"]})
            record = self.on_get(found[0]) if self.on_get else found[0]
            return response(200, {"count": 1, "next": None, "previous": None, "results": [record]})
        page = int(query.get("page", 1))
        size = int(query.get("page_size", 50))
        chunk = self.records[(page - 1) * size : page * size]
        more = page * size < len(self.records)
        next_url = "%s/inventory_device_serial_headless_operation/?page=%d&page_size=%d" % (self.next_base, page + 1, size) if more else None
        return response(200, {"count": len(self.records), "next": next_url, "previous": None, "results": chunk})


def bearer_header(session):
    """The Authorization header the session's auth puts on a request."""
    prepared = requests.Request("GET", BASE).prepare()
    return session.auth(prepared).headers.get("Authorization")


class FakeClock:
    """monotonic() and sleep() for code under test: sleeping advances time."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0, "negative sleep %r" % seconds
        self.sleeps.append(seconds)
        self.now += seconds


def _stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SimulatedOperation:
    """An operation on a server clock running `scale` times faster than ours.

    slowdown > 1 makes it run that many times slower than its estimate says.
    """

    def __init__(self, clock, scale=60.0, total=100, start_delay=0.0, per_device=36.0, end_status="completed", stall_at=None, op_id="42", slowdown=1.0):
        self.clock, self.scale, self.total, self.per = clock, scale, total, per_device * slowdown
        self.origin_local = clock.now
        self.origin = datetime.datetime(2030, 1, 15, 10, 0, tzinfo=UTC)
        self.start = self.origin + datetime.timedelta(seconds=start_delay)
        self.estimate = self.start + datetime.timedelta(seconds=total * per_device)
        self.finish = self.start + datetime.timedelta(seconds=total * self.per)
        self.end_status, self.stall_at, self.op_id = end_status, stall_at, op_id

    def server_now(self):
        return self.origin + datetime.timedelta(seconds=(self.clock.now - self.origin_local) * self.scale)

    def finish_local(self):
        return self.origin_local + (self.finish - self.origin).total_seconds() / self.scale

    def record(self, *_args):
        now = self.server_now()
        stamp = _stamp
        rec = make_record(
            self.op_id, created_at=stamp(self.origin), scheduled_for=stamp(self.start), total_devices=self.total, estimated_completion=stamp(self.estimate)
        )
        if now <= self.start:
            return rec
        done = min(self.total, int((now - self.start).total_seconds() // self.per))
        if self.stall_at is not None:
            done = min(done, self.stall_at)
        if done >= self.total:
            rec.update(status=self.end_status, processed_devices=self.total, progress=100, updated_at=stamp(self.finish))
            return rec
        updated = self.start + datetime.timedelta(seconds=done * self.per)
        rec.update(status="in_progress", processed_devices=done, progress=done * 100 // self.total, updated_at=stamp(updated))
        return rec

    def serve(self, api):
        api.records = [self.record()]
        api.on_get = self.record


@contextlib.contextmanager
def patched_time(clock, *modules):
    """Give the modules (module_utils that `import time`) the fake clock."""
    fake = types.SimpleNamespace(monotonic=clock.monotonic, sleep=clock.sleep, time=clock.monotonic)
    with contextlib.ExitStack() as stack:
        for module in modules:
            stack.enter_context(mock.patch.object(module, "time", fake))
        yield


@contextlib.contextmanager
def module_args(args):
    """Expose args to AnsibleModule (ansible-core 2.19+ helper, or the older global)."""
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:  # ansible-core < 2.19
        from ansible.module_utils import basic
        from ansible.module_utils.common.text.converters import to_bytes

        with mock.patch.object(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))):
            yield
        return
    with patch_module_args(args):
        yield


def run_module(module, args, api, capsys, clock=None, check_mode=False, diff=False, token=TOKEN):
    """Run a module's main() against the fake API; return its JSON result."""
    from ansible_collections.zequenze.control.plugins.module_utils import api_session, client, operations, retry_policy

    full = dict(args)
    if token is not None:  # None: leave them to the environment fallbacks
        full.setdefault("api_url", BASE)
        full.setdefault("api_token", token)
    full.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
    clock = clock or FakeClock()
    with contextlib.ExitStack() as stack:
        stack.enter_context(module_args(full))
        stack.enter_context(mock.patch.object(api_session, "ApiSession", autospec=True, return_value=api.session))
        stack.enter_context(patched_time(clock, client, retry_policy, operations))
        try:
            module.main()
        except SystemExit:
            pass
    out = capsys.readouterr().out
    return json.loads(out)
