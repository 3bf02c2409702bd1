#!/usr/bin/env bash
# pytest tests/roles: the roles' playbooks run by FQCN from the collection built into a
# tarball and installed into an empty collections path, against real emulator processes.
# Fails when any test fails or is skipped.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/lib-package.sh
source "$ROOT/scripts/lib-package.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/zequenze-roles.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "build and install the collection"
build_and_install_collection "$work"
export ZEQUENZE_TEST_COLLECTIONS_PATH=$COLLECTION_INSTALLED_PARENT

log "role and playbook tests (pytest tests/roles)"
report=$work/junit.xml
status=0
(cd "$ROOT" && "$VENV/bin/python" -m pytest tests/roles -p no:cacheprovider -q -rs -n 2 --dist loadfile --junitxml="$report" "$@") || status=$?
skipped=$("$VENV/bin/python" -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); print(sum(int(s.get("skipped", 0)) for s in r.iter("testsuite")))' "$report" 2>/dev/null || echo unknown)
if [ "$skipped" != "0" ]; then
  echo "role tests: skipped=$skipped; a skip does not count as a pass" >&2
  status=1
fi
exit "$status"
