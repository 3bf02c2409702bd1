# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Blocks marked "not run": what can be checked here still is (files, fields, names, syntax)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import subprocess

import yaml

from tests.support.paths import REPO


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
    options = subprocess.run(["zequenze-control-emulator", "--help"], capture_output=True, text=True, timeout=60, check=True).stdout
    for job in yaml.safe_load(block.text)["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                syntax = subprocess.run(["bash", "-n"], input=step["run"], capture_output=True, text=True, timeout=60, check=False)
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


MARKED = {
    "awx.awx.": awx_configuration,
    "runs-on:": github_job,
    "ansible-builder build": builder_definition,
    "ansible-galaxy collection install": galaxy_and_api,
    "make ": make_target,
}


def not_run_block(block, workdir, context):
    validate = next((check for key, check in MARKED.items() if key in block.text), None)
    assert validate, f"nothing checks this block, which does not run ({block.marker.strip()}): add a check or run it"
    validate(block, workdir, context)
