#!/usr/bin/env bash
# make test-emulator: the emulator's own pytest suite, against real emulator processes.
# pytest exits 5 when it collected no tests; that is a failure here too, and so is any skipped test.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
log "emulator tests"
NARROWED=$(( $# > 0 )) run_pytest "emulator tests" emulator/tests "$@"
