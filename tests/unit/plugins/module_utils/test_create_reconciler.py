# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The create path: the identity cache, the lookup that reads only what is new, settling, the lock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest
import requests

from ansible_collections.zequenze.control.plugins.module_utils.client import Client
from ansible_collections.zequenze.control.plugins.module_utils.create_lock import CreateLock
from ansible_collections.zequenze.control.plugins.module_utils.create_reconciler import CreateSettings
from ansible_collections.zequenze.control.plugins.module_utils.errors import (
    AmbiguousRequestError,
    ApiError,
    LockTimeoutError,
    PermissionDeniedError,
    UndecidedCreateError,
)
from ansible_collections.zequenze.control.plugins.module_utils.identity import OperationIdentity
from ansible_collections.zequenze.control.plugins.module_utils.identity_index import IdentityIndex
from ansible_collections.zequenze.control.plugins.module_utils.identity_lookup import order_problem
from ansible_collections.zequenze.control.plugins.module_utils.operations import Operations
from ansible_collections.zequenze.control.plugins.module_utils.records import record_view
from ansible_collections.zequenze.control.plugins.module_utils.request_body import build_request_body
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import (
    BASE,
    TOKEN,
    FakeApi,
    FakeClock,
    make_record,
    response,
)

SCHEDULED = {"execute_at": "2030-01-16T03:00:00+01:00", "priority": None}


def params(**overrides):
    base = {
        "data": None,
        "operation_type": "bulk_serial_sync",
        "organizations": [101, 102, 103],
        "device_filters": None,
        "schedule": SCHEDULED,
        "options": None,
    }
    base.update(overrides)
    return base


def request(**overrides):
    body = build_request_body(params(**overrides))
    return body, OperationIdentity.from_body(body)


def service(api=None, clock=None, max_retries=2, settle_time=0.0, use_cache=True, cache_dir=None):
    api = api or FakeApi()
    clock = clock or FakeClock()
    client = Client(BASE, TOKEN, session=api.session, max_retries=max_retries, sleep=clock.sleep, jitter=lambda: 0.5, clock=clock.monotonic)
    ops = Operations(client, clock=clock.monotonic, sleep=clock.sleep, settings=CreateSettings(cache_dir, use_cache, settle_time))
    return ops, api, clock


def fill(api, count, **overrides):
    """count operations of other identities (organization 900 + n), newest first."""
    for number in range(count):
        body, _identity = request(organizations=[900 + number % 50], **overrides)
        api.create(body)


def listing_calls(api):
    return [c["params"] for c in api.calls if c["method"] == "GET" and "id" not in (c["params"] or {})]


def look(api):
    """A scripted answer that reads the fake API as it is (for the lookup before a POST)."""
    return lambda method, url, params_, json_body: api.read(url, params_ or {})


def posts_answer(api, *answers):
    """Every POST gets the next of answers (an exception or a response), the last one repeating."""
    queue = list(answers)

    def create(_body):
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, BaseException):
            raise item
        return item

    api.create = create


def committed_then(api, failure):
    """The server commits the create, then answers with failure (an exception or a response)."""

    def answer(method, url, params_, json_body):
        api.create(json_body)
        if isinstance(failure, BaseException):
            raise failure
        return failure

    return answer


# -- the lookup ----------------------------------------------------------------
def test_the_first_lookup_reads_everything_then_only_what_is_new():
    api = FakeApi()
    fill(api, 250)
    ops, _api, _clock = service(api)
    first = ops.ensure(request()[0])
    assert first.created and first.lookup["scan"] == "full" and first.lookup["records_read"] == 250
    assert first.lookup["full_scan_reason"] == "the cache is empty"
    fill(api, 3)
    api.calls = []
    ops2, _api, _clock = service(api)  # the next task: a new process, the same cache
    again = ops2.ensure(request()[0])
    assert not again.created and again.record["id"] == first.record["id"]
    assert again.lookup == {"scan": "incremental", "pages": 1, "records_read": 4, "full_scan_reason": None}
    assert listing_calls(api) == [{"page_size": 100}]


def test_a_gap_wider_than_the_first_page_reads_large_pages():
    api = FakeApi()
    fill(api, 10)
    ops, _api, _clock = service(api)
    ops.ensure(request()[0])
    fill(api, 150)
    api.calls = []
    outcome = service(api)[0].ensure(request()[0])
    assert not outcome.created
    assert listing_calls(api)[0] == {"page_size": 100} and listing_calls(api)[1] == {"page_size": 1000}
    assert outcome.lookup["scan"] == "incremental" and outcome.lookup["records_read"] == 151


