#!/bin/sh
# Installs the pinned Prism (package.json + package-lock.json beside this script) into DEST with
# `npm ci`, unless DEST already holds exactly this lockfile's install. Used by the airbyte_prism
# ctest fixture; node_modules never lives in the source tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:?usage: install.sh DEST}
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "install.sh: node and npm are needed for the Airbyte contract test (Prism); install the Debian packages nodejs and npm" >&2
    exit 1
fi
mkdir -p "$dest"
if [ -x "$dest/node_modules/.bin/prism" ] && cmp -s "$here/package-lock.json" "$dest/package-lock.json"; then
    exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$dest/"
cd "$dest"
npm ci --no-audit --no-fund --loglevel=error
test -x node_modules/.bin/prism
