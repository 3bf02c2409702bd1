# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the doc snippet test does with each kind of block (see tests/support/doc_blocks.py).

Each check takes the block, a scratch folder of its own and the shared Context, and raises
AssertionError saying what the page claims and what really happened.
"""
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml

from tests.support.ansible_env import ansible_environment
from tests.support.doc_blocks import CHANGELOG_SECTIONS
from tests.support.doc_shell import SNIPPET_TIMEOUT, fresh_environment, run_shell
from tests.support.emulator_process import EmulatorProcess
from tests.support.paths import REPO

PLAY_TIMEOUT = 300
MAKE = threading.Lock()


@dataclass
class Context:
    base: Path
    collections: str
    blocks: list
    _memo: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def once(self, key, compute):
        """compute() once for all the blocks that need it (a per-key lock: others run meanwhile)."""
        with self._lock:
            entry = self._memo.setdefault(key, {"lock": threading.Lock()})
        with entry["lock"]:
            if "value" not in entry:
                entry["value"] = compute()
            return entry["value"]

    def page_file(self, name):
        (block,) = [b for b in self.blocks if b.file_name == name]
        return block.text

    def page_files(self):
        return {b.file_name for b in self.blocks if b.file_name}


def ansible_playbook(playbook, workdir, context, emulator, *args, env_extra=None):
    env = ansible_environment(workdir / "ansible-home", emulator.environment() if emulator else {}, context.collections,
                              ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-tmp"), **(env_extra or {}))
    run = subprocess.run(["ansible-playbook", str(playbook), *args], cwd=workdir, env=env, capture_output=True,
                         text=True, timeout=PLAY_TIMEOUT, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"ansible-playbook {' '.join(args)} exited {run.returncode}:\n{output[-5000:]}"
    assert "Traceback" not in output, output[-5000:]
    return output


def emulator_in(workdir, **options):
    (workdir / "emulator").mkdir()
    return EmulatorProcess(workdir=workdir / "emulator", time_scale=options.pop("time_scale", 600), **options)


# -- console ---------------------------------------------------------------------------------------
def recaps(output):
    return [int(n) for n in re.findall(r"changed=(\d+)", output)]


# Output a page claims in its prose or comments rather than shows, by a line of the block.
CLAIMS = {
    # Plan, apply, apply again: changed 1, 1, 0, and one POST in all (the emulator's access log, in the output).
    "ansible-playbook first.yml --check --diff": lambda out: recaps(out)[-3:] == [1, 1, 0]
    and out.count('"POST /api/v1/inventory_device_serial_headless_operation/ HTTP/1.1" 201') == 1,
    "| jq .count": lambda out: out.rstrip().splitlines()[-1] == "1",
    "ssh-keygen -Y verify": lambda out: 'Good "zequenze-compliance" signature for compliance@example.com' in out
    and out.count(": OK") == 3,
    "nightly_inventory_sync -e": lambda out: "Scheduled operation" in out,
    "ansible-galaxy collection install zequenze-control-": lambda out: re.search(r"zequenze\.control:\S+ was installed successfully", out),
    # The README: stages, progress lines and a summary through the progress callback; nothing internal.
    "make demo": lambda out: "demo finished" in out and not re.search(r"^(TASK \[|included: )", out, re.M),
}


def check_shown_output(run):
    """Output a block shows after its `$ ` commands: JSON with the same keys and kinds of values, or the same lines."""
    shown = "\n".join(run.expected_output).strip()
    if not shown:
        return
    try:
        expected = json.loads(shown)
    except ValueError:
        for line in run.expected_output:
            assert line.strip() in run.output, f"the page shows {line!r}; the run printed:\n{run.output[-3000:]}"
        return
    printed = [json.loads(line) for line in run.output.splitlines() if line.startswith("{")]
    assert printed, f"the page shows {shown}; the run printed no JSON:\n{run.output[-3000:]}"
    assert_same_shape(expected, printed[0], "output")


def assert_same_shape(expected, actual, where):
    assert type(expected) is type(actual) or {type(expected), type(actual)} <= {int, float}, \
        f"{where}: the page shows {expected!r}, the emulator answers {actual!r}"
    if isinstance(expected, dict):
        assert set(expected) == set(actual), \
            f"{where}: the page shows the keys {sorted(expected)}, the emulator answers {sorted(actual)}"
        for key in expected:
            assert_same_shape(expected[key], actual[key], f"{where}.{key}")


def shell_block(block, workdir, context):
    page = [b for b in context.blocks if b.page == block.page]
    earlier = [b.text for b in page if b.number < block.number and b.kind == "shell"]
    cwd = REPO
    used = {name for name in context.page_files() if re.search(rf"\b{re.escape(name)}\b", block.text)}
    if used:
        cwd = workdir / "work"
        cwd.mkdir()
        for name in used:
            (cwd / name).write_text(context.page_file(name))
    if block.text.startswith("make "):
        # One checkout block at a time: concurrent `make venv` runs would race on .venv when it is stale.
        with MAKE:
            return shell_run_checked(block, earlier, cwd, workdir, context)
    return shell_run_checked(block, earlier, cwd, workdir, context)


def shell_run_checked(block, earlier, cwd, workdir, context):
    setup = SETUPS.get(next((key for key in SETUPS if key in block.text), None))
    restore = setup(workdir, context) if setup else None
    if isinstance(restore, Path):
        cwd, restore = restore, None
    try:
        run = run_shell(block.text, earlier, workdir / "home", cwd, context.collections)
    finally:
        if restore:
            restore()
    assert run.returncode == 0, run.failure
    assert "Traceback" not in run.output, run.failure
    # curl -s exits 0 on any answer: an error body of the API means the page's request was refused.
    assert '{"detail":' not in run.output, f"the API refused a request of the page:\n{run.failure}"
    check_shown_output(run)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", run.output)  # ansible-doc writes names in bold
    for name in re.findall(r"ansible-doc(?: -t \w+)? ([\w.]+)", block.text):
        # ansible-doc exits 0 on a name it cannot find, warning "NAME was not found".
        assert re.search(rf"^> [A-Z]+:? {re.escape(name)} ", plain, re.M) and f"{name} was not found" not in plain, \
            f"ansible-doc {name} did not document it:\n{run.failure}"
    if "ansible-playbook" in block.text:
        assert "failed=0" in run.output and not re.search(r"failed=[1-9]", run.output), run.failure
    for line, claim in CLAIMS.items():
        if line in block.text:
            assert claim(run.output), f"the page's claim about `{line}` does not hold:\n{run.failure}"


def keep_changelog(workdir, context):
    """`make changelog` in the checkout must find CHANGELOG.md up to date: it is restored either way."""
    path = REPO / "CHANGELOG.md"
    before = path.read_bytes()

    def restore():
        after = path.read_bytes()
        path.write_bytes(before)
        assert after == before, "make changelog changed CHANGELOG.md: it is stale (regenerate it)"
    return restore


def remove_built_tarball(workdir, context):
    """`ansible-galaxy collection build` writes the tarball into the checkout; remove what it wrote."""
    present = set(REPO.glob("zequenze-control-*.tar.gz"))

    def restore():
        for tarball in set(REPO.glob("zequenze-control-*.tar.gz")) - present:
            tarball.unlink()
    return restore


def signed_bundle(workdir, context):
    """The auditor's folder: a bundle signed with a key made as the page says, and its public key."""
    page = (REPO / "docs" / "compliance.md").read_text()
    keygen = re.search(r"`(ssh-keygen -t ed25519 [^`]*)`", page).group(1)
    keys = workdir / "keys"
    keys.mkdir()
    subprocess.run(keygen, shell=True, cwd=keys, check=True, capture_output=True, timeout=60)
    variables = yaml.safe_load(next(b.text for b in context.blocks if b.kind == "role variables"))
    variables.update(compliance_collection_signing_key=str(keys / "evidence-signing-key"),
                     compliance_collection_report_dir=str(workdir / "reports"), compliance_collection_organizations=[101])
    (workdir / "vars.yml").write_text(yaml.safe_dump(variables))
    with emulator_in(workdir) as emulator:
        ansible_playbook("zequenze.control.compliance_collection", workdir, context, emulator, "-e", "@vars.yml")
    (bundle,) = (workdir / "reports").glob("compliance-*")
    shutil.copy(keys / "evidence-signing-key.pub", bundle)
    return bundle


