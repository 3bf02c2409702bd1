#!/usr/bin/env bash
# make demo: the whole product in about a minute. Starts an emulator with a fast clock,
# runs the nightly sync (waiting, with progress lines) and the compliance collection
# against it by their FQCNs, prints where the evidence bundle is and a summary, and
# stops the emulator.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

if [ "${1:-}" != "--inside" ]; then
  started=$(date +%s)
  # 600 simulated seconds per real second: a window ten minutes ahead opens in a second,
  # and a sync of a few hundred devices takes several seconds, enough to watch it move.
  with_emulator --time-scale 600 -- "$0" --inside
  echo "demo finished in $(( $(date +%s) - started )) s; the emulator is stopped"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/zequenze-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ansible_collections/zequenze"
ln -s "$ROOT" "$work/ansible_collections/zequenze/control"
export ANSIBLE_COLLECTIONS_PATH=$work
# Stages, progress lines, warnings and the summary; no task banners or included files.
export ANSIBLE_STDOUT_CALLBACK=zequenze.control.progress ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-}
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
reports=$ROOT/reports/demo
mkdir -p "$reports"

log "Emulator at $ZEQUENZE_API_URL (clock x600); token from ZEQUENZE_API_TOKEN, never printed"

window=$(date -u -d '+10 minutes' +%H:%M)
# The role's own sizing (one organization per operation, 120-minute timeout): only the window,
# the waiting and the summary file are set here.
log "1/2 Nightly inventory sync: organizations 101-105 with the role's defaults, window $window UTC, waiting"
ansible-playbook zequenze.control.nightly_inventory_sync -e "$(cat <<JSON
{"nightly_inventory_sync_organizations": [101, 102, 103, 104, 105],
 "nightly_inventory_sync_window_start": "$window",
 "nightly_inventory_sync_wait": true,
 "nightly_inventory_sync_wait_timeout": 90,
 "nightly_inventory_sync_report_interval": 5,
 "nightly_inventory_sync_summary_file": "$reports/nightly-summary.json"}
JSON
)"

log "2/2 Compliance evidence for organizations 101-104"
ansible-playbook zequenze.control.compliance_collection -e "$(cat <<JSON
{"compliance_collection_organizations": [101, 102, 103, 104],
 "compliance_collection_report_dir": "$reports",
 "compliance_collection_wait_timeout": 90,
 "compliance_collection_report_interval": 5}
JSON
)"

bundle=$(find "$reports" -maxdepth 1 -name 'compliance-*' -type d | sort | tail -n 1)
log "Summary"
"$VENV/bin/python" - "$reports/nightly-summary.json" "$bundle" <<'PY'
import json, pathlib, sys
nightly = json.loads(pathlib.Path(sys.argv[1]).read_text())
bundle = pathlib.Path(sys.argv[2])
report = json.loads((bundle / "compliance.json").read_text())
t = nightly["totals"]
print(f"Nightly sync for the window {nightly['window']['execute_at']}: {t['operations']} operations, "
      f"{t['processed_devices']}/{t['total_devices']} devices processed, {t['failed_devices']} failed ({t['failed_percent']}%)")
print(f"Compliance evidence: {bundle}")
for name in ("compliance.json", "compliance.csv", "compliance.html", "SHA256SUMS"):
    print(f"  {name:16} {(bundle / name).stat().st_size:>7} bytes")
print(f"  {'organization':>12} {'status':>10} {'devices':>8} {'failed':>7} {'failed %':>9}")
for row in report["organizations"]:
    print(f"  {','.join(map(str, row['organizations'])):>12} {row['status']:>10} {row['total_devices']:>8} "
          f"{row['failed_devices']:>7} {row['failed_percent']:>9}")
errors = ", ".join(f"{k} {v}" for k, v in report["totals"]["error_summary"].items()) or "none"
print(f"  error categories: {errors}")
print(f"Open {bundle / 'compliance.html'} in a browser; check the files with: (cd {bundle} && sha256sum -c SHA256SUMS)")
PY
(cd "$bundle" && sha256sum -c --quiet SHA256SUMS) && echo "SHA256SUMS verified"
