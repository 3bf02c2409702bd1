#!/usr/bin/env bash
# Build the collection tarball the way a release does, check what went into it,
# install it into an empty collections path and document every plugin, role and
# playbook from that install, so a packaging mistake fails CI.
#
#   scripts/test-package.sh                       # installed with .venv's ansible-core
#   VENV=.venv-core216 scripts/test-package.sh    # installed with the oldest supported one
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

# shellcheck source=scripts/lib-package.sh
source "$(dirname "$0")/lib-package.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/zequenze-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ANSIBLE_HOME=$work/ansible-home
core=$(ansible --version | sed -n '1s/.*core \([0-9.]*\).*/\1/p')

fail() { echo "test-package (ansible-core $core): $*" >&2; exit 1; }

log "building the tarball (release toolchain, .venv) and installing it with ansible-core $core into an empty collections path"
build_and_install_collection "$work"
src_parent=$COLLECTION_SRC_PARENT
src=$src_parent/ansible_collections/zequenze/control
installed_parent=$COLLECTION_INSTALLED_PARENT
tarball=$COLLECTION_TARBALL
tar -tzf "$tarball" | sed 's#^\./##; s#/$##' | sort > "$work/contents.txt"
log "$(basename "$tarball"): $(wc -l < "$work/contents.txt") entries, $(du -k "$tarball" | cut -f1) KiB"

# Every file against the allow-list (tests/support/tarball-allowed.txt), and every file git
# knows that build_ignore does not drop inside.
(cd "$ROOT" && "$DEV_VENV/bin/python" -m tests.support.tarball "$tarball" "$src") || fail "tarball contents (above)"

# Secrets: key material, token files, or a bearer token written out in full.
mkdir -p "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
# (changelog fragments are named by topic, and a topic may be "token-...").
if grep -v '^changelogs/fragments/' "$work/contents.txt" | grep -Ei '\.(pem|key|p12|pfx|crt)$|(^|/)\.env$|(^|/)tokens?[^/]*\.ya?ml$'; then
  fail "key, certificate or token files in the tarball (above)"
fi
secret_patterns=('-----BEGIN [A-Z ]*PRIVATE KEY-----' 'Bearer [A-Za-z0-9._~+/-]{20,}' '(api_token|ZEQUENZE_API_TOKEN)["'"'"']?[:=] *["'"'"']?[A-Za-z0-9._~+/-]{24,}')
for pattern in "${secret_patterns[@]}"; do
  if grep -rIEn -- "$pattern" "$work/unpacked" > "$work/secrets.txt"; then
    fail "something that looks like a secret (pattern: $pattern):"$'\n'"$(cut -c1-200 "$work/secrets.txt" | head -n 5)"
  fi
done
if [ -n "${ZEQUENZE_API_TOKEN:-}" ] && grep -rIlF -- "$ZEQUENZE_API_TOKEN" "$work/unpacked" >/dev/null; then
  fail "the token in ZEQUENZE_API_TOKEN appears in the tarball"
fi

in_collections_path "$installed_parent" ansible-galaxy collection verify --offline -p "$installed_parent" zequenze.control >/dev/null ||
  fail "ansible-galaxy collection verify found modified or missing files"

# Every plugin and role in the source must be listed and documented from the
# install, without a warning.
types=(module filter test lookup inventory callback role)
documented=0
for type in "${types[@]}"; do
  in_collections_path "$src_parent" ansible-doc -t "$type" -l zequenze.control --json > "$work/src-$type.json" 2>/dev/null || echo '{}' > "$work/src-$type.json"
  in_collections_path "$installed_parent" ansible-doc -t "$type" -l zequenze.control --json > "$work/inst-$type.json" 2>"$work/err.txt" ||
    fail "ansible-doc -t $type -l failed on the install: $(cat "$work/err.txt")"
  names=$(python3 - "$work/src-$type.json" "$work/inst-$type.json" <<'PY'
import json, sys
def names(path):
    data = json.load(open(path))
    # roles list as {"collection": {"roles": {...}}} on some cores, flat on others
    out = set()
    for key, value in data.items():
        if key.startswith("zequenze.control.") or "." not in key:
            out.add(key if "." in key else "zequenze.control." + key)
        elif isinstance(value, dict):
            out.update(k if k.startswith("zequenze.control.") else "zequenze.control." + k
                       for k in value.get("roles", value))
    return out
src, inst = names(sys.argv[1]), names(sys.argv[2])
missing = sorted(src - inst)
if missing:
    sys.exit("missing from the install: " + ", ".join(missing))
print("\n".join(sorted(inst)))
PY
) || fail "$type: $names"
  for name in $names; do
    in_collections_path "$installed_parent" ansible-doc -t "$type" "$name" > "$work/doc.txt" 2> "$work/err.txt" ||
      fail "ansible-doc -t $type $name failed: $(cat "$work/err.txt")"
    # ansible-core 2.21 warns about its own internal _protomatter collection when documenting roles.
    if grep -E '\[(WARNING|ERROR)\]' "$work/err.txt" | grep -v "/_protomatter' does not have a MANIFEST.json"; then
      fail "ansible-doc -t $type $name warned (above)"
    fi
    [ -s "$work/doc.txt" ] || fail "ansible-doc -t $type $name printed nothing"
    documented=$((documented + 1))
  done
done

# Source files that ansible-doc must have seen (guards against an empty list).
for file in "$src"/plugins/modules/*.py; do
  [ -e "$file" ] || continue
  name=zequenze.control.$(basename "$file" .py)
  grep -xF "$name" >/dev/null <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' "$work/inst-module.json") ||
    fail "module $name is in the source but not documented from the install"
done
for dir in "$src"/roles/*/; do
  [ -d "$dir" ] || continue
  in_collections_path "$installed_parent" ansible-doc -t role "zequenze.control.$(basename "$dir")" >/dev/null 2>&1 ||
    fail "role $(basename "$dir") has no documentation in the install (meta/argument_specs.yml)"
done

# Playbooks run by FQCN from the install.
playbooks=0
for file in "$src"/playbooks/*.yml; do
  [ -e "$file" ] || continue
  name=zequenze.control.$(basename "$file" .yml)
  in_collections_path "$installed_parent" ansible-playbook -i localhost, --syntax-check "$name" > "$work/out.txt" 2>&1 ||
    fail "ansible-playbook --syntax-check $name failed from the install: $(cat "$work/out.txt")"
  playbooks=$((playbooks + 1))
done

log "ansible-core $core: tarball clean, installed, $documented plugins/roles documented, $playbooks playbooks syntax-checked by FQCN"
