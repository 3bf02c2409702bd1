#!/usr/bin/env bash
# The oldest supported ansible-core (meta/runtime.yml: >= 2.16) on Python 3.11:
# unit tests, integration tests, and the package built, installed and documented
# with that core's own tools. The newest (2.21 on Python 3.12, .venv) runs the
# same scripts, and sanity, in the other make test targets.
#
#   scripts/test-matrix.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

OLDEST_VENV=$ROOT/.venv-core216
OLDEST_REQUIREMENTS=$ROOT/requirements-core-2.16.txt

# Create (or refresh) the venv from its pinned requirements, like make venv.
stamp=$OLDEST_VENV/.stamp
if [ ! -f "$stamp" ] || [ "$OLDEST_REQUIREMENTS" -nt "$stamp" ]; then
  python=$(command -v python3.11 || true)
  # pyenv shims exit 127: prefer the real binary.
  for candidate in "$HOME"/.pyenv/versions/3.11.*/bin/python3.11; do
    [ -x "$candidate" ] && python=$candidate
  done
  [ -n "$python" ] || { echo "test-matrix: Python 3.11 not found (ansible-core 2.16 needs 3.10-3.12)" >&2; exit 1; }
  log "creating $OLDEST_VENV with $python"
  [ -x "$OLDEST_VENV/bin/python" ] || "$python" -m venv "$OLDEST_VENV"
  "$OLDEST_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$OLDEST_REQUIREMENTS"
  touch "$stamp"
fi

version=$("$OLDEST_VENV/bin/ansible" --version)
version=${version%%$'\n'*}
python_version=$("$OLDEST_VENV/bin/python" --version)
log "oldest supported: $version on $python_version"

export VENV=$OLDEST_VENV
"$ROOT/scripts/test-units.sh"
"$ROOT/scripts/test-integration.sh"
"$ROOT/scripts/test-package.sh"
log "matrix: units, integration and package passed on $version ($python_version)"
