#!/usr/bin/env bash
# make test-emulator: the emulator's own pytest suite, against real emulator processes.
# pytest exits 5 when it collected no tests; that is a failure here too, and so is any skipped test.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
work=$(mktemp -d "${TMPDIR:-/tmp}/zequenze-emulator-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "emulator tests"
report=$work/junit.xml
status=0
"$VENV/bin/python" -m pytest -q -rs -p no:cacheprovider emulator/tests --junitxml="$report" "$@" || status=$?
if [ "$status" -eq 5 ]; then echo "no emulator tests were collected" >&2; fi
skipped=$("$VENV/bin/python" -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); print(sum(int(s.get("skipped", 0)) for s in r.iter("testsuite")))' "$report" 2>/dev/null || echo unknown)
if [ "$skipped" != "0" ]; then
  echo "emulator tests: skipped=$skipped; a skip does not count as a pass" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
