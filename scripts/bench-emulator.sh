#!/usr/bin/env bash
# make bench (emulator part): wrk throughput/p99 and 1,000-record page times; prints figures and goals.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (Debian package) for the load generator"
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is required: sudo apt-get install wrk" >&2
    exit 1
  fi
fi
cd "$ROOT" && "$VENV/bin/python" -m tests.bench.emulator.bench
