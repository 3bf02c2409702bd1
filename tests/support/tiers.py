# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the test tiers of noxfile.py share: venvs, Debian tools, pytest runs that count, teed output,
links to the work tree, and what ansible-test needs offline (Python links, a get-pip stand-in).

Each helper takes the nox session (anything with run(), log() and error()) so its commands show
in nox's log and a failure fails the session.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support import junit
from tests.support.paths import REPO
from tests.support.tree import collection_tree

PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
GET_PIP_STANDIN = """\
# Stand-in for get-pip.py: bootstrap pip from ensurepip, then install the pins.
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
"""


def ensure_venv(session, directory, requirements, version):
    """A venv of the pyenv Python X.Y at DIRECTORY with REQUIREMENTS' pins, rebuilt when they are newer."""
    directory, requirements = Path(directory), Path(requirements)
    stamp = directory / ".stamp"
    if stamp.exists() and stamp.stat().st_mtime >= requirements.stat().st_mtime:
        return directory
    python = pyenv_python(version)
    if not python:
        session.error("Python %s not found" % version)
    session.log("creating %s with %s from %s" % (directory, python, requirements.name))
    if not (directory / "bin" / "python").exists():
        session.run(python, "-m", "venv", str(directory))
    session.run(str(directory / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "-r", str(requirements))
    stamp.touch()
    return directory


def ensure_debian_package(session, command, package):
    """Install the Debian package that provides COMMAND when it is missing (as root, or through
    sudo), so a tier runs what needs it instead of skipping."""
    if shutil.which(command):
        return
    session.log("installing %s (Debian package) for %s" % (package, command))
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
        if subprocess.run(sudo + step, stdout=subprocess.DEVNULL, check=False).returncode:
            session.error("%s is required: apt-get install %s" % (command, package))


def run_pytest(session, name, folder, *args, python=sys.executable, cwd=None, env=None):
    """pytest over FOLDER, then the one JUnit check (tests.support.junit): a skipped test fails the
    run, and so does a run of fewer tests than FOLDER's files define, unless the session was given
    arguments (the user picked tests)."""
    from nox.command import CommandFailed  # here: the rest imports where nox is not installed (.venv-core216)

    folder = Path(folder).absolute()
    handle, report = tempfile.mkstemp(prefix="junit-", suffix=".xml")
    os.close(handle)
    try:
        failed = False
        try:
            with session.chdir(cwd or os.getcwd()):
                session.run(python, "-m", "pytest", str(folder), "-q", "-rs", "--junitxml=" + report, *args, *session.posargs, env=env or {}, external=True)
        except CommandFailed:
            failed = True  # still count what ran: the summary line says how many failed
        checked = junit.main([name, report] + ([] if session.posargs else [str(folder)]))
    finally:
        os.unlink(report)
    if failed or checked:
        session.error("%s failed" % name)


def tee(session, command, cwd=None, env=None):
    """Run COMMAND in the session (ENV on top of the environment); (exit status, output)."""
    return stream(command, cwd, dict(os.environ, **(env or {})), announce=session.log)


def stream(command, cwd, env, announce=lambda line: print("==> %s" % line, flush=True)):
    """Run a command, printing its output as it comes; (exit status, output)."""
    announce(" ".join(str(part) for part in command))
    process = subprocess.Popen([str(part) for part in command], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    lines = []
    for line in process.stdout:
        sys.stdout.write(line)
        lines.append(line)
    return process.wait(), "".join(lines)


def link(parent, source=REPO):
    """PARENT/ansible_collections/zequenze/control as a link to the work tree (tools that accept links)."""
    control = collection_tree(parent)
    control.parent.mkdir(parents=True, exist_ok=True)
    if control.is_symlink() or control.exists():
        control.unlink()
    control.symlink_to(Path(source).resolve())
    return Path(parent)


def pyenv_python(version):
    """The real pyenv binary of Python X.Y (the shims exit 127), else pythonX.Y on PATH, else None."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(root.glob("%s.*/bin/python%s" % (version, version)), key=lambda p: [int(n) for n in re.findall(r"\d+", p.parts[-3])])
    return str(found[-1]) if found else shutil.which("python" + version)


def python_links(folder):
    """A folder of pythonX.Y links to the real binaries, for ansible-test to find every Python."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for version in PYTHONS:
        python = pyenv_python(version)
        if python and "/.pyenv/shims/" not in python:
            target = folder / ("python" + version)
            if target.is_symlink() or target.exists():
                target.unlink()
            target.symlink_to(python)
    return folder


def install_get_pip_standin(python=sys.executable):
    """ansible-test --venv downloads get-pip.py from a host we cannot reach; it looks in its cache
    first (named by the pip version it pins), so put a stand-in there that uses ensurepip."""
    source = subprocess.run(
        [python, "-c", "import ansible_test, pathlib; print(pathlib.Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py')"],
        check=True,
        capture_output=True,
        text=True,
    )
    pip = re.search(r"pip='([0-9.]+)'", Path(source.stdout.strip()).read_text()).group(1)
    standin = Path.home() / ".ansible" / "test" / "cache" / ("get_pip_%s.py" % pip.replace(".", "_"))
    standin.parent.mkdir(parents=True, exist_ok=True)
    standin.write_text(GET_PIP_STANDIN)
    return standin
