#!/usr/bin/env bash
# The short form of every reliability check, inside make test: fewer runs, kills and
# generated examples than `make reliability`, the same assertions. Figures are printed at the end.
#   scripts/test-reliability.sh [PYTEST ARGS...]
# RELIABILITY_PROFILE=full gives the full suite (scripts/reliability.sh).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

export RELIABILITY_PROFILE=${RELIABILITY_PROFILE:-short}
log "reliability checks ($RELIABILITY_PROFILE): fault soak, kill -9, secrets, bad input, schema fuzzing, TLS, foreign next link, concurrency"
work=$(mktemp -d "${TMPDIR:-/tmp}/reliability.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The collection under test is this work tree, through a link (for ansible-playbook and for
# in-process imports of its filters).
mkdir -p "$work/collections/ansible_collections/zequenze"
ln -s "$ROOT" "$work/collections/ansible_collections/zequenze/control"
export ZEQUENZE_TEST_COLLECTIONS_PATH=$work/collections PYTHONPATH=$work/collections
NARROWED=$(( $# > 0 )) run_pytest "reliability checks ($RELIABILITY_PROFILE)" tests/reliability "$@"
