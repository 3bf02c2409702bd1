# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every test tier of zequenze.control, in the order `make test` runs them.

    nox -l                       the tiers and what each covers
    nox -s units -- -k client    one tier, arguments after -- go to its tool (pytest, ansible-test...)
    make test-units ARGS='-k client'   the same through make, which also builds the dev venv

Sessions run in the existing venvs, never in venvs of nox's own: the dev venv (.venv, or $VENV,
which the matrix points at the oldest ansible-core's .venv-core216), and the pinned venvs that
tiers build on first use (.venv-core216, .venv-eda, .venv-importer, .venv-certification).
A tier prints what it covered; a skipped test, or fewer tests than the files define, fails it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import os
import re
import shutil
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # nox imports this file by path: make tests.support importable

from tests.support.demo import run_demo  # noqa: E402
from tests.support.emulator_process import EmulatorProcess  # noqa: E402
from tests.support.package import build_and_install  # noqa: E402
from tests.support.tiers import ensure_debian_package, ensure_venv, link, run_pytest, tee  # noqa: E402
from tests.support.tree import collection_tree, known_files, sync_tree  # noqa: E402

nox.options.default_venv_backend = "none"
nox.options.sessions = "emulator units sanity integration molecule roles lint changelog package importer ecosystem matrix reliability eda gates".split()
nox.options.stop_on_first_error = True
# The dev venv builds releases and runs the emulator; VENV is the ansible-core under test.
DEV_VENV = Path(os.environ.get("DEV_VENV", ROOT / ".venv"))
VENV = Path(os.environ.get("VENV", DEV_VENV))
PYTHON = str(VENV / "bin" / "python")
os.environ.update(
    VENV=str(VENV),
    DEV_VENV=str(DEV_VENV),
    PATH="%s%s%s" % (VENV / "bin", os.pathsep, os.environ["PATH"]),
    ANSIBLE_HOME=str(ROOT / ".ansible"),
    ZEQUENZE_CACHE_DIR=str(ROOT / ".cache" / "zequenze.control"),  # never the user's ~/.cache
    ZEQUENZE_EMULATOR_BIN=str(DEV_VENV / "bin" / "zequenze-control-emulator"),
)


def workdir(session, name):
    """A temporary folder for this session, removed when nox exits."""
    path = Path(tempfile.mkdtemp(prefix="zequenze-%s-" % name))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    session.log("work folder %s" % path)
    return path


@nox.session
def emulator(session):
    """The emulator's own pytest suite (emulator/tests), against real emulator processes."""
    run_pytest(session, "emulator tests", ROOT / "emulator" / "tests")


@nox.session
def units(session):
    """Unit tests of plugins/ on the Python of $VENV, branch coverage at least 90%.

    In a tree copy, so that ansible_collections.zequenze.control imports resolve."""
    parent = ROOT / ".tree" / ("units-" + VENV.name)
    control = sync_tree(collection_tree(parent))
    # plugins/ folders are namespace packages: without include_namespace_packages a file no test
    # imports would be left out of the total instead of counting as 0%.
    covrc = control / ".coveragerc"
    covrc.write_text("[run]\nbranch = true\nsource = plugins\n[report]\ninclude_namespace_packages = true\n")
    coverage = ["--cov", "--cov-config=%s" % covrc, "--cov-report=term-missing:skip-covered", "--cov-fail-under=90"]
    run_pytest(
        session, "unit tests (%s)" % VENV.name, control / "tests" / "unit", "-n", "2", *coverage, python=PYTHON, cwd=control, env={"PYTHONPATH": str(parent)}
    )


@nox.session
def sanity(session):
    """ansible-test sanity, no ignore files, every installed Python the core supports; ansible-doc per module."""
    ensure_debian_package(session, "shellcheck", "shellcheck")
    with session.chdir(ROOT):
        session.run(PYTHON, "-m", "tests.support.sanity", *session.posargs, external=True)


@nox.session
def integration(session):
    """ansible-test integration: the modules against a real emulator; every target runs, EXAMPLES too.

    One scoped token per target; no token may appear in the output."""
    with session.chdir(ROOT):
        session.run(PYTHON, "-m", "tests.support.integration", *session.posargs, external=True)


