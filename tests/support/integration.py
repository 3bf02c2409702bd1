# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-test integration: the real modules against one real emulator process, then the modules'
EXAMPLES as written against a fresh one.

Each target gets its own token scoped to its own organizations, so targets do not see each other's
operations; the URL and tokens reach them through tests/integration/integration_config.yml, written
into the tree copy. Every target directory must run, and no token may appear in the output.

    python -m tests.support.integration [ANSIBLE-TEST ARGS...]    # arguments that pick targets narrow
                                                                  # "every target ran" to "one ran"
The ansible-core under test is $VENV's (default: the running venv); $ZEQUENZE_TEST_TIME_SCALE
(default 100) speeds up the emulator's clock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from tests.support import ansible_test
from tests.support.ansible_env import ansible_environment
from tests.support.emulator_process import EmulatorError, EmulatorProcess
from tests.support.package import bin_under_test, dev_bin
from tests.support.paths import REPO
from tests.support.tiers import stream
from tests.support.tree import collection_tree

# The organizations each target's token sees (the errors target asks for 124 to provoke a 403).
TARGET_ORGANIZATIONS = {"create": [101, 102], "wait": [103, 104, 105, 903], "info": [106, 108, 109], "errors": [110, 111], "defaults": [112, 113]}
RAN = re.compile(r"Running (\S+) integration test role")
# ansible-test runs each target directly: none is a setup_/prepare_ dependency.
DEPENDENCY_PREFIXES = ("setup_", "prepare_")


def token_for(target, run_id):
    return "it-%s-%s" % (target, run_id)


def write_tokens(path, run_id):
    """The emulator's tokens file: one token per target, scoped to that target's organizations."""
    tokens = {token_for(target, run_id): {"organizations": orgs} for target, orgs in TARGET_ORGANIZATIONS.items()}
    Path(path).write_text(json.dumps({"tokens": tokens}))  # JSON is YAML
    return Path(path)


def write_integration_config(tree, api_url, run_id):
    config = {"zequenze_api_url": api_url, "zequenze_tokens": {target: token_for(target, run_id) for target in TARGET_ORGANIZATIONS}}
    path = Path(tree) / "tests" / "integration" / "integration_config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def expected_targets(targets_dir):
    return sorted(path.name for path in Path(targets_dir).iterdir() if path.is_dir() and not path.name.startswith(DEPENDENCY_PREFIXES))


def target_problems(output, targets_dir, narrowed=False):
    """What is wrong with the set of targets that ran; arguments that pick targets (narrowed) only
    require that one ran."""
    ran = sorted(set(RAN.findall(output)))
    expected = expected_targets(targets_dir)
    if not ran:
        return ["ansible-test ran no integration target: that is not a pass"]
    if narrowed or ran == expected:
        return []
    return (
        ["ansible-test ran %d of %d integration targets:" % (len(ran), len(expected))]
        + ["  did not run: %s" % name for name in expected if name not in ran]
        + ["  unexpected: %s" % name for name in ran if name not in expected]
    )


def leaked_tokens(output, run_id):
    return ["the API token of target %s appears in the output" % target for target in TARGET_ORGANIZATIONS if token_for(target, run_id) in output]


def examples_play(tree):
    """Every module's EXAMPLES in one play, in module order so later examples can use what earlier
    ones registered; the connection comes from the environment."""
    tasks = []
    for path in sorted((Path(tree) / "plugins" / "modules").glob("*.py")):
        module = ast.parse(path.read_text())
        examples = [node.value.value for node in module.body if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXAMPLES"]
        if not examples:
            raise ValueError("%s has no EXAMPLES" % path.name)
        tasks.extend(yaml.safe_load(examples[0]) or [])
    return [
        {
            "name": "The modules' EXAMPLES",
            "hosts": "localhost",
            "gather_facts": False,
            "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "tasks": tasks,
        }
    ]


def run_targets(parent, work, run_id, args, tools, time_scale):
    tree, env = ansible_test.prepare(parent, tools)
    with EmulatorProcess(tokens=write_tokens(work / "tokens.yml", run_id), time_scale=time_scale, workdir=work / "emulator") as emulator:
        write_integration_config(tree, emulator.api_url, run_id)
        status, output = stream(
            [tools / "ansible-test", "integration", "--venv", "--python", ansible_test.python_version(tools), "--color", "no"] + list(args), tree, env
        )
    problems = ["ansible-test integration exited %d" % status] if status else []
    return problems or target_problems(output, tree / "tests" / "integration" / "targets", bool(args)), output


def run_examples(parent, work, tools):
    playbook = Path(parent) / "examples.yml"
    playbook.write_text(yaml.safe_dump(examples_play(collection_tree(parent)), sort_keys=False))
    (work / "examples").mkdir()
    with EmulatorProcess(time_scale=600, workdir=work / "examples") as emulator:
        env = ansible_environment(work / "examples" / "home", emulator.environment(), parent, PATH=os.pathsep.join([str(tools), os.environ.get("PATH", "")]))
        status, output = stream([tools / "ansible-playbook", "-i", "localhost,", "-c", "local", playbook], work, env)
    return (["the modules' EXAMPLES failed (exit %d)" % status] if status else []), output


def main(args):
    tools = bin_under_test()
    # The emulator runs from the dev venv, whatever ansible-core is under test.
    os.environ.setdefault("ZEQUENZE_EMULATOR_BIN", str(dev_bin() / "zequenze-control-emulator"))
    time_scale = int(os.environ.get("ZEQUENZE_TEST_TIME_SCALE", "100"))
    # One tree per venv, so the version matrix never shares one with the main run.
    parent = REPO / ".tree" / ("integration-" + tools.parent.name)
    run_id = secrets.token_hex(8)
    with tempfile.TemporaryDirectory(prefix="zequenze-integration-") as folder:
        work = Path(folder)
        (work / "emulator").mkdir()
        try:
            problems, output = run_targets(parent, work, run_id, args, tools, time_scale)
            if not problems:
                ran = len(set(RAN.findall(output)))
                print("==> ansible-test ran %d integration targets; the modules' EXAMPLES against a fresh emulator" % ran)
                problems, examples = run_examples(parent, work, tools)
                output += examples
        except (EmulatorError, ValueError, OSError, subprocess.CalledProcessError) as error:
            problems, output = ["integration: %s" % error], ""
    problems += leaked_tokens(output, run_id)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(
            "integration (%s): %d targets ran, the modules' EXAMPLES ran, none of the %d tokens in the output"
            % (tools.parent.name, len(set(RAN.findall(output))), len(TARGET_ORGANIZATIONS))
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
