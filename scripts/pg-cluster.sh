#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests, in a folder of its own on a private port.
#   scripts/pg-cluster.sh start DIR [PORT]   installs PostgreSQL where it is missing (Debian's
#                                            package), creates the cluster in DIR, starts it and
#                                            prints its URL (postgres://postgres@127.0.0.1:PORT/eservqual)
#   scripts/pg-cluster.sh stop DIR           stops it at once (a crash, as far as PostgreSQL knows)
#   scripts/pg-cluster.sh restart DIR        stop -m immediate, then start: crash and recovery
#   scripts/pg-cluster.sh remove DIR         stops it and deletes DIR
#   scripts/pg-cluster.sh run CMD...         a cluster for the length of CMD, with its URL in
#                                            ESERVQUAL_TEST_DATABASE_URL and its folder in
#                                            ESERVQUAL_TEST_PGDATA; removed afterwards
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
# that Debian's package creates; the folder is made writable for it.
set -euo pipefail

log() { printf 'pg-cluster: %s\n' "$*" >&2; }

bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

install() {
  bindir >/dev/null && return 0
  log "installing postgresql (Debian package)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  # The package starts a cluster of its own on 5432; the tests never use it.
  $sudo service postgresql stop >/dev/null 2>&1 || true
  bindir >/dev/null || { log "no initdb after installing postgresql"; exit 1; }
}

# Runs a server binary as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

url() { echo "postgres://postgres@127.0.0.1:$(cat "$1/port")/eservqual"; }

start() {
  local dir=$1 port=${2:-}
  install
  local bin
  bin=$(bindir)
  mkdir -p "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    [ -n "$port" ] || port=$(free_port)
    echo "$port" >"$dir/port"
    chmod 777 "$dir"
    mkdir -p "$dir/data" && chmod 700 "$dir/data"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir/data"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  port=$(cat "$dir/port")
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -Atc "select 1 from pg_database where datname = 'eservqual'" | grep -q 1; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres eservqual
  fi
  url "$dir"
}

stop() {
  local bin
  bin=$(bindir)
  [ -f "$1/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start "$2" "${3:-}" ;;
  stop) stop "$2" ;;
  restart) stop "$2"; start "$2" >/dev/null ;;
  remove) stop "$2"; rm -rf "$2" ;;
  run)
    shift
    dir=$(mktemp -d /tmp/eservqual-pg.XXXXXX)
    trap 'stop "$dir"; rm -rf "$dir"' EXIT
    ESERVQUAL_TEST_DATABASE_URL=$(start "$dir")
    export ESERVQUAL_TEST_DATABASE_URL ESERVQUAL_TEST_PGDATA=$dir
    log "cluster at $ESERVQUAL_TEST_DATABASE_URL"
    "$@"
    ;;
  *)
    echo "usage: $0 start DIR [PORT] | stop DIR | restart DIR | remove DIR | run CMD..." >&2
    exit 2
    ;;
esac