@nox.session
def molecule(session):
    """molecule test per role scenario (converge, idempotence, verify) against an emulator at x3,600.

    Arguments pick scenarios."""
    scenarios = session.posargs or sorted(p.parent.name for p in (ROOT / "extensions" / "molecule").glob("*/molecule.yml"))
    if not scenarios:
        session.error("no molecule scenarios found")
    work = workdir(session, "molecule")
    collections = link(work / "collections")  # this work tree, not a stale installed copy
    for scenario in scenarios:
        now = datetime.now(timezone.utc)
        (work / scenario).mkdir()
        # Fixed once per scenario so both converges see the same window and run name; a window
        # three hours ahead arrives in about 3 s.
        with EmulatorProcess(time_scale=3600) as api, session.chdir(ROOT):
            env = dict(api.environment(), ANSIBLE_COLLECTIONS_PATH=str(collections), MOLECULE_REPORT_DIR=str(work / scenario))
            env.update(
                MOLECULE_WINDOW_START=(now + timedelta(hours=3)).strftime("%H:%M"), MOLECULE_AS_OF=(now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:00Z")
            )
            session.run("molecule", "test", "-s", scenario, external=True, env=env)
        session.log("molecule scenario %s passed in %d s" % (scenario, (datetime.now(timezone.utc) - now).total_seconds()))
    session.log("molecule: %d scenarios passed (%s)" % (len(scenarios), " ".join(scenarios)))


@nox.session
def roles(session):
    """Roles and playbooks by FQCN from the installed tarball against real emulators (tests/roles).

    Includes the compliance report's screenshot (headless Chromium) and signature (ssh-keygen)."""
    ensure_debian_package(session, "chromium-headless-shell", "chromium-headless-shell")
    ensure_debian_package(session, "ssh-keygen", "openssh-client")
    build = build_and_install(workdir(session, "roles"))
    env = {"ZEQUENZE_TEST_COLLECTIONS_PATH": str(build.installed_parent)}
    run_pytest(session, "role tests", ROOT / "tests" / "roles", "-n", "2", "--dist", "loadfile", cwd=ROOT, env=env)


@nox.session
def lint(session):
    """ansible-lint production --strict over every YAML file git knows; ansible-doc per role/filter; format.

    As a reviewer's plain ansible-lint at the root sees the repository."""
    work = workdir(session, "lint")
    # Both tools resolve zequenze.control from this work tree through a link, never a stale copy.
    env = {"ANSIBLE_COLLECTIONS_PATH": str(link(work)), "ANSIBLE_HOME": str(work / "home"), "ANSIBLE_NOCOLOR": "1"}
    status, output = tee(session, ["ansible-lint", "--offline", "--strict", "--nocolor"], cwd=ROOT, env=env)
    processed = ([0] + [int(n) for n in re.findall(r" in (\d+) files processed", output)])[-1]
    floor = len([f for f in known_files() if f.endswith((".yml", ".yaml"))])
    session.log("ansible-lint: %d files, exit %d (at least %d expected)" % (processed, status, floor))
    if status or processed < max(floor, 1):
        session.error("ansible-lint failed, or processed fewer than the %d YAML files in the repository" % floor)
    for role in sorted(p.name for p in (ROOT / "roles").iterdir() if p.is_dir()):
        out = session.run("ansible-doc", "-t", "role", "zequenze.control." + role, silent=True, env=env, external=True)
        if not re.search(r"(?m)^ENTRY POINT: \*?main\*? - ", out):
            session.error("%s\nansible-doc rendered no main entry point for %s" % (out, role))
        session.log("ok: role zequenze.control.%s (%d lines)" % (role, out.count("\n")))
    for name in sorted(p.stem for p in (ROOT / "plugins" / "filter").glob("*.py")):
        session.run("ansible-doc", "-t", "filter", "zequenze.control." + name, silent=True, env=env, external=True)
        session.log("ok: filter zequenze.control." + name)
    format_check(session)


@nox.session(name="format")
def format_check(session):
    """black --check over the repository (line length 160), the EDA source at 100 (galaxy-importer's EDA lint), or the files named."""
    eda = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "extensions" / "eda").rglob("*.py"))
    runs = [[*session.posargs]] if session.posargs else [["."], ["--line-length", "100", *eda]]
    env = {"BLACK_CACHE_DIR": str(ROOT / ".cache" / "black")}  # never the user's ~/.cache
    for arguments in runs:
        with session.chdir(ROOT):
            output = session.run("black", "--check", *arguments, silent=True, success_codes=[0, 1, 123], env=env, external=True)
        verdict = [line for line in output.splitlines() if line.startswith("would reformat")] + output.strip().splitlines()[-1:]
        session.log("black %s: %s" % (" ".join(arguments)[:60], verdict[-1]))
        if verdict[:-1] or "error" in output.lower():
            session.error("\n".join(verdict))


@nox.session
def changelog(session):
    """Changelog fragments lint clean and CHANGELOG.md is the next release's preview (-- --write: regenerate)."""
    if session.posargs == ["--write"]:
        session.run(sys.executable, "-m", "tests.support.changelog", "--write", external=True)
    else:
        run_pytest(session, "changelog checks", ROOT / "tests" / "changelog")


@nox.session
def package(session):
    """The tarball built as a release and installed as a user does: allow-list, secrets, verify, docs.

    Built with the newest core (DEV_VENV), installed and documented with the core of $VENV."""
    run_pytest(session, "package tests (%s)" % VENV.name, ROOT / "tests" / "package", python=PYTHON, env={"VENV": str(VENV), "DEV_VENV": str(DEV_VENV)})


