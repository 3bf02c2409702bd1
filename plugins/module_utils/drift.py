# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""How a found operation differs from the task in what is not part of its identity.

Priority and options do not make an operation another one, so a found
operation satisfies the task even when they differ; the task then says so
instead of reporting nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def drift(record, body):
    """{field: {"task": wanted, "operation": recorded}} for each option the task sets and the record differs in.

    Only what the task names and the record tells is compared: a value the
    record does not show is not a difference.
    """
    record = record if isinstance(record, dict) else {}
    config = record.get("operation_config") if isinstance(record.get("operation_config"), dict) else {}
    recorded_schedule = record.get("schedule") if isinstance(record.get("schedule"), dict) else {}
    recorded_options = config.get("options") if isinstance(config.get("options"), dict) else {}
    wanted_schedule = body.get("schedule") if isinstance(body.get("schedule"), dict) else {}
    wanted_options = body.get("options") if isinstance(body.get("options"), dict) else {}
    found = {}
    recorded_priority = config.get("priority", recorded_schedule.get("priority", record.get("priority")))
    _compare(found, "schedule.priority", wanted_schedule.get("priority"), recorded_priority)
    for name in sorted(wanted_options):
        _compare(found, "options.%s" % name, wanted_options[name], recorded_options.get(name))
    return found


def drift_warning(record, differences):
    return "operation %s matches the task's identity and satisfies it, but differs in %s; it is left as it is " "(force=true creates a new one)" % (
        record.get("id"),
        "; ".join("%s (task %r, operation %r)" % (field, value["task"], value["operation"]) for field, value in sorted(differences.items())),
    )


def _compare(found, field, wanted, recorded):
    if wanted is not None and recorded is not None and wanted != recorded:
        found[field] = {"task": wanted, "operation": recorded}
