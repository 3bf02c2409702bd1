# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release tarball: what went into it, no secrets, and every plugin, role and playbook usable
from an install of it with the ansible-core under test, so a packaging mistake fails CI."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import tarfile

import pytest

from tests.support import tarball
from tests.support.paths import REPO

COLLECTION = "zequenze.control"
PLUGIN_DIRS = {"module": "modules", "filter": "filter", "test": "test", "lookup": "lookup", "inventory": "inventory", "callback": "callback"}
# Changelog fragments are named by topic, and a topic may be "token-...".
KEY_OR_TOKEN_FILE = re.compile(r"\.(pem|key|p12|pfx|crt)$|(^|/)\.env$|(^|/)tokens?[^/]*\.ya?ml$", re.I)
SECRET_PATTERNS = {
    "private key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    "bearer token": r"Bearer [A-Za-z0-9._~+/-]{20,}",
    "token value": r"(api_token|ZEQUENZE_API_TOKEN)[\"']?[:=] *[\"']?[A-Za-z0-9._~+/-]{24,}",
}
# ansible-core 2.21 warns about its own internal _protomatter collection when documenting roles.
CORE_OWN_WARNING = "/_protomatter' does not have a MANIFEST.json"


def source_names(kind):
    """zequenze.control.<name> of each plugin file (one plugin a file) or role folder in the work tree."""
    if kind == "role":
        paths = [path for path in (REPO / "roles").iterdir() if path.is_dir()]
    else:
        folder = REPO / "plugins" / PLUGIN_DIRS[kind]
        paths = [path for path in folder.glob("*.py") if path.stem != "__init__"] if folder.is_dir() else []
    return sorted("%s.%s" % (COLLECTION, path.stem if kind != "role" else path.name) for path in paths)


KINDS = list(PLUGIN_DIRS) + ["role"]
DOCUMENTED = [(kind, name) for kind in KINDS for name in source_names(kind)]
PLAYBOOKS = sorted(path.stem for path in (REPO / "playbooks").glob("*.yml"))


def listed_names(listing):
    """Names in `ansible-doc -l --json`: flat for plugins, {collection: {roles: ...}} for roles on some cores."""
    names = set()
    for key, value in listing.items():
        if key.startswith(COLLECTION + ".") or "." not in key:
            names.add(key if "." in key else "%s.%s" % (COLLECTION, key))
        elif isinstance(value, dict):
            names.update(k if k.startswith(COLLECTION + ".") else "%s.%s" % (COLLECTION, k) for k in value.get("roles", value))
    return names


def warnings(stderr):
    return [line for line in stderr.splitlines() if re.search(r"\[(WARNING|ERROR)\]", line) and CORE_OWN_WARNING not in line]


def text_files(path):
    """(name, text) of each non-binary file in the tarball."""
    with tarfile.open(path) as archive:
        for member in archive.getmembers():
            if member.isfile():
                data = archive.extractfile(member).read()
                if b"\0" not in data:
                    yield member.name, data.decode("utf-8", "replace")


def test_the_work_tree_has_modules_roles_and_playbooks():
    # An empty list would make the parametrized tests below pass by running nothing.
    assert source_names("module") and source_names("role") and PLAYBOOKS


def test_tarball_holds_what_a_release_needs(built):
    summary, problems = tarball.check(built.tarball, built.src)
    print(summary)
    assert not problems, "%s\n%s" % (summary, tarball.describe(problems))


def test_no_key_certificate_or_token_files(built):
    found = [name for name in tarball.members(built.tarball) if not name.startswith("changelogs/fragments/") and KEY_OR_TOKEN_FILE.search(name)]
    assert not found, "key, certificate or token files in the tarball: %s" % ", ".join(found)


@pytest.mark.parametrize("what", sorted(SECRET_PATTERNS))
def test_nothing_that_looks_like_a_secret(built, what):
    pattern = re.compile(SECRET_PATTERNS[what])
    found = [
        "%s:%d: %s" % (name, number, line[:200])
        for name, text in text_files(built.tarball)
        for number, line in enumerate(text.splitlines(), 1)
        if pattern.search(line)
    ]
    token = os.environ.get("ZEQUENZE_API_TOKEN")
    if token:
        found += ["%s: the token in ZEQUENZE_API_TOKEN" % name for name, text in text_files(built.tarball) if token in text]
    assert not found, "something that looks like a secret (%s) in the tarball:\n  %s" % (what, "\n  ".join(found[:5]))


def test_collection_verify_offline(built, ansible):
    result = ansible("ansible-galaxy", "collection", "verify", "--offline", "-p", str(built.installed_parent), COLLECTION)
    assert result.returncode == 0, "ansible-galaxy collection verify found modified or missing files:\n" + result.stdout + result.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_every_plugin_is_listed_from_the_install(ansible, kind):
    result = ansible("ansible-doc", "-t", kind, "-l", COLLECTION, "--json")
    assert result.returncode == 0, "ansible-doc -t %s -l failed on the install:\n%s" % (kind, result.stderr)
    listed = listed_names(json.loads(result.stdout or "{}"))
    missing = sorted(set(source_names(kind)) - listed)
    assert not missing, "%s missing from the install: %s" % (kind, ", ".join(missing))
    # A file holding more than one plugin lists names that the per-plugin tests below do not see.
    for name in sorted(listed - set(source_names(kind))):
        documented = ansible("ansible-doc", "-t", kind, name)
        assert documented.returncode == 0 and documented.stdout.strip(), "ansible-doc -t %s %s:\n%s" % (kind, name, documented.stderr)


@pytest.mark.parametrize("kind, name", DOCUMENTED, ids=["%s:%s" % (kind, name.split(".")[-1]) for kind, name in DOCUMENTED])
def test_documented_from_the_install_without_warnings(ansible, kind, name):
    result = ansible("ansible-doc", "-t", kind, name)
    # A role without meta/argument_specs.yml has no documentation.
    assert result.returncode == 0, "ansible-doc -t %s %s failed:\n%s" % (kind, name, result.stderr)
    assert not warnings(result.stderr), "ansible-doc -t %s %s warned:\n%s" % (kind, name, "\n".join(warnings(result.stderr)))
    assert result.stdout.strip(), "ansible-doc -t %s %s printed nothing" % (kind, name)


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_playbook_syntax_checks_by_fqcn(ansible, playbook):
    name = "%s.%s" % (COLLECTION, playbook)
    result = ansible("ansible-playbook", "-i", "localhost,", "--syntax-check", name)
    assert result.returncode == 0, "ansible-playbook --syntax-check %s failed from the install:\n%s%s" % (name, result.stdout, result.stderr)