@nox.session
def importer(session):
    """galaxy-importer on the tarball, our pins then Automation Hub certification's: 0 errors, 0 warnings.

    An argument (requirements-X.txt) picks one set."""
    work = workdir(session, "importer")
    build = build_and_install(work / "build")
    (work / "importer.cfg").write_text("[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\n")
    files = len([m for m in __import__("tarfile").open(build.tarball).getmembers() if not m.isdir()])
    for requirements in session.posargs or ["requirements-importer.txt", "requirements-certification.txt"]:
        venv = ensure_venv(session, ROOT / (".venv-" + requirements[len("requirements-") : -len(".txt")]), ROOT / requirements, "3.12")
        script = (
            "from importlib.metadata import version as v; print(', '.join('%s %s' % (n, v(n)) for n in ('galaxy-importer', 'ansible-lint', 'ansible-core')))"
        )
        versions = session.run(venv / "bin" / "python", "-c", script, silent=True, external=True).strip()
        # It writes importer_result.json into the working folder; its tools must be on PATH.
        env = {"PATH": "%s%s%s" % (venv / "bin", os.pathsep, os.environ["PATH"]), "GALAXY_IMPORTER_CONFIG": str(work / "importer.cfg")}
        status, output = tee(session, [venv / "bin" / "python", "-m", "galaxy_importer.main", build.tarball], cwd=work, env=env)
        errors, warnings = (len(re.findall(r"^%s" % level, output, re.M)) for level in ("ERROR", "WARNING"))
        session.log("galaxy-importer (%s): %d files, %d errors, %d warnings, exit %d" % (versions, files, errors, warnings, status))
        if status or errors or warnings or "Importer processing completed successfully" not in output:
            session.error("galaxy-importer (%s) did not import the tarball cleanly" % versions)
        if not re.search(r"^Linting collection via ansible-lint", output, re.M):
            session.error("galaxy-importer did not run ansible-lint")


@nox.session
def ecosystem(session):
    """antsibull-docs lint, then tests/ecosystem: AWX/ansible-runner, GitOps, execution environment, docs.

    Against the installed tarball and real emulators."""
    work = workdir(session, "ecosystem")
    build = build_and_install(work)
    with session.chdir(build.src):
        lint = "lint-collection-docs --plugin-docs --validate-collection-refs all --disallow-unknown-collection-refs --check-extra-docs-refs ."
        session.run("antsibull-docs", *lint.split(), external=True)
    env = {
        "ANSIBLE_HOME": str(work / "ansible-home"),
        "ZEQUENZE_TEST_COLLECTIONS_PATH": str(build.installed_parent),
        "ZEQUENZE_TEST_TARBALL": str(build.tarball),
    }
    run_pytest(session, "ecosystem tests", ROOT / "tests" / "ecosystem", cwd=ROOT, env=env)


@nox.session
def matrix(session):
    """The oldest supported ansible-core (2.16, Python 3.11): units, integration, package, sanity again.

    .venv-core216 is built from requirements-core-2.16.txt on first use."""
    oldest = ensure_venv(session, ROOT / ".venv-core216", ROOT / "requirements-core-2.16.txt", "3.11")
    sessions = ["-s", "units", "integration", "package", "sanity"]
    env = {"VENV": str(oldest), "DEV_VENV": str(DEV_VENV)}
    session.run(sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), *sessions, env=env, external=True)


def reliability_run(session, profile):
    work = workdir(session, "reliability")
    collections = link(work / "collections")  # this work tree, for playbooks and in-process filter imports
    env = {"RELIABILITY_PROFILE": profile, "ZEQUENZE_TEST_COLLECTIONS_PATH": str(collections), "PYTHONPATH": str(collections)}
    run_pytest(session, "reliability checks (%s)" % profile, ROOT / "tests" / "reliability", cwd=ROOT, env=env)


@nox.session
def reliability(session):
    """Reliability, short form: fault soak, kill -9, secrets, bad input, fuzzing, TLS, concurrency.

    Fewer runs than reliability_full (make reliability), the same assertions."""
    reliability_run(session, "short")


@nox.session
def reliability_full(session):
    """Reliability, full form with figures (make reliability): 60-run soak, 12 kill -9s, 2,000+ argument sets."""
    reliability_run(session, "full")


