#!/usr/bin/env bash
# Event-Driven Ansible checks: galaxy-importer's EDA lint (ruff and pylint over
# extensions/eda/plugins, with its options), then the real ansible-rulebook running the
# example rulebook against a real emulator that is killed and restarted (tests/eda).
# ansible-rulebook lives in its own pinned venv (.venv-eda, tests/eda/requirements.txt).
#   scripts/test-eda.sh [PYTEST ARGS...]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

EDA_VENV=${EDA_VENV:-$ROOT/.venv-eda}
EDA_REQUIREMENTS=$ROOT/tests/eda/requirements.txt
ensure_venv "$EDA_VENV" "$EDA_REQUIREMENTS" 3.12

# The options galaxy-importer's EDA check applies; it ignores their exit status, we do not.
log "EDA lint: ruff and pylint over extensions/eda/plugins"
"$EDA_VENV/bin/ruff" check --no-cache --select ALL \
  --ignore D100,D104,INP001,FA102,UP001,UP010,I001,FA100,PLR0913,E501 -q "$ROOT/extensions/eda/plugins"
"$EDA_VENV/bin/pylint" "$ROOT"/extensions/eda/plugins/event_source/*.py --output-format=parseable -sn \
  --disable R0801,E0401,C0103,R0913,R0902,R0903

tree_parent=$ROOT/.tree/eda
sync_collection_tree "$tree_parent/ansible_collections/zequenze/control"
log "ansible-rulebook: the example rulebook against a real emulator, with a kill -9 and restart"
EDA_VENV=$EDA_VENV EDA_COLLECTIONS_ROOT=$tree_parent NARROWED=$(( $# > 0 )) \
  run_pytest "EDA tests" "$ROOT/tests/eda" -s "$@"
