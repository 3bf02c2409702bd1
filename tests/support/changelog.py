# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The changelog preview: CHANGELOG.md as the next release would write it from the fragments.

Until a version is released its fragments stay in changelogs/fragments and CHANGELOG.md shows it
as the upcoming release. The preview runs `antsibull-changelog release` in a throw-away tree copy,
so nothing is consumed (docs/releasing.md describes the release that does consume them).

    python -m tests.support.changelog --write    # regenerate CHANGELOG.md (make changelog)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import namedtuple
from pathlib import Path

import yaml

from tests.support.paths import REPO
from tests.support.tree import collection_tree, sync_tree

FRAGMENTS = REPO / "changelogs" / "fragments"
# A fixed date keeps the preview reproducible; the Markdown shows no date.
PREVIEW_DATE = "2000-01-01"
STALE = "CHANGELOG.md is not the changelog of the current fragments: run 'make changelog' and commit it"

Preview = namedtuple("Preview", "text version released")


def antsibull_changelog():
    """antsibull-changelog of the running venv, else the one on PATH."""
    beside = Path(sys.executable).with_name("antsibull-changelog")
    return str(beside) if beside.exists() else (shutil.which("antsibull-changelog") or "antsibull-changelog")


def run_antsibull_changelog(args, cwd):
    """Its ansible-doc must be the running venv's: put that venv first on PATH."""
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return subprocess.run([antsibull_changelog()] + list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)


def fragment_paths(fragments=FRAGMENTS):
    return sorted(Path(fragments).glob("*.y*ml"))


def load_fragment(path):
    """A fragment's sections; a YAML error names the file (antsibull-changelog says only "yaml parsing error")."""
    try:
        return yaml.safe_load(Path(path).read_text()) or {}
    except yaml.YAMLError as error:
        raise ValueError("%s: %s\n(an entry containing ': ' needs quotes or a '>-' block)" % (Path(path).name, error))


def version(source=REPO):
    return str(yaml.safe_load((Path(source) / "galaxy.yml").read_text())["version"])


def is_released(tree, wanted):
    path = Path(tree) / "changelogs" / "changelog.yaml"
    data = yaml.safe_load(path.read_text()) if path.exists() else None
    return wanted in ((data or {}).get("releases") or {})


def build_preview(workdir, source=REPO):
    """The CHANGELOG.md the fragments make, built in a tree copy under workdir."""
    tree = sync_tree(collection_tree(workdir), source)
    wanted = version(source)
    released = is_released(tree, wanted)
    # Released: CHANGELOG.md must match changelog.yaml, and new fragments wait for the next version.
    command = ["generate"] if released else ["release", "--version", wanted, "--date", PREVIEW_DATE]
    result = run_antsibull_changelog(command, tree)
    if result.returncode:
        raise ValueError("antsibull-changelog %s failed:\n%s%s" % (command[0], result.stdout, result.stderr))
    return Preview((tree / "CHANGELOG.md").read_text(), wanted, released)


def _words(text):
    return re.sub(r"<[^>]+>|``?|\s+", " ", text).split()


def missing_from(preview_text, fragments=FRAGMENTS):
    """'file: section: text' of each fragment entry the preview does not show (a section that
    config.yaml does not know is dropped silently)."""
    shown = " ".join(_words(re.sub(r"\\(.)", r"\1", preview_text)))  # undo Markdown escapes
    missing = []
    for path in fragment_paths(fragments):
        for section, entries in load_fragment(path).items():
            if section == "trivial":
                continue
            for entry in [entries] if isinstance(entries, str) else entries:
                # "add object.role" and "add plugin.*" entries are {name, description}
                text = entry["description"] if isinstance(entry, dict) else entry
                if " ".join(_words(text)) not in shown:
                    missing.append("%s: %s: %s" % (path.name, section, text[:60]))
    return missing


def write(source=REPO):
    for path in fragment_paths(Path(source) / "changelogs" / "fragments"):
        load_fragment(path)
    with tempfile.TemporaryDirectory(prefix="zequenze-changelog-") as workdir:
        preview = build_preview(workdir, source)
    missing = missing_from(preview.text, Path(source) / "changelogs" / "fragments")
    if missing:
        raise ValueError("fragments missing from the generated changelog:\n  " + "\n  ".join(missing))
    (Path(source) / "CHANGELOG.md").write_text(preview.text)
    return preview


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.support.changelog --write")
    try:
        written = write()
    except ValueError as error:
        sys.exit("changelog: %s" % error)
    print("CHANGELOG.md regenerated (version %s, released: %s)" % (written.version, "yes" if written.released else "no"))