def test_a_listing_out_of_order_makes_a_full_scan():
    api = FakeApi()
    fill(api, 5)
    service(api)[0].ensure(request()[0])
    fill(api, 2)
    api.records[0], api.records[1] = api.records[1], api.records[0]  # an older id first
    outcome = service(api)[0].ensure(request()[0])
    assert outcome.lookup["scan"] == "full"
    assert "not newest first" in outcome.lookup["full_scan_reason"]
    # The order could not be checked: the next lookup reads everything again.
    assert service(api)[0].ensure(request()[0]).lookup["scan"] == "full"


def test_a_record_hidden_behind_known_ones_is_found_through_the_count():
    api = FakeApi()
    fill(api, 5)
    service(api)[0].ensure(request(organizations=[101])[0])
    body, ident = request()
    api.create(body)
    api.records.append(api.records.pop(0))  # listed last, behind records the cache knows
    outcome = service(api)[0].ensure(body)
    assert not outcome.created
    assert outcome.lookup["scan"] == "full" and "counts 7 operations, the cache 6" in outcome.lookup["full_scan_reason"]


def test_without_the_cache_every_lookup_reads_everything(private_cache):
    api = FakeApi()
    fill(api, 5)
    for _run in range(2):
        outcome = service(api, use_cache=False)[0].ensure(request()[0])
        assert outcome.lookup["scan"] == "full"
    assert [n for n in os.listdir(private_cache / "zequenze.control") if not n.startswith("api-")] == []
    assert not [f for _d, _s, files in os.walk(private_cache) for f in files if f.endswith(".sqlite")]


def test_the_cache_file_is_private_and_names_no_token(private_cache):
    service()[0].ensure(request()[0])
    files = [os.path.join(d, f) for d, _s, names in os.walk(private_cache) for f in names]
    index = [f for f in files if f.endswith(".sqlite")]
    assert len(index) == 1
    assert stat.S_IMODE(os.stat(index[0]).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(index[0])).st_mode) == 0o700
    for name in files:
        assert TOKEN not in name
        with open(name, "rb") as handle:
            assert TOKEN.encode() not in handle.read()


def test_a_broken_cache_file_is_replaced(private_cache):
    first = service()[0]
    first.ensure(request()[0])
    first.close()
    index = [os.path.join(d, f) for d, _s, names in os.walk(private_cache) for f in names if f.endswith(".sqlite")][0]
    for name in (index + "-wal", index + "-shm"):
        if os.path.exists(name):
            os.remove(name)
    with open(index, "wb") as handle:
        handle.write(b"not a database" * 100)
    ops, _api, _clock = service()
    outcome = ops.ensure(request()[0])
    assert outcome.lookup["scan"] == "full" and outcome.created
    assert ops.warnings and "started a new cache" in ops.warnings[0]


def test_a_run_now_candidate_is_read_again_by_id():
    api = FakeApi()
    body, ident = request(schedule=None)
    service(api)[0].ensure(body)  # cached as scheduled
    fill(api, 2)
    service(api)[0].ensure(request(organizations=[555])[0])  # the cache now knows newer records
    api.records[-1]["status"] = "completed"  # the listing is not read that far again
    api.calls = []
    outcome = service(api)[0].ensure(body)
    assert outcome.created  # the ended one does not satisfy a run-now request
    assert [c["params"] for c in api.calls][:2] == [{"page_size": 100}, {"id": "1001"}]


def test_an_operation_the_api_no_longer_shows_is_forgotten():
    api = FakeApi()
    body, ident = request(schedule=None)
    service(api)[0].ensure(body)
    api.records = []
    outcome = service(api)[0].ensure(body)
    assert outcome.created and outcome.record["id"] == "1002"


def test_a_scheduled_match_is_returned_as_the_api_shows_it_now():
    api = FakeApi()
    body, ident = request()
    service(api)[0].ensure(body)
    api.records[0]["progress"] = 42
    outcome = service(api)[0].ensure(body)
    assert not outcome.created and outcome.record["progress"] == 42


def test_check_mode_finds_or_reports_what_it_would_create():
    ops, api, _clock = service()
    outcome = ops.ensure(request()[0], check_mode=True)
    assert outcome.created and outcome.record is None
    assert [c["method"] for c in api.calls] == ["GET"]


def test_force_creates_beside_a_match():
    ops, api, _clock = service()
    body, ident = request()
    ops.ensure(body)
    outcome = service(api)[0].ensure(body, force=True)
    assert outcome.created and len(api.records) == 2 and outcome.duplicates == []


