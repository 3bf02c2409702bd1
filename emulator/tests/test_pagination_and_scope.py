"""Pagination over several pages and what each token may see and do."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

from urllib.parse import parse_qs, urlsplit

import pytest
from tests.support.api import Api, operation_body
from tests.support.emulator_process import EmulatorProcess


@pytest.fixture(scope="module")
def paged():
    """A fresh emulator holding exactly 7 operations."""
    with EmulatorProcess() as process:
        api = Api(process, "demo-token")
        ids = [api.create_from_example()["id"] for _operation in range(7)]
        yield api, ids


def test_following_next_walks_three_pages_newest_first(paged):
    api, ids = paged
    url, params, seen, pages = api.url, {"page_size": 3}, [], []
    while url:
        answer = api.session.get(url, params=params, timeout=10)
        assert answer.status_code == 200
        page = answer.json()
        assert page["count"] == 7
        pages.append(page)
        seen += [r["id"] for r in page["results"]]
        url, params = page["next"], None
    assert len(pages) == 3
    assert seen == list(reversed(ids))
    assert [len(p["results"]) for p in pages] == [3, 3, 1]
    assert pages[0]["previous"] is None


def test_next_and_previous_are_absolute_urls_from_the_request_host(paged):
    api = paged[0]
    page = api.get(page=2, page_size=3, update_status="true").json()
    for link, number in ((page["next"], "3"), (page["previous"], "1")):
        parts = urlsplit(link)
        assert f"{parts.scheme}://{parts.netloc}" == api.emulator.base_url
        assert parts.path == "/api/v1/inventory_device_serial_headless_operation/"
        query = parse_qs(parts.query)
        assert query["page"] == [number] and query["page_size"] == ["3"]
        assert query["update_status"] == ["true"]  # other parameters are kept
    answer = api.session.get(api.url, params={"page_size": 3}, headers={"Host": "proxy.example:8443"}, timeout=10)
    assert answer.json()["next"].startswith("http://proxy.example:8443/api/v1/")


def test_default_page_size_is_50_and_a_page_past_the_end_is_empty(paged):
    api = paged[0]
    page = api.get().json()
    assert len(page["results"]) == 7 and page["next"] is None
    beyond = api.get(page=5, page_size=3).json()
    assert beyond["results"] == [] and beyond["count"] == 7 and beyond["next"] is None


def test_page_size_up_to_1000(paged):
    api = paged[0]
    assert api.get(page_size=1000).status_code == 200


def test_create_outside_the_scope_answers_403_naming_the_organizations(scoped_emulator):
    north = Api(scoped_emulator, "north-token")
    answer = north.post(operation_body(target_organizations=[101, 103, 104]))
    assert answer.status_code == 403, answer.text
    body = answer.json()
    assert "103" in body["detail"] and "104" in body["detail"] and "101" not in body["detail"]
    assert {e["field"] for e in body["errors"]} == {"target_organizations"}
    assert north.post(operation_body(target_organizations=[101, 102])).status_code == 201


def test_a_token_sees_only_operations_wholly_inside_its_scope(scoped_emulator):
    everyone = Api(scoped_emulator, "all-token")
    north = Api(scoped_emulator, "north-token")
    south = Api(scoped_emulator, "south-token")
    inside_north = everyone.create_from_example(target_organizations=[101])["id"]
    both_north = everyone.create_from_example(target_organizations=[101, 102])["id"]
    mixed = everyone.create_from_example(target_organizations=[102, 103])["id"]
    inside_south = everyone.create_from_example(target_organizations=[103])["id"]

    def visible(api):
        return {r["id"] for r in api.get(page_size=1000).json()["results"]}

    assert {inside_north, both_north} <= visible(north)
    assert not {mixed, inside_south} & visible(north)
    assert inside_south in visible(south) and not {inside_north, both_north, mixed} & visible(south)
    assert {inside_north, both_north, mixed, inside_south} <= visible(everyone)
    assert north.get().json()["count"] == len(visible(north))
    assert north.get(id=mixed).status_code == 404
    assert south.get(id=inside_north).status_code == 404
    assert north.get(id=inside_north).status_code == 200


def test_demo_token_is_not_accepted_with_a_tokens_file(scoped_emulator):
    assert Api(scoped_emulator, "demo-token").get().status_code == 401
