"""Secrets: every playbook at -vvvv, succeeding and with 401, 403, 422, 500 and a TLS failure provoked.

A distinctive random token must appear zero times in stdout, stderr, Ansible's log file
(ANSIBLE_LOG_PATH), every report file the run wrote, and the emulator's log.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import pytest
from tests.support.reliability import FULL, EmulatorProcess, distinctive_token, run_playbook, write_tokens
from tests.support.tls_ca import make_ca_and_server_cert

TOKEN = distinctive_token()
PLAYBOOKS = ("nightly_inventory_sync", "compliance_collection", "monitor_operations")
# scenario: (emulator settings, extra environment, playbooks where the status must be the failure named)
SCENARIOS = {
    "success": ({"tokens": {TOKEN: "*"}}, {}, None),
    "401": ({"tokens": {"some-other-token": "*"}}, {}, "HTTP 401"),
    "403": ({"tokens": {TOKEN: [101]}}, {}, "HTTP 403"),
    # A device type the API refuses with 422; the modules' pre-flight check now refuses it first.
    "422": ({"tokens": {TOKEN: "*"}}, {}, "refused by the API, so nothing was sent"),
    "500": ({"tokens": {TOKEN: "*"}, "faults": "error_500: 1.0\n"}, {"ZEQUENZE_MAX_RETRIES": "1"}, "HTTP 500"),
    "tls": ({"tokens": {TOKEN: "*"}, "tls": True}, {"ZEQUENZE_MAX_RETRIES": "1"}, "certificate"),
}
# Which playbooks can meet each failure (the monitor only reads: no 403 or 422 is possible there).
PROVOKES = {"403": {"nightly_inventory_sync", "compliance_collection"}, "422": {"nightly_inventory_sync", "compliance_collection"}}


def cases():
    """Every playbook x every scenario (full); each scenario once, playbooks in turn (short)."""
    if FULL:
        return [(playbook, scenario) for playbook in PLAYBOOKS for scenario in SCENARIOS]
    cases, turn = [], 0
    for scenario in SCENARIOS:
        able = [p for p in PLAYBOOKS if scenario not in PROVOKES or p in PROVOKES[scenario]]
        cases.append((able[turn % len(able)], scenario))
        turn += 1
    return cases


def extra_vars(playbook: str, scenario: str, reports) -> dict:
    bad_types = ["toaster"] if scenario == "422" else []
    if playbook == "nightly_inventory_sync":
        return {
            "nightly_inventory_sync_organizations": [102, 103],
            "nightly_inventory_sync_device_types": bad_types,
            "nightly_inventory_sync_summary_file": str(reports / "nightly-summary.json"),
        }
    if playbook == "compliance_collection":
        return {
            "compliance_collection_organizations": [102],
            "compliance_collection_device_types": bad_types,
            "compliance_collection_report_dir": str(reports),
            "compliance_collection_wait_timeout": 60,
            "compliance_collection_report_interval": 5,
            "compliance_collection_max_failed_percent": 100,
            "compliance_collection_timeout_minutes": 1440,
        }
    return {"monitor_operations_overdue_minutes": 100000, "monitor_operations_stalled_minutes": 100000}


@pytest.mark.parametrize("playbook, scenario", cases())
def test_token_never_shown(tmp_path, figure, playbook, scenario):
    settings, env, expected = SCENARIOS[scenario]
    tls = make_ca_and_server_cert(tmp_path) if settings.get("tls") else {}
    faults = None
    if "faults" in settings:
        faults = tmp_path / "faults.yml"
        faults.write_text(settings["faults"])
    tokens = write_tokens(tmp_path / "tokens.yml", settings["tokens"])
    reports = tmp_path / "reports"
    reports.mkdir()
    log_path = tmp_path / "ansible.log"
    with EmulatorProcess(tokens=tokens, token=TOKEN, faults=faults, time_scale=3600, tls_cert=tls.get("cert"), tls_key=tls.get("key")) as emulator:
        run = run_playbook(
            playbook, extra_vars(playbook, scenario, reports), emulator.environment(), verbosity=4, env=dict(env, ANSIBLE_LOG_PATH=str(log_path)), timeout=240
        )
        emulator_log = emulator.log()

    places = {"stdout": run.stdout, "stderr": run.stderr, "ANSIBLE_LOG_PATH": log_path.read_text(errors="replace"), "emulator log": emulator_log}
    for path in sorted(p for p in reports.rglob("*") if p.is_file()):
        places[str(path.relative_to(tmp_path))] = path.read_text(errors="replace")
    leaks = {where: text.count(TOKEN) for where, text in places.items() if TOKEN in text}
    figure(f"{scenario}: token occurrences in {len(places)} places", sum(leaks.values()))

    assert len(places["ANSIBLE_LOG_PATH"]) > 1000, "Ansible wrote no log file"
    assert not leaks, f"the token leaked into {leaks}"
    # The provoked failure really happened, and the run says so.
    if expected is None:
        assert run.rc == 0, run.describe()
        if playbook != "monitor_operations":
            assert any(reports.rglob("*.json")), "no report file was written"
    elif scenario not in PROVOKES or playbook in PROVOKES[scenario]:
        assert run.rc != 0, run.describe()
        assert expected in " ".join(run.failure_messages()), run.describe()
