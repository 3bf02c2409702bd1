# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The summary make demo prints: the nightly sync's totals and the compliance bundle's files and rows."""
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json


def demo_summary(nightly, bundle):
    report, t = json.loads((bundle / "compliance.json").read_text()), nightly["totals"]
    lines = ["Nightly sync for the window %s: %s operations, %s/%s devices processed, %s failed (%s%%)" % (
        nightly["window"]["execute_at"], t["operations"], t["processed_devices"], t["total_devices"], t["failed_devices"],
        t["failed_percent"]), "Compliance evidence: %s" % bundle]
    lines += ["  %-16s %7d bytes" % (name, (bundle / name).stat().st_size)
              for name in ("compliance.json", "compliance.csv", "compliance.html", "SHA256SUMS")]
    lines.append("  %12s %10s %8s %7s %9s" % ("organization", "status", "devices", "failed", "failed %"))
    for row in report["organizations"]:
        lines.append("  %12s %10s %8s %7s %9s" % (",".join(map(str, row["organizations"])), row["status"], row["total_devices"],
                                                  row["failed_devices"], row["failed_percent"]))
    errors = ", ".join("%s %s" % item for item in report["totals"]["error_summary"].items()) or "none"
    lines += ["  error categories: " + errors, "Open %s in a browser; check the files with: (cd %s && sha256sum -c SHA256SUMS)"
              % (bundle / "compliance.html", bundle)]
    return "\n".join(lines)
