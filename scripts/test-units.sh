#!/usr/bin/env bash
# Unit tests of plugins/ (module_utils, modules, filters) with branch coverage.
# Runs pytest inside the collection-tree copy so ansible_collections.zequenze.control
# imports resolve; fails under 90% branch coverage or when any test is skipped.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
# A tree of our own: other checks may re-sync the default one while we run.
TREE_PARENT=$ROOT/.tree/units-$(basename "$VENV")
TREE=$TREE_PARENT/ansible_collections/zequenze/control

sync_collection_tree "$TREE"
log "unit tests (pytest, branch coverage of plugins/)"
cd "$TREE"
report=$(mktemp "${TMPDIR:-/tmp}/units.XXXXXX")
covrc=$(mktemp "${TMPDIR:-/tmp}/coveragerc.XXXXXX")
trap 'rm -f "$report" "$covrc"' EXIT
# plugins/ folders are namespace packages: without include_namespace_packages a
# file no test imports would be left out of the total instead of counting as 0%.
cat >"$covrc" <<'INI'
[run]
branch = true
source = plugins
[report]
include_namespace_packages = true
INI
status=0
PYTHONPATH=$TREE_PARENT "$VENV/bin/python" -m pytest tests/unit \
  -p no:cacheprovider -n 2 -q -rs \
  --cov --cov-config="$covrc" --cov-report=term-missing:skip-covered \
  --cov-fail-under=90 --junitxml="$report" "$@" || status=$?
# A skipped test is not a passing one.
skipped=$("$VENV/bin/python" -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); print(sum(int(s.get("skipped", 0)) for s in r.iter("testsuite")))' "$report" 2>/dev/null || echo 0)
if [ "$skipped" != "0" ]; then
  echo "unit tests: $skipped test(s) skipped; a skip does not count as a pass" >&2
  status=1
fi
exit "$status"
