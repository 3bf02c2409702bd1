"""Command-line configuration errors are one clear line and exit status 2; --print-fleet."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
import subprocess

import pytest
from tests.support.emulator_process import emulator_command, free_port


def run(*args, timeout=20) -> subprocess.CompletedProcess:
    return subprocess.run(emulator_command() + list(args), capture_output=True, text=True, timeout=timeout, check=False)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--host", "0.0.0.0"], "only listens on loopback"),
        (["--tls-cert", "/nonexistent.pem"], "--tls-cert and --tls-key go together"),
        (["--time-scale", "0"], "--time-scale"),
        (["--faults", "/nonexistent/faults.yml"], "--faults /nonexistent/faults.yml: cannot read"),
    ],
)
def test_bad_options_exit_2_with_a_message(args, expected):
    result = run("--port", str(free_port()), *args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "option, text, expected",
    [
        ("--tokens", "tokens: []\n", "expected a mapping `tokens:"),
        ("--tokens", "tokens: {abc: {organizations: [101, x]}}\n", "tokens.abc.organizations: expected a non-empty list"),
        ("--tokens", "tokens: {abc: {orgs: [101]}}\n", "tokens.abc: expected"),
        ("--tokens", "tokens: {abc: {organizations: '*'}}\nextra: 1\n", "unknown key(s) extra"),
        ("--tokens", "tokens: [\n", "not valid YAML"),
        ("--faults", "error_500: 2\n", "error_500: expected a rate from 0 to 1"),
        ("--faults", "error_500: 0.6\nerror_503: 0.6\n", "must not exceed 1"),
        ("--faults", "latency: {rate: 1, min_ms: 50, max_ms: 10}\n", "latency.max_ms"),
        ("--faults", "drop_after_commit: 0.1\n", "unknown key(s) drop_after_commit"),
    ],
)
def test_bad_files_are_named_with_the_field(tmp_path, option, text, expected):
    result = run("--port", str(free_port()), option, write(tmp_path, "config.yml", text))
    assert result.returncode == 2
    assert f"{option} " in result.stderr and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"this is no database, just text\n" * 100, "file is not a database"),
        (None, "unable to open database file"),
    ],
)
def test_unusable_database_exits_2_with_a_message(tmp_path, content, expected):
    db = tmp_path / "emulator.db"
    if content is None:
        db = tmp_path / "missing-folder" / "emulator.db"
    else:
        db.write_bytes(content)
    result = run("--port", str(free_port()), "--db", str(db))
    assert result.returncode == 2
    assert f"--db {db}: {expected}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_a_tokens_file_naming_demo_token_keeps_the_server_on_loopback(tmp_path, host):
    tokens = write(tmp_path, "tokens.yml", "tokens:\n  other-token: {organizations: [101]}\n  demo-token: {organizations: [102]}\n")
    result = run("--port", str(free_port()), "--tokens", tokens, "--host", host, "--db", str(tmp_path / "e.db"))
    assert result.returncode == 2
    assert f"--tokens {tokens} names demo-token" in result.stderr and "only listens on loopback" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "e.db").exists()


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("zequenze-control-emulator ")


def test_print_fleet_describes_at_least_20_organizations():
    result = run("--print-fleet", "--seed", "5")
    assert result.returncode == 0
    fleet = json.loads(result.stdout)
    organizations = [int(o) for o in fleet["organizations"] if int(o) < 900]
    assert len(organizations) >= 20 and min(organizations) == 101
    table = fleet["organizations"]["101"]
    assert set(table) == {"router", "switch", "access_point", "firewall"}
    assert set(table["router"]) == {"active", "pending", "inactive"}
    assert set(fleet["troubled_organizations"]) == {"901", "902", "903"}
