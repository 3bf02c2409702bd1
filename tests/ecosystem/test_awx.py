"""The AWX / Automation Controller set-up of docs/awx.md, run the way the controller runs it.

The controller renders the credential type's injector templates with the
credential's inputs (Jinja2, sandboxed), writes the environment into the job's
private data directory (env/envvars), turns survey answers into extra vars, and
starts ansible-runner on the project's playbook with the project's collections
installed under requirements_collections. These tests do the same against a
real emulator, with the files in extensions/awx and docs/awx.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
import os
import shutil
import stat
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import ansible_runner
import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tests.support.emulator_process import single_token_emulator
from tests.support.paths import REPO
from tests.support.tls_ca import make_ca_and_server_cert

AWX_DOCS = REPO / "docs" / "awx"
CONTROLLER = yaml.safe_load((AWX_DOCS / "controller.yml").read_text())
CREDENTIAL_TYPE = yaml.safe_load((AWX_DOCS / CONTROLLER["credential_type"]).read_text())


class TowerNamespace:
    """The `tower` name of the controller's injector templates (tower.filename)."""


def inject_credential(credential_type: dict, inputs: dict, data_dir: Path) -> dict:
    """The environment the controller injects for a credential with these inputs.

    As the controller does: inputs that are set (non-empty) are in the template
    namespace, a boolean input that was never set is False, file injectors are
    rendered into files under the job's env/ folder whose paths the env
    injectors see as tower.filename, and every template is rendered in an
    immutable Jinja2 sandbox.
    """
    sandbox = ImmutableSandboxedEnvironment()
    tower = TowerNamespace()
    namespace = {key: value for key, value in inputs.items() if isinstance(value, bool) or value}
    namespace["tower"] = tower
    for field in credential_type["inputs"]["fields"]:
        if field["type"] == "boolean" and field["id"] not in inputs:
            namespace[field["id"]] = False
    (data_dir / "env").mkdir(parents=True, exist_ok=True)
    for label, template in credential_type["injectors"].get("file", {}).items():
        handle, path = tempfile.mkstemp(dir=data_dir / "env")
        with os.fdopen(handle, "w") as injected:
            injected.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if "." in label:
            if not hasattr(tower, "filename"):
                tower.filename = TowerNamespace()
            setattr(tower.filename, label.split(".", 1)[1], path)
        else:
            tower.filename = path
    return {name: sandbox.from_string(template).render(**namespace) for name, template in credential_type["injectors"]["env"].items()}


def survey_answers(survey: dict, answers: dict) -> dict:
    """Extra vars from a survey: the defaults, overridden by answers, typed as the controller types them."""
    extra_vars = {}
    for question in survey["spec"]:
        value = answers.get(question["variable"], question.get("default"))
        kind = question["type"]
        if kind == "multiselect":
            value = value.split("\n") if isinstance(value, str) else list(value)
            assert set(value) <= set(question["choices"].split("\n")), question["variable"]
        elif kind == "multiplechoice":
            assert value in question["choices"].split("\n"), question["variable"]
        elif kind == "integer":
            value = int(value)
            assert question["min"] <= value <= question["max"], question["variable"]
        elif kind == "float":
            value = float(value)
            assert question["min"] <= value <= question["max"], question["variable"]
        else:
            value = str(value)
            assert question.get("min", 0) <= len(value) <= question.get("max", 1024), question["variable"]
        if question.get("required"):
            assert value not in (None, "", []), question["variable"]
        extra_vars[question["variable"]] = value
    return extra_vars


def job_template(name_part: str) -> dict:
    (template,) = [t for t in CONTROLLER["job_templates"] if name_part in t["name"]]
    return template


def launch(template: dict, tmp_path: Path, tarball: Path, credential_inputs: dict, answers: dict, ident: str, verbosity: int = 0):
    """One controller job: private data dir, injected credential, survey extra vars, ansible-runner."""
    data_dir = tmp_path / ident
    shutil.copytree(AWX_DOCS / "project", data_dir / "project")
    # The controller installs the project's collections/requirements.yml here; the
    # requirement resolves to the tarball under test.
    requirement = yaml.safe_load((data_dir / "project" / "collections" / "requirements.yml").read_text())
    assert [c["name"] for c in requirement["collections"]] == ["zequenze.control"]
    collections = data_dir / "requirements_collections"
    result = ansible_runner.run_command(
        executable_cmd="ansible-galaxy",
        cmdline_args=["collection", "install", "--offline", str(tarball), "-p", str(collections)],
        quiet=True,
    )
    assert result[2] == 0, result[0] + result[1]

    env = inject_credential(CREDENTIAL_TYPE, credential_inputs, data_dir)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_HOME=str(data_dir / "ansible-home"), ANSIBLE_NOCOLOR="1"
    )
    (data_dir / "env" / "envvars").write_text(yaml.safe_dump(env))
    survey = json.loads((AWX_DOCS / template["survey_spec"]).read_text())
    extra_vars = dict(template["extra_vars"], **survey_answers(survey, answers))
    (data_dir / "env" / "extravars").write_text(yaml.safe_dump(extra_vars))
    (data_dir / "inventory").mkdir()
    # The controller's Demo Inventory: localhost on a local connection.
    (data_dir / "inventory" / "hosts").write_text("localhost ansible_connection=local\n")

    runner = ansible_runner.run(private_data_dir=str(data_dir), playbook=template["playbook"], ident=ident, verbosity=verbosity or None, quiet=True)
    return runner, data_dir


