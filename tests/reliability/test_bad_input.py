"""Bad input: generated argument sets for each module end in fail_json with a message, or in success.

Each module's main() runs in this process with the standard pattern (arguments patched in,
exit_json/fail_json raising), against a real emulator process over HTTP. headless_operation runs
in check mode for the bulk (nothing is created, and the test checks that), plus a smaller set
for real so the create and wait paths are covered too. Any other exception is a defect.

Sleeps are capped at 10 ms while a module runs: retries and waits keep their logic, not
their pauses (wait timeouts are bounded in the strategies as well).
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime
import decimal
import json
import signal
import time
from unittest import mock

import pytest
import requests
from tests.support.reliability import FULL, EmulatorProcess, distinctive_token, scale, write_tokens
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.zequenze.control.plugins.module_utils.waiter import MIN_POLL_INTERVAL
from ansible_collections.zequenze.control.plugins.modules import headless_operation, headless_operation_info
from ansible_collections.zequenze.control.tests.unit.plugins.fakes import module_args

TOKEN = distinctive_token()
CHECK_EXAMPLES = scale(300, 2000)
REAL_EXAMPLES = scale(60, 400)
INFO_EXAMPLES = scale(300, 2000)
SETTINGS = dict(deadline=None, database=None, derandomize=not FULL, print_blob=True, suppress_health_check=list(HealthCheck))
REAL_SLEEP = time.sleep
EXAMPLE_BOUND = 20  # seconds one module run may take (waits are bounded to 0.3 s by the strategies)


class ExitJson(Exception):
    pass


class FailJson(Exception):
    pass


def exit_json(self, **kwargs):
    raise ExitJson(kwargs)


def fail_json(self, msg=None, **kwargs):
    kwargs["msg"] = msg
    raise FailJson(kwargs)


def capped_sleep(seconds):
    REAL_SLEEP(min(max(0.0, seconds), 0.01))


class Outcomes:
    def __init__(self):
        self.exit = self.fail = 0


class Overran(BaseException):
    """Raised by the watchdog; a BaseException so that no `except Exception` in the module swallows it."""


def overran(signum, frame):
    raise Overran()


def run_main(module, args: dict, outcomes: Outcomes, check_mode=False):
    """main() with the args; returns ("exit"|"fail", result). Anything else propagates: a defect."""
    full = dict(args, _ansible_check_mode=check_mode, _ansible_diff=True)
    shown = repr(args).replace(TOKEN, "<the token>")
    with module_args(full), mock.patch.multiple(AnsibleModule, exit_json=exit_json, fail_json=fail_json), mock.patch("time.sleep", capped_sleep):
        kind, result = None, None
        previous = signal.signal(signal.SIGALRM, overran)
        signal.setitimer(signal.ITIMER_REAL, EXAMPLE_BOUND)
        try:
            module.main()
        except Overran:
            raise AssertionError(
                f"main() still ran after {EXAMPLE_BOUND} s for {module.__name__.rsplit('.', 1)[-1]} " f"arguments {shown} (check mode {check_mode})"
            ) from None
        except ExitJson as done:
            kind, result = "exit", done.args[0]
        except FailJson as failed:
            kind, result = "fail", failed.args[0]
        except Exception as exc:  # the defect this test hunts: say which arguments caused it
            raise AssertionError(
                f"{type(exc).__name__}: {exc} for {module.__name__.rsplit('.', 1)[-1]} " f"arguments {shown} (check mode {check_mode})"
            ) from exc
        else:
            raise AssertionError("main() returned without exit_json or fail_json")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    text = json.dumps(result, default=str)
    assert TOKEN not in text, f"the token is in the result: {text[:2000]}"
    if kind == "fail":
        assert isinstance(result["msg"], str) and result["msg"].strip(), result
        outcomes.fail += 1
    else:
        assert isinstance(result.get("changed"), bool), result
        outcomes.exit += 1
    return kind, result


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-input")
    tokens = write_tokens(folder / "tokens.yml", {TOKEN: "*", "narrow-token": [101]})
    with EmulatorProcess(tokens=tokens, token=TOKEN, time_scale=3600) as process:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {TOKEN}"
        for i in range(5):  # something to match against
            assert (
                session.post(
                    process.operations_url,
                    timeout=10,
                    json={
                        "operation_type": "bulk_serial_sync",
                        "target_organizations": [101 + i, 102 + i],
                        "device_filters": {"status": ["active"]},
                        "schedule": {"execute_at": f"2031-01-0{i + 1}T02:00:00Z"},
                    },
                ).status_code
                == 201
            )
        yield process


def operation_count(emulator) -> int:
    answer = requests.get(emulator.operations_url, params={"page_size": 1}, timeout=10, headers={"Authorization": f"Bearer {TOKEN}"})
    return answer.json()["count"]


# -- strategies -----------------------------------------------------------------------
TYPES = ["bulk_serial_sync", "inventory_audit", "status_update", "compliance_report"]
DEVICE_TYPES = ["router", "switch", "access_point", "firewall"]
DEVICE_STATUSES = ["active", "pending", "inactive"]


def finite(text: str) -> bool:
    try:
        return decimal.Decimal(text).is_finite()
    except (ArithmeticError, ValueError):
        return True


# Two inputs are left out on purpose: they crash ansible-core's own argument validation before
# any module code runs (ansible-core 2.21, reported upstream by this suite's report):
#  - an infinite number ("inf", 1e999) for an int option: check_type_int raises OverflowError;
#  - a scalar or a list of non-strings for a dict option with suboptions (device_filters,
#    schedule): set_fallbacks raises TypeError ("argument of type 'bool' is not iterable").
short_text = st.text(max_size=12).filter(finite)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    short_text,
    st.lists(st.integers(-5, 10**6), max_size=3),
    st.dictionaries(short_text, st.integers(), max_size=2),
)
dict_junk = st.one_of(st.none(), short_text, st.lists(short_text, max_size=2), st.dictionaries(short_text, st.integers(), max_size=2))


def pick(dirty: bool, sensible, bad=junk):
    """Sensible values; when dirty, sometimes anything at all instead."""
    return st.one_of(sensible, sensible, sensible, bad) if dirty else sensible


def optional(**fields):
    return st.fixed_dictionaries({}, optional=fields)


future = st.datetimes(
    datetime.datetime(2027, 1, 1),
    datetime.datetime(2035, 1, 1),
    timezones=st.sampled_from(
        [datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=-5)), datetime.timezone(datetime.timedelta(hours=5, minutes=30))]
    ),
)
good_timestamps = st.one_of(
    st.just("now"), future.map(lambda d: d.isoformat()), future.map(lambda d: d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
)
bad_timestamps = st.one_of(
    st.datetimes(datetime.datetime(1990, 1, 1), datetime.datetime(2100, 1, 1), timezones=st.one_of(st.none(), st.timezones())).map(lambda d: d.isoformat()),
    st.sampled_from(["2031-13-40T99:99:99Z", "tomorrow", "2031-01-16T02:00:00", "", " ", "2031-01-16 02:00+01:00", "2031-01-16T02:00:00.123456789-05:30"]),
    junk,
)
good_organizations = st.lists(st.integers(101, 120), min_size=1, max_size=3, unique=True)
bad_organizations = st.lists(st.one_of(st.integers(99, 125), st.integers(-10, 10**9), st.sampled_from(["101", "x", ""])), max_size=4)


def structured(dirty: bool):
    required = {} if dirty else {"operation_type": st.sampled_from(TYPES), "organizations": good_organizations}
    fields = dict(
        device_filters=pick(
            dirty,
            optional(
                types=pick(
                    dirty,
                    st.lists(st.sampled_from(DEVICE_TYPES), min_size=1, unique=True),
                    st.lists(st.sampled_from(DEVICE_TYPES + ["toaster", ""]), max_size=3),
                ),
                status=pick(
                    dirty,
                    st.lists(st.sampled_from(DEVICE_STATUSES), min_size=1, unique=True),
                    st.lists(st.sampled_from(DEVICE_STATUSES + ["gone"]), max_size=3),
                ),
            ),
            dict_junk,
        ),
        schedule=pick(
            dirty,
            optional(
                execute_at=pick(dirty, good_timestamps, bad_timestamps),
                priority=pick(dirty, st.sampled_from(["low", "normal", "high"]), st.sampled_from(["urgent", "", "HIGH"])),
            ),
            dict_junk,
        ),
        options=pick(
            dirty,
            optional(update_firmware_info=st.booleans(), validate_connectivity=st.booleans(), timeout_minutes=st.integers(1, 1440)),
            st.dictionaries(
                st.one_of(st.sampled_from(["update_firmware_info", "validate_connectivity", "timeout_minutes"]), short_text),
                st.one_of(st.integers(-5, 2000), st.booleans(), st.sampled_from(["yes", "no", "10", "ten"]), junk),
                max_size=3,
            ),
        ),
    )
    if dirty:
        fields.update(
            operation_type=pick(dirty, st.sampled_from(TYPES), st.sampled_from(["", "delete_everything"])),
            organizations=pick(dirty, good_organizations, bad_organizations),
        )
    return st.fixed_dictionaries(required, optional=fields)


def body(dirty: bool):
    return st.fixed_dictionaries(
        {"operation_type": st.sampled_from(TYPES), "target_organizations": pick(dirty, good_organizations, bad_organizations)},
        optional=(
            {"schedule": optional(execute_at=pick(dirty, good_timestamps, bad_timestamps))}
            if not dirty
            else {"schedule": optional(execute_at=bad_timestamps), "extra": junk}
        ),
    )


def data(dirty: bool):
    if not dirty:
        return st.one_of(body(False), body(False).map(json.dumps))
    return st.one_of(body(True), body(True).map(json.dumps), short_text, st.sampled_from(["{", "[]", "null", "1", '"x"', "{}"]), junk)


def connection(emulator, dirty: bool, bounded_waits: bool):
    """Connection and wait options: the emulator and the token, or (dirty) anything."""
    seconds = st.floats(0, 0.3) if bounded_waits or not dirty else pick(dirty, st.floats(-1, 0.3))
    poll = st.floats(MIN_POLL_INTERVAL, 0.3)
    if dirty:
        seconds = st.one_of(seconds, st.just(-1))
        poll = st.one_of(poll, seconds)
    if not dirty:
        return optional(validate_certs=st.booleans(), wait_timeout=seconds, poll_interval=poll, max_poll_interval=poll)
    return optional(
        api_url=st.sampled_from(
            [emulator.api_url, emulator.api_url + "/", emulator.base_url, "not a url", "", "http://127.0.0.1:1/api/v1", "ftp://127.0.0.1/api", "http://[::1"]
        ),
        api_token=st.sampled_from([TOKEN, TOKEN, TOKEN, "narrow-token", "wrong", "", "a b\nc"]),
        validate_certs=pick(dirty, st.booleans()),
        timeout=st.one_of(st.floats(-1, 30), st.sampled_from(["nan", "inf", "-inf", "1e-9", "x", 0])),
        max_retries=st.one_of(st.integers(-2, 2), st.sampled_from(["x", "1.5"])),
        wait_timeout=seconds,
        poll_interval=poll,
        max_poll_interval=poll,
    )


def with_defaults(emulator, args: dict) -> dict:
    """Connection defaults the generated set may override (a missing token is tested too)."""
    full = {
        "api_url": emulator.api_url,
        "api_token": TOKEN,
        "max_retries": 1,
        "timeout": 10,
        "wait_timeout": 0.3,
        "poll_interval": MIN_POLL_INTERVAL,
        "max_poll_interval": 0.2,
    }  # the defaults wait an hour
    full.update(args)
    return full


def operation_args(emulator, bounded_waits: bool):
    def one(dirty):
        return st.tuples(
            connection(emulator, dirty, bounded_waits),
            st.one_of(
                structured(dirty),
                structured(dirty),
                st.fixed_dictionaries({"data": data(dirty)}),
                *([st.fixed_dictionaries({"data": data(True)}, optional={"operation_type": st.sampled_from(TYPES)})] if dirty else []),
            ),
            optional(
                force=pick(dirty, st.booleans()),
                wait=st.booleans() if bounded_waits or not dirty else pick(dirty, st.booleans()),
                wait_for=pick(dirty, st.sampled_from(["started", "completed", "ended"])),
                update_status=pick(dirty, st.booleans()),
                max_failed_devices=pick(dirty, st.integers(0, 100), st.integers(-3, -1)),
            ),
        ).map(lambda parts: with_defaults(emulator, {**parts[0], **parts[1], **parts[2]}))

    return st.one_of(one(False), one(False), one(False), one(True))  # mostly sensible: the real paths run too


def info_args(emulator):
    def one(dirty):
        return st.tuples(
            connection(emulator, dirty, bounded_waits=True),
            optional(
                id=pick(dirty, st.integers(1, 12).map(str), st.one_of(st.integers(-5, 10**6).map(str), short_text)),
                update_status=pick(dirty, st.booleans()),
                status=pick(
                    dirty,
                    st.lists(st.sampled_from(["scheduled", "in_progress", "completed", "failed"]), max_size=3),
                    st.lists(st.sampled_from(["odd", ""]), max_size=2),
                ),
                operation_type=pick(dirty, st.sampled_from(TYPES), st.just("nope")),
                organizations=pick(dirty, st.lists(st.integers(101, 125), max_size=2), st.lists(st.integers(-5, 100), max_size=2)),
                max_results=pick(dirty, st.integers(1, 2000), st.integers(-3, 0)),
                page_size=pick(dirty, st.integers(1, 1000), st.integers(-3, 5000)),
                wait=pick(dirty, st.booleans()),
                wait_for=pick(dirty, st.sampled_from(["started", "completed", "ended"]), st.just("x")),
            ),
        ).map(lambda parts: with_defaults(emulator, {**parts[0], **parts[1]}))

    return st.one_of(one(False), one(False), one(False), one(True))  # mostly sensible: the real paths run too


# -- the properties -------------------------------------------------------------------
def test_headless_operation_check_mode(emulator, figure):
    outcomes, before = Outcomes(), operation_count(emulator)

    @settings(max_examples=CHECK_EXAMPLES, **SETTINGS)
    @given(args=operation_args(emulator, bounded_waits=False))
    def property_(args):
        run_main(headless_operation, args, outcomes, check_mode=True)

    property_()
    figure("headless_operation check mode: examples", outcomes.exit + outcomes.fail)
    figure("headless_operation check mode: exit_json / fail_json", f"{outcomes.exit} / {outcomes.fail}")
    assert outcomes.exit + outcomes.fail >= CHECK_EXAMPLES
    assert outcomes.exit and outcomes.fail, "the strategies never reached one of the two endings"
    assert operation_count(emulator) == before, "check mode created operations"


def test_headless_operation_for_real(emulator, figure):
    outcomes = Outcomes()

    @settings(max_examples=REAL_EXAMPLES, **SETTINGS)
    @given(args=operation_args(emulator, bounded_waits=True))
    def property_(args):
        run_main(headless_operation, args, outcomes)

    before = operation_count(emulator)
    property_()
    figure("headless_operation for real: examples", outcomes.exit + outcomes.fail)
    figure("headless_operation for real: exit_json / fail_json", f"{outcomes.exit} / {outcomes.fail}")
    figure("headless_operation for real: operations created", operation_count(emulator) - before)
    assert outcomes.exit + outcomes.fail >= REAL_EXAMPLES
    assert outcomes.exit and outcomes.fail


def test_headless_operation_info(emulator, figure):
    outcomes = Outcomes()

    @settings(max_examples=INFO_EXAMPLES, **SETTINGS)
    @given(args=info_args(emulator))
    def property_(args):
        run_main(headless_operation_info, args, outcomes)

    property_()
    figure("headless_operation_info: examples", outcomes.exit + outcomes.fail)
    figure("headless_operation_info: exit_json / fail_json", f"{outcomes.exit} / {outcomes.fail}")
    assert outcomes.exit + outcomes.fail >= INFO_EXAMPLES
    assert outcomes.exit and outcomes.fail
