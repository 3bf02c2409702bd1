#!/usr/bin/env bash
# Lint the changelog fragments and check that CHANGELOG.md is the preview of the
# next release built from them.
#
#   scripts/test-changelog.sh           # check (make test)
#   scripts/test-changelog.sh --write   # regenerate CHANGELOG.md (make changelog)
#
# Until a version is released, its fragments stay in changelogs/fragments and
# CHANGELOG.md shows it as the upcoming release: the preview is made by running
# `antsibull-changelog release` in a throw-away copy, so nothing is consumed.
# docs/releasing.md describes the release step that does consume them.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

mode=${1:-check}
cd "$ROOT"

log "antsibull-changelog lint"
# antsibull-changelog says only "yaml parsing error"; say where.
"$VENV/bin/python" - changelogs/fragments <<'PY'
import pathlib, sys, yaml
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.y*ml")):
    try:
        yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        sys.exit(f"{path}: {error}\n(an entry containing ': ' needs quotes or a '>-' block)")
PY
antsibull-changelog lint
# ansible-lint takes any *playbook*.yml for a playbook and fails on a fragment so named.
if compgen -G "changelogs/fragments/*playbook*" >/dev/null; then
  echo "rename these fragments (no 'playbook' in the name):" changelogs/fragments/*playbook* >&2
  exit 1
fi

version=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' galaxy.yml)
work=$(mktemp -d "${TMPDIR:-/tmp}/zequenze-changelog.XXXXXX")
trap 'rm -rf "$work"' EXIT
copy=$work/ansible_collections/zequenze/control
sync_collection_tree "$copy"

released=$(python3 - "$copy/changelogs/changelog.yaml" "$version" <<'PY'
import os, sys, yaml
path, version = sys.argv[1:]
data = yaml.safe_load(open(path)) if os.path.exists(path) else {}
print("yes" if version in ((data or {}).get("releases") or {}) else "no")
PY
)
if [ "$released" = yes ]; then
  # The version in galaxy.yml is already released: CHANGELOG.md must match
  # changelog.yaml, and any new fragment waits for the next version bump.
  (cd "$copy" && antsibull-changelog generate >/dev/null)
else
  # A fixed date keeps the preview reproducible; the Markdown shows no date.
  (cd "$copy" && antsibull-changelog release --version "$version" --date 2000-01-01 >/dev/null)
fi

# Every fragment's text must reach the preview (a fragment in a section that
# config.yaml does not know would be dropped silently).
python3 - "$ROOT/changelogs/fragments" "$copy/CHANGELOG.md" "$released" <<'PY'
import pathlib, re, sys, yaml
fragments, changelog, released = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
text = re.sub(r"\\(.)", r"\1", open(changelog).read())  # undo Markdown escapes
plain = lambda s: re.sub(r"<[^>]+>|``?|\s+", " ", s).split()
words = " ".join(plain(text))
missing = []
if released == "no":
    for path in sorted(fragments.glob("*.y*ml")):
        for section, entries in (yaml.safe_load(path.read_text()) or {}).items():
            if section == "trivial":
                continue
            for entry in [entries] if isinstance(entries, str) else entries:
                # "add object.role" and "add plugin.*" entries are {name, description}
                text = entry["description"] if isinstance(entry, dict) else entry
                if " ".join(plain(text)) not in words:
                    missing.append(f"{path.name}: {section}: {text[:60]}")
if missing:
    sys.exit("fragments missing from the generated changelog:\n  " + "\n  ".join(missing))
PY

if [ "$mode" = --write ]; then
  cp "$copy/CHANGELOG.md" "$ROOT/CHANGELOG.md"
  log "CHANGELOG.md regenerated (version $version, released: $released)"
elif ! diff -u "$ROOT/CHANGELOG.md" "$copy/CHANGELOG.md" > "$work/diff.txt" 2>&1; then
  cat "$work/diff.txt" >&2
  echo "CHANGELOG.md is not the changelog of the current fragments: run 'make changelog' and commit it" >&2
  exit 1
else
  log "CHANGELOG.md matches the fragments (version $version, released: $released)"
fi