PIP_BUILD = threading.Lock()


def remove_emulator_build(workdir, context):
    """pip builds ./emulator in place (emulator/build): one such block at a time, and its build folder removed."""
    PIP_BUILD.acquire()
    present = (REPO / "emulator" / "build").exists()

    def restore():
        try:
            if not present:
                shutil.rmtree(REPO / "emulator" / "build", ignore_errors=True)
        finally:
            PIP_BUILD.release()
    return restore


SETUPS = {"make changelog": keep_changelog, "ansible-galaxy collection build": remove_built_tarball,
          "ssh-keygen -Y verify": signed_bundle, "install ./emulator": remove_emulator_build,
          "install './emulator": remove_emulator_build}


# -- YAML --------------------------------------------------------------------------------------------
def task_list_play(tasks):
    """The tasks in a play whose pre-tasks schedule one operation and name it as the docs' tasks do."""
    fixture = {"created_ids": ["{{ zequenze_fixture.operation.id }}"],
               "operation_id": "{{ zequenze_fixture.operation.id }}",
               "zequenze_operation_ids": ["{{ zequenze_fixture.operation.id }}"],
               "nightly": {"results": ["{{ zequenze_fixture }}"]}}
    operation = {"operation_type": "status_update", "organizations": [101], "force": True}
    return [{"name": "A task list of the docs", "hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
             "pre_tasks": [
                 {"name": "An operation for the tasks to refer to", "check_mode": False, "register": "zequenze_fixture",
                  "zequenze.control.headless_operation": operation},
                 {"name": "Name it as the docs do", "ansible.builtin.set_fact": fixture}],
             "tasks": tasks}]


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
        runs = [ansible_playbook("apply_operations.yml", workdir, context, emulator, *args)
                for args in (["--check", "--diff"], ["--diff"], [])]
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
    run = subprocess.run(["antsibull-changelog", "lint", str(fragment)], cwd=REPO, capture_output=True, text=True,
                         timeout=120, check=False)
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
        assert call("team-north", "post", json={"operation_type": "inventory_audit",
                                                "target_organizations": [103]}).status_code == 403
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


