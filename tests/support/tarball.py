# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tarball's files against the allow-list; inside it, every file git knows that galaxy.yml does
not ignore, and every plugin, role, playbook and metadata file whatever it ignores.

    python -m tests.support.tarball TARBALL SOURCE_TREE
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import subprocess
import sys
import tarfile
from pathlib import Path

import yaml

ALLOWED = Path(__file__).with_name("tarball-allowed.txt")
# Never in a release, whatever pattern would allow it: caches, run artifacts, databases, logs.
DENIED = (
    "*/__pycache__/*",
    "*.pyc",
    "*-artifact-*.json",
    "*.db",
    "*.db-*",
    "*.log",
    "*.retry",
    "*/molecule/*",
    "*/.pytest_cache/*",
    "*/.hypothesis/*",
    "*.tar.gz",
    "*/.git/*",
)
# Shipped whatever build_ignore says: a pattern there that drops one of these is a packaging bug.
MUST_SHIP = ("plugins/*", "roles/*", "playbooks/*", "meta/*", "changelogs/*", "README.md", "COPYING", "CHANGELOG.md", "requirements.txt")


def patterns(path):
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def matches(path, globs):
    return any(fnmatch.fnmatch(path, glob) or fnmatch.fnmatch("/" + path, glob) for glob in globs)


def ignored(path, build_ignore):
    """As ansible-galaxy build does: the path or any folder above it matches a pattern."""
    parts = path.split("/")
    return any(matches("/".join(parts[:i]), build_ignore) for i in range(1, len(parts) + 1))


def members(tarball):
    """The files in the tarball, without the leading './'."""
    with tarfile.open(tarball) as archive:
        return sorted(m.name[2:] if m.name.startswith("./") else m.name for m in archive.getmembers() if m.isfile())


def check(tarball, source):
    """(summary line, [(what is wrong, paths)]) of the tarball built from the source tree."""
    files = members(tarball)
    allowed = patterns(ALLOWED)
    denied = [f for f in files if matches(f, DENIED)]
    unlisted = [f for f in files if f not in denied and not matches(f, allowed)]
    build_ignore = yaml.safe_load((Path(source) / "galaxy.yml").read_text()).get("build_ignore") or []
    known = subprocess.run(["git", "ls-files"], cwd=source, capture_output=True, text=True, check=True).stdout.split()
    # galaxy.yml becomes MANIFEST.json in the tarball.
    expected = [f for f in known if f != "galaxy.yml" and not matches(f, DENIED) and (matches(f, MUST_SHIP) or not ignored(f, build_ignore))]
    missing = sorted(set(expected + ["MANIFEST.json", "FILES.json"]) - set(files))
    summary = "tarball: %d files, %d allowed by %d patterns; %d files git knows outside build_ignore, %d missing" % (
        len(files),
        len(files) - len(denied) - len(unlisted),
        len(allowed),
        len(expected),
        len(missing),
    )
    problems = [
        ("never allowed in a release", denied),
        ("not in tests/support/tarball-allowed.txt (add a pattern if users need it)", unlisted),
        ("missing from the tarball", missing),
    ]
    problems = [(what, paths) for what, paths in problems if paths]
    if len(files) < 10:
        problems.append(("the tarball holds only %d files" % len(files), files))
    return summary, problems


def describe(problems):
    return "\n".join("%s:\n  %s" % (what, "\n  ".join(paths[:30])) for what, paths in problems)


def main(tarball, source):
    summary, problems = check(tarball, source)
    print(summary)
    if problems:
        print(describe(problems), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
