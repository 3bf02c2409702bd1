#!/usr/bin/env bash
# The short form of every reliability check (issue 6), inside make test: fewer runs, kills and
# generated examples than `make reliability`, the same assertions. Figures are printed at the end.
#   scripts/test-reliability.sh [PYTEST ARGS...]
# RELIABILITY_PROFILE=full gives the full suite (scripts/reliability.sh).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

export RELIABILITY_PROFILE=${RELIABILITY_PROFILE:-short}
log "reliability checks ($RELIABILITY_PROFILE): fault soak, kill -9, secrets, bad input, schema fuzzing, TLS, foreign next link, concurrency"
work=$(mktemp -d "${TMPDIR:-/tmp}/reliability.XXXXXX")
trap 'rm -rf "$work"' EXIT
report=$work/junit.xml
# The collection under test is this work tree, through a link (for ansible-playbook and for
# in-process imports of its filters).
mkdir -p "$work/collections/ansible_collections/zequenze"
ln -s "$ROOT" "$work/collections/ansible_collections/zequenze/control"
export ZEQUENZE_TEST_COLLECTIONS_PATH=$work/collections PYTHONPATH=$work/collections
status=0
"$VENV/bin/python" -m pytest tests/reliability -p no:cacheprovider -q -rs \
  --junitxml="$report" "$@" || status=$?
if [ "$status" -eq 5 ]; then echo "no reliability tests were collected" >&2; fi
# A skipped check is not a passing one.
skipped=$("$VENV/bin/python" -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); print(sum(int(s.get("skipped", 0)) for s in r.iter("testsuite")))' "$report" 2>/dev/null || echo 0)
if [ "$skipped" != "0" ]; then
  echo "reliability: $skipped check(s) skipped; a skip does not count as a pass" >&2
  status=1
fi
exit "$status"
