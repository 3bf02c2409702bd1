"""The README's checkout snippets (the ones that start with `make venv`) run as written in a fresh
shell: no ANSIBLE_* or ZEQUENZE_* variables, a fresh HOME, the repository as working folder.
Only the emulator's port changes (8787 may be taken on a shared machine)."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations
__metaclass__ = type

import os
import re
import subprocess

import pytest

from tests.support.emulator_process import free_port
from tests.support.paths import REPO

CONSOLE = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
SNIPPETS = [block for block in CONSOLE.findall((REPO / "README.md").read_text()) if block.startswith("make venv\n")]


def test_the_readme_has_checkout_snippets():
    assert len(SNIPPETS) >= 2, "the README lost its checkout snippets (ansible-doc, the emulator)"


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.splitlines()[-2 if "kill" in s else -1][:40])
def test_a_readme_snippet_runs_in_a_fresh_shell(snippet, tmp_path):
    script = snippet.replace("8787", str(free_port()))
    env = {"HOME": str(tmp_path), "PATH": os.environ["PATH"], "LANG": "C.UTF-8", "TMPDIR": str(tmp_path)}
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert "Traceback" not in output
    if "ansible-doc" in snippet:
        assert "zequenze.control.headless_operation" in run.stdout and "validate_vocabulary" in run.stdout
    if "nightly_inventory_sync" in snippet:
        assert re.search(r"failed=0", output) and "Scheduled operation" in output, output[-3000:]
