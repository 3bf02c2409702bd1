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
stamp=$EDA_VENV/.stamp
if [ ! -f "$stamp" ] || [ "$EDA_REQUIREMENTS" -nt "$stamp" ]; then
  python=""
  for candidate in "$HOME"/.pyenv/versions/3.12.*/bin/python3.12; do
    [ -x "$candidate" ] && python=$candidate
  done
  [ -n "$python" ] || python=$(command -v python3.12 || true)
  [ -n "$python" ] || { echo "test-eda: Python 3.12 not found (the pins of $EDA_REQUIREMENTS are for 3.12)" >&2; exit 1; }
  log "creating $EDA_VENV with $python"
  [ -x "$EDA_VENV/bin/python" ] || "$python" -m venv "$EDA_VENV"
  "$EDA_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$EDA_REQUIREMENTS"
  touch "$stamp"
fi

# The options galaxy-importer's EDA check applies; it ignores their exit status, we do not.
log "EDA lint: ruff and pylint over extensions/eda/plugins"
"$EDA_VENV/bin/ruff" check --no-cache --select ALL \
  --ignore D100,D104,INP001,FA102,UP001,UP010,I001,FA100,PLR0913,E501 -q "$ROOT/extensions/eda/plugins"
"$EDA_VENV/bin/pylint" "$ROOT"/extensions/eda/plugins/event_source/*.py --output-format=parseable -sn \
  --disable R0801,E0401,C0103,R0913,R0902,R0903

tree_parent=$ROOT/.tree/eda
sync_collection_tree "$tree_parent/ansible_collections/zequenze/control"
log "ansible-rulebook: the example rulebook against a real emulator, with a kill -9 and restart"
report=$(mktemp "${TMPDIR:-/tmp}/eda.XXXXXX")
trap 'rm -f "$report"' EXIT
status=0
EDA_VENV=$EDA_VENV EDA_COLLECTIONS_ROOT=$tree_parent \
  "$VENV/bin/python" -m pytest -c "$ROOT/pytest.ini" --rootdir "$ROOT" "$ROOT/tests/eda" -q -s -rs \
  --junitxml="$report" "$@" || status=$?
skipped=$("$VENV/bin/python" -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); print(sum(int(s.get("skipped", 0)) for s in r.iter("testsuite")))' "$report" 2>/dev/null || echo 0)
if [ "$skipped" != "0" ]; then
  echo "test-eda: $skipped test(s) skipped; a skip does not count as a pass" >&2
  status=1
fi
exit "$status"