# -- JSON and Python ---------------------------------------------------------------------------------
def request_body(context):
    return next(b.text for b in context.blocks if b.kind == "api request body")


def request_body_block(block, workdir, context):
    with emulator_in(workdir) as emulator:
        answer = requests.post(emulator.operations_url, data=block.text, timeout=30,
                               headers={"Authorization": f"Bearer {emulator.token}", "Content-Type": "application/json"})
    assert answer.status_code == 201, f"the page's create body gets {answer.status_code}: {answer.text}"


def record_block(block, workdir, context):
    with emulator_in(workdir) as emulator:
        headers = {"Authorization": f"Bearer {emulator.token}", "Content-Type": "application/json"}
        created = requests.post(emulator.operations_url, data=request_body(context), headers=headers, timeout=30)
        assert created.status_code == 201, created.text
        listed = requests.get(emulator.operations_url, params={"id": created.json()["id"], "update_status": "true"},
                              headers=headers, timeout=30)
    (record,) = listed.json()["results"]
    assert_same_shape(json.loads(block.text), record, "record")
    assert_same_shape(json.loads(block.text), created.json(), "POST answer")


def python_block(block, workdir, context):
    env = fresh_environment(workdir / "home", "installed", context.collections)
    run = subprocess.run([shutil.which("python3", path=env["PATH"]), "-"], input=block.text, cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=SNIPPET_TIMEOUT, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


# -- quoted text -------------------------------------------------------------------------------------
def file_tree_block(block, workdir, context):
    project = REPO / "docs" / "awx" / "project"
    for line in block.text.splitlines():
        path, _hash, comment = line.partition("#")
        assert (project / path.strip()).is_file(), f"docs/awx/project/{path.strip()} does not exist"
        shown = comment.strip().removeprefix("zequenze.control, installed when the project syncs").strip()
        shown = shown.removeprefix("- ")  # the gist of a play: its first key
        if shown:
            assert shown in (project / path.strip()).read_text(), f"{path.strip()} does not hold `{shown}`"
    requirements = yaml.safe_load((project / "collections" / "requirements.yml").read_text())
    assert "zequenze.control" in [c["name"] if isinstance(c, dict) else c for c in requirements["collections"]]


def progress_line_block(block, workdir, context):
    """The line the page shows is the form the wait_for_operations action prints (its own task list's run)."""
    (waiting,) = [b for b in context.blocks if b.page == block.page and b.kind == "task list"
                  and "report_interval" in b.text]
    output = context.once(("tasks", waiting.id), lambda: run_task_list(waiting, workdir, context))
    shown = block.text.strip()
    head, _sep, _tail = shown.rpartition(" - ")  # the end is the ETA or the start time, by status
    pattern = ""
    for part in re.split(r"(\d+(?:,\d+)*|\w+_\w+)", head):  # numbers and lists vary; so do type and status
        pattern += r"[\d,]+" if part[:1].isdigit() else r"\w+" if "_" in part else re.escape(part)
    assert re.search(pattern + r"( - \S.*)?$", output, re.M), \
        f"no printed line has the form the page shows:\n{shown}\n{output[-3000:]}"


# -- blocks marked "not run": what can be checked here still is --------------------------------------
def awx_configuration(block, workdir, context):
    """The controller playbook reads files of this repository: they exist and hold every field it uses."""
    for path in re.findall(r"lookup\('ansible.builtin.file', '([^']+)'\)", block.text):
        assert (REPO / path).is_file(), f"the AWX playbook reads {path}, which does not exist"
    controller = yaml.safe_load((REPO / "docs" / "awx" / "controller.yml").read_text())
    credential_type = yaml.safe_load((REPO / "extensions" / "awx" / "credential_type.yml").read_text())
    for dotted in re.findall(r"zequenze_controller\.([\w.]+)", block.text):
        node = controller
        for key in dotted.split("."):
            assert isinstance(node, dict) and key in node, f"docs/awx/controller.yml has no {dotted}"
            node = node[key]
    for key in re.findall(r"zequenze_credential_type\.(\w+)", block.text):
        assert key in credential_type, f"extensions/awx/credential_type.yml has no {key}"
    fields = {f["id"] for f in credential_type["inputs"]["fields"]}
    for task in yaml.safe_load(block.text)[0]["tasks"]:
        inputs = (task.get("awx.awx.credential") or {}).get("inputs") or {}
        assert set(inputs) <= fields, f"the credential sets {sorted(set(inputs) - fields)}, not inputs of the type"
        loop = re.fullmatch(r"\{\{ zequenze_controller\.(\w+) \}\}", str(task.get("loop", "")))
        if loop:
            used = set(re.findall(r"\bitem\.(\w+)", yaml.safe_dump(task)))
            for entry in controller[loop.group(1)]:
                assert used <= set(entry), f"{entry['name']} in docs/awx/controller.yml lacks {sorted(used - set(entry))}"
                if "survey_spec" in used:
                    json.loads((REPO / "docs" / "awx" / entry["survey_spec"]).read_text())


def github_job(block, workdir, context):
    """The CI job's shell steps are valid bash, and its emulator options exist."""
    options = subprocess.run(["zequenze-control-emulator", "--help"], capture_output=True, text=True, timeout=60,
                             check=True).stdout
    for job in yaml.safe_load(block.text)["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                syntax = subprocess.run(["bash", "-n"], input=step["run"], capture_output=True, text=True,
                                        timeout=60, check=False)
                assert syntax.returncode == 0, f"{step.get('name')}: {syntax.stderr}"
                for option in re.findall(r"zequenze-control-emulator((?: --[\w-]+ \S+)+)", step["run"]):
                    for flag in re.findall(r"--[\w-]+", option):
                        assert re.search(rf"{flag}(?![\w-])", options), f"zequenze-control-emulator has no {flag}"


def builder_definition(block, workdir, context):
    """The definition the command builds exists, and so do the files it names."""
    folder = REPO / re.search(r"^cd (\S+)", block.text, re.M).group(1)
    definition = yaml.safe_load((folder / re.search(r" -f (\S+)", block.text).group(1)).read_text())
    assert definition["version"] == 3
    galaxy = yaml.safe_load((folder / definition["dependencies"]["galaxy"]).read_text())
    assert "zequenze.control" in [c["name"] for c in galaxy["collections"]]


def galaxy_and_api(block, workdir, context):
    """What needs Galaxy or the real API still names this collection and variables its roles take."""
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    for name in re.findall(r"ansible-galaxy collection install (\S+)", block.text):
        assert name == f"{galaxy['namespace']}.{galaxy['name']}", f"{name} is not this collection"
    for playbook, extra in re.findall(r"ansible-playbook zequenze\.control\.(\w+) \\?\s*-e '(\{.*?\})'", block.text):
        specs = yaml.safe_load((REPO / "roles" / playbook / "meta" / "argument_specs.yml").read_text())
        unknown = set(json.loads(extra)) - set(specs["argument_specs"]["main"]["options"])
        assert not unknown, f"role {playbook} has no variable {sorted(unknown)}"


def make_target(block, workdir, context):
    for target in re.findall(r"^make (\S+)", block.text, re.M):
        assert re.search(rf"^{re.escape(target)}:", (REPO / "Makefile").read_text(), re.M), f"no make {target}"


MARKED = {"awx.awx.": awx_configuration, "runs-on:": github_job, "ansible-builder build": builder_definition,
          "ansible-galaxy collection install": galaxy_and_api, "make ": make_target}


def not_run_block(block, workdir, context):
    validate = next((check for key, check in MARKED.items() if key in block.text), None)
    assert validate, f"nothing checks this block, which does not run ({block.marker.strip()}): add a check or run it"
    validate(block, workdir, context)


# -- docs/errors.md: the messages it quotes are the ones the modules produce -------------------------
# Tasks that provoke the failures docs/errors.md quotes, against an emulator where
# the token sees organizations 101 and 102 only.
ERROR_CASES = [
    {"zequenze.control.headless_operation": {"api_token": "not-a-token", "operation_type": "inventory_audit",
                                             "organizations": [101]}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_audit", "organizations": [101, 103]}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_sync", "organizations": [101]}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_sync", "organizations": [101],
                                             "validate_vocabulary": False}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_audit", "organizations": [101],
                                             "schedule": {"execute_at": "tomorrow"}}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_audit", "organizations": [101],
                                             "data": {"operation_type": "inventory_audit"}}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_audit", "organizations": [101],
                                             "wait_timeout": -1}},
    {"zequenze.control.headless_operation": {"data": "{not json"}},
    {"zequenze.control.headless_operation_info": {
        "api_url": "{{ lookup('ansible.builtin.env', 'ZEQUENZE_API_URL') | replace('/api/v1', '/api') }}"}},
    {"zequenze.control.headless_operation_info": {"api_url": "http://127.0.0.1:9/api/v1", "max_retries": 1}},
    {"zequenze.control.headless_operation": {"operation_type": "inventory_audit", "organizations": [101],
                                             "wait": True, "wait_timeout": 1}},
    {"zequenze.control.headless_operation": {"operation_type": "bulk_serial_sync", "organizations": [101, 102],
                                             "options": {"timeout_minutes": 1}, "wait": True, "force": True}},
    {"zequenze.control.headless_operation": {"operation_type": "status_update", "organizations": [102],
                                             "wait": True, "max_failed_devices": 0, "force": True}},
]


