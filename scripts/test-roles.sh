#!/usr/bin/env bash
# pytest tests/roles: the roles' playbooks run by FQCN from the collection built into a
# tarball and installed into an empty collections path, against real emulator processes.
# Fails when any test fails or is skipped.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/lib-package.sh
source "$ROOT/scripts/lib-package.sh"

# The compliance report's screenshot test renders it in headless Chromium; the
# signature test signs with ssh-keygen -Y (both listed in bindep.txt).
ensure_debian_package chromium-headless-shell chromium-headless-shell
ensure_debian_package ssh-keygen openssh-client

work=$(mktemp -d "${TMPDIR:-/tmp}/zequenze-roles.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "build and install the collection"
build_and_install_collection "$work"
export ZEQUENZE_TEST_COLLECTIONS_PATH=$COLLECTION_INSTALLED_PARENT

log "role and playbook tests (pytest tests/roles)"
cd "$ROOT"
NARROWED=$(( $# > 0 )) run_pytest "role tests" tests/roles -n 2 --dist loadfile "$@"
