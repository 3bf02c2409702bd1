#!/usr/bin/env bash
# make bench (emulator part): wrk throughput/p99 and 1,000-record page times; prints figures and goals.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ensure_debian_package wrk wrk
cd "$ROOT" && "$VENV/bin/python" -m tests.bench.emulator.bench
