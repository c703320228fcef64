#!/usr/bin/env bash
# Starts the Sluice window on its embedded default (a demo SQLite store in a throwaway HOME) under Xvfb,
# with a private D-Bus session, a keychain and an accessibility bus, and runs check_accessibility.py
# against it through AT-SPI.
#   run-check.sh SLUICE_BINARY
# Exit 0 when every control is named, 1 when some are not, 2 when the check could not run; 77 (skipped)
# when python3-pyatspi or the at-spi bus is missing outside CI. Under CI=true a missing part fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 SLUICE_BINARY" >&2; exit 2; }
app=$1
launcher=/usr/libexec/at-spi-bus-launcher
missing() {
    echo "accessibility: $1 (scripts/bootstrap.sh test installs it)" >&2
    [ "${CI:-}" = "true" ] && exit 2
    exit 77
}
/usr/bin/python3 -c 'import pyatspi' 2>/dev/null || missing "python3-pyatspi is missing"
[ -x "$launcher" ] || missing "at-spi2-core is missing"
command -v xvfb-run >/dev/null || missing "xvfb is missing"

if [ -z "${SLUICE_A11Y_INNER:-}" ]; then
    export SLUICE_A11Y_INNER=1
    exec "$here/../../support/with-keyring.sh" xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$app"
fi

# Inside the private session bus (with-keyring.sh) and the X server (xvfb-run).
"$launcher" --launch-immediately &
launcher_pid=$!
app_pid=
cleanup() {
    [ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true
    kill "$launcher_pid" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
        string:org.a11y.Bus 2>/dev/null | grep -q 'boolean true' && break
    sleep 0.1
done
export QT_QPA_PLATFORM=xcb QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 QT_ACCESSIBILITY=1 NO_AT_BRIDGE=0
log=$(mktemp)
"$app" >"$log" 2>&1 &
app_pid=$!
status=0
/usr/bin/python3 "$here/check_accessibility.py" "$app_pid" || status=$?
if [ "$status" = 2 ]; then
    echo "accessibility: the app's output:" >&2
    sed 's/^/    /' "$log" >&2
fi
rm -f "$log"
exit $status
