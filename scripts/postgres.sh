#!/usr/bin/env bash
# A throw-away PostgreSQL server for the ledger tests.
#
#   scripts/postgres.sh          start it (or reuse the one running) and print its connection string:
#                                Host=127.0.0.1;Port=55432;Username=postgres;Database=station
#   scripts/postgres.sh stop     stop it and delete its data
#
# Typical use:  export STATION_TEST_POSTGRES="$(scripts/postgres.sh)"
#
# Listens on 127.0.0.1 only, trusts every local connection (no password), keeps its data in
# /tmp/station-postgres-<port>, and runs without fsync: it is for tests, never for records.
# Installs Debian's `postgresql` package when no server binaries are found. PostgreSQL refuses to
# run as root, so as root the server runs as the `postgres` OS user (created when missing).
# Environment: STATION_POSTGRES_PORT (55432), STATION_POSTGRES_DIR (/tmp/station-postgres-<port>).
# Only the connection string goes to stdout; progress and errors go to stderr.
set -euo pipefail

port="${STATION_POSTGRES_PORT:-55432}"
base="${STATION_POSTGRES_DIR:-/tmp/station-postgres-$port}"
data="$base/data"
log="$base/server.log"
database="station"
superuser="postgres"

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# Newest server binaries on PATH or under Debian's /usr/lib/postgresql/<version>/bin.
find_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return 0
    fi
    return 1
}

install_server() {
    say "no PostgreSQL server binaries found; installing Debian's postgresql package"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install the 'postgresql' package first"
        sudo="sudo"
    fi
    # The package would create and start a cluster on port 5432 that the tests never use: ask it not to.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        $sudo mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
    fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive ${sudo:+$sudo -E} apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confold postgresql >&2
}

# Runs a server command as the OS user that owns the data (postgres when we are root).
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$superuser" -- "$@"
    else
        "$@"
    fi
}

ensure_os_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    id -u "$superuser" >/dev/null 2>&1 && return 0
    say "creating the '$superuser' OS user (PostgreSQL will not run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$superuser"
}

is_running() {
    [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1
}

connection_string() {
    echo "Host=127.0.0.1;Port=$port;Username=$superuser;Database=$database"
}

stop_server() {
    if bin="$(find_bin)" && [ -d "$data" ] && is_running; then
        as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w -t 30 >&2
        say "stopped the server on port $port"
    fi
    rm -rf "$base"
}

start_server() {
    if ! bin="$(find_bin)"; then
        install_server
        bin="$(find_bin)" || die "installed postgresql but found no server binaries under /usr/lib/postgresql"
    fi
    ensure_os_user

    mkdir -p "$base"
    [ "$(id -u)" -eq 0 ] && chown "$superuser:" "$base"
    chmod 700 "$base"

    if ! is_running; then
        if [ ! -f "$data/PG_VERSION" ]; then
            rm -rf "$data"
            as_owner "$bin/initdb" -D "$data" -U "$superuser" --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$base/initdb.log" 2>&1 \
                || { cat "$base/initdb.log" >&2; die "initdb failed"; }
        fi
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            die "port $port is taken by another program; choose another with STATION_POSTGRES_PORT"
        fi
        as_owner "$bin/pg_ctl" start -D "$data" -l "$log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$base' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null 9>&- \
            || { tail -n 20 "$log" >&2 || true; die "the server did not start (log: $log)"; }
        say "started PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data: $data)"
    fi

    local psql=("$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres -v ON_ERROR_STOP=1 -tA)
    if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != "1" ]; then
        # Two starters racing each other: the loser's CREATE fails, the database is there all the same.
        "${psql[@]}" -c "CREATE DATABASE $database" >/dev/null 2>&1 \
            || [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" = "1" ] \
            || die "could not create database '$database'"
    fi
    connection_string
}

# One start or stop at a time per port: two test runs starting together share one server.
mkdir -p "$(dirname "$base")"
exec 9>"$base.lock"
flock 9

case "${1:-start}" in
    start) start_server ;;
    stop) stop_server ;;
    *) die "usage: scripts/postgres.sh [start|stop]" ;;
esac
