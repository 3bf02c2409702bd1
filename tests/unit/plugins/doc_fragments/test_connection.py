# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection doc fragment documents exactly the connection argument spec."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import yaml

from ansible_collections.zequenze.control.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.zequenze.control.plugins.module_utils.api_module import connection_argument_spec


def test_fragment_matches_the_argument_spec():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    spec = connection_argument_spec()
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option.get("default"), name
        assert bool(doc.get("required")) == bool(option.get("required")), name
        env = option["fallback"][1][0]
        assert env in " ".join(doc["description"]), name
    assert spec["api_token"]["no_log"] is True
