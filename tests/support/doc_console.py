# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Console and Python blocks of the docs: run as written, then held to what their page claims."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import yaml

from tests.support.doc_context import ansible_playbook, assert_same_shape, emulator_in, recaps
from tests.support.doc_shell import SNIPPET_TIMEOUT, fresh_environment, run_shell
from tests.support.paths import REPO

MAKE = threading.Lock()


# Output a page claims in its prose or comments rather than shows, by a line of the block.
CLAIMS = {
    # Plan, apply, apply again: changed 1, 1, 0, and one POST in all (the emulator's access log, in the output).
    "ansible-playbook first.yml --check --diff": lambda out: recaps(out)[-3:] == [1, 1, 0]
    and out.count('"POST /api/v1/inventory_device_serial_headless_operation/ HTTP/1.1" 201') == 1,
    "| jq .count": lambda out: out.rstrip().splitlines()[-1] == "1",
    "ssh-keygen -Y verify": lambda out: 'Good "zequenze-compliance" signature for compliance@example.com' in out and out.count(": OK") == 3,
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
        assert (
            re.search(rf"^> [A-Z]+:? {re.escape(name)} ", plain, re.M) and f"{name} was not found" not in plain
        ), f"ansible-doc {name} did not document it:\n{run.failure}"
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
    variables.update(
        compliance_collection_signing_key=str(keys / "evidence-signing-key"),
        compliance_collection_report_dir=str(workdir / "reports"),
        compliance_collection_organizations=[101],
    )
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


SETUPS = {
    "make changelog": keep_changelog,
    "ansible-galaxy collection build": remove_built_tarball,
    "ssh-keygen -Y verify": signed_bundle,
    "install ./emulator": remove_emulator_build,
    "install './emulator": remove_emulator_build,
}


def python_block(block, workdir, context):
    env = fresh_environment(workdir / "home", "installed", context.collections)
    run = subprocess.run(
        [shutil.which("python3", path=env["PATH"]), "-"],
        input=block.text,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=SNIPPET_TIMEOUT,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
