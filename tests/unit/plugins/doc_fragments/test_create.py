# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The create doc fragment documents exactly the create path's argument spec and the module's others."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import pytest
import yaml

from ansible_collections.zequenze.control.plugins.doc_fragments.create import ModuleDocFragment
from ansible_collections.zequenze.control.plugins.module_utils.api_module import create_argument_spec
from ansible_collections.zequenze.control.plugins.module_utils.request_body import configuration_argument_spec
from ansible_collections.zequenze.control.plugins.modules import headless_operation


def _options(part):
    return yaml.safe_load(getattr(ModuleDocFragment, part))["options"]


def _assert_documents(documented, spec):
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        doc = documented[name]
        for field in ("type", "default", "choices", "elements", "aliases"):
            assert doc.get(field) == option.get(field), (name, field)


def test_the_create_path_options_match_their_argument_spec():
    spec = create_argument_spec()
    documented = _options("DOCUMENTATION")
    _assert_documents(documented, spec)
    for name, option in spec.items():
        assert option["fallback"][1][0] in " ".join(documented[name]["description"]), name


@pytest.mark.parametrize("part", ["CONFIGURATION", "CHECKS"])
def test_the_module_takes_what_each_part_documents(part):
    documented = _options(part)
    spec = headless_operation.argument_spec()
    _assert_documents(documented, dict((name, spec[name]) for name in documented))
    assert "zequenze.control.create.%s" % part.lower() in yaml.safe_load(headless_operation.DOCUMENTATION)["extends_documentation_fragment"]


def test_the_configuration_part_documents_the_configuration_argument_spec():
    _assert_documents(_options("CONFIGURATION"), configuration_argument_spec())
