#!/usr/bin/env bash
# ansible-test integration: the real modules against one real emulator process.
#
# Each target gets its own token scoped to its own organizations, so targets do
# not see each other's operations. The URL and tokens reach the targets through
# tests/integration/integration_config.yml, written into the tree copy. Then the
# modules' EXAMPLES run as written against a fresh emulator. Finally no token may
# appear anywhere in the output.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
# One tree per venv, so the version matrix never shares one with the main run.
TREE_PARENT=$ROOT/.tree/integration-$(basename "$VENV")
TREE=$TREE_PARENT/ansible_collections/zequenze/control
TIME_SCALE=${ZEQUENZE_TEST_TIME_SCALE:-100}
TARGETS=(create wait info errors defaults)

# Called by run_ansible_test through TREE_SETUP, which shellcheck cannot follow.
# shellcheck disable=SC2317
write_integration_config() {
  local tree=$1 target
  {
    echo "zequenze_api_url: ${ZEQUENZE_API_URL}"
    echo "zequenze_tokens:"
    for target in "${TARGETS[@]}"; do
      echo "  ${target}: $(token_for "$target")"
    done
  } >"$tree/tests/integration/integration_config.yml"
}

token_for() { printf 'it-%s-%s' "$1" "$RUN_ID"; }

# Inner part: runs inside with_emulator, which exports ZEQUENZE_API_URL.
if [ "${1:-}" = "--inside-emulator" ]; then
  shift
  export RUN_ID
  # The Python of $VENV: 3.12 for .venv, 3.11 for the oldest-core venv of scripts/test-matrix.sh.
  python_version=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  TREE_SETUP=write_integration_config run_ansible_test integration --venv --python "$python_version" --color no "$@"
  exit
fi
if [ "${1:-}" = "--examples" ]; then
  # Every module's EXAMPLES in one play (in module order, so later examples can use
  # what earlier ones registered), the connection from the environment.
  playbook=$TREE_PARENT/examples.yml
  "$VENV/bin/python" - "$TREE" "$playbook" <<'PY'
import ast, sys, pathlib, yaml
tree, out = pathlib.Path(sys.argv[1]), sys.argv[2]
tasks = []
for path in sorted((tree / "plugins" / "modules").glob("*.py")):
    module = ast.parse(path.read_text())
    examples = next(node.value.value for node in module.body if isinstance(node, ast.Assign)
                    and node.targets[0].id == "EXAMPLES")
    tasks.extend(yaml.safe_load(examples))
play = {"name": "The modules' EXAMPLES", "hosts": "localhost", "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}
pathlib.Path(out).write_text(yaml.safe_dump([play], sort_keys=False))
PY
  ANSIBLE_COLLECTIONS_PATH=$TREE_PARENT "$VENV/bin/ansible-playbook" -i localhost, -c local "$playbook"
  exit
fi

RUN_ID=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
export RUN_ID
tokens=$(mktemp "${TMPDIR:-/tmp}/tokens.XXXXXX.yml")
output=$(mktemp "${TMPDIR:-/tmp}/integration.XXXXXX.log")
trap 'rm -f "$tokens" "$output"' EXIT
# Organizations per target (the errors target asks for 124 to provoke a 403).
cat >"$tokens" <<YAML
tokens:
  $(token_for create): {organizations: [101, 102]}
  $(token_for wait): {organizations: [103, 104, 105, 903]}
  $(token_for info): {organizations: [106, 108, 109]}
  $(token_for errors): {organizations: [110, 111]}
  $(token_for defaults): {organizations: [112, 113]}
YAML

status=0
log "ansible-test integration against an emulator (--time-scale $TIME_SCALE)"
with_emulator --tokens "$tokens" --time-scale "$TIME_SCALE" -- \
  "$0" --inside-emulator "$@" 2>&1 | tee "$output" || status=$?
# Every target directory must have run, not just one of them. ansible-test runs
# each target directly (none is a setup_/prepare_ dependency or hidden), so the
# targets that ran must be exactly the directories. Arguments that pick targets
# (e.g. a target name) narrow this to "at least one ran".
if [ "$status" = 0 ]; then
  ran=$(sed -n 's/.*Running \([^ ]*\) integration test role.*/\1/p' "$output" | sort -u)
  expected=$(find "$ROOT/tests/integration/targets" -mindepth 1 -maxdepth 1 -type d \
    ! -name 'setup_*' ! -name 'prepare_*' -printf '%f\n' | sort)
  if [ -z "$ran" ]; then
    echo "ansible-test ran no integration target: that is not a pass" >&2
    status=1
  elif [ "$#" = 0 ] && [ "$ran" != "$expected" ]; then
    echo "ansible-test ran $(wc -l <<<"$ran") of $(wc -l <<<"$expected") integration targets:" >&2
    diff <(echo "$expected") <(echo "$ran") | sed -n 's/^< /  did not run: /p; s/^> /  unexpected: /p' >&2
    status=1
  else
    log "ansible-test ran $(wc -l <<<"$ran") integration targets"
  fi
fi
if [ "$status" = 0 ]; then
  log "the modules' EXAMPLES, as written, against a fresh emulator"
  with_emulator --time-scale 600 -- "$0" --examples 2>&1 | tee -a "$output" || status=$?
fi
for target in "${TARGETS[@]}"; do
  if grep -qF "$(token_for "$target")" "$output"; then
    echo "the API token of target $target appears in the output" >&2
    status=1
  fi
done
exit "$status"
