"""Every fenced block of README.md and docs/*.md does what its page says.

Console blocks run as written in a fresh shell (see tests/support/doc_shell.py), playbooks and
task lists run against an emulator (in --check, then for real), emulator files and API bodies
go to a real emulator, quoted messages and output are compared with what the code prints.
A block that cannot run here is marked `<!-- snippet: not run (reason) -->` right above it;
a block neither run nor marked fails. The blocks run concurrently (a few at a time) in one
module fixture; each block's test then reports its own outcome.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import collections
import concurrent.futures
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.doc_blocks import blocks
from tests.support import doc_checks
from tests.support.doc_context import Context

BLOCKS = blocks()
WORKERS = 3


def test_every_block_is_run_or_marked(capsys):
    counts = collections.Counter((block.language or "(none)", block.kind) for block in BLOCKS)
    with capsys.disabled():
        print(f"\ndoc snippets: {len(BLOCKS)} fenced blocks in README.md and docs/*.md")
        for (language, kind), count in sorted(counts.items()):
            print(f"  {language:8} {kind:20} {count}")
    unknown = [
        f"{block.where} ({block.language or 'no language'}): {'; '.join(block.problems) or 'no check knows it'}" for block in BLOCKS if block.kind == "unknown"
    ]
    assert not unknown, "blocks neither run nor marked 'not run (reason)':\n" + "\n".join(unknown)
    assert len(BLOCKS) >= 50, "the docs lost most of their blocks; is the fence pattern still right?"


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory, installed_collections):
    """Run the selected blocks, a few at a time: {block id: None, or the failure message}."""
    wanted = {item.callspec.params["block"].id for item in request.session.items if getattr(item, "callspec", None) and "block" in item.callspec.params}
    base = tmp_path_factory.mktemp("doc-snippets")
    context = Context(base=base, collections=str(installed_collections), blocks=BLOCKS)

    def run(block):
        workdir = Path(tempfile.mkdtemp(prefix="block-", dir=base))
        started = time.monotonic()
        try:
            doc_checks.CHECKS[block.kind](block, workdir, context)
        except AssertionError as failure:
            return str(failure) or "assertion failed"
        finally:
            timings[block.id] = time.monotonic() - started
        return None

    selected = [block for block in BLOCKS if block.id in wanted and block.kind in doc_checks.CHECKS]
    # The slowest first, so the pool is not left waiting on one of them at the end.
    selected.sort(key=doc_checks.cost, reverse=True)
    timings = {}
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        results = dict(zip((block.id for block in selected), pool.map(run, selected)))
    slowest = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in sorted(timings.items(), key=lambda item: -item[1])[:5])
    summary = f"doc snippets: {len(selected)} blocks run or checked in {time.monotonic() - started:.0f} s; " f"slowest: {slowest}"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # shown even when output is captured
        print("\n" + summary)
    return results


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind in doc_checks.CHECKS], ids=lambda b: b.id)
def test_block(block, outcomes):
    failure = outcomes[block.id]
    assert failure is None, f"{block.where} ({block.kind}):\n{failure}"
