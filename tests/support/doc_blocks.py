# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fenced blocks of README.md and docs/*.md, and what the doc snippet test does with each.

A block that truly cannot run here carries, on the line right above its fence,
`<!-- snippet: not run (the reason) -->`. Every other block is classified by its
language and content into a `kind` that the test knows how to run or check; a block
that fits no kind is `unknown`, and the test fails on it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from dataclasses import dataclass, field

import yaml

from tests.support.paths import REPO

PAGES = [REPO / "README.md"] + sorted((REPO / "docs").glob("*.md"))
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"<!--\s*snippet:(.*?)-->", re.DOTALL)
NOT_RUN = re.compile(r"^\s*not run \((.*\S.*)\)\s*$", re.DOTALL)
# "`first.yml`:" as the last line of the paragraph above a block names the file it is.
FILE_NAME = re.compile(r"^`([\w.-]+\.ya?ml)`:\s*$")
CHANGELOG_SECTIONS = {
    "major_changes",
    "minor_changes",
    "breaking_changes",
    "deprecated_features",
    "removed_features",
    "security_fixes",
    "bugfixes",
    "known_issues",
    "trivial",
    "release_summary",
}


@dataclass
class Block:
    page: str  # relative to the repository
    number: int  # 1-based, in the page
    language: str
    text: str
    line: int  # of the opening fence
    marker: str = ""  # the text of a snippet marker above it, if any
    file_name: str = ""
    kind: str = ""
    problems: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.page}#{self.number}:{self.kind}"

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def blocks() -> list:
    found = []
    for page in PAGES:
        text = page.read_text()
        for number, match in enumerate(FENCE.finditer(text), start=1):
            before = text[: match.start()].rstrip("\n").splitlines()
            above = before[-1].strip() if before else ""
            block = Block(page=str(page.relative_to(REPO)), number=number, language=match.group(1).strip(), text=match.group(2), line=len(before) + 2)
            marker = MARKER.fullmatch(above)
            if marker:
                block.marker = marker.group(1)
            elif FILE_NAME.match(above):
                block.file_name = FILE_NAME.match(above).group(1)
            block.kind = classify(block)
            found.append(block)
    return found


def classify(block: Block) -> str:
    if block.marker:
        if NOT_RUN.match(block.marker):
            return "not run"
        block.problems.append(f"a snippet marker must read 'not run (reason)', got {block.marker.strip()!r}")
        return "unknown"
    language = block.language
    if language == "console":
        return "shell"
    if language == "python":
        return "python"
    if language == "json":
        return _json_kind(block)
    if language == "yaml":
        return _yaml_kind(block)
    if language == "text":
        return _text_kind(block)
    block.problems.append(f"a fenced block needs a language (console, yaml, json, text, python), got {language!r}")
    return "unknown"


def _json_kind(block: Block) -> str:
    if block.page == "docs/emulator.md":
        if '"target_organizations"' in block.text:
            return "api request body"
        if '"monitoring_url"' in block.text:
            return "api record"
    return "unknown"


def _yaml_kind(block: Block) -> str:
    if block.file_name:
        return "page file"
    try:
        document = yaml.safe_load(block.text)
    except yaml.YAMLError as error:
        block.problems.append(f"not valid YAML: {error}")
        return "unknown"
    if isinstance(document, list) and document and all(isinstance(item, dict) for item in document):
        return "playbook" if all("hosts" in item for item in document) else "task list"
    if not isinstance(document, dict):
        return "unknown"
    keys = set(document)
    if keys == {"tokens"}:
        return "emulator tokens"
    if "error_500" in keys or "drop_after_create" in keys:
        return "emulator faults"
    if keys == {"zequenze_operations"}:
        return "gitops operations"
    if all(key.startswith("compliance_collection_") for key in keys):
        return "role variables"
    if keys <= CHANGELOG_SECTIONS:
        return "changelog fragment"
    return "unknown"


def _text_kind(block: Block) -> str:
    if block.page == "docs/errors.md":
        return "error message"
    if block.page == "docs/awx.md":
        return "file tree"
    if block.text.startswith("operation "):
        return "progress line"
    return "unknown"


def page_blocks(page: str) -> list:
    return [block for block in blocks() if block.page == page]
