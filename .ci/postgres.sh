#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests that run against PostgreSQL (docs/reliability.md).
#
#   eval "$(.ci/postgres.sh start)"   # installs Debian's postgresql if needed, starts a cluster
#                                     # in a temporary directory on 127.0.0.1 and a free port,
#                                     # prints `export TOURNEY_TEST_PG_URL=...` and PG_DATA_DIR
#   .ci/postgres.sh stop "$PG_DATA_DIR"   # stops it and removes the directory
#
# The server trusts local connections and holds no data worth keeping. As root it runs as the
# `postgres` user (PostgreSQL refuses to run as root). The Python driver is `psycopg[binary]`.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ]; then
    if [ "$(id -u)" != 0 ]; then
      log "PostgreSQL is not installed and installing it needs root; skipping"; exit 3
    fi
    log "installing Debian's postgresql"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local bin data port
  bin=$(pg_bin)
  data=$(mktemp -d "${TMPDIR:-/tmp}/tourney-pg-XXXXXX")
  chmod 755 "$data"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
  as_owner "$bin/initdb" -D "$data/db" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  port=$(free_port)
  as_owner "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c max_connections=200" \
    start >/dev/null
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($data)"
  echo "export PG_DATA_DIR=$data"
  echo "export TOURNEY_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local data=${1:?usage: postgres.sh stop DATA_DIR}
  as_owner "$(pg_bin)/pg_ctl" -D "$data/db" -m fast -w stop >/dev/null || true
  rm -rf "$data"
}

case "${1:-start}" in
  start) start ;;
  stop) stop "${2:-${PG_DATA_DIR:-}}" ;;
  *) log "usage: $0 start | stop DATA_DIR"; exit 2 ;;
esac