def test_order_problems():
    view = record_view
    assert order_problem(None, view({"id": "5"})) is None
    assert order_problem(view({"id": "5"}), view({"id": "4"})) is None
    assert "id 5 after id 5" in order_problem(view({"id": "5"}), view({"id": "5"}))
    assert "no id" in order_problem(None, view({}))
    assert "cannot be checked" in order_problem(view({"id": "b"}), view({"id": "a"}))
    assert order_problem(view({"id": "b", "created_at": "2030-01-02T00:00:00Z"}), view({"id": "a", "created_at": "2030-01-01T00:00:00Z"})) is None
    assert "created_at" in order_problem(view({"id": "2", "created_at": "2030-01-01T00:00:00Z"}), view({"id": "1", "created_at": "2030-01-02T00:00:00Z"}))


# -- the POST ---------------------------------------------------------------------
def test_a_create_posts_once_then_looks_once_more():
    ops, api, _clock = service()
    outcome = ops.ensure(request()[0])
    assert outcome.created and not outcome.adopted and outcome.record["status"] == "scheduled"
    assert [c["method"] for c in api.calls] == ["GET", "POST", "GET"]


@pytest.mark.parametrize(
    "answer, words",
    [
        ({"count": 3, "next": None, "previous": None, "results": []}, "a list envelope"),
        ({"status": "scheduled"}, "a record without a readable id"),
        ({"id": {"nested": 1}}, "a record without a readable id"),
        ({"id": True}, "a record without a readable id"),
        ("<html>Created</html>", "not JSON"),
        (["x"], "a list"),
        (None, "an empty body"),
    ],
)
def test_a_create_requires_the_created_record(answer, words):
    ops, api, _clock = service()
    if isinstance(answer, str):
        created = response(201, text=answer)
    else:
        created = response(201, answer) if answer is not None else response(204)
    api.script = [look(api), created]
    with pytest.raises(ApiError) as info:
        ops.ensure(request()[0])
    message = info.value.full_message()
    assert words in message
    assert "created, but its id could not be read; re-run to adopt it" in message
    assert "Nothing is known to have been created" not in message
    assert [c["method"] for c in api.calls].count("POST") == 1


@pytest.mark.parametrize(
    "failure",
    [
        requests.exceptions.ConnectionError("Connection aborted: reset by peer"),
        response(503, {"detail": "busy"}, {"Retry-After": "1"}),
        response(429, {"detail": "slow down"}, {"Retry-After": "3"}),
        response(500, {"detail": "boom"}),
        response(502, {"detail": "bad gateway"}),
    ],
    ids=["reset", "503", "429", "500", "502"],
)
def test_a_create_saved_before_a_failure_is_adopted(failure):
    ops, api, _clock = service()
    api.script = [look(api), committed_then(api, failure)]
    outcome = ops.ensure(request()[0])
    assert outcome.created and outcome.adopted and len(api.records) == 1
    assert outcome.record["id"] == api.records[0]["id"]
    assert [c["method"] for c in api.calls].count("POST") == 1


def test_an_operation_adopted_after_it_ended_is_ours():
    ops, api, _clock = service()
    body, ident = request(schedule=None)  # run now
    api.create(body)
    api.records[0].update(status="completed")
    older = api.records[0]["id"]

    def committed_then_finished(method, url, params_, json_body):
        api.create(json_body)
        api.records[0].update(status="completed")
        raise requests.exceptions.ConnectionError("Connection aborted: reset by peer")

    api.script = [look(api), committed_then_finished]
    outcome = ops.ensure(body)
    assert outcome.adopted and outcome.record["id"] != older and outcome.record["status"] == "completed"
    assert len(api.records) == 2


def test_a_late_save_is_adopted_within_the_settle_time():
    ops, api, clock = service(settle_time=20)
    body, ident = request()
    saved_at = clock.now + 6

    def late(method, url, params_, json_body):
        real_read = api.read

        def read(url_, query):
            if clock.now >= saved_at and not api.records:
                api.create(json_body)
            return real_read(url_, query)

        api.read = read
        raise requests.exceptions.ReadTimeout("read timed out")

    api.script = [look(api), late]
    outcome = ops.ensure(body)
    assert outcome.adopted and len(api.records) == 1
    assert [c["method"] for c in api.calls].count("POST") == 1
    assert clock.sleeps[:4] == [0.5, 1.0, 2.0, 4.0]


def test_nothing_appearing_within_the_settle_time_allows_one_more_post():
    ops, api, clock = service(settle_time=10)
    api.script = [look(api), requests.exceptions.ReadTimeout("read timed out")]
    outcome = ops.ensure(request()[0])
    assert outcome.created and not outcome.adopted and len(api.records) == 1
    assert [c["method"] for c in api.calls].count("POST") == 2
    assert sum(clock.sleeps) == pytest.approx(10)


