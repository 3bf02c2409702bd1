"""The execution environment of docs/execution-environment.md, without a container engine.

`ansible-builder create` writes the build context; its introspection script is
the one the image build runs after installing the collections, so running it
on the installed tarball shows what the image would get.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import shutil
import subprocess
import sys

import yaml

from tests.support.paths import REPO


def without_comments(entries):
    """Requirement lines without comments or blanks, sorted."""
    return sorted(e.split("#")[0].strip() for e in entries or [] if e.split("#")[0].strip())


def lines(path):
    return without_comments(path.read_text().splitlines())


def test_builder_context_installs_the_collection_and_its_requirements(tmp_path, installed_collections):
    definition = tmp_path / "ee"
    shutil.copytree(REPO / "docs" / "execution-environment", definition)
    context = tmp_path / "context"
    subprocess.run(
        [
            shutil.which("ansible-builder") or "ansible-builder",
            "create",
            "-f",
            str(definition / "execution-environment.yml"),
            "--context",
            str(context),
            "--output-filename",
            "Containerfile",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile
    assert "introspect.py introspect" in containerfile
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert [c["name"] for c in galaxy["collections"]] == ["zequenze.control"]

    # What the builder stage computes from the installed collection.
    found = subprocess.run(
        [sys.executable, str(context / "_build" / "scripts" / "introspect.py"), "introspect", str(installed_collections)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    requirements = yaml.safe_load(found.split("---", 1)[1])
    assert without_comments(requirements["python"]) == lines(REPO / "requirements.txt")
    assert without_comments(requirements["system"]) == lines(REPO / "bindep.txt")


def test_collection_metadata_is_builder_schema_3():
    meta = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text())
    assert meta["version"] == 3
    # Relative to the collection root, where ansible-builder resolves them.
    assert (REPO / meta["dependencies"]["python"]).is_file()
    assert (REPO / meta["dependencies"]["system"]).is_file()
