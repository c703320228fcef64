#!/usr/bin/env bash
# Renders the window's pages with the demo workspace into docs/screenshots/ (README shows them), under
# Xvfb with a throwaway home, and also takes a picture of the whole screen as a person would see it.
#   scripts/screenshots.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
tool="$build/tests/tools/sluice-screenshots"
[ -x "$tool" ] || { echo "screenshots: build first ($tool is missing)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p docs/screenshots "$work/home"
HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" QT_QPA_PLATFORM=xcb \
    xvfb-run -a -s "-screen 0 1280x800x24" "$tool" docs/screenshots "$work/demo.db"
echo "screenshots: written to docs/screenshots/"
