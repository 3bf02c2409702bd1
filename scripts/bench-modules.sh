#!/usr/bin/env bash
# make bench (modules part): per-task time against ansible.builtin.uri, waiting
# against uri + until, and listing 10,000 operations against a bare requests loop.
# Prints the figures and their goals; exits non-zero when a goal is missed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
TREE_PARENT=$ROOT/.tree/bench-modules
TREE=$TREE_PARENT/ansible_collections/zequenze/control
export ANSIBLE_COLLECTIONS_PATH=$TREE_PARENT
bench=$ROOT/tests/bench/modules/bench.py

sync_collection_tree "$TREE"
status=0

log "modules: per task, and waiting (emulator at --time-scale 30)"
with_emulator --time-scale 30 -- "$VENV/bin/python" "$bench" tasks wait || status=1

log "modules: listing 10,000 operations"
workdir=$(mktemp -d "${TMPDIR:-/tmp}/bench-modules.XXXXXX")
trap 'rm -rf "$workdir"' EXIT
"$VENV/bin/python" "$ROOT/tests/bench/emulator/seed_operations.py" "$workdir/seeded.db" 10000
ZEQUENZE_EMULATOR_DB=$workdir/seeded.db with_emulator --no-access-log -- \
  "$VENV/bin/python" "$bench" listing || status=1
exit "$status"