def without_failed_count(message: str) -> str:
    """A message with whitespace collapsed and the ", N failed" of an operation's
    description left out (whether any device failed yet depends on timing)."""
    return re.sub(r", \d+ failed\)", ")", " ".join(message.split()))


def message_pattern(quoted: str):
    """A quoted message as a regex: any number where it has one, anything where it has '…'."""
    parts = re.split(r"(\d+|…)", without_failed_count(quoted))
    return re.compile("".join(r"\d+" if p.isdigit() else ".*" if p == "…" else re.escape(p) for p in parts))


def provoke_errors(workdir, context):
    """Run every ERROR_CASES task once against an emulator whose token sees 101 and 102 only: their messages."""
    token = "zq-docs-errors-token"
    tokens = workdir / "tokens.yml"
    tokens.write_text(yaml.safe_dump({"tokens": {token: {"organizations": [101, 102]}}}))
    play = [{"name": "Provoke the documented failures", "hosts": "localhost", "connection": "local",
             "gather_facts": False, "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
             "tasks": [dict(case, name=f"case {n}", ignore_errors=True, register=f"case_{n}")
                       for n, case in enumerate(ERROR_CASES)]}]
    messages_file = workdir / "messages.json"
    names = ", ".join(f"case_{n}.msg | default('')" for n in range(len(ERROR_CASES)))
    play[0]["tasks"].append({"name": "Write the messages", "ansible.builtin.copy": {
        "content": "{{ [" + names + "] | to_json }}", "dest": str(messages_file), "mode": "0600"}})
    playbook = workdir / "errors.yml"
    playbook.write_text(yaml.safe_dump(play))
    with emulator_in(workdir, tokens=tokens, token=token, time_scale=300) as emulator:
        ansible_playbook(playbook, workdir, context, emulator)
    messages = [without_failed_count(message) for message in json.loads(messages_file.read_text())]
    assert len(messages) == len(ERROR_CASES) and all(messages), messages
    return messages


def error_message_block(block, workdir, context):
    messages = context.once("errors", lambda: provoke_errors(workdir, context))
    pattern = message_pattern(block.text)
    assert any(pattern.fullmatch(m) for m in messages), \
        f"docs/errors.md quotes a message no run produces:\n{block.text}\nproduced:\n" + "\n".join(messages)


CHECKS = {
    "shell": shell_block, "python": python_block,
    "playbook": playbook_block, "task list": task_list_block, "page file": page_file_block,
    "gitops operations": gitops_block, "role variables": role_variables_block,
    "changelog fragment": changelog_fragment_block, "emulator tokens": tokens_block, "emulator faults": faults_block,
    "api request body": request_body_block, "api record": record_block,
    "error message": error_message_block, "file tree": file_tree_block, "progress line": progress_line_block,
    "not run": not_run_block,
}
# Relative cost, to start the slow ones first.
SLOW = {"shell": 3, "error message": 3, "task list": 2, "gitops operations": 2, "playbook": 2}


def cost(block):
    """Start order: the slow ones first, but the checkout blocks (one at a time) spread out, not all at once."""
    if block.text.startswith("make "):
        return 9 if block.text.startswith("make demo") else 0
    return SLOW.get(block.kind, 1)
