# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Whether the API's estimate for an operation fits the time the task gives it.

An operation the API estimates to need longer than its timeout_minutes ends
failed at that timeout, part done; one estimated to end after the maintenance
window runs into the working day. Both are known as soon as the API answers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.zequenze.control.plugins.module_utils.records import is_terminal, record_view
from ansible_collections.zequenze.control.plugins.module_utils.timestamps import format_timestamp

# What the API applies when a request names no timeout.
API_DEFAULT_TIMEOUT_MINUTES = 1440


def overruns(record, body, window_minutes=None):
    """Sentences saying how the API's estimate for record exceeds the task's limits; empty when it fits.

    body is the request the task sends (its options.timeout_minutes is the limit);
    window_minutes, when given, is the window that opens at the scheduled start.
    A finished operation, or one without an estimate, has nothing to say.
    """
    view = record_view(record)
    if is_terminal(view.status):
        return []
    found = []
    estimate = view.estimated_duration_minutes
    devices = view.total_devices
    options = body.get("options") if isinstance(body.get("options"), dict) else {}
    timeout = options.get("timeout_minutes", API_DEFAULT_TIMEOUT_MINUTES)
    if estimate is not None and isinstance(timeout, int) and estimate > timeout:
        found.append(
            "the API estimates %s minutes for operation %s (%s devices), more than its timeout_minutes %s: "
            "it would end failed at its timeout, part done. Give it fewer organizations or device types, "
            "or a larger timeout_minutes" % (estimate, view.id, devices, timeout)
        )
    completion = _estimated_completion(view)
    start = view.scheduled_for
    if window_minutes is not None and completion is not None and start is not None:
        window_end = start + datetime.timedelta(minutes=window_minutes)
        if completion > window_end:
            found.append(
                "the API estimates that operation %s ends at %s, after the %s-minute window that ends at %s. "
                "Give it fewer organizations, or a longer window" % (view.id, format_timestamp(completion), window_minutes, format_timestamp(window_end))
            )
    return found


def _estimated_completion(view):
    if view.estimated_completion is not None:
        return view.estimated_completion
    if view.scheduled_for is not None and view.estimated_duration_minutes is not None:
        try:
            return view.scheduled_for + datetime.timedelta(minutes=view.estimated_duration_minutes)
        except OverflowError:
            return None
    return None
