#!/usr/bin/env bash
# make bench (EDA part): the operation_events source against real emulators; prints its lag after an
# operation ends, the list requests per poll with 100,000 stored operations, and memory over 10,000 events.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
tree_parent=$ROOT/.tree/bench-eda
sync_collection_tree "$tree_parent/ansible_collections/zequenze/control"
cd "$tree_parent/ansible_collections/zequenze/control" && PYTHONPATH=$tree_parent "$VENV/bin/python" -m tests.bench.eda.bench