def test_retry_after_lengthens_the_settle_time():
    ops, api, clock = service(settle_time=1)
    api.script = [look(api), response(429, {"detail": "slow down"}, {"Retry-After": "7"})]
    ops.ensure(request()[0])
    assert sum(clock.sleeps) == pytest.approx(7)


def test_an_undecidable_create_fails_saying_it_may_exist():
    ops, api, _clock = service(max_retries=1, settle_time=3)
    posts_answer(api, requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(UndecidedCreateError) as info:
        ops.ensure(request()[0])
    message = info.value.full_message()
    assert "may have been created" in message and "re-run will adopt it" in message
    assert "settle_time" in message and "max_retries" in message
    assert [c["method"] for c in api.calls].count("POST") == 2 and api.records == []


def test_posts_and_refused_retries_share_one_budget():
    ops, api, _clock = service(max_retries=3, settle_time=0)
    refused = requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused"))
    posts_answer(api, refused, refused, response(503, {"detail": "busy"}))
    with pytest.raises(UndecidedCreateError):
        ops.ensure(request()[0])
    assert [c["method"] for c in api.calls].count("POST") == 4


def test_a_body_without_identity_is_not_looked_for():
    ops, api, _clock = service()
    api.script = [requests.exceptions.ReadTimeout("t1")]
    with pytest.raises(AmbiguousRequestError):
        ops.reconciler().create([1, 2], None, set())
    assert len(api.calls) == 1


def test_forbidden_names_the_organizations():
    ops, api, _clock = service()
    api.script = [look(api), response(403, {"detail": "this token may not act on organization(s) 103"})]
    with pytest.raises(PermissionDeniedError) as info:
        ops.ensure(request()[0])
    assert "101, 102, 103" in info.value.full_message()
    api.script = [response(403, {"detail": "no"})]
    with pytest.raises(PermissionDeniedError) as info:
        ops.reconciler().create({}, None, set())
    assert info.value.hint == PermissionDeniedError.hint


def test_an_operation_created_meanwhile_by_another_run_is_a_duplicate():
    ops, api, _clock = service()
    body, ident = request()

    def theirs_then_ours(method, url, params_, json_body):
        api.create(json_body)  # another machine's run, at the same moment
        return api.create(json_body)

    api.script = [look(api), theirs_then_ours]
    outcome = ops.ensure(body)
    assert outcome.created and [d["id"] for d in outcome.duplicates] == ["1001"]
    assert outcome.record["id"] == "1002"


def test_a_failed_second_look_does_not_fail_a_create():
    ops, api, _clock = service(max_retries=0)
    api.script = [
        look(api),
        committed_then(api, response(201, make_record(5000))),
        requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused")),
    ]
    outcome = ops.ensure(request()[0])
    assert outcome.created and outcome.duplicates == []


# -- the lock -------------------------------------------------------------------
def test_the_lock_serializes_one_identity_only(tmp_path):
    clock = FakeClock()
    _body, ident = request()
    _body, other = request(organizations=[555])
    with CreateLock(str(tmp_path), BASE, ident, 5, clock.monotonic, clock.sleep):
        with CreateLock(str(tmp_path), BASE, other, 5, clock.monotonic, clock.sleep):
            pass
        with pytest.raises(LockTimeoutError) as info:
            with CreateLock(str(tmp_path), BASE, ident, 5, clock.monotonic, clock.sleep):
                pass
    assert "still holds its lock" in info.value.full_message() and clock.now >= 1005
    with CreateLock(str(tmp_path), BASE, ident, 5, clock.monotonic, clock.sleep):
        pass


def test_an_unusable_cache_folder_warns_and_still_creates(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    ops, api, _clock = service(cache_dir=str(blocker / "cache"))
    outcome = ops.ensure(request()[0])
    assert outcome.created and outcome.lookup["scan"] == "full"
    assert "cannot be used" in ops.warnings[0]


def test_an_in_memory_index_keeps_what_it_saw():
    index = IdentityIndex(None)
    with index.transaction():
        index.save([make_record(7)], listed=True)
    assert index.is_listed("7") and index.listed_count() == 1
    index.close()


def test_a_cache_written_without_the_listed_index_gets_it_and_counts_from_it(tmp_path):
    """Every lookup counts the listed records: from a narrow index, not from every stored view."""
    path = str(tmp_path / "identities.sqlite")
    index = IdentityIndex(path)
    index.db.execute("DROP INDEX records_by_listed")
    index.close()
    index = IdentityIndex(path)
    plan = index.db.execute("EXPLAIN QUERY PLAN SELECT count(*) FROM records WHERE listed = 1").fetchall()
    index.close()
    assert "USING COVERING INDEX records_by_listed" in " ".join(row[-1] for row in plan), plan
