# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""YAML blocks of the docs: task lists and playbooks against an emulator, and the files they configure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import shutil
import subprocess

import requests
import yaml

from tests.support.doc_blocks import CHANGELOG_SECTIONS
from tests.support.doc_context import ansible_playbook, emulator_in, recaps
from tests.support.paths import REPO


def task_list_play(tasks):
    """The tasks in a play whose pre-tasks schedule one operation and name it as the docs' tasks do."""
    fixture = {
        "created_ids": ["{{ zequenze_fixture.operation.id }}"],
        "operation_id": "{{ zequenze_fixture.operation.id }}",
        "zequenze_operation_ids": ["{{ zequenze_fixture.operation.id }}"],
        "nightly": {"results": ["{{ zequenze_fixture }}"]},
    }
    operation = {"operation_type": "status_update", "organizations": [101], "force": True}
    return [
        {
            "name": "A task list of the docs",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "pre_tasks": [
                {
                    "name": "An operation for the tasks to refer to",
                    "check_mode": False,
                    "register": "zequenze_fixture",
                    "zequenze.control.headless_operation": operation,
                },
                {"name": "Name it as the docs do", "ansible.builtin.set_fact": fixture},
            ],
            "tasks": tasks,
        }
    ]


def run_task_list(block, workdir, context):
    playbook = workdir / "tasks.yml"
    playbook.write_text(yaml.safe_dump(task_list_play(yaml.safe_load(block.text)), sort_keys=False))
    with emulator_in(workdir) as emulator:
        planned = ansible_playbook(playbook, workdir, context, emulator, "--check", "--diff")
        return planned + ansible_playbook(playbook, workdir, context, emulator)


def task_list_block(block, workdir, context):
    context.once(("tasks", block.id), lambda: run_task_list(block, workdir, context))


def playbook_block(block, workdir, context):
    plays = yaml.safe_load(block.text)
    with emulator_in(workdir) as emulator:
        for play in plays:
            for defaults in (play.get("module_defaults") or {}).values():
                if "api_url" in defaults:  # the page's API, here the emulator
                    defaults["api_url"] = emulator.api_url
        playbook = workdir / "play.yml"
        playbook.write_text(yaml.safe_dump(plays, sort_keys=False))
        args = ["-e", f"zequenze_api_token={emulator.token}"] if "zequenze_api_token" in block.text else []
        # module_defaults alone must carry the connection: no ZEQUENZE_* variables.
        env = {"ZEQUENZE_API_URL": None, "ZEQUENZE_API_TOKEN": None}
        ansible_playbook(playbook, workdir, context, emulator, "--check", *args, env_extra=env)
        ansible_playbook(playbook, workdir, context, emulator, *args, env_extra=env)


def page_file_block(block, workdir, context):
    users = [b.where for b in context.blocks if b.kind == "shell" and block.file_name in b.text]
    assert users, f"{block.file_name} is introduced but no console block of the docs runs it"


def gitops_block(block, workdir, context):
    shutil.copy(REPO / "docs" / "gitops" / "apply_operations.yml", workdir)
    (workdir / "operations.yml").write_text(block.text)
    with emulator_in(workdir) as emulator:
        runs = [ansible_playbook("apply_operations.yml", workdir, context, emulator, *args) for args in (["--check", "--diff"], ["--diff"], [])]
    assert [recaps(run)[-1] for run in runs] == [1, 1, 0], "plan, apply, apply again: expected changed 1, 1, 0"
    assert "1 of 1 declared operations would be created" in runs[0]


def role_variables_block(block, workdir, context):
    specs = yaml.safe_load((REPO / "roles" / "compliance_collection" / "meta" / "argument_specs.yml").read_text())
    unknown = set(yaml.safe_load(block.text)) - set(specs["argument_specs"]["main"]["options"])
    assert not unknown, f"compliance_collection has no variable {sorted(unknown)}"
    users = [b for b in context.blocks if b.kind == "shell" and "ssh-keygen -Y verify" in b.text]
    assert users, "the signing variables are used by the auditor's verification block, which is gone"


def changelog_fragment_block(block, workdir, context):
    fragment = workdir / "example.yml"
    fragment.write_text(block.text)
    assert set(yaml.safe_load(block.text)) <= CHANGELOG_SECTIONS
    run = subprocess.run(["antsibull-changelog", "lint", str(fragment)], cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and not run.stdout.strip(), run.stdout + run.stderr


def tokens_block(block, workdir, context):
    tokens = workdir / "tokens.yml"
    tokens.write_text(block.text)
    with emulator_in(workdir, tokens=tokens) as emulator:
        url = emulator.operations_url

        def call(token, method="get", **kwargs):
            return requests.request(method, url, headers={"Authorization": f"Bearer {token}"}, timeout=30, **kwargs)

        created = call("ci-token", "post", json={"operation_type": "inventory_audit", "target_organizations": [101]})
        assert created.status_code == 201, created.text
        assert call("team-north", "post", json={"operation_type": "inventory_audit", "target_organizations": [103]}).status_code == 403
        assert call("team-north").json()["count"] == 1 and call("auditor-south").json()["count"] == 0
        assert call("demo-token").status_code == 401, "with a tokens file demo-token must not exist"


def faults_block(block, workdir, context):
    from zequenze_control_emulator.settings import FLAKY, load_faults  # the emulator's own reading of the file

    faults = workdir / "faults.yml"
    faults.write_text(block.text)
    profile = load_faults(str(faults))
    without_seed = yaml.safe_load(block.text)
    without_seed.pop("seed", None)
    faults.write_text(yaml.safe_dump(without_seed))
    assert load_faults(str(faults)) == FLAKY, "the page says the flaky profile is exactly its example without seed"
    faults.write_text(block.text)
    with emulator_in(workdir, faults=faults) as emulator:
        assert emulator.healthz()["status"] == "ok"
    assert profile.seed == yaml.safe_load(block.text).get("seed")
