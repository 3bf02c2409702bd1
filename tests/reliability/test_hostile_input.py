"""Hostile input, measured: figures printed beside the ones first measured on the unhardened code.

- the emulator: a 400 MB POST (declared and chunked) refused with a bounded peak memory; 60,000
  organizations refused quickly while /healthz keeps answering; a large invalid body gives a small answer;
- the collection, run as an operator runs it (`ansible localhost -m ...`): an endless next chain and
  a 200 MB answer each fail clearly, in bounded time;
- the generated argument sets and API records of the unit layer, at full count (5,000 each) in
  `make reliability`, a short count inside `make test`.
Speed goals are figures here, not timed assertions: the asserts are on outcomes and on generous bounds.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
import socket
import threading
import time

import requests
from tests.support.emulator_process import EmulatorProcess
from tests.support.recording_server import RecordingServer
from tests.support.reliability import run_adhoc, scale

from ansible_collections.zequenze.control.tests.unit.plugins.module_utils import test_hostile_records as records_checks
from ansible_collections.zequenze.control.tests.unit.plugins.modules import test_hostile_arguments as argument_checks

MIB = 1 << 20
FULL_COUNT = scale(records_checks.RECORDS, 5000)
ARGUMENT_COUNT = scale(argument_checks.ARGUMENT_SETS, 5000)
ENDPOINT = "/api/v1/inventory_device_serial_headless_operation/"


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM) so far."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    raise AssertionError("no VmHWM for pid %d" % pid)


def post_raw(emulator, headers: str, chunks, limit_seconds=60.0) -> tuple:
    """Send a POST by hand; stop at the server's answer or after limit_seconds. (status line, bytes sent, s)."""
    started = time.monotonic()
    sent = 0
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=10) as sock:
        sock.sendall(
            (
                f"POST {ENDPOINT} HTTP/1.1\r\nHost: 127.0.0.1:{emulator.port}\r\n"
                f"Authorization: Bearer demo-token\r\nContent-Type: application/json\r\n{headers}\r\n"
            ).encode()
        )
        sock.setblocking(False)
        answer = b""
        for chunk in chunks:
            if time.monotonic() - started > limit_seconds:
                break
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            except ConnectionResetError:
                break
            if answer:
                break
            try:
                sock.setblocking(True)
                sock.sendall(chunk)
                sock.setblocking(False)
                sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        sock.setblocking(True)
        sock.settimeout(10)
        try:
            while b"\r\n" not in answer:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except (socket.timeout, ConnectionResetError):
            pass
    return answer.split(b"\r\n", 1)[0].decode(errors="replace"), sent, time.monotonic() - started


def test_a_400_mb_post_is_refused_with_bounded_memory(figure):
    block = b" " * MIB
    with EmulatorProcess() as emulator:
        pid = emulator.process.pid
        before = peak_rss_mib(pid)
        status, sent, took = post_raw(emulator, f"Content-Length: {400 * MIB}\r\n", (block for _block in range(400)))
        figure("declared 400 MB POST: answer (before: read all, 856 MB peak)", f"{status} after {sent // MIB} MiB sent")
        assert status.startswith("HTTP/1.1 413"), status
        framed = (b"%x\r\n%s\r\n" % (len(block), block) for _block in range(400))
        status, sent, took = post_raw(emulator, "Transfer-Encoding: chunked\r\n", framed)
        figure("chunked 400 MB POST: answer", f"{status} after {sent // MIB} MiB sent, {took:.1f} s")
        assert status.startswith("HTTP/1.1 413"), status
        after = peak_rss_mib(pid)
        requests.get(emulator.base_url + "/healthz", timeout=10).raise_for_status()
    figure("400 MB POSTs: emulator peak RSS MiB (before: 856 MB; goal < 100)", f"{after:.1f} (at start {before:.1f})")
    assert after < 100, after


