# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collection metadata that the modules depend on."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_every_module_is_in_the_api_action_group():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    modules = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
    assert modules, "no modules found"
    assert sorted(runtime["action_groups"]["api"]) == modules


def test_requires_ansible_allows_2_16():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    assert runtime["requires_ansible"] == ">=2.16.0"
