"""Start a real Zequenze Control API emulator process for tests; stdlib only, no collection imports.

    from tests.support.emulator_process import EmulatorProcess

    with EmulatorProcess(time_scale=600) as emulator:
        emulator.api_url    # http://127.0.0.1:PORT/api/v1
        emulator.token      # demo-token, unless a tokens file is given
        emulator.kill()     # SIGKILL, as a crash would
        emulator.start()    # again, same port and database

Or around a command, the one way the make targets start an emulator:

    python -m tests.support.emulator_process [EMULATOR OPTIONS...] -- COMMAND [ARGS...]

The command sees ZEQUENZE_API_URL (https with --tls-cert), ZEQUENZE_API_TOKEN (demo-token unless
set, or a --tokens file is given), ZEQUENZE_EMULATOR_PORT, ZEQUENZE_EMULATOR_DB (kept when set)
and ZEQUENZE_EMULATOR_LOG; the exit status is the command's.

The emulator command is $ZEQUENZE_EMULATOR_BIN, else `zequenze-control-emulator` on PATH,
else the one beside the running Python.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

API_PATH = "/api/v1/inventory_device_serial_headless_operation/"
READY_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def emulator_command() -> list:
    if os.environ.get("ZEQUENZE_EMULATOR_BIN"):
        return [os.environ["ZEQUENZE_EMULATOR_BIN"]]
    found = shutil.which("zequenze-control-emulator")
    if found:
        return [found]
    beside = Path(sys.executable).with_name("zequenze-control-emulator")
    if beside.exists():
        return [str(beside)]
    return [sys.executable, "-m", "zequenze_control_emulator"]


class EmulatorError(RuntimeError):
    pass


class EmulatorProcess:
    """One emulator on a free loopback port with its own database (a temp file unless `db` is given)."""

    def __init__(
        self,
        *,
        db=None,
        tokens=None,
        time_scale=None,
        seed=None,
        faults=None,
        tls_cert=None,
        tls_key=None,
        ca_file=None,
        token=None,
        extra_args=(),
        workdir=None,
    ):
        self._own_dir = None
        if workdir is None:
            self._own_dir = tempfile.mkdtemp(prefix="zequenze-emulator-")
            workdir = self._own_dir
        self.workdir = Path(workdir)
        self.db = str(db or self.workdir / "emulator.db")
        self.log_path = self.workdir / "emulator.log"
        self.options = []
        for flag, value in (
            ("--tokens", tokens),
            ("--time-scale", time_scale),
            ("--seed", seed),
            ("--faults", faults),
            ("--tls-cert", tls_cert),
            ("--tls-key", tls_key),
        ):
            if value is not None:
                self.options += [flag, str(value)]
        self.options += list(extra_args)
        self.tls = tls_cert is not None
        self.ca_file = ca_file
        self.token = token or ("demo-token" if tokens is None else None)
        self.port = None
        self.process = None

    # -- addresses -----------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What the collection calls api_url (ZEQUENZE_API_URL)."""
        return self.base_url + "/api/v1"

    @property
    def operations_url(self) -> str:
        return self.base_url + API_PATH

    def environment(self) -> dict:
        """ZEQUENZE_* variables for a child process (a playbook, a script) to use this emulator."""
        env = {
            "ZEQUENZE_API_URL": self.api_url,
            "ZEQUENZE_EMULATOR_PORT": str(self.port),
            "ZEQUENZE_EMULATOR_DB": self.db,
            # The modules' identity cache and create locks for this emulator, never ~/.cache.
            "ZEQUENZE_CACHE_DIR": str(self.workdir / "client-cache"),
        }
        if self.token:
            env["ZEQUENZE_API_TOKEN"] = self.token
        return env

    # -- life cycle ----------------------------------------------------------------
    def start(self) -> "EmulatorProcess":
        """Start (or restart on the same port and database) and wait for /healthz."""
        if self.process and self.process.poll() is None:
            raise EmulatorError("emulator already running")
        attempts = 1 if self.port else 3  # a fresh free port may be taken by someone else meanwhile
        for attempt in range(attempts):
            port = self.port or free_port()
            command = emulator_command() + ["--host", "127.0.0.1", "--port", str(port), "--db", self.db] + self.options
            log = open(self.log_path, "ab")
            try:
                self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            finally:
                log.close()
            self.port = port
            if self._wait_ready():
                return self
            self._reap()
            if attempt + 1 < attempts:
                self.port = None
        raise EmulatorError(f"emulator did not become ready; log {self.log_path}:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """SIGKILL: the crash case. Nothing the server answered may be lost."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def close(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self._own_dir, ignore_errors=True)
            self._own_dir = None

    def __enter__(self) -> "EmulatorProcess":
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    # -- readiness -------------------------------------------------------------------
    def healthz(self) -> dict:
        with urllib.request.urlopen(self.base_url + "/healthz", timeout=2, context=self._ssl_context()) as answer:
            return json.load(answer)

    def _ssl_context(self):
        if not self.tls:
            return None
        if self.ca_file:
            return ssl.create_default_context(cafile=self.ca_file)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # readiness probe only
        return context

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                health = self.healthz()
                # Our process, not some other server that happens to answer on the port.
                if health.get("status") == "ok" and health.get("pid") == self.process.pid:
                    return True
            except (OSError, ValueError, urllib.error.URLError):
                pass
            time.sleep(0.05)
        return False

    def _reap(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
        if self.process:
            self.process.wait()


def single_token_emulator(workdir, token, **options):
    """An emulator (use it as a context manager) where only `token` is valid, seeing every organization."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True)
    tokens = workdir / "tokens.yml"
    tokens.write_text(json.dumps({"tokens": {token: {"organizations": "*"}}}))  # JSON is YAML
    return EmulatorProcess(tokens=tokens, token=token, workdir=workdir, **options)


def main(argv):
    """The command-line launcher: an emulator around one command (see the module docstring)."""
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print("usage: python -m tests.support.emulator_process [EMULATOR OPTIONS...] -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1 :]
    emulator = EmulatorProcess(db=os.environ.get("ZEQUENZE_EMULATOR_DB"), token=os.environ.get("ZEQUENZE_API_TOKEN"), extra_args=options)
    emulator.tls = "--tls-cert" in options
    if "--tokens" in options:
        emulator.token = None  # the caller knows its tokens; ZEQUENZE_API_TOKEN passes through as set
    # SIGTERM (make interrupted, a timeout) still stops the emulator and removes its folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with emulator:
            env = dict(os.environ, ZEQUENZE_EMULATOR_LOG=str(emulator.log_path), **emulator.environment())
            return subprocess.call(command, env=env)
    except EmulatorError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
