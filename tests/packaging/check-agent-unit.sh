#!/usr/bin/env bash
# The systemd user unit of sluice-agent: systemd itself finds nothing wrong with it (run against the built
# agent), it waits for nothing a user manager cannot reach, and every file its Documentation= names is
# one the install puts there.
#   check-agent-unit.sh UNIT AGENT_BINARY BUILD_DIR
set -euo pipefail
unit=$1 agent=$2 build=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/runtime" "$work/unit"
chmod 700 "$work/runtime"

sed "s|^ExecStart=/usr/bin/sluice-agent|ExecStart=$agent|" "$unit" > "$work/unit/sluice-agent.service"
if ! XDG_RUNTIME_DIR="$work/runtime" systemd-analyze --user verify "$work/unit/sluice-agent.service" > "$work/verify" 2>&1; then
    echo "systemd-analyze finds problems in $unit:" >&2
    cat "$work/verify" >&2
    exit 1
fi

# A user unit cannot order itself after, or pull in, the system's targets.
if grep -E '^(After|Wants|Requires|BindsTo)=.*\b(network-online|network|multi-user|sysinit|basic)\.target' "$unit"; then
    echo "$unit waits for a system target that a user unit cannot reach" >&2
    exit 1
fi

# Documentation= file: links point into the installed tree.
cmake --install "$build" --prefix "$work/prefix" > /dev/null
for doc in $(grep -E '^Documentation=' "$unit" | cut -d= -f2- | tr ' ' '\n'); do
    case "$doc" in
    file:///usr/*) path="$work/prefix/${doc#file:///usr/}"
        [ -f "$path" ] || { echo "$unit names $doc, which the install does not put there" >&2; exit 1; } ;;
    man:*) echo "$unit names the man page $doc, which is not shipped" >&2; exit 1 ;;
    esac
done
echo "check-agent-unit: $unit is sound"
