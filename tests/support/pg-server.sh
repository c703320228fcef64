#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks, from Debian's packages.
#
#   pg-server.sh start POINTER_DIR   initdb + start on a free loopback port; writes POINTER_DIR/url
#                                    (postgresql://postgres@127.0.0.1:PORT/postgres) and POINTER_DIR/state
#   pg-server.sh stop POINTER_DIR    stops the server and removes its data
#   pg-server.sh down POINTER_DIR    stops the server (fast: sessions are terminated), keeping its data
#   pg-server.sh up POINTER_DIR      starts a server stopped by `down` again, on the same port
#   pg-server.sh restart POINTER_DIR down + up (the tests of a database outage)
#
# The server runs as a non-root user (postgres, through runuser, when started by root), with its
# data and socket in a fresh folder under /tmp, listening on 127.0.0.1 only, trust auth on loopback.
# Durability is off (fsync, synchronous_commit): test data is thrown away. SLUICE_PG_DURABLE=1 keeps
# PostgreSQL's production defaults instead (benchmarks that weigh commits).
set -euo pipefail

cmd=${1:-}
pointer=${2:-}
[ -n "$cmd" ] && [ -n "$pointer" ] || { echo "usage: $0 start|stop|down|up|restart POINTER_DIR" >&2; exit 2; }

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
    echo "pg-server: PostgreSQL server binaries not found under /usr/lib/postgresql; install the 'postgresql' package" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_server() {
    local state
    state=$(cat "$pointer/state" 2>/dev/null || true)
    if [ -n "$state" ] && [ -d "$state/data" ]; then
        as_owner "$pgbin/pg_ctl" -D "$state/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$state"
    fi
    rm -f "$pointer/url" "$pointer/state"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The folder of the running server (down/up/restart), or an error naming what is missing.
existing_state() {
    local state
    state=$(cat "$pointer/state" 2>/dev/null || true)
    if [ -z "$state" ] || [ ! -f "$state/options" ]; then
        echo "pg-server: no server was started with $pointer; run '$0 start $pointer' first" >&2
        exit 1
    fi
    echo "$state"
}

server_down() {
    local state=$1
    as_owner "$pgbin/pg_ctl" -D "$state/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
        || { echo "pg-server: could not stop the server in $state" >&2; exit 1; }
}

server_up() {
    local state=$1
    as_owner "$pgbin/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 30 -o "$(cat "$state/options")" start >/dev/null 2>&1 \
        || { echo "pg-server: could not start the server again; its log follows" >&2; tail -n 20 "$state/server.log" >&2; exit 1; }
}

case "$cmd" in
start)
    mkdir -p "$pointer"
    stop_server
    state=$(mktemp -d /tmp/sluice-pg.XXXXXX)
    chmod 755 "$state"
    mkdir -p "$state/data" "$state/sock"
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$state"; fi
    echo "$state" > "$pointer/state"
    as_owner "$pgbin/initdb" -D "$state/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
        > "$state/initdb.log" 2>&1 || { cat "$state/initdb.log" >&2; exit 1; }
    # Trust on loopback for the test user, but the role sluice_pw must give its password: the
    # tests of PGPASSWORD and ~/.pgpass log in as it (the first matching pg_hba line wins).
    as_owner sh -c "{ echo 'host all sluice_pw 127.0.0.1/32 scram-sha-256'; cat '$state/data/pg_hba.conf'; } > '$state/data/pg_hba.new' && mv '$state/data/pg_hba.new' '$state/data/pg_hba.conf'"
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${SLUICE_PG_DURABLE:-0}" = 1 ] && durability=""
    for attempt in $(seq 1 20); do
        port=$(( 20000 + (RANDOM % 20000) ))
        port_in_use "$port" && continue
        options="-h 127.0.0.1 -p $port -k $state/sock $durability -c max_connections=200"
        if as_owner "$pgbin/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 30 -o "$options" \
            start > /dev/null 2>&1; then
            as_owner sh -c "echo '$options' > '$state/options'"
            echo "postgresql://postgres@127.0.0.1:$port/postgres" > "$pointer/url"
            echo "pg-server: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $state)"
            exit 0
        fi
    done
    echo "pg-server: could not start PostgreSQL; its log follows" >&2
    cat "$state/server.log" >&2 || true
    exit 1
    ;;
stop)
    stop_server
    echo "pg-server: stopped"
    ;;
down)
    state=$(existing_state)
    server_down "$state"
    ;;
up)
    state=$(existing_state)
    server_up "$state"
    ;;
restart)
    state=$(existing_state)
    server_down "$state"
    server_up "$state"
    ;;
*)
    echo "usage: $0 start|stop|down|up|restart POINTER_DIR" >&2
    exit 2
    ;;
esac
