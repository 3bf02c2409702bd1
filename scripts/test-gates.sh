#!/usr/bin/env bash
# make test-gates: every gate must be able to fail. Each case plants one known defect in a
# scratch copy of the work tree, runs that copy's own gate (narrowed where that keeps it
# cheap) and asserts the gate fails and says why.
#   scripts/test-gates.sh [CASE...]   (lint sanity skip integration changelog tarball)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
# The copies have no venvs of their own: they use this work tree's.
export DEV_VENV VENV
caught=0 missed=()

# scratch NAME: a fresh copy with its own .git; prints its path.
scratch() {
  local copy=$ROOT/.tree/gates/$1/ansible_collections/zequenze/control
  sync_collection_tree "$copy" >&2
  echo "$copy"
}

# expect_failure CASE PATTERN COMMAND...: the command must fail and its output match PATTERN.
expect_failure() {
  local name=$1 pattern=$2 output status=0
  shift 2
  output=$(mktemp "${TMPDIR:-/tmp}/gate.XXXXXX")
  "$@" >"$output" 2>&1 || status=$?
  if [ "$status" != 0 ] && grep -Eq -- "$pattern" "$output"; then
    echo "gate $name: planted defect caught (exit $status): $(grep -Em1 -- "$pattern" "$output" | cut -c1-160)"
    caught=$((caught + 1))
  else
    tail -n 30 "$output" >&2
    echo "gate $name: planted defect NOT caught (exit $status, looked for /$pattern/)" >&2
    missed+=("$name")
  fi
  rm -f "$output"
}

case_lint() {  # a task name in lower case
  local copy; copy=$(scratch lint)
  sed -i '0,/- name: \([A-Z]\)/s//- name: planted lower-case \1/' "$copy/roles/nightly_inventory_sync/tasks/main.yml"
  expect_failure lint '^roles/nightly_inventory_sync/tasks/main.yml:2:' \
    "$copy/scripts/test-lint.sh"
}

case_sanity() {  # a pep8 violation in a filter, one sanity test on the copy
  local copy; copy=$(scratch sanity)
  printf '\nplanted_violation=1\n' >>"$copy/plugins/filter/next_window.py"
  expect_failure sanity 'next_window.py.*E225' "$copy/scripts/test-sanity.sh" --test pep8
}

case_skip() {  # a test that skips itself
  local copy; copy=$(scratch skip)
  printf 'import pytest\n\n\ndef test_planted():\n    pytest.skip("planted")\n' >"$copy/emulator/tests/test_planted_skip.py"
  expect_failure skip '1 skipped: a skip does not count as a pass' "$copy/scripts/test-emulator.sh" -k planted
}

case_integration() {  # a target ansible-test does not run (disabled), beside one real target
  local copy; copy=$(scratch integration)
  find "$copy/tests/integration/targets" -mindepth 1 -maxdepth 1 ! -name zequenze_api_group -exec rm -rf {} +
  mkdir -p "$copy/tests/integration/targets/planted_target/tasks"
  printf 'disabled\n' >"$copy/tests/integration/targets/planted_target/aliases"
  printf -- '---\n- name: Never runs\n  ansible.builtin.debug:\n    msg: planted\n' >"$copy/tests/integration/targets/planted_target/tasks/main.yml"
  expect_failure integration 'did not run: planted_target' "$copy/scripts/test-integration.sh"
}

case_changelog() {  # a fragment that CHANGELOG.md does not show
  local copy; copy=$(scratch changelog)
  printf -- '---\nminor_changes:\n  - A planted change that CHANGELOG.md does not show.\n' >"$copy/changelogs/fragments/planted-change.yml"
  expect_failure changelog "CHANGELOG.md is not the changelog of the current fragments" "$copy/scripts/test-changelog.sh"
}

case_tarball() {  # build_ignore drops a shipped filter
  local copy; copy=$(scratch tarball)
  sed -i 's#^build_ignore:$#build_ignore:\n  - plugins/filter/next_window.py#' "$copy/galaxy.yml"
  expect_failure tarball 'missing from the tarball' "$copy/scripts/test-package.sh"
}

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(lint sanity skip integration changelog tarball)
for name in "${cases[@]}"; do
  log "gate self-test: $name"
  "case_$name"
done
rm -rf "$ROOT/.tree/gates"
echo "test-gates: ${#cases[@]} planted defects, $caught caught${missed[*]:+, missed: ${missed[*]}}"
[ "$caught" = "${#cases[@]}" ]
