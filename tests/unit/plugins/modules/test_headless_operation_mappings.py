# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""device_filters and schedule are type raw: their documented suboptions are the ones checked.

ansible-test's validate-modules compares suboptions only for options the argument spec declares
with options; for these two, this test does.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import pytest
import yaml

from ansible_collections.zequenze.control.plugins.doc_fragments.create import ModuleDocFragment
from ansible_collections.zequenze.control.plugins.module_utils.errors import InputError
from ansible_collections.zequenze.control.plugins.module_utils.mapping_options import checked_mapping
from ansible_collections.zequenze.control.plugins.module_utils.request_body import MAPPING_SUBOPTIONS
from ansible_collections.zequenze.control.plugins.modules import headless_operation

DOCUMENTED = yaml.safe_load(ModuleDocFragment.CONFIGURATION)["options"]


@pytest.mark.parametrize("name", sorted(MAPPING_SUBOPTIONS))
def test_documented_suboptions_are_the_checked_ones(name):
    checked = MAPPING_SUBOPTIONS[name]
    assert headless_operation.argument_spec()[name] == {"type": "raw"}
    assert DOCUMENTED[name]["type"] == "raw"
    documented = DOCUMENTED[name]["suboptions"]
    assert sorted(documented) == sorted(checked)
    for key, spec in checked.items():
        for field in ("type", "elements", "default", "choices"):
            assert documented[key].get(field) == spec.get(field), (name, key, field)


def test_none_stays_none_and_a_mapping_gets_its_defaults():
    schedule = MAPPING_SUBOPTIONS["schedule"]
    assert checked_mapping("schedule", None, schedule) is None
    assert checked_mapping("schedule", {}, schedule) == {"execute_at": "now", "priority": None}


def test_a_refusal_names_the_option_and_its_keys():
    with pytest.raises(InputError) as refused:
        checked_mapping("device_filters", 5, MAPPING_SUBOPTIONS["device_filters"])
    assert str(refused.value) == ("device_filters must be a mapping with the keys status, types " "(or its JSON or key=value text); got an integer")
