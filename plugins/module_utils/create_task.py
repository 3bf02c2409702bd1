# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The result of a headless_operation task, and its warnings, from what the create path decided."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zequenze.control.plugins.module_utils.api_module import fail
from ansible_collections.zequenze.control.plugins.module_utils.drift import drift, drift_warning
from ansible_collections.zequenze.control.plugins.module_utils.errors import EstimateExceededError
from ansible_collections.zequenze.control.plugins.module_utils.identity import record_summary
from ansible_collections.zequenze.control.plugins.module_utils.sizing import overruns
from ansible_collections.zequenze.control.plugins.module_utils.wait_outcome import wait_report


def task_result(module, body, outcome):
    """The task's result for the create path's outcome (no operation yet), with its warnings."""
    record, created = outcome.record, outcome.created
    duplicates = [record_summary(r) for r in outcome.duplicates]
    warn(module, [duplicates_warning(record, duplicates)])
    return dict(
        changed=created,
        created=created,
        request=body,
        wait=wait_report(),
        diff=operation_diff(body, None if created else record),
        drift=found_drift(module, record, body, created),
        duplicates=duplicates,
        lookup=outcome.lookup,
    )


def warn(module, sentences):
    for sentence in sentences:
        if sentence:
            module.warn(sentence)


def duplicates_warning(record, duplicates):
    """The warning naming operations of the same identity that another run created meanwhile (None without)."""
    if not duplicates:
        return None
    return (
        "Other operations with the same identity were created while this task created %s: %s. Another run "
        "(on another machine, or one without this machine's cache folder) created them; cancel the extra ones"
        % (record_summary(record)["id"], ", ".join("%s" % d["id"] for d in duplicates))
    )


def found_drift(module, record, body, created):
    """How a found operation differs from the task outside its identity ({} for a new one), with a warning."""
    differences = {} if created else drift(record, body)
    warn(module, [drift_warning(record, differences) if differences else None])
    return differences


def operation_diff(body, existing):
    """The body that is sent, or the identity of the operation that satisfies the task."""
    if existing is None:
        return {"before": {}, "after": body}
    summary = record_summary(existing)
    return {"before": summary, "after": summary}


def partial(result):
    return lambda records, report: dict(result, operation=records[0], wait=report)


def check_estimate(module, record, body, result):
    """Warn (or fail, with on_overrun=fail) when the API's estimate overruns the timeout or window."""
    found = overruns(record, body, module.params["window_minutes"])
    if found and module.params["on_overrun"] == "fail":
        fail(module, EstimateExceededError("; ".join(found)), **result)
    warn(module, found)
