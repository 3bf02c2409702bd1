#!/usr/bin/env bash
# galaxy-importer over the built tarball, as Galaxy and Automation Hub run it on upload
# (ansible-lint included, ansible-test not: make test-sanity runs that): 0 errors, 0 warnings.
#   scripts/test-importer.sh [REQUIREMENTS]   default requirements-importer.txt (our pins);
#   the matrix passes requirements-certification.txt (Automation Hub certification's pins).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/lib-package.sh
source "$ROOT/scripts/lib-package.sh"

requirements=$ROOT/${1:-requirements-importer.txt}
name=$(basename "$requirements" .txt)
importer_venv=$ROOT/.venv-${name#requirements-}
ensure_venv "$importer_venv" "$requirements" 3.12

work=$(mktemp -d "${TMPDIR:-/tmp}/zequenze-importer.XXXXXX")
trap 'rm -rf "$work"' EXIT
build_and_install_collection "$work"
printf '[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\n' > "$work/importer.cfg"
versions=$("$importer_venv/bin/python" -c 'from importlib.metadata import version as v
print(", ".join("%s %s" % (n, v(n)) for n in ("galaxy-importer", "ansible-lint", "ansible-core")))')
log "galaxy-importer on $(basename "$COLLECTION_TARBALL") ($versions)"
status=0
# It writes importer_result.json into the working folder; its tools must be on PATH.
(cd "$work" && PATH=$importer_venv/bin:$PATH GALAXY_IMPORTER_CONFIG=$work/importer.cfg \
  "$importer_venv/bin/python" -m galaxy_importer.main "$COLLECTION_TARBALL") > "$work/importer.log" 2>&1 || status=$?
cat "$work/importer.log"
errors=$(grep -c '^ERROR' "$work/importer.log" || true)
warnings=$(grep -c '^WARNING' "$work/importer.log" || true)
files=$(tar -tzf "$COLLECTION_TARBALL" | grep -vc '/$')
echo "galaxy-importer ($versions): $files files, $errors errors, $warnings warnings, exit $status"
grep -q '^Linting collection via ansible-lint' "$work/importer.log" || { echo "galaxy-importer did not run ansible-lint" >&2; status=1; }
grep -q '^Importer processing completed successfully' "$work/importer.log" || status=1
if [ "$errors" != 0 ] || [ "$warnings" != 0 ]; then status=1; fi
exit "$status"
