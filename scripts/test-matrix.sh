#!/usr/bin/env bash
# The oldest supported ansible-core (meta/runtime.yml: >= 2.16) on Python 3.11:
# unit tests, integration tests, sanity, and the package built, installed and documented
# with that core's own tools.
# The newest (2.21 on Python 3.12, .venv) runs the same scripts in the other targets.
#
#   scripts/test-matrix.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

OLDEST_VENV=$ROOT/.venv-core216
OLDEST_REQUIREMENTS=$ROOT/requirements-core-2.16.txt

ensure_venv "$OLDEST_VENV" "$OLDEST_REQUIREMENTS" 3.11

version=$("$OLDEST_VENV/bin/ansible" --version)
version=${version%%$'\n'*}
python_version=$("$OLDEST_VENV/bin/python" --version)
log "oldest supported: $version on $python_version"

export VENV=$OLDEST_VENV
"$ROOT/scripts/test-units.sh"
"$ROOT/scripts/test-integration.sh"
"$ROOT/scripts/test-package.sh"
"$ROOT/scripts/test-sanity.sh"
log "matrix: units, integration, package and sanity passed on $version ($python_version)"
