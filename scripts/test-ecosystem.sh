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

# ansible-lint of the examples in docs/ and extensions/: make test-lint lints the whole repository.
log "ecosystem tests (AWX/ansible-runner, GitOps, execution environment, docs)"
ZEQUENZE_TEST_COLLECTIONS_PATH=$COLLECTION_INSTALLED_PARENT ZEQUENZE_TEST_TARBALL=$COLLECTION_TARBALL \
  NARROWED=$(( $# > 0 )) run_pytest "ecosystem tests" "$ROOT/tests/ecosystem" "$@"
