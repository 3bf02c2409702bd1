# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Mapping options with suboptions, checked by the collection instead of by ansible-core.

Such options are declared type raw. Declared as dicts with suboptions, a scalar given
to one makes ansible-core 2.16 stop collecting no_log values, and its failure then
echoes every argument, the token included. The same rules apply here, ansible-core's
own: a mapping (or its JSON or key=value text), each suboption's type, choices and
default, no unknown key; a refusal names the option.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.zequenze.control.plugins.module_utils.errors import InputError

_KINDS = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a number"),
    (str, "a text that is neither JSON nor key=value pairs"),
    (list, "a list"),
    (tuple, "a list"),
)


def checked_mapping(name, value, suboptions):
    """value as ansible-core would give a dict option with these suboptions (None stays None).

    Raises InputError naming name and what was expected.
    """
    if value is None:
        return None
    expected = "a mapping with the keys %s" % ", ".join(sorted(suboptions))
    try:
        mapping = check_type_dict(value)
    except (TypeError, ValueError):  # ValueError: ansible-core 2.16 on "k1=v1 k2"
        mapping = None
    if not isinstance(mapping, dict):  # ansible-core 2.16 evaluates "{1, 2}" to a set
        raise InputError("%s must be %s (or its JSON or key=value text); got %s" % (name, expected, _kind(value)))
    result = ArgumentSpecValidator(suboptions).validate(mapping)
    if result.error_messages:
        raise InputError("%s must be %s: %s" % (name, expected, "; ".join(result.error_messages)))
    return result.validated_parameters


def _kind(value):
    for kind, words in _KINDS:
        if isinstance(value, kind):
            return words
    return "a value of type %s" % type(value).__name__
