# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running a console block of the docs as a reader would: a fresh shell, nothing inherited.

The shell gets a fresh HOME and TMPDIR, no ANSIBLE_*/ZEQUENZE_* variables and no MAKE*
variables; the emulator's ports (8787, 8443) become free ones. Which PATH and folder it
gets follows from what the block says of its reader:

- `checkout`: the block starts with `make`: a clone of this repository, nothing
  installed; PATH without the dev venv, the repository as working folder;
- `pip`: the block runs `pip install`: an empty virtual environment, activated;
- `installed`: everything else: ansible-core on PATH (the dev venv) and the collection
  installed where `ansible-galaxy collection install` puts it (~/.ansible/collections),
  unless the block installs it itself.

A block that uses a file another block of the docs introduces ("`first.yml`:") runs in
a scratch folder holding that file; otherwise in the repository. A block runs after the
lines earlier blocks of its page left in the reader's shell: the `export ZEQUENZE_*`
lines and the last emulator started (in the background, as from a second terminal).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.emulator_process import free_port

BIN = Path(sys.executable).parent
PORTS = ("8787", "8443")
EMULATOR_COMMAND = re.compile(r"^(?:\S*/)?(?:zequenze-control-emulator)\b")
SNIPPET_TIMEOUT = 400


@dataclass
class ShellRun:
    script: str
    returncode: int
    output: str
    expected_output: list
    ports: dict

    @property
    def failure(self) -> str:
        return f"exit {self.returncode}\n--- script\n{self.script}\n--- output (tail)\n{self.output[-5000:]}"


def commands_and_output(text: str):
    """A block's commands (a `$ ` prompt marks them when the block also shows output) and the output it shows."""
    lines = text.splitlines()
    if not any(line.startswith("$ ") for line in lines):
        return lines, []
    commands, output, continued = [], [], False
    for line in lines:
        if line.startswith("$ ") or continued:
            commands.append(line[2:] if line.startswith("$ ") else line)
            continued = line.rstrip().endswith("\\")
        else:
            output.append(line)
    return commands, output


def logical_lines(lines):
    """Lines with their backslash continuations joined."""
    joined, current = [], ""
    for line in lines:
        current += line
        if current.rstrip().endswith("\\"):
            current = current.rstrip()[:-1] + " "
            continue
        joined.append(current)
        current = ""
    if current:
        joined.append(current)
    return joined


def reader_kind(text: str) -> str:
    if text.startswith("make "):
        return "checkout"
    if re.search(r"\bpip install\b", text):
        return "pip"
    return "installed"


def strip_comment(line: str) -> str:
    return re.sub(r"\s+#.*$", "", line).strip()


def foreground_server(commands) -> str:
    """The emulator command a block leaves running in the foreground (its last line), if any."""
    lines = [strip_comment(line) for line in logical_lines(commands) if strip_comment(line)]
    if lines and EMULATOR_COMMAND.match(lines[-1]) and not lines[-1].endswith("&"):
        return lines[-1]
    return ""


def prelude(earlier_texts) -> list:
    """What the page's earlier blocks left in the shell: its exports and its last emulator, in the background."""
    exports, emulator = [], ""
    for text in earlier_texts:
        for line in logical_lines(commands_and_output(text)[0]):
            line = strip_comment(line)
            if line.startswith("export ZEQUENZE_"):
                exports.append(line)
            elif EMULATOR_COMMAND.match(line) and "--version" not in line and "--print-fleet" not in line:
                emulator = line if line.endswith("&") else line + " &"
    return ([emulator] if emulator else []) + exports


def substitute_ports(text: str, ports: dict) -> str:
    for documented, real in ports.items():
        text = re.sub(rf"\b{documented}\b", str(real), text)
    return text


def fresh_environment(home: Path, kind: str, collections: str, installs_collection=False) -> dict:
    """The reader's environment; a block that installs the collection itself gets it not installed yet."""
    path = [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if entry and Path(entry) != BIN]
    env = {
        "HOME": str(home),
        "TMPDIR": str(home / "tmp"),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "USER": os.environ.get("USER", "reader"),
        "LOGNAME": os.environ.get("USER", "reader"),
    }
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    if kind == "installed":
        path.insert(0, str(BIN))
        if installs_collection:
            return dict(env, PATH=os.pathsep.join(path))
        target = home / ".ansible" / "collections" / "ansible_collections" / "zequenze"
        target.mkdir(parents=True)
        (target / "control").symlink_to(Path(collections) / "ansible_collections" / "zequenze" / "control")
    elif kind == "pip":
        venv = home / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
        path.insert(0, str(venv / "bin"))
        env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join(path)
    return env


def wait_line(url: str) -> str:
    """The reader waits until the emulator they started answers; so does the test's prelude."""
    return f"for _ in $(seq 300); do curl -fsk {url}/healthz >/dev/null 2>&1 && break; sleep 0.1; done"


def build_script(text: str, earlier_texts, ports: dict) -> tuple:
    commands, expected = commands_and_output(text)
    own = "\n".join(commands)
    lines = prelude(earlier_texts)
    if lines and EMULATOR_COMMAND.match(lines[0]):
        if "zequenze-control-emulator" in own:
            lines = lines[1:]  # the block starts its own
        else:
            lines.insert(1, wait_line("http://127.0.0.1:8787"))
    script = "\n".join(lines + [own]) + "\n"
    return substitute_ports(script, ports), expected


def healthy(url: str) -> bool:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # readiness probe only
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2, context=context) as answer:
            return json.load(answer).get("status") == "ok"
    except (OSError, ValueError):
        return False


def run_shell(text: str, earlier_texts, home: Path, cwd: Path, collections: str) -> ShellRun:
    """Run one block; a block that leaves the emulator in the foreground is stopped with Ctrl-C once it answers."""
    ports = {documented: free_port() for documented in PORTS}
    script, expected = build_script(text, earlier_texts, ports)
    env = fresh_environment(home, reader_kind(text), collections, "ansible-galaxy collection install" in text)
    server = foreground_server(commands_and_output(text)[0])
    log_path = home / "snippet.log"
    with open(log_path, "w") as log:
        # A file, not a pipe: background processes of the block keep their stdout open.
        process = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=cwd,
            env=env,
            text=True,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        if server:
            scheme = "https" if "--tls-cert" in server else "http"
            port = ports["8443"] if "8443" in server else ports["8787"]
            deadline = time.monotonic() + SNIPPET_TIMEOUT
            while process.poll() is None and time.monotonic() < deadline and not healthy(f"{scheme}://127.0.0.1:{port}"):
                time.sleep(0.2)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)  # the reader's Ctrl-C
        returncode = process.wait(timeout=SNIPPET_TIMEOUT)
        output = log_path.read_text(errors="replace")
        if server and returncode in (-signal.SIGINT, 128 + signal.SIGINT) and "Uvicorn running" in output:
            returncode = 0
        elif server and "Uvicorn running" not in output and returncode == 0:
            returncode = 1  # it ended without ever serving
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        output = log_path.read_text(errors="replace")
        returncode = "timeout"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # background emulators the block started
        except ProcessLookupError:
            pass
    return ShellRun(script=script, returncode=returncode, output=output, expected_output=expected, ports=ports)