@nox.session
def eda(session):
    """Event-Driven Ansible: galaxy-importer's EDA lint, then ansible-rulebook against a killed emulator.

    ansible-rulebook runs from its own pinned venv, .venv-eda."""
    venv = ensure_venv(session, Path(os.environ.get("EDA_VENV", ROOT / ".venv-eda")), ROOT / "tests" / "eda" / "requirements.txt", "3.12")
    plugins = ROOT / "extensions" / "eda" / "plugins"
    ruff = "check --no-cache --select ALL --ignore D100,D104,INP001,FA102,UP001,UP010,I001,FA100,PLR0913,E501 -q"
    session.run(venv / "bin" / "ruff", *ruff.split(), str(plugins), external=True)
    session.run(
        venv / "bin" / "pylint",
        *sorted(str(p) for p in (plugins / "event_source").glob("*.py")),
        "--output-format=parseable",
        "-sn",
        "--disable",
        "R0801,E0401,C0103,R0913,R0902,R0903",
        external=True
    )
    parent = ROOT / ".tree" / "eda"
    sync_tree(collection_tree(parent))
    run_pytest(session, "EDA tests", ROOT / "tests" / "eda", "-s", cwd=ROOT, env={"EDA_VENV": str(venv), "EDA_COLLECTIONS_ROOT": str(parent)})


@nox.session
def gates(session):
    """Every gate can fail: a planted defect per gate in a scratch copy must fail that copy's tier.

    The cases are the plant_* functions of tests/support/gates.py; arguments pick cases."""
    from tests.support import gates as planted

    if planted.main(session.posargs):
        session.error("a planted defect was not caught")


def bench_create(session, work):
    """headless_operation create and rerun against a bare uri POST, with 1,000 / 10,000 / 100,000
    operations stored (created over a year), and the first task on a fresh controller."""
    parent, bench = ROOT / ".tree" / "bench-create", ROOT / "tests" / "bench" / "modules" / "create_path.py"
    sync_tree(collection_tree(parent))
    databases = []
    for stored in os.environ.get("BENCH_CREATE_STORED", "1000 10000 100000").split():
        session.log("create path: seeding %s operations" % stored)
        session.run(PYTHON, ROOT / "tests" / "bench" / "emulator" / "seed_operations.py", work / (stored + ".db"), stored, "365")
        databases.append("%s=%s" % (stored, work / (stored + ".db")))
    # One emulator per stored count, all at once, the tasks interleaved: the bench starts them.
    session.run(PYTHON, bench, "measure", work / "results.json", *databases, env={"ANSIBLE_COLLECTIONS_PATH": str(parent)})
    session.run(PYTHON, bench, "report", work / "results.json")


def bench_eda(session, work):
    """The operation_events source: lag after an operation ends, list requests per poll with 100,000
    stored, memory over 10,000 events."""
    parent = ROOT / ".tree" / "bench-eda"
    with session.chdir(sync_tree(collection_tree(parent))):
        session.run(PYTHON, "-m", "tests.bench.eda.bench", env={"PYTHONPATH": str(parent)})


def bench_emulator(session, work):
    """wrk throughput and p99, and 1,000-record page times."""
    ensure_debian_package(session, "wrk", "wrk")
    with session.chdir(ROOT):
        session.run(PYTHON, "-m", "tests.bench.emulator.bench")


def bench_modules(session, work):
    """Per-task time against ansible.builtin.uri, waiting against uri + until (clock x30), and
    listing 10,000 operations against a bare requests loop."""
    parent, bench = ROOT / ".tree" / "bench-modules", ROOT / "tests" / "bench" / "modules" / "bench.py"
    sync_tree(collection_tree(parent))
    with EmulatorProcess(time_scale=30) as api:
        session.run(PYTHON, bench, "tasks", "wait", env=dict(api.environment(), ANSIBLE_COLLECTIONS_PATH=str(parent)))
    session.run(PYTHON, ROOT / "tests" / "bench" / "emulator" / "seed_operations.py", work / "seeded.db", "10000")
    with EmulatorProcess(db=work / "seeded.db", extra_args=["--no-access-log"]) as api:
        session.run(PYTHON, bench, "listing", env=dict(api.environment(), ANSIBLE_COLLECTIONS_PATH=str(parent)))


BENCHES = {"create": bench_create, "eda": bench_eda, "emulator": bench_emulator, "modules": bench_modules}


@nox.session
def bench(session):
    """make bench: every benchmark prints figures and goals and fails on a miss (create, eda, emulator, modules)."""
    missed = []
    for name in session.posargs or sorted(BENCHES):
        session.log("bench %s: %s" % (name, " ".join(BENCHES[name].__doc__.split())))
        try:
            BENCHES[name](session, workdir(session, "bench-" + name))
        except nox.command.CommandFailed:
            missed.append(name)  # the other benchmarks still print their figures
    if missed:
        session.error("benchmarks that missed a goal or failed: " + ", ".join(missed))


@nox.session
def demo(session):
    """make demo: the nightly sync and compliance collection by FQCN against an emulator at x600, a summary."""
    with session.chdir(ROOT):
        run_demo(session, link(workdir(session, "demo")), ROOT / "reports" / "demo")
