# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every check of the doc snippet test shares: the Context, playbook runs and emulators."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.ansible_env import ansible_environment
from tests.support.emulator_process import EmulatorProcess

PLAY_TIMEOUT = 300


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
    env = ansible_environment(
        workdir / "ansible-home",
        emulator.environment() if emulator else {},
        context.collections,
        ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-tmp"),
        **(env_extra or {}),
    )
    run = subprocess.run(["ansible-playbook", str(playbook), *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=PLAY_TIMEOUT, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"ansible-playbook {' '.join(args)} exited {run.returncode}:\n{output[-5000:]}"
    assert "Traceback" not in output, output[-5000:]
    return output


def emulator_in(workdir, **options):
    (workdir / "emulator").mkdir()
    return EmulatorProcess(workdir=workdir / "emulator", time_scale=options.pop("time_scale", 600), **options)


def recaps(output):
    return [int(n) for n in re.findall(r"changed=(\d+)", output)]


def assert_same_shape(expected, actual, where):
    assert type(expected) is type(actual) or {type(expected), type(actual)} <= {
        int,
        float,
    }, f"{where}: the page shows {expected!r}, the emulator answers {actual!r}"
    if isinstance(expected, dict):
        assert set(expected) == set(actual), f"{where}: the page shows the keys {sorted(expected)}, the emulator answers {sorted(actual)}"
        for key in expected:
            assert_same_shape(expected[key], actual[key], f"{where}.{key}")
