#!/usr/bin/env bash
# make reliability: the full reliability suite, figures printed at the end:
# 60-run fault soak, 12 kill -9 restarts, every playbook x every failure at -vvvv for the token,
# 2,000+ generated argument sets per module, schemathesis, TLS, foreign next link, 8 at once.
#   scripts/reliability.sh [PYTEST ARGS...]
set -euo pipefail
RELIABILITY_PROFILE=full exec "$(dirname "$0")/test-reliability.sh" "$@"
