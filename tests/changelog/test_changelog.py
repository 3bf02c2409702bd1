# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The changelog fragments lint, and CHANGELOG.md is the preview of the next release they make."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import pytest

from tests.support import changelog
from tests.support.paths import REPO

FRAGMENTS = changelog.fragment_paths()
# Right after a release there are no fragments: one case then checks that the version is released
# (an empty parameter list would be a skip, and a skip fails the run).
FRAGMENT_CASES = FRAGMENTS or [None]


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    try:
        return changelog.build_preview(tmp_path_factory.mktemp("changelog"))
    except ValueError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.mark.parametrize("path", FRAGMENT_CASES, ids=[path.name if path else "none" for path in FRAGMENT_CASES])
def test_fragment_parses_as_yaml(path):
    if path is None:
        assert changelog.is_released(REPO, changelog.version()), (
            "no fragments in %s, and galaxy.yml's version " "is not released in changelogs/changelog.yaml" % changelog.FRAGMENTS
        )
        return
    try:
        sections = changelog.load_fragment(path)
    except ValueError as error:
        pytest.fail(str(error))
    assert isinstance(sections, dict), "%s: a fragment is a mapping of sections" % path.name


def test_antsibull_changelog_lint():
    result = changelog.run_antsibull_changelog(["lint"], REPO)
    assert result.returncode == 0 and not result.stdout.strip(), "antsibull-changelog lint:\n" + result.stdout + result.stderr


def test_no_playbook_in_fragment_names():
    # ansible-lint takes any *playbook*.yml for a playbook and fails on a fragment so named.
    named = [path.name for path in FRAGMENTS if "playbook" in path.name]
    assert not named, "rename these fragments (no 'playbook' in the name): " + ", ".join(named)


def test_every_fragment_reaches_the_preview(preview):
    if preview.released:
        return  # new fragments wait for the next version bump; the preview is changelog.yaml's
    missing = changelog.missing_from(preview.text)
    assert not missing, "fragments missing from the generated changelog:\n  " + "\n  ".join(missing)


def test_changelog_md_is_the_preview(preview):
    current = (REPO / "CHANGELOG.md").read_text()
    if current != preview.text:
        diff = difflib.unified_diff(current.splitlines(), preview.text.splitlines(), "CHANGELOG.md", "preview", n=1, lineterm="")
        pytest.fail("%s\n%s" % ("\n".join(list(diff)[:60]), changelog.STALE))
