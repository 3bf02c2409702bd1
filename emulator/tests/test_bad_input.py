"""Generated bodies and query strings: every answer is a 2xx or a 4xx with a field-naming error body."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json

from tests.support.api import operation_body
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
FIELDS = ("operation_type", "target_organizations", "device_filters", "schedule", "options", "data")
# A valid body with some of its values replaced by anything.
MUTATED_BODIES = st.builds(
    lambda replacements: {**operation_body(), **replacements},
    st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=3),
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check_error(answer, statuses) -> None:
    assert answer.status_code in statuses, (answer.status_code, answer.text)
    if answer.status_code >= 400:
        body = answer.json()
        assert isinstance(body["detail"], str) and body["detail"]
        if answer.status_code in (400, 422):
            # A 400 or 422 names at least one field; an empty list would pass a bare loop.
            assert isinstance(body["errors"], list) and body["errors"], answer.text
        for error in body["errors"]:
            assert isinstance(error["field"], str) and error["field"], answer.text
            assert isinstance(error["message"], str) and error["message"], answer.text


@SETTINGS
@given(body=JSON_VALUES | MUTATED_BODIES)
def test_any_json_body_gets_201_400_or_422(api, body):
    check_error(api.post(body), {201, 400, 422})


@SETTINGS
@given(raw=st.binary(max_size=200))
def test_any_bytes_get_201_400_or_422(api, raw):
    answer = api.session.post(api.url, data=raw, headers={"Content-Type": "application/json"}, timeout=10)
    check_error(answer, {201, 400, 422})


@SETTINGS
@given(params=st.dictionaries(st.sampled_from(("id", "page", "page_size", "update_status", "other")), st.text(max_size=25), max_size=4))
def test_any_query_gets_200_404_or_422(api, params):
    answer = api.get(**params)
    check_error(answer, {200, 404, 422})
    if answer.status_code == 200:
        assert set(answer.json()) == {"count", "next", "previous", "results"}


def test_a_json_string_in_data_is_read_like_the_object(api):
    body = operation_body(options={"timeout_minutes": 5000})
    direct = api.post(body).json()
    wrapped = api.post({"data": json.dumps(body)}).json()
    assert direct == wrapped
