#!/usr/bin/env bash
# The collection as users meet it outside a terminal: the docs linter of
# docs.ansible.com, then tests/ecosystem (AWX/AAP through ansible-runner with the
# credential type's injectors, the GitOps plan/apply cycle, the execution
# environment, the docs' links) against the installed tarball and real emulators.
#
#   scripts/test-ecosystem.sh [PYTEST ARGS...]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/lib-package.sh
source "$(dirname "$0")/lib-package.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/zequenze-ecosystem.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ANSIBLE_HOME=$work/ansible-home

log "building and installing the collection tarball"
build_and_install_collection "$work"

log "antsibull-docs lint-collection-docs (plugin, role and docsite docs)"
(cd "$COLLECTION_SRC_PARENT/ansible_collections/zequenze/control" &&
  antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all \
    --disallow-unknown-collection-refs --check-extra-docs-refs .)

# scripts/test-lint.sh covers roles and playbooks; these are the playbooks and
# YAML that users copy from docs/ and extensions/.
log "ansible-lint --profile production over the AWX, GitOps and EE examples"
(cd "$ROOT" && ANSIBLE_COLLECTIONS_PATH=$COLLECTION_INSTALLED_PARENT ansible-lint --offline --profile production --strict \
  docs/awx docs/gitops docs/execution-environment docs/docsite extensions/awx)

log "ecosystem tests (AWX/ansible-runner, GitOps, execution environment, docs)"
report=$work/junit.xml
status=0
ZEQUENZE_TEST_COLLECTIONS_PATH=$COLLECTION_INSTALLED_PARENT ZEQUENZE_TEST_TARBALL=$COLLECTION_TARBALL \
  "$VENV/bin/python" -m pytest "$ROOT/tests/ecosystem" -p no:cacheprovider -q -rs \
  --junitxml="$report" "$@" || status=$?
# A skipped test is not a passing one.
skipped=$("$VENV/bin/python" -c 'import sys, xml.etree.ElementTree as ET; print(sum(int(s.get("skipped", 0)) for s in ET.parse(sys.argv[1]).getroot().iter("testsuite")))' "$report" 2>/dev/null || echo 0)
if [ "$skipped" != "0" ]; then
  echo "ecosystem tests: $skipped test(s) skipped; a skip does not count as a pass" >&2
  status=1
fi
exit "$status"