def test_60000_organizations_are_refused_while_healthz_answers(figure):
    body = json.dumps({"operation_type": "bulk_serial_sync", "target_organizations": [1000000 + i % 1000 for i in range(60000)]})
    latencies = []
    stop = threading.Event()
    with EmulatorProcess() as emulator:

        def probe():
            session = requests.Session()
            for _probe in range(2000):  # bounded in count, and by the stop event
                if stop.is_set():
                    return
                started = time.monotonic()
                session.get(emulator.base_url + "/healthz", timeout=30).raise_for_status()
                latencies.append(time.monotonic() - started)
                time.sleep(0.01)

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        time.sleep(0.2)
        started = time.monotonic()
        answer = requests.post(
            emulator.operations_url, data=body, timeout=60, headers={"Authorization": "Bearer demo-token", "Content-Type": "application/json"}
        )
        took = time.monotonic() - started
        time.sleep(0.2)
        stop.set()
        prober.join(30)
    figure(f"60,000 organizations ({len(body) / 1e6:.2f} MB): refused in s (before: 15 s; goal < 1)", round(took, 3))
    figure("/healthz slowest answer meanwhile, ms (before: 14,000; goal < 100)", round(max(latencies) * 1000, 1))
    figure("60,000 organizations: answer size, bytes", len(answer.content))
    assert answer.status_code == 422 and "at most 10000 organization ids" in answer.text, answer.text[:300]
    assert took < 30 and latencies


def test_a_large_invalid_body_gives_a_small_answer(figure):
    body = json.dumps(
        {"operation_type": "x", "target_organizations": ["not-an-id-" + "x" * 40] * 7000, "device_filters": {"types": ["toaster" * 10] * 7000}}
    )  # just under the 1 MiB limit
    with EmulatorProcess() as emulator:
        answer = requests.post(
            emulator.operations_url, data=body, timeout=60, headers={"Authorization": "Bearer demo-token", "Content-Type": "application/json"}
        )
    figure(f"invalid {len(body) / 1e6:.2f} MB body: 422 answer bytes (before: 30 MB for 1 MB)", len(answer.content))
    assert answer.status_code == 422 and len(answer.content) < 20000


def run_info_against(server) -> object:
    return run_adhoc(
        "zequenze.control.headless_operation_info",
        {"operation_type": "bulk_serial_sync"},
        {"ZEQUENZE_API_URL": server.url, "ZEQUENZE_API_TOKEN": "hostile-test-token", "ZEQUENZE_MAX_RETRIES": "0"},
        timeout=300,
    )


def test_an_endless_next_chain_fails_clearly(figure):
    with RecordingServer() as api:

        def endless(path, _headers):
            page = int(path.rsplit("page=", 1)[1]) if "page=" in path else 1
            record = {"id": str(page), "status": "scheduled", "operation_type": "bulk_serial_sync"}
            return (200, {"Content-Type": "application/json"}, json.dumps({"count": 3, "results": [record], "next": f"{api.url}{ENDPOINT}?page={page + 1}"}))

        api.answer = endless
        run = run_info_against(api)
    figure("endless next chain: GETs, s to a clear failure (before: 646 GETs in 30 s, still going)", f"{len(api.seen)} GETs, {run.elapsed:.1f} s")
    assert run.rc != 0 and "stopping instead of paging on" in run.output, run.describe()
    assert run.elapsed < 60 and "Traceback" not in run.output


def test_a_200_mb_answer_fails_clearly(figure):
    with RecordingServer() as api:

        def huge(_path, _headers):
            head = b'{"count": 1, "next": null, "results": [{"id": "1", "operation_type": "'
            return 200, {"Content-Type": "application/json"}, (head if i == 0 else b"x" * MIB for i in range(200))

        api.answer = huge
        run = run_info_against(api)
    figure("200 MB answer: s to a clear failure (before: read whole, 634 MiB peak)", round(run.elapsed, 1))
    assert run.rc != 0 and "larger than 16 MiB" in run.output, run.describe()
    assert run.elapsed < 60 and "Traceback" not in run.output


def test_generated_api_records_through_every_reader(capsys, figure):
    figure("records through the reader and identity", records_checks.check_reader_and_identity(FULL_COUNT))
    figure("records with odd non-identity fields (match unchanged)", records_checks.check_non_identity_fields(FULL_COUNT))
    figure("records through every filter", records_checks.check_filters(FULL_COUNT))
    figure("records through both modules' lookups", records_checks.check_module_lookups(capsys, FULL_COUNT))


def test_generated_argument_sets_through_both_modules(capsys, figure):
    for name, check in (
        ("headless_operation", argument_checks.check_headless_operation),
        ("headless_operation_info", argument_checks.check_headless_operation_info),
    ):
        counts = check(capsys, ARGUMENT_COUNT)
        figure(f"{name} argument sets: exit / fail_json / ansible-core raised", "%(exit)d / %(fail)d / %(core)d" % counts)
