#!/usr/bin/env bash
# make bench: run every scripts/bench-*.sh in turn; each prints its own figures.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
shopt -s nullglob
benches=("$ROOT"/scripts/bench-*.sh)
[ ${#benches[@]} -gt 0 ] || { echo "no benchmarks found" >&2; exit 1; }
for bench in "${benches[@]}"; do
  log "$(basename "$bench")"
  "$bench"
done
