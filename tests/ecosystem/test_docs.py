"""The guides in docs/ and the README against the code they describe.

Links must resolve, every zequenze.control name and ZEQUENZE_* variable must
exist, and module tasks in YAML examples may only use documented options. That
every block runs as written is tests/ecosystem/test_doc_snippets.py.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import ast
import re
from pathlib import Path

import pytest
import yaml

from tests.support.paths import REPO

GUIDES = sorted((REPO / "docs").rglob("*.md"))
PAGES = GUIDES + [REPO / "README.md"]
CODE_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def page_id(path: Path) -> str:
    return str(path.relative_to(REPO))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set:
    text = CODE_BLOCK.sub("", path.read_text())
    return {slug(m) for m in re.findall(r"^#+\s+(.*)$", text, flags=re.MULTILINE)}


def module_options(name: str) -> set:
    """Options (and aliases) documented for a module, its doc fragments included."""
    source = (REPO / "plugins" / "modules" / f"{name}.py").read_text()
    (doc,) = [node.value.value for node in ast.parse(source).body if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DOCUMENTATION"]
    documentation = yaml.safe_load(doc)
    options = dict(documentation.get("options") or {})
    for fragment in documentation.get("extends_documentation_fragment", []):
        if not fragment.startswith("zequenze.control."):
            continue
        # zequenze.control.NAME reads DOCUMENTATION, zequenze.control.NAME.PART reads PART.
        name, _dot, part = fragment.split(".", 2)[2].partition(".")
        fragment_source = (REPO / "plugins" / "doc_fragments" / f"{name}.py").read_text()
        attribute = part.upper() or "DOCUMENTATION"
        match = re.search(attribute + r' = r"""(.*?)"""', fragment_source, re.DOTALL)
        options.update(yaml.safe_load(match.group(1)).get("options") or {})
    names = set(options)
    for spec in options.values():
        names.update(spec.get("aliases", []))
    return names


def collection_names() -> set:
    """Every zequenze.control.<name> a user can refer to."""
    names = {p.stem for p in (REPO / "plugins" / "modules").glob("*.py")}
    names |= {p.stem for p in (REPO / "plugins" / "filter").glob("*.py")}
    names |= {p.stem for p in (REPO / "plugins" / "callback").glob("*.py")}
    names |= {p.name for p in (REPO / "roles").iterdir() if p.is_dir()}
    names |= {p.stem for p in (REPO / "playbooks").glob("*.yml")}
    names |= set(yaml.safe_load((REPO / "meta" / "runtime.yml").read_text()).get("action_groups", {}))
    names |= {p.stem for p in (REPO / "plugins" / "doc_fragments").glob("*.py")}
    # Event sources and rulebooks, as ansible-rulebook names them.
    names |= {p.stem for p in (REPO / "extensions" / "eda").glob("*/**/*.py")}
    names |= {p.stem for p in (REPO / "extensions" / "eda" / "rulebooks").glob("*.yml")}
    return names


def tasks_in(node):
    """Every mapping in a parsed YAML document (plays, tasks, blocks, nested)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from tasks_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from tasks_in(item)


def test_index_lists_every_guide():
    index = (REPO / "docs" / "README.md").read_text()
    for guide in (REPO / "docs").glob("*.md"):
        if guide.name != "README.md":
            assert f"({guide.name})" in index, f"docs/README.md does not link {guide.name}"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_links_resolve(page):
    for target in LINK.findall(CODE_BLOCK.sub("", page.read_text())):
        if re.match(r"^[a-z]+:", target):
            continue
        path_part, anchor = (target.split("#", 1) + [""])[:2]
        destination = (page.parent / path_part).resolve() if path_part else page
        assert destination.exists(), f"{page_id(page)}: broken link {target}"
        if anchor and destination.suffix == ".md":
            assert anchor in anchors(destination), f"{page_id(page)}: no heading for #{anchor} in {path_part or page.name}"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_names_and_variables_exist(page):
    text = page.read_text()
    known = collection_names()
    for name in set(re.findall(r"zequenze\.control\.([a-z_]+)", text)):
        assert name in known, f"{page_id(page)}: zequenze.control.{name} does not exist"
    code = "\n".join(p.read_text() for p in (REPO / "plugins").rglob("*.py"))
    code += (REPO / "extensions" / "awx" / "credential_type.yml").read_text()
    code += (REPO / "tests" / "support" / "emulator_process.py").read_text()
    code += "\n".join(p.read_text() for p in (REPO / "playbooks").glob("*.yml"))
    for variable in set(re.findall(r"\bZEQUENZE_[A-Z_]+\b", text)):
        assert variable in code, f"{page_id(page)}: {variable} is read by nothing"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_module_examples_use_documented_options(page):
    options = {f"zequenze.control.{name}": module_options(name) for name in ("headless_operation", "headless_operation_info")}
    role_options = {}
    for specs in (REPO / "roles").glob("*/meta/argument_specs.yml"):
        role = specs.parent.parent.name
        role_options[role] = set(yaml.safe_load(specs.read_text())["argument_specs"]["main"]["options"])
    for language, block in CODE_BLOCK.findall(page.read_text()):
        if language != "yaml":
            continue
        for task in tasks_in(yaml.safe_load(block)):
            for module, allowed in options.items():
                if isinstance(task.get(module), dict):
                    unknown = set(task[module]) - allowed
                    assert not unknown, f"{page_id(page)}: {module} has no option {sorted(unknown)}"
            include = task.get("ansible.builtin.include_role") or {}
            role = str(include.get("name", "")).removeprefix("zequenze.control.")
            if role in role_options:
                unknown = {v for v in task.get("vars", {}) if v.startswith(role)} - role_options[role]
                assert not unknown, f"{page_id(page)}: role {role} has no variable {sorted(unknown)}"
