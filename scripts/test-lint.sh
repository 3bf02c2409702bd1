#!/usr/bin/env bash
# ansible-lint (production profile) over the roles, playbooks and molecule scenarios,
# and ansible-doc over every role: both must be clean.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Both tools resolve zequenze.control from this work tree through a link, never from a
# stale copy installed under ANSIBLE_HOME.
collections=$(mktemp -d "${TMPDIR:-/tmp}/zequenze-lint.XXXXXX")
trap 'rm -rf "$collections"' EXIT
mkdir -p "$collections/ansible_collections/zequenze"
ln -s "$ROOT" "$collections/ansible_collections/zequenze/control"
export ANSIBLE_COLLECTIONS_PATH=$collections

log "ansible-lint --profile production, as a plain ansible-lint at the root sees the repository"
# .ansible-lint holds the profile and the by-products to skip; no --exclude here (it takes
# several values and swallowed the targets once). A private ANSIBLE_HOME: no stale copy.
report=$collections/lint.txt
ANSIBLE_HOME=$collections/home ansible-lint --offline --strict --nocolor 2>&1 | tee "$report"
processed=$(sed -n 's/.* in \([0-9]*\) files processed.*/\1/p' "$report" | tail -n 1)
# At least every YAML file git knows (roles, playbooks, molecule, docs' examples, extensions...).
floor=$(git ls-files -co --exclude-standard '*.yml' '*.yaml' | wc -l)
echo "ansible-lint: ${processed:-0} files, 0 failures (at least $floor expected)"
if [ "$floor" -eq 0 ] || [ "${processed:-0}" -lt "$floor" ]; then
  echo "ansible-lint processed ${processed:-0} files, fewer than the $floor YAML files in the repository" >&2
  exit 1
fi

log "ansible-doc -t role renders every role"
for role in roles/*/; do
  role=$(basename "$role")
  out=$(ANSIBLE_NOCOLOR=1 ansible-doc -t role "zequenze.control.$role" 2>&1) ||
    { echo "$out" >&2; echo "ansible-doc -t role failed for $role" >&2; exit 1; }
  grep -Eq "^ENTRY POINT: \*?main\*? - " <<<"$out" || { echo "$out" >&2; echo "ansible-doc rendered no main entry point for $role" >&2; exit 1; }
  echo "ok: zequenze.control.$role ($(wc -l <<<"$out") lines)"
done
for filter in plugins/filter/*.py; do
  name=$(basename "$filter" .py)
  ansible-doc -t filter "zequenze.control.$name" >/dev/null 2>&1 ||
    { echo "ansible-doc -t filter failed for $name" >&2; exit 1; }
  echo "ok: filter zequenze.control.$name"
done