def stdout_of(runner) -> str:
    return runner.stdout.read()


def job_output(data_dir: Path) -> str:
    """What the controller shows and keeps of a job: its stdout and its events.

    (runner's artifacts/<ident>/command records the launch environment itself; the
    controller keeps that private to the job and stores a masked copy.)"""
    artifacts = next((data_dir / "artifacts").iterdir())
    files = [artifacts / "stdout", *sorted((artifacts / "job_events").glob("*.json"))]
    assert len(files) > 1, "no job events"
    return "\n".join(path.read_text(errors="replace") for path in files)


def test_credential_type_injects_what_the_modules_read(tmp_path):
    fragment = (REPO / "plugins" / "doc_fragments" / "connection.py").read_text()
    for variable in CREDENTIAL_TYPE["injectors"]["env"]:
        assert f"E({variable})" in fragment, f"{variable} is not an environment fallback of the modules"
    fields = {field["id"]: field for field in CREDENTIAL_TYPE["inputs"]["fields"]}
    assert fields["api_token"].get("secret") is True
    assert set(CREDENTIAL_TYPE["inputs"]["required"]) == {"api_url", "api_token"}

    env = inject_credential(CREDENTIAL_TYPE, {"api_url": "https://x.example/api/v1", "api_token": "t0k"}, tmp_path / "a")
    assert env == {
        "ZEQUENZE_API_URL": "https://x.example/api/v1",
        "ZEQUENZE_API_TOKEN": "t0k",
        "ZEQUENZE_VALIDATE_CERTS": "true",
        "ZEQUENZE_CA_PATH": "",
    }, "an unset verify_tls must keep verification on; no CA certificates means the trust store"
    env = inject_credential(
        CREDENTIAL_TYPE, {"api_url": "u", "api_token": "t", "verify_tls": "false", "ca_bundle": "-----BEGIN CERTIFICATE-----\n"}, tmp_path / "b"
    )
    assert env["ZEQUENZE_VALIDATE_CERTS"] == "false"
    assert Path(env["ZEQUENZE_CA_PATH"]).read_text() == "-----BEGIN CERTIFICATE-----\n"


@pytest.mark.parametrize("template", CONTROLLER["job_templates"], ids=lambda t: t["playbook"])
def test_job_templates_use_role_and_playbook_variables(template):
    """Every survey variable and extra var is one the playbook or its role documents."""
    playbook = template["playbook"].removesuffix(".yml")
    assert (AWX_DOCS / "project" / template["playbook"]).is_file()
    assert (REPO / "playbooks" / template["playbook"]).is_file()
    specs = REPO / "roles" / playbook / "meta" / "argument_specs.yml"
    if specs.is_file():
        known = yaml.safe_load(specs.read_text())["argument_specs"]["main"]["options"]
    else:
        (play,) = yaml.safe_load((REPO / "playbooks" / template["playbook"]).read_text())
        known = play["vars"]
    survey = json.loads((AWX_DOCS / template["survey_spec"]).read_text())
    for variable in [q["variable"] for q in survey["spec"]] + list(template["extra_vars"]):
        assert variable in known, f"{template['name']}: {variable} is not a variable of {playbook}"


