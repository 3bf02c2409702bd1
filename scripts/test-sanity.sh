#!/usr/bin/env bash
# ansible-test sanity over the whole collection tree, with no ignore files allowed.
# Installs shellcheck (Debian) when missing so the shellcheck test runs instead of
# being skipped.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
# A tree of our own: other checks may re-sync the default one while we run.
TREE_PARENT=$ROOT/.tree/sanity-$(basename "$VENV")
export TREE=$TREE_PARENT/ansible_collections/zequenze/control

if compgen -G "$ROOT/tests/sanity/ignore-*.txt" >/dev/null; then
  echo "tests/sanity/ignore-*.txt found: fix the code instead of ignoring it" >&2
  exit 1
fi
ensure_debian_package shellcheck shellcheck

log "ansible-test sanity (--venv, the Python of $VENV)"
output=$(mktemp "${TMPDIR:-/tmp}/sanity.XXXXXX")
trap 'rm -f "$output"' EXIT
status=0
# No --python: the version-dependent tests (compile, import) run on every Python this core
# supports that is installed, from the floor in tests/config.yml up.
run_ansible_test sanity --venv --color no "$@" 2>&1 | tee "$output" || status=$?
log "ansible-doc renders every module from the tree"
for module in "$TREE"/plugins/modules/*.py; do
  name=zequenze.control.$(basename "$module" .py)
  if ! doc=$(ANSIBLE_COLLECTIONS_PATH=$TREE_PARENT ANSIBLE_NOCOLOR=1 "$VENV/bin/ansible-doc" "$name" 2>&1) ||
     ! grep -Eiq "^> (MODULE )?$name( |$)" <<<"$doc"; then  # 2.16 prints "> ZEQUENZE.CONTROL.NAME"
    echo "$doc" >&2
    echo "ansible-doc $name did not render" >&2
    status=1
  fi
done
# ansible-test exits 0 when it finds nothing to test: that is not a pass.
if grep -q "All targets skipped" "$output"; then
  echo "ansible-test skipped every target: the tree copy is not being tested" >&2
  status=1
fi
core=$("$VENV/bin/ansible" --version | sed -n '1s/.*core \([0-9.]*\).*/\1/p')
tests=$(grep -c '^Running sanity test' "$output" || true)
pythons=$(sed -n 's/^Running sanity test "[^"]*" on Python \([0-9.]*\)$/\1/p' "$output" | sort -uV | tr '\n' ' ')
files=$(cd "$TREE" && git ls-files | wc -l)
echo "ansible-test sanity (ansible-core $core): $tests test runs over $files files, Pythons ${pythons:-none}, status $status"
# A run that started fewer than 20 tests did not check the collection (ansible-core ships ~40).
if [ "$tests" -lt 20 ] && [ "$#" = 0 ]; then
  echo "ansible-test sanity ran only $tests tests" >&2
  status=1
fi
exit "$status"
