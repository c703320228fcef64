#!/usr/bin/env bash
# Installs what is missing, builds Sluice with its tests, and runs every test with ctest.
# Store suites run on SQLite and on a PostgreSQL server the test fixture starts and stops itself.
# With CI=true: warnings are errors, and a suite whose backend is missing fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
preset=default
[ "${CI:-}" = "true" ] && preset=ci
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j"$(nproc)"
ctest --preset "$preset" -j"$(nproc)" "$@"
