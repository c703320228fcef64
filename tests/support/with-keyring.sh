#!/usr/bin/env bash
# Runs a command inside a private D-Bus session bus with a fresh, unlocked gnome-keyring (Secret
# Service) and a throwaway HOME, so keychain tests never touch the user's own keyring.
#   with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || { echo "with-keyring: $tool is missing; install dbus and gnome-keyring" >&2; exit 1; }
done
if [ -z "${SLUICE_IN_KEYRING_SESSION:-}" ]; then
    # The throwaway HOME is in place before the bus starts: a keyring daemon that the bus activates
    # inherits the bus's environment, and must not use the real HOME either.
    home=$(mktemp -d /tmp/sluice-keyring-home.XXXXXX)
    trap 'rm -rf "$home"' EXIT
    export SLUICE_IN_KEYRING_SESSION=1
    export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$home/run"
    mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
    status=0
    dbus-run-session -- "$0" "$@" || status=$?
    exit $status
fi
eval "$(printf 'sluice-test' | gnome-keyring-daemon --daemonize --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
# --daemonize returns before the daemon owns its bus name and has unlocked the login keyring. Wait for
# both: a client that came first would have the bus start a second daemon with a locked keyring.
# Up to 30 s: on a loaded 2-core machine (ctest -j2 beside a build) the daemon has taken over 10 s.
ready=
for _ in $(seq 1 300); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
            string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' &&
       dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets/collection/login \
            org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked 2>/dev/null | grep -q 'boolean false'; then
        ready=1
        break
    fi
    sleep 0.1
done
[ -n "$ready" ] || { echo "with-keyring: gnome-keyring did not unlock its login keyring within 30 s" >&2; exit 1; }
status=0
"$@" || status=$?
# gnome-keyring 42 prints no GNOME_KEYRING_PID (`kill 0` would kill our whole process group, ctest
# included); the daemon exits by itself when dbus-run-session closes the bus.
[ -z "${GNOME_KEYRING_PID:-}" ] || kill "$GNOME_KEYRING_PID" 2>/dev/null || true
exit $status
