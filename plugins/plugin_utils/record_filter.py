# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one wrapper every operation filter shares: bad input becomes an AnsibleFilterError naming the filter."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible.errors import AnsibleFilterError

from ansible_collections.zequenze.control.plugins.plugin_utils.operation_records import RecordError


def record_filter(name, wants_list=False):
    """Decorate a filter: a RecordError (or, with wants_list, an input that is not a list) fails naming it."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(value, *args, **kwargs):
            if wants_list and not isinstance(value, (list, tuple)):
                raise AnsibleFilterError("%s: expected a list of operation records, got %s" % (name, type(value).__name__))
            try:
                return function(value, *args, **kwargs)
            except RecordError as exc:
                raise AnsibleFilterError("%s: %s" % (name, exc))

        return wrapper

    return decorate
