#!/usr/bin/env bash
# make bench (create path): headless_operation create and idempotent rerun against a bare
# ansible.builtin.uri POST, with 1,000 / 10,000 / 100,000 operations stored (created over a
# year), plus the first task on a fresh controller. Prints figures and goals; exits non-zero
# when a goal is missed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
TREE_PARENT=$ROOT/.tree/bench-create
TREE=$TREE_PARENT/ansible_collections/zequenze/control
export ANSIBLE_COLLECTIONS_PATH=$TREE_PARENT
bench=$ROOT/tests/bench/modules/create_path.py

sync_collection_tree "$TREE"
workdir=$(mktemp -d "${TMPDIR:-/tmp}/bench-create.XXXXXX")
trap 'rm -rf "$workdir"' EXIT
for stored in ${BENCH_CREATE_STORED:-1000 10000 100000}; do
  log "create path: $stored operations stored"
  "$VENV/bin/python" "$ROOT/tests/bench/emulator/seed_operations.py" "$workdir/$stored.db" "$stored" 365
  ZEQUENZE_EMULATOR_DB=$workdir/$stored.db with_emulator --no-access-log -- \
    "$VENV/bin/python" "$bench" measure "$stored" "$workdir/results.jsonl"
done
"$VENV/bin/python" "$bench" report "$workdir/results.jsonl"
