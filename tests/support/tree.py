# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A copy of the collection at .../ansible_collections/zequenze/control: the files git knows
(tracked, and untracked but not ignored) and its own .git.

ansible-test refuses a symlinked tree, and a copy without its own repository makes it consult
ours, see zero files and skip every target while exiting 0. Scratch files and other people's
output must not decide what a release contains either.

    python -m tests.support.tree DEST          # DEST ends in ansible_collections/zequenze/control
    from tests.support.tree import sync_tree, collection_tree
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO

COLLECTION = ("ansible_collections", "zequenze", "control")


def known_files(source=REPO):
    """Paths git knows under source (tracked + untracked, not ignored) that exist in the work tree."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=source, capture_output=True, check=True
    ).stdout.decode()
    # A file deleted in the work tree but still in the index is skipped.
    return sorted({name for name in listing.split("\0") if name and (Path(source) / name).is_file()})


def collection_tree(parent):
    """parent/ansible_collections/zequenze/control."""
    return Path(parent).joinpath(*COLLECTION)


def sync_tree(dest, source=REPO):
    """Replace dest with a fresh copy of source's known files, committed in a repository of its own."""
    dest, source = Path(dest), Path(source)
    if dest.parts[-3:] != COLLECTION:
        raise ValueError("%s does not end in %s" % (dest, "/".join(COLLECTION)))
    shutil.rmtree(dest, ignore_errors=True)
    for name in known_files(source):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target)
    dest.mkdir(parents=True, exist_ok=True)
    git = ["git", "-c", "user.name=tree", "-c", "user.email=tree@localhost", "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "tree", "--no-verify"]):
        subprocess.run(git + args, cwd=dest, check=True, stdout=subprocess.DEVNULL)
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.support.tree DEST")
    try:
        print(sync_tree(sys.argv[1]))
    except (ValueError, OSError, subprocess.CalledProcessError) as error:
        sys.exit("tests.support.tree: %s" % error)
