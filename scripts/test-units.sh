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
covrc=$(mktemp "${TMPDIR:-/tmp}/coveragerc.XXXXXX")
trap 'rm -f "$covrc"' EXIT
# plugins/ folders are namespace packages: without include_namespace_packages a
# file no test imports would be left out of the total instead of counting as 0%.
cat >"$covrc" <<'INI'
[run]
branch = true
source = plugins
[report]
include_namespace_packages = true
INI
PYTHONPATH=$TREE_PARENT NARROWED=$(( $# > 0 )) run_pytest "unit tests ($(basename "$VENV"))" tests/unit -n 2 \
  --cov --cov-config="$covrc" --cov-report=term-missing:skip-covered --cov-fail-under=90 "$@"
