#!/usr/bin/env bash
# Runs a command inside a private D-Bus session bus with a fresh, unlocked gnome-keyring (Secret
# Service) and a throwaway HOME, so keychain tests never touch the user's own keyring.
#   with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || { echo "with-keyring: $tool is missing; install dbus and gnome-keyring" >&2; exit 1; }
done
if [ -z "${SLUICE_IN_KEYRING_SESSION:-}" ]; then
    export SLUICE_IN_KEYRING_SESSION=1
    exec dbus-run-session -- "$0" "$@"
fi
home=$(mktemp -d /tmp/sluice-keyring-home.XXXXXX)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
eval "$(printf 'sluice-test' | gnome-keyring-daemon --daemonize --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
status=0
"$@" || status=$?
kill "${GNOME_KEYRING_PID:-0}" 2>/dev/null || true
exit $status
