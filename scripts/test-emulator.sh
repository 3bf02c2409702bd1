#!/usr/bin/env bash
# make test-emulator: the emulator's own pytest suite, against real emulator processes.
# pytest exits 5 when it collected no tests; that is a failure here too.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
log "emulator tests"
status=0
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/emulator "$@" || status=$?
if [ "$status" -eq 5 ]; then echo "no emulator tests were collected" >&2; fi
exit "$status"
