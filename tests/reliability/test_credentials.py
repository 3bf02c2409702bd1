"""Stray credentials: against real servers that record the Authorization header of every request.

Each case runs the module as an operator does (`ansible localhost -m ...`, or a shipped playbook),
at -vvvv and with ANSIBLE_DEBUG=1, and asserts: the API received the token as a Bearer
credential and nothing else, a foreign host received no credential at all, and no piece of the
token (6 characters or more) appears in any output.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import secrets
import time

import pytest
from tests.support.recording_server import RecordingServer
from tests.support.reliability import EmulatorProcess, run_adhoc, run_playbook, write_tokens

# Every 6-character window holds capital letters: Ansible's random temp names are lowercase,
# hashes hexadecimal, so no window of the token can appear in the output by chance.
TOKEN = "".join(secrets.choice("GHJKLMNPQRSTUVWXYZ") + secrets.choice("ghjkmnpqrstuvwxyz") for _pair in range(16))
WINDOW = 6
DEBUG = {"ANSIBLE_DEBUG": "1", "ANSIBLE_VERBOSITY": "4"}
ENDPOINT = "/api/v1/inventory_device_serial_headless_operation/"


def token_pieces(text: str) -> list:
    """The pieces of the token (WINDOW characters or more) that text contains."""
    return sorted({TOKEN[i : i + WINDOW] for i in range(len(TOKEN) - WINDOW + 1) if TOKEN[i : i + WINDOW] in text})


def netrc_for(tmp_path, *hosts) -> str:
    path = tmp_path / "netrc"
    path.write_text("".join(f"machine {host} login netrc-user password netrc-password-XYZ\n" for host in hosts))
    path.chmod(0o600)
    return str(path)


def info(server_url: str, env: dict, **args):
    return run_adhoc("zequenze.control.headless_operation_info", args, {"ZEQUENZE_API_URL": server_url, "ZEQUENZE_API_TOKEN": TOKEN}, env=dict(DEBUG, **env))


def assert_no_token_piece(run):
    assert not token_pieces(run.output), (token_pieces(run.output), run.describe())


def test_a_netrc_entry_for_the_api_host_does_not_replace_the_token(tmp_path, figure):
    with RecordingServer() as api:
        run = info(api.url, {"NETRC": netrc_for(tmp_path, "127.0.0.1")})
    figure("Authorization headers the API saw", sorted(a.split()[0] for a in api.authorizations()))
    assert run.rc == 0, run.describe()
    assert api.authorizations() == {"Bearer " + TOKEN}
    assert "netrc-password" not in run.output
    assert_no_token_piece(run)


def test_a_redirect_to_another_host_carries_no_credential(tmp_path, figure):
    """GET follows redirects; requests used to add the foreign host's ~/.netrc entry as Basic auth."""
    with RecordingServer(host="localhost") as foreign, RecordingServer() as api:
        api.answer = lambda path, headers: (302, {"Location": foreign.url + ENDPOINT + "?page=1"}, "")
        run = info(api.url, {"NETRC": netrc_for(tmp_path, "127.0.0.1", "localhost")})
    figure("Authorization headers the foreign host saw", sorted(map(str, foreign.authorizations())))
    assert api.authorizations() == {"Bearer " + TOKEN}
    assert foreign.seen, "the redirect was not followed: the case proves nothing"
    assert foreign.authorizations() == {None}
    assert_no_token_piece(run)


def test_userinfo_in_api_url_is_refused_without_sending_or_showing_it(figure):
    with RecordingServer() as api:
        url = f"http://someone:url-password-QWZ@127.0.0.1:{api.port}/api/v1"
        run = info(url, {})
    figure("requests the API saw", len(api.seen))
    assert run.rc != 0
    assert "api_url must not carry a user name or password" in run.output, run.describe()
    assert api.seen == []
    assert "url-password" not in run.output and "someone" not in run.output
    assert_no_token_piece(run)


@pytest.mark.parametrize("offset", [0, 440, 455, 465, 470, 480, 5000])
def test_an_error_page_echoing_the_header_shows_no_piece_of_the_token(offset):
    """A non-JSON error page echoing Authorization near the 500-character cut once leaked the token's start."""
    with RecordingServer() as api:
        api.answer = lambda path, headers: (
            502,
            {"Content-Type": "text/html"},
            "<html>" + "x" * offset + "Authorization: " + headers.get("Authorization", "") + "</html>",
        )
        run = info(api.url, {"ZEQUENZE_MAX_RETRIES": "0"})
    assert run.rc != 0 and "HTTP 502" in run.output, run.describe()
    assert_no_token_piece(run)


@pytest.mark.parametrize("playbook", ["monitor_operations", "nightly_inventory_sync"])
def test_shipped_playbooks_under_ansible_debug_show_no_piece_of_the_token(tmp_path, figure, playbook):
    extra = {"monitor_operations_overdue_minutes": 100000, "monitor_operations_stalled_minutes": 100000}
    if playbook == "nightly_inventory_sync":
        extra = {"nightly_inventory_sync_organizations": [102], "nightly_inventory_sync_summary_file": str(tmp_path / "summary.json")}
    log_path = tmp_path / "ansible.log"
    with EmulatorProcess(tokens=write_tokens(tmp_path / "tokens.yml", {TOKEN: "*"}), token=TOKEN, time_scale=3600) as emulator:
        started = time.monotonic()
        run = run_playbook(playbook, extra, emulator.environment(), verbosity=4, env=dict(DEBUG, ANSIBLE_LOG_PATH=str(log_path)), timeout=300)
        figure(f"{playbook} at -vvvv + ANSIBLE_DEBUG=1 (s)", round(time.monotonic() - started, 1))
    places = {"output": run.output, "log": log_path.read_text(errors="replace")}
    pieces = {where: token_pieces(text) for where, text in places.items() if token_pieces(text)}
    figure(f"{playbook}: token pieces (>= {WINDOW} chars) in output and log", sum(map(len, pieces.values())))
    assert run.rc == 0, run.describe()
    assert ": starting run" in run.output and len(run.output) > 20000, "no ANSIBLE_DEBUG output: the case proves nothing"
    assert not pieces, pieces
