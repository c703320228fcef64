#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/debian-packages.txt that are not installed yet.
#   scripts/bootstrap.sh build    what building and running the app needs
#   scripts/bootstrap.sh test     that, plus what the test suites need (PostgreSQL, Xvfb, keychain)
# Runs apt-get as root, or through sudo.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
level=${1:-build}
case "$level" in
build) sections="build" ;;
test) sections="build|test" ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

wanted=$(grep -E "^($sections):" "$here/debian-packages.txt" | cut -d: -f2- | tr ' ' '\n' | grep -v '^$' | sort -u)
while read -r cmd pkgs; do
    if [ -n "$cmd" ] && ! command -v "$cmd" >/dev/null; then wanted="$wanted $pkgs"; fi
done < <(grep -E "^($sections)-command:" "$here/debian-packages.txt" | cut -d: -f2-)
missing=()
for pkg in $wanted; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "bootstrap: all $(echo $wanted | wc -w) packages for '$level' are installed"
    exit 0
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "bootstrap: installing ${#missing[@]} packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "bootstrap: done"
