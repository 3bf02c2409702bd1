# shellcheck shell=bash
# Build and install the collection tarball the way a release and a user do.
# Source it after scripts/lib.sh; do not run it.

# ansible-* reading the collection from one collections path only, run outside
# the repository so that nothing adjacent stands in for it.
#   in_collections_path PARENT CMD...   (PARENT holds ansible_collections/)
in_collections_path() {
  local parent=$1; shift
  (cd "${TMPDIR:-/tmp}" && ANSIBLE_COLLECTIONS_PATH=$parent ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false "$@")
}

# build_and_install_collection WORKDIR
# Copies the files git knows to WORKDIR/src/ansible_collections/zequenze/control
# (untracked scratch files and other people's output must not decide what a
# release contains), builds WORKDIR/dist/zequenze-control-<version>.tar.gz and
# installs it offline into WORKDIR/installed. Sets COLLECTION_SRC_PARENT,
# COLLECTION_TARBALL and COLLECTION_INSTALLED_PARENT.
# A release is built with the newest ansible-core (.venv) and installed by
# users with theirs: the build uses .venv's ansible-galaxy, the install $VENV's.
build_and_install_collection() {
  local work=$1
  COLLECTION_SRC_PARENT=$work/src
  COLLECTION_INSTALLED_PARENT=$work/installed
  sync_collection_tree "$COLLECTION_SRC_PARENT/ansible_collections/zequenze/control"
  (cd "$COLLECTION_SRC_PARENT/ansible_collections/zequenze/control" &&
    "$DEV_VENV/bin/ansible-galaxy" collection build --force --output-path "$work/dist" >/dev/null)
  COLLECTION_TARBALL=$(ls "$work"/dist/zequenze-control-*.tar.gz)
  in_collections_path "$COLLECTION_INSTALLED_PARENT" \
    ansible-galaxy collection install --offline "$COLLECTION_TARBALL" -p "$COLLECTION_INSTALLED_PARENT" >/dev/null
  export COLLECTION_SRC_PARENT COLLECTION_TARBALL COLLECTION_INSTALLED_PARENT
}
