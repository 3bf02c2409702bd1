# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wait doc fragment documents exactly the wait argument spec."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import yaml

from ansible_collections.zequenze.control.plugins.doc_fragments.wait import ModuleDocFragment
from ansible_collections.zequenze.control.plugins.module_utils.api_module import wait_argument_spec


def test_fragment_matches_the_argument_spec():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    documented.update(yaml.safe_load(ModuleDocFragment.POLLING)["options"])
    spec = wait_argument_spec()
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option.get("default"), name
        assert doc.get("choices") == option.get("choices"), name


def test_the_action_documents_its_own_options_and_the_polling_ones():
    from ansible_collections.zequenze.control.plugins.action.wait_for_operations import ARGUMENT_SPEC
    from ansible_collections.zequenze.control.plugins.modules import wait_for_operations

    own = yaml.safe_load(wait_for_operations.DOCUMENTATION)
    documented = dict(own["options"], **yaml.safe_load(ModuleDocFragment.POLLING)["options"])
    connection = {"api_url", "api_token", "validate_certs", "ca_path", "timeout", "max_retries"}
    assert sorted(set(ARGUMENT_SPEC) - set(wait_argument_spec()) - connection) == ["ids", "report_interval"]
    assert sorted(own["options"]) == ["ids", "report_interval"]
    assert set(ARGUMENT_SPEC) - connection == set(documented)
    assert "zequenze.control.wait.polling" in own["extends_documentation_fragment"]