def test_nightly_job_and_monitor_job_through_ansible_runner(tmp_path, tarball, api, emulator, token):
    inputs = {"api_url": emulator.api_url, "api_token": token}
    nightly = job_template("nightly")
    answers = {
        "nightly_inventory_sync_organizations": ["101", "102", "103"],
        "nightly_inventory_sync_organizations_per_operation": 2,
        # Outside the hours that daylight saving time skips or repeats in Madrid.
        "nightly_inventory_sync_window_start": "04:00",
        "nightly_inventory_sync_timezone": "Europe/Madrid",
    }

    runner, data_dir = launch(nightly, tmp_path, tarball, inputs, answers, "job-1")
    output = stdout_of(runner)
    assert runner.status == "successful" and runner.rc == 0, output
    operations = api.operations()
    assert len(operations) == 2, "three organizations, at most two per operation"
    assert sorted(org for op in operations for org in op["operation_config"]["organizations"]) == [101, 102, 103]
    madrid = datetime.now(timezone.utc).astimezone(ZoneInfo("Europe/Madrid"))
    for operation in operations:
        start = datetime.fromisoformat(operation["scheduled_for"].replace("Z", "+00:00")).astimezone(madrid.tzinfo)
        assert (start.hour, start.minute) == (4, 0) and timedelta(0) < start - madrid <= timedelta(hours=25)
        assert operation["status"] == "scheduled"
    assert token not in job_output(data_dir)

    # The schedule fires again before the window: nothing new, nothing changed.
    runner, data_dir = launch(nightly, tmp_path, tarball, inputs, answers, "job-2")
    assert runner.status == "successful", stdout_of(runner)
    assert api.count() == 2 and api.posts() == 2
    assert sum(runner.stats["changed"].values()) == 0
    assert token not in job_output(data_dir)

    # The hourly monitor job sees two operations waiting for their window: nothing to report.
    runner, data_dir = launch(job_template("monitor"), tmp_path, tarball, inputs, {}, "job-3")
    output = stdout_of(runner)
    assert runner.status == "successful", output
    assert "2 scheduled or running" in output
    assert token not in job_output(data_dir)


def test_wrong_token_fails_the_job_clearly_without_showing_it(tmp_path, tarball, emulator):
    """A job template at verbosity 4 (Debug) with a token the API refuses."""
    wrong = "zq-wrong-" + "x" * 24
    runner, data_dir = launch(job_template("nightly"), tmp_path, tarball, {"api_url": emulator.api_url, "api_token": wrong}, {}, "job-401", verbosity=4)
    output = stdout_of(runner)
    assert runner.status == "failed"
    assert "ESTABLISH LOCAL CONNECTION" in output, "the job ran at -vvvv"
    assert "401" in output and "ZEQUENZE_API_TOKEN" in output
    assert wrong not in job_output(data_dir)


def test_private_certificate_authority_through_the_credential(tmp_path, tarball, token):
    """An API behind an internal CA: the credential's CA certificates make the job pass with verification on."""
    pki = tmp_path / "pki"
    pki.mkdir()
    paths = make_ca_and_server_cert(pki)
    with single_token_emulator(tmp_path / "tls-emulator", token, tls_cert=paths["cert"], tls_key=paths["key"], ca_file=paths["ca"]) as emulator:
        assert emulator.api_url.startswith("https://")
        inputs = {"api_url": emulator.api_url, "api_token": token}
        runner, data_dir = launch(job_template("monitor"), tmp_path, tarball, inputs, {}, "job-untrusted")
        output = stdout_of(runner)
        assert runner.status == "failed" and "check validate_certs and ca_path" in output, output
        assert token not in job_output(data_dir)

        inputs["ca_bundle"] = paths["ca"].read_text()
        runner, data_dir = launch(job_template("monitor"), tmp_path, tarball, inputs, {}, "job-private-ca")
        output = stdout_of(runner)
        assert runner.status == "successful", output
        assert "validate_certs is false" not in output
        assert token not in job_output(data_dir)


def test_compliance_job_through_ansible_runner(tmp_path, tarball, token):
    """The on-demand job: reports run now, the job waits for them and writes the evidence bundle."""
    with single_token_emulator(tmp_path / "fast-emulator", token, time_scale=600) as emulator:
        evidence = tmp_path / "evidence"
        answers = {
            "compliance_collection_organizations": ["101", "102"],
            "compliance_collection_report_dir": str(evidence),
            "compliance_collection_max_failed_percent": 100,
            "compliance_collection_wait_timeout": 300,
        }
        runner, data_dir = launch(job_template("compliance"), tmp_path, tarball, {"api_url": emulator.api_url, "api_token": token}, answers, "job-compliance")
        assert runner.status == "successful", stdout_of(runner)
        (bundle,) = evidence.iterdir()
        files = {path.name: path.read_text() for path in bundle.iterdir()}
        assert {"compliance.json", "compliance.csv", "compliance.html", "SHA256SUMS"} <= set(files)
        operations = json.loads(files["compliance.json"])["operations"]
        assert sorted(org for op in operations for org in op["operation_config"]["organizations"]) == [101, 102]
        assert all(op["operation_type"] == "compliance_report" and op["status"] == "completed" for op in operations)
        assert token not in job_output(data_dir) and all(token not in text for text in files.values())
