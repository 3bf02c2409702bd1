# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the operation_events event source reaches the domain through: the watch built from
its settings, the text of a failed poll, and events with the token masked."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zequenze.control.plugins.module_utils.client import client_for
from ansible_collections.zequenze.control.plugins.module_utils.errors import ZequenzeError
from ansible_collections.zequenze.control.plugins.module_utils.operations import Operations
from ansible_collections.zequenze.control.plugins.plugin_utils.operation_watch import OperationWatch


def build_watch(settings):
    """Build the watch over the API that the settings (see event_source_args) describe."""
    client = client_for(settings)
    return OperationWatch(
        Operations(client),
        page_size=settings["page_size"],
        lookups_per_poll=settings["lookups_per_poll"],
        operation_types=settings["operation_types"],
        organizations=settings["organizations"],
        emit_existing=settings["emit_existing"],
        update_status=settings["update_status"],
        failed_devices_threshold=settings["failed_devices_threshold"],
        failed_percent_threshold=settings["failed_percent_threshold"],
        stalled_minutes=settings["stalled_minutes"],
        overdue_minutes=settings["overdue_minutes"],
    )


def error_text(error):
    """The text of a poll's failure: the collection's whole message, or the exception's type and text."""
    if isinstance(error, ZequenzeError):
        return error.full_message()
    return "%s: %s" % (type(error).__name__, error)


def scrubbed(value, client):
    """Mask the token in every text of value (the records are the API's, not ours)."""
    if isinstance(value, str):
        return client.scrub(value)
    if isinstance(value, dict):
        return dict((scrubbed(k, client), scrubbed(v, client)) for k, v in value.items())
    if isinstance(value, list):
        return [scrubbed(v, client) for v in value]
    return value
