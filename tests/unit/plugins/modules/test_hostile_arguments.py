# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generated module arguments through both modules' main() over the faked HTTP session.

Extreme execute_at offsets, non-finite and huge or tiny numbers, deep nesting, Unicode, odd URLs,
tokens and CA paths. Every set ends in exit_json or in fail_json with a message; any exception is
a defect. Each module takes ARGUMENT_SETS of them here; `make reliability` runs the same check
with 5,000 per module (tests/reliability/test_hostile_properties.py).

No piece of the token (6 characters or more) may appear in any outcome, on every supported
ansible-core. device_filters and schedule are declared type raw and checked by the collection:
declared as dicts with suboptions, a scalar given to one made ansible-core 2.16 stop collecting
no_log values and echo every argument, the token too, in its own failure.

ansible-core's own argument parsing still answers first in one case, before any code of ours
runs: a non-finite float given to an int option (max_retries: .inf, organizations: [.nan]).
ansible-core's check_type_int raises OverflowError or ValueError itself, and the task ends in
a module failure with ansible-core's traceback. The test counts these apart ("core") and
asserts that the exception was raised inside ansible-core's validation and carries no piece
of the token.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
import traceback

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.zequenze.control.plugins.modules import headless_operation, headless_operation_info
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import BASE, FakeApi, make_record, run_module

TOKEN = "s3cr3t-token-value"
WINDOW = 6
ARGUMENT_SETS = 150  # per module, inside make test; the full count runs in make reliability


def example_settings(count):
    return settings(max_examples=count, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))


OFFSETS = st.sampled_from(["Z", "+00:00", "+23:59", "+24:00", "+99:00", "-23:60", "-14:00", "+14:00", "+0530", "+5", "", "+99", "-00:99"])
EXECUTE_AT = st.one_of(
    st.builds(
        lambda date, offset: date + offset,
        st.sampled_from(
            ["2030-01-16T02:00:00", "9999-12-31T23:59:59", "0001-01-01T00:00:00", "2030-02-30T02:00:00", "2030-01-16 02:00", "2030-01-16T02:00:00.123456789"]
        ),
        OFFSETS,
    ),
    st.sampled_from(["now", "tonight", "", " ", "\u0662\u0660\u0663\u0660-01-16T02:00:00Z"]),
    st.text(max_size=30),
)
NUMBERS = st.one_of(
    st.floats(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from(
        [float("inf"), float("-inf"), float("nan"), 1e12, 1e300, 5e-324, 0, -0.0, 0.05, 0.1, 86400, 86401, "1e12", "inf", "nan", "-1", "x", True, None]
    ),
)
TEXT = st.text(max_size=20) | st.sampled_from(["\u202e", "\x00", "\U0001f600", "x" * 300])
DEEP = st.integers(1, 200000).map(lambda n: "[" * n + "]" * n) | st.integers(30, 40).map(lambda n: '{"target_organizations": ' + "[" * n + "1" + "]" * n + "}")
JSON_TEXT = st.one_of(
    DEEP,
    st.sampled_from(
        [
            '{"target_organizations":[Infinity]}',
            '{"target_organizations":[NaN]}',
            '{"operation_type":"bulk_serial_sync","target_organizations":[1e400]}',
            '{"operation_type":"bulk_serial_sync","target_organizations":[101],"schedule":{"execute_at":"2030-01-16T02:00:00+24:00"}}',
            '{"operation_type":"bulk_serial_sync","target_organizations":[101]}',
            '{"target_organizations":[1%s]}' % ("0" * 5000),
            "[]",
            "null",
            "{",
            '"x"',
            "{}",
        ]
    ),
    st.text(max_size=40),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT, lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3), max_leaves=6
)
# What a mapping option may be given instead of a mapping of its keys.
MAPPING_ODDITIES = st.one_of(
    TEXT,
    NUMBERS,
    st.lists(JSON_VALUES, max_size=3),
    st.dictionaries(TEXT | st.integers(), JSON_VALUES, max_size=3),
    st.sampled_from(["", "types=router", "priority=high execute_at=now", "k1=v1 k2", "{1, 2}", "{'priority': 'x'}", '{"priority": "high"}', "{", "x" * 300]),
)
URLS = st.sampled_from(
    [
        BASE,
        BASE + "/",
        "",
        " ",
        "api.example.test/api/v1",
        "ftp://api.example.test/",
        "https://user:pw@api.example.test/api/v1",
        "https://%s.example.test/" % ("a" * 64),
        "http://[::1",
        "https://api.example.test:99999/",
        "http://10.0.0.1/api/v1",
        "https://\u00fcber.example.test/api",
        "https://",
        "https://api.example.test/\u0000",
    ]
)
TOKENS = st.sampled_from(["s3cr3t-token-value", "", "  ", "tok\nen", "tok\u20acen", "\U0001f600", "x" * 5000])

