#!/usr/bin/env bash
# Run a command against a fresh emulator on a free loopback port, then stop it.
#
#   scripts/with-emulator.sh [EMULATOR OPTIONS...] -- COMMAND [ARGS...]
#
# The command sees ZEQUENZE_API_URL, ZEQUENZE_API_TOKEN (demo-token unless set
# or a --tokens file is given; https with --tls-cert), ZEQUENZE_EMULATOR_PORT, ZEQUENZE_EMULATOR_DB and
# ZEQUENZE_EMULATOR_LOG. The exit status is the command's.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

emulator_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do emulator_args+=("$1"); shift; done
[ "${1:-}" = "--" ] || { echo "usage: $0 [EMULATOR OPTIONS...] -- COMMAND [ARGS...]" >&2; exit 2; }
shift

# The emulator always runs from the main dev venv, whatever $VENV the caller
# tests with (the version matrix points $VENV at an older ansible-core).
EMULATOR_BIN=${ZEQUENZE_EMULATOR_BIN:-$DEV_VENV/bin/zequenze-control-emulator}

workdir=$(mktemp -d "${TMPDIR:-/tmp}/zequenze-emulator.XXXXXX")
port=$(free_port)
export ZEQUENZE_EMULATOR_PORT=$port
export ZEQUENZE_EMULATOR_DB=${ZEQUENZE_EMULATOR_DB:-$workdir/emulator.db}
export ZEQUENZE_EMULATOR_LOG=$workdir/emulator.log
# With --tls-cert the emulator serves HTTPS; the readiness probe does not verify
# (the command under test decides how to trust the certificate).
scheme=http probe_opts=()
case " ${emulator_args[*]:-} " in
  *" --tls-cert "*) scheme=https probe_opts=(--insecure) ;;
esac
export ZEQUENZE_API_URL=$scheme://127.0.0.1:$port/api/v1
case " ${emulator_args[*]:-} " in
  *" --tokens "*) ;;
  *) export ZEQUENZE_API_TOKEN=${ZEQUENZE_API_TOKEN:-demo-token} ;;
esac

"$EMULATOR_BIN" --host 127.0.0.1 --port "$port" \
  --db "$ZEQUENZE_EMULATOR_DB" ${emulator_args[@]+"${emulator_args[@]}"} \
  >"$ZEQUENZE_EMULATOR_LOG" 2>&1 &
emulator_pid=$!

# shellcheck disable=SC2317  # run by the EXIT trap
stop_emulator() {
  kill "$emulator_pid" 2>/dev/null || true
  wait "$emulator_pid" 2>/dev/null || true
  rm -rf "$workdir"
}
trap stop_emulator EXIT

# Ready when /healthz answers with our process's pid: another server that
# happens to answer on the port does not count.
PROBE_PYTHON=$DEV_VENV/bin/python
[ -x "$PROBE_PYTHON" ] || PROBE_PYTHON=python3
emulator_ready() {
  local body
  body=$(curl -fsS ${probe_opts[@]+"${probe_opts[@]}"} "$scheme://127.0.0.1:$port/healthz" 2>/dev/null) || return 1
  "$PROBE_PYTHON" -c 'import json, sys
body = json.loads(sys.argv[1])
sys.exit(0 if body.get("status") == "ok" and body.get("pid") == int(sys.argv[2]) else 1)' "$body" "$emulator_pid" 2>/dev/null
}
ready=0
for _ in $(seq 1 100); do
  if emulator_ready; then ready=1; break; fi
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "emulator exited before it was ready:" >&2; cat "$ZEQUENZE_EMULATOR_LOG" >&2; exit 1
  fi
  sleep 0.1
done
[ "$ready" = 1 ] || emulator_ready || { echo "emulator not ready after 10 s (or another server answers on port $port)" >&2; cat "$ZEQUENZE_EMULATOR_LOG" >&2; exit 1; }

status=0
"$@" || status=$?
exit "$status"
