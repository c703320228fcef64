#!/usr/bin/env bash
# Installs what is missing, builds Sluice, and starts the desktop app on its embedded defaults:
# a SQLite file in ~/.local/share/sluice/ holding the demo workspace. Arguments go to `sluice`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh build
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)"
exec build/app/sluice/sluice "$@"