COMMON = {
    "api_url": URLS,
    "api_token": TOKENS,
    "timeout": NUMBERS,
    "max_retries": NUMBERS,
    "validate_certs": st.sampled_from([True, False, "yes", "maybe", 2]),
    "ca_path": st.sampled_from([None, "/nonexistent/ca.pem", "", __file__]),
    "wait_timeout": NUMBERS,
    "poll_interval": NUMBERS,
    "max_poll_interval": NUMBERS,
}
CREATE = dict(
    COMMON,
    **{
        "operation_type": TEXT | st.sampled_from(["bulk_serial_sync", "inventory_audit"]),
        "organizations": st.lists(NUMBERS | TEXT, max_size=4) | NUMBERS | TEXT,
        "device_filters": st.fixed_dictionaries({}, optional={"types": st.lists(TEXT, max_size=3) | TEXT, "status": st.lists(TEXT, max_size=3)})
        | MAPPING_ODDITIES,
        "schedule": st.fixed_dictionaries({}, optional={"execute_at": EXECUTE_AT, "priority": TEXT}) | MAPPING_ODDITIES,
        "options": st.dictionaries(st.sampled_from(["timeout_minutes", "update_firmware_info", "other"]), JSON_VALUES, max_size=3) | TEXT,
        "data": JSON_TEXT | JSON_VALUES,
        "force": st.sampled_from([True, False, "x"]),
        "max_failed_devices": NUMBERS,
    },
)
INFO = dict(
    COMMON,
    **{
        "id": TEXT | NUMBERS,
        "status": st.lists(TEXT | st.sampled_from(["scheduled", "failed"]), max_size=3) | TEXT,
        "operation_type": TEXT,
        "organizations": st.lists(NUMBERS | TEXT, max_size=3) | NUMBERS,
        "max_results": NUMBERS,
        "page_size": NUMBERS,
    },
)
VALID_CREATE = {"operation_type": "bulk_serial_sync", "organizations": [101], "schedule": {"execute_at": "2030-01-16T02:00:00Z"}}


def argument_sets(spec, base):
    """A valid argument set with some options replaced or added (a hostile one in most)."""
    return st.fixed_dictionaries({}, optional=spec).map(lambda changes: dict(base, **changes))


def token_pieces(text):
    """The pieces of the token (WINDOW characters or more) that text contains."""
    return sorted({TOKEN[i : i + WINDOW] for i in range(len(TOKEN) - WINDOW + 1) if TOKEN[i : i + WINDOW] in text})


def outcome(module, args, capsys):
    """('exit'|'fail', result); an exception escapes: a defect."""
    api = FakeApi()
    api.records = [make_record(1)]
    # No wait: a wait polls with real sleeps between fake answers.
    try:
        result = run_module(module, dict(args, wait=False), api, capsys, token=None, check_mode=True)
    except (OverflowError, ValueError) as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1].filename
        assert where.endswith("ansible/module_utils/common/validation.py"), traceback.format_exc()
        output = capsys.readouterr()
        assert not token_pieces(traceback.format_exc() + output.out + output.err)
        return "core", None
    text = json.dumps(result)
    assert "Traceback" not in text and not token_pieces(text), (token_pieces(text), text[:2000])
    if result.get("failed"):
        assert isinstance(result.get("msg"), str) and result["msg"], result
        return "fail", result
    return "exit", result


def check_module(module, spec, base, capsys, count=ARGUMENT_SETS):
    """count generated argument sets through main(); the outcomes counted by kind."""
    counts = {"exit": 0, "fail": 0, "core": 0}

    @example_settings(count)
    @given(args=argument_sets(spec, base))
    def run(args):
        kind, _result = outcome(module, args, capsys)
        counts[kind] += 1

    run()
    assert sum(counts.values()) >= count
    assert counts["exit"] and counts["fail"], counts  # both outcomes happen: the sets are not all refused
    return counts


def check_headless_operation(capsys, count=ARGUMENT_SETS):
    return check_module(headless_operation, CREATE, dict(VALID_CREATE, api_url=BASE, api_token=TOKEN), capsys, count)


def check_headless_operation_info(capsys, count=ARGUMENT_SETS):
    return check_module(headless_operation_info, INFO, {"api_url": BASE, "api_token": TOKEN}, capsys, count)


def test_headless_operation_arguments_end_in_exit_or_fail_json(capsys):
    check_headless_operation(capsys)


def test_headless_operation_info_arguments_end_in_exit_or_fail_json(capsys):
    check_headless_operation_info(capsys)


@pytest.mark.parametrize(
    "option, value, words",
    [
        ("device_filters", "", "got a text that is neither JSON nor key=value pairs"),
        ("schedule", 5, "got an integer"),
        ("schedule", "tonight", "got a text that is neither JSON nor key=value pairs"),
        ("schedule", ["now"], "got a list"),
        ("device_filters", "k1=v1 k2", "got a text"),
        ("schedule", {1: "now"}, "1. Supported parameters include: execute_at, priority"),  # keys arrive as text
        ("device_filters", {"model": ["x"]}, "model. Supported parameters include: status, types"),
        ("schedule", {"priority": "urgent"}, "priority must be one of: low, normal, high, got: urgent"),
        ("schedule", "priority=urgent", "priority must be one of: low, normal, high, got: urgent"),
    ],
)
def test_a_mapping_option_given_something_else_fails_naming_it(capsys, option, value, words):
    kind, result = outcome(headless_operation, dict(VALID_CREATE, api_url=BASE, api_token=TOKEN, **{option: value}), capsys)
    assert kind == "fail", result
    assert result["msg"].startswith("%s must be a mapping with the keys " % option), result["msg"]
    assert words in result["msg"], result["msg"]


@pytest.mark.parametrize(
    "option, value, sent",
    [
        ("schedule", '{"priority": "high", "execute_at": "2030-01-16T02:00:00Z"}', {"priority": "high", "execute_at": "2030-01-16T02:00:00Z"}),
        ("schedule", "priority=low execute_at=2030-01-16T02:00:00Z", {"priority": "low", "execute_at": "2030-01-16T02:00:00Z"}),
        ("schedule", {"priority": "normal"}, {"priority": "normal"}),  # execute_at defaults to now: not sent
        ("device_filters", "types=router status=active", {"types": ["router"], "status": ["active"]}),
    ],
)
def test_a_mapping_option_takes_what_ansible_core_took(capsys, option, value, sent):
    kind, result = outcome(headless_operation, dict(VALID_CREATE, api_url=BASE, api_token=TOKEN, **{option: value}), capsys)
    assert kind == "exit", result
    assert result["request"][option] == sent
