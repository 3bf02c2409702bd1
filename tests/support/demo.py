# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""make demo: the nightly sync and the compliance collection against an emulator it starts, and the summary it prints."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
from datetime import datetime, timedelta, timezone

from tests.support.emulator_process import EmulatorProcess


def demo_summary(nightly, bundle):
    report, t = json.loads((bundle / "compliance.json").read_text()), nightly["totals"]
    lines = [
        "Nightly sync for the window %s: %s operations, %s/%s devices processed, %s failed (%s%%)"
        % (nightly["window"]["execute_at"], t["operations"], t["processed_devices"], t["total_devices"], t["failed_devices"], t["failed_percent"]),
        "Compliance evidence: %s" % bundle,
    ]
    lines += ["  %-16s %7d bytes" % (name, (bundle / name).stat().st_size) for name in ("compliance.json", "compliance.csv", "compliance.html", "SHA256SUMS")]
    lines.append("  %12s %10s %8s %7s %9s" % ("organization", "status", "devices", "failed", "failed %"))
    for row in report["organizations"]:
        lines.append(
            "  %12s %10s %8s %7s %9s"
            % (",".join(map(str, row["organizations"])), row["status"], row["total_devices"], row["failed_devices"], row["failed_percent"])
        )
    errors = ", ".join("%s %s" % item for item in report["totals"]["error_summary"].items()) or "none"
    lines += [
        "  error categories: " + errors,
        "Open %s in a browser; check the files with: (cd %s && sha256sum -c SHA256SUMS)" % (bundle / "compliance.html", bundle),
    ]
    return "\n".join(lines)


def run_demo(session, collections, reports):
    """The nightly sync and the compliance collection by FQCN against an emulator at x600, then a summary."""
    started = datetime.now()
    reports.mkdir(parents=True, exist_ok=True)
    # Stages, progress lines, warnings and the summary; no task banners or included files.
    env = {
        "ANSIBLE_COLLECTIONS_PATH": str(collections),
        "ANSIBLE_STDOUT_CALLBACK": "zequenze.control.progress",
        "ANSIBLE_NOCOLOR": os.environ.get("ANSIBLE_NOCOLOR", ""),
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
    }
    # A window ten minutes ahead opens in a second; a sync of a few hundred devices takes seconds.
    with EmulatorProcess(time_scale=600) as api:
        env.update(api.environment())
        session.log("Emulator at %s (clock x600); token from ZEQUENZE_API_TOKEN, never printed" % api.api_url)
        window = (datetime.now(timezone.utc) + timedelta(minutes=10)).strftime("%H:%M")
        # The role's own sizing (one organization per operation, 120-minute timeout): only the
        # window, the waiting and the summary file are set here.
        session.log("1/2 Nightly inventory sync: organizations 101-105 with the role's defaults, window %s UTC, waiting" % window)
        session.run(
            "ansible-playbook",
            "zequenze.control.nightly_inventory_sync",
            "-e",
            json.dumps(
                {
                    "nightly_inventory_sync_organizations": [101, 102, 103, 104, 105],
                    "nightly_inventory_sync_window_start": window,
                    "nightly_inventory_sync_wait": True,
                    "nightly_inventory_sync_wait_timeout": 90,
                    "nightly_inventory_sync_report_interval": 5,
                    "nightly_inventory_sync_summary_file": str(reports / "nightly-summary.json"),
                }
            ),
            env=env,
            external=True,
        )
        session.log("2/2 Compliance evidence for organizations 101-104")
        session.run(
            "ansible-playbook",
            "zequenze.control.compliance_collection",
            "-e",
            json.dumps(
                {
                    "compliance_collection_organizations": [101, 102, 103, 104],
                    "compliance_collection_report_dir": str(reports),
                    "compliance_collection_wait_timeout": 90,
                    "compliance_collection_report_interval": 5,
                }
            ),
            env=env,
            external=True,
        )
    bundle = sorted(p for p in reports.glob("compliance-*") if p.is_dir())[-1]
    session.log("Summary")
    print(demo_summary(json.loads((reports / "nightly-summary.json").read_text()), bundle))
    for line in (bundle / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(None, 1)
        if hashlib.sha256((bundle / name.lstrip("*")).read_bytes()).hexdigest() != digest:
            session.error("SHA256SUMS: %s does not match" % name)
    print("SHA256SUMS verified\ndemo finished in %d s; the emulator is stopped" % (datetime.now() - started).total_seconds())
