# shellcheck shell=bash
# Shared helpers for the make targets. Source it; do not run it.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
# The newest-core dev venv: it builds releases and runs the emulator, whatever $VENV tests with.
DEV_VENV=${DEV_VENV:-$ROOT/.venv}
TREE_PARENT=$ROOT/.tree
# ansible-test insists on .../ansible_collections/<namespace>/<name>
TREE=$TREE_PARENT/ansible_collections/zequenze/control
export ANSIBLE_HOME=${ANSIBLE_HOME:-$ROOT/.ansible}
export PATH="$VENV/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Copy the files git knows (tracked + untracked, not ignored) into $TREE and
# give the copy its own .git: ansible-test refuses a symlinked tree, and a copy
# without its own repository makes it consult ours, see zero files and skip all.
sync_collection_tree() {
  local dest=$1
  rm -rf "$dest"
  mkdir -p "$dest"
  # Files deleted in the work tree but still in the index are skipped.
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
      if [ -e "$file" ]; then printf '%s\0' "$file"; fi
    done | xargs -0 -r cp --parents -t "$dest")
  (cd "$dest" && git init -q && git add -A && git -c user.name=tree -c user.email=tree@localhost commit -qm tree --no-verify)
}

# A folder of pythonX.Y links to the real pyenv binaries (the shims exit 127).
python_links_dir() {
  local dir=$TREE_PARENT/bin py v
  mkdir -p "$dir"
  for v in 3.9 3.10 3.11 3.12 3.13; do
    py=$(find "$HOME"/.pyenv/versions -maxdepth 3 -path "*/versions/$v.*/bin/python$v" 2>/dev/null | sort -V | tail -n 1)
    [ -n "$py" ] && ln -sf "$py" "$dir/python$v"
  done
  echo "$dir"
}

# ansible-test --venv downloads get-pip.py from a host we cannot reach; it looks
# in its cache first, so put a stand-in there that uses ensurepip instead.
install_get_pip_standin() {
  local version file
  version=$("$VENV/bin/python" - <<'PY'
import re, ansible_test, pathlib
src = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
print(re.search(r"pip='([0-9.]+)'", src.read_text()).group(1))
PY
)
  file=$HOME/.ansible/test/cache/get_pip_${version//./_}.py
  mkdir -p "$(dirname "$file")"
  cat > "$file" <<'PY'
# Stand-in for get-pip.py: bootstrap pip from ensurepip, then install the pins.
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
PY
}

# Run ansible-test inside a fresh tree copy. Extra env: TREE_SETUP, a function
# name to call in the tree before the run (e.g. to write integration_config.yml).
run_ansible_test() {
  sync_collection_tree "$TREE"
  install_get_pip_standin
  local links
  links=$(python_links_dir)
  if [ -n "${TREE_SETUP:-}" ]; then "$TREE_SETUP" "$TREE"; fi
  (cd "$TREE" && PATH="$links:$PATH" ansible-test "$@")
}

# with_emulator [EMULATOR OPTIONS...] -- COMMAND...: the one launcher (tests/support/emulator_process.py).
with_emulator() { "$DEV_VENV/bin/python" "$ROOT/tests/support/emulator_process.py" "$@"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# run_pytest NAME FOLDER [PYTEST ARGS...]: pytest over FOLDER (pytest.ini found from it), then
# the one JUnit check (tests/support/junit.py): a skipped test fails the run, and so does a run
# of fewer tests than FOLDER's test files define, unless NARROWED=1 (the user picked tests).
run_pytest() {
  local name=$1 folder report status=0
  folder=$(cd "$2" && pwd)
  shift 2
  report=$(mktemp "${TMPDIR:-/tmp}/junit.XXXXXX")
  "$VENV/bin/python" -m pytest "$folder" -q -rs --junitxml="$report" "$@" || status=$?
  local floor_dirs=("$folder")
  [ "${NARROWED:-0}" = 0 ] || floor_dirs=()
  (cd "$ROOT" && "$VENV/bin/python" -m tests.support.junit "$name" "$report" ${floor_dirs[@]+"${floor_dirs[@]}"}) || status=1
  rm -f "$report"
  return "$status"
}

# ensure_venv DIR REQUIREMENTS X.Y: create (or refresh, when REQUIREMENTS is newer) a venv of
# the pyenv Python X.Y (the shims exit 127) with those pins.
ensure_venv() {
  local dir=$1 requirements=$2 version=$3 python
  if [ -f "$dir/.stamp" ] && [ ! "$requirements" -nt "$dir/.stamp" ]; then return 0; fi
  python=$(find "$HOME"/.pyenv/versions -maxdepth 3 -path "*/versions/$version.*/bin/python$version" 2>/dev/null | sort -V | tail -n 1)
  [ -n "$python" ] || python=$(command -v "python$version") || { echo "Python $version not found" >&2; return 1; }
  log "creating $dir with $python from $(basename "$requirements")"
  [ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  touch "$dir/.stamp"
}

# ensure_debian_package COMMAND PACKAGE: install the Debian package that provides COMMAND
# when it is missing (as root, or through sudo), so a tier runs instead of skipping.
ensure_debian_package() {
  local command=$1 package=$2
  command -v "$command" >/dev/null 2>&1 && return 0
  log "installing $package (Debian package) for $command"
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  if ! { "${sudo[@]}" apt-get update -qq >/dev/null && "${sudo[@]}" apt-get install -y -qq "$package" >/dev/null; }; then
    echo "$command is required: apt-get install $package" >&2
    return 1
  fi
}
