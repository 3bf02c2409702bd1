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
