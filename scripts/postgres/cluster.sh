#!/usr/bin/env bash
# A throw-away PostgreSQL cluster and a PgBouncer in front of it, for tests and benchmarks.
#
#   scripts/postgres/cluster.sh start DIR   initdb in DIR, start PostgreSQL and PgBouncer on free
#                                           loopback ports, write DIR/env (source it)
#   scripts/postgres/cluster.sh stop DIR    stop both and delete DIR (safe to call twice)
#
# DIR/env exports:
#   SHOP_PG_URL        postgres://shop@127.0.0.1:PORT/shop         the server, directly
#   SHOP_PGBOUNCER_URL postgres://shop@127.0.0.1:BOUNCER_PORT/shop PgBouncer, transaction pooling
#   SHOP_PG_ADMIN_URL  the same server as the superuser (to create and drop test databases)
#   PGPASSFILE         DIR/pgpass (mode 0600): the passwords, never on a command line
#
# PostgreSQL and PgBouncer refuse to run as root; as root both run as the `postgres` account
# (created by Debian's postgresql package). Authentication is scram-sha-256, over TCP only.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 64; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pg_bin" ] || { echo "cluster: PostgreSQL is not installed (apt-get install postgresql-15)" >&2; exit 69; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

stop() {
  [ -d "$dir" ] || return 0
  if [ -f "$dir/pgbouncer.pid" ]; then
    kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

start() {
  command -v pgbouncer >/dev/null || { echo "cluster: PgBouncer is not installed (apt-get install pgbouncer)" >&2; exit 69; }
  mkdir -p "$dir"
  chmod 0700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  local port bouncer_port admin_password shop_password
  port=$(free_port)
  bouncer_port=$(free_port)
  admin_password=$(openssl rand -hex 16)
  shop_password=$(openssl rand -hex 16)

  printf '%s\n' "$admin_password" > "$dir/admin-password"
  chmod 0600 "$dir/admin-password"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/admin-password"
  as_owner "$pg_bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 \
    --pwfile="$dir/admin-password" -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  cat >> "$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 256MB
fsync = on
synchronous_commit = on
log_min_messages = warning
EOF
  as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
    || { cat "$dir/postgres.log" >&2; exit 1; }

  PGPASSWORD=$admin_password psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres <<EOF
CREATE ROLE shop LOGIN CREATEDB PASSWORD '$shop_password';
CREATE DATABASE shop OWNER shop;
EOF
  # Every database of the cluster through PgBouncer (tests create one per test).
  cat > "$dir/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 5000
default_pool_size = 20
max_db_connections = 40
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
admin_users = postgres
EOF
  printf '"shop" "%s"\n"postgres" "%s"\n' "$shop_password" "$admin_password" > "$dir/userlist.txt"
  chmod 0600 "$dir/userlist.txt"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pgbouncer.ini" "$dir/userlist.txt"
  # One descriptor per client connection: the login default (1024 open files) would refuse
  # clients past ~1,000, fewer than max_client_conn (500 `shop` sessions hold ~1,000).
  as_owner sh -c 'ulimit -n 10240 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec pgbouncer -d "$1"' pgbouncer "$dir/pgbouncer.ini"
  for _ in $(seq 1 100); do
    PGPASSWORD=$shop_password psql -X -q -h 127.0.0.1 -p "$bouncer_port" -U shop -d shop -c 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.1
  done

  {
    echo "127.0.0.1:$port:*:shop:$shop_password"
    echo "127.0.0.1:$bouncer_port:*:shop:$shop_password"
    echo "127.0.0.1:$port:*:postgres:$admin_password"
    echo "127.0.0.1:$bouncer_port:*:postgres:$admin_password"
  } > "$dir/pgpass"
  chmod 0600 "$dir/pgpass"
  cat > "$dir/env" <<EOF
export SHOP_PG_URL=postgres://shop@127.0.0.1:$port/shop
export SHOP_PGBOUNCER_URL=postgres://shop@127.0.0.1:$bouncer_port/shop
export SHOP_PG_ADMIN_URL=postgres://postgres@127.0.0.1:$port/postgres
export PGPASSFILE=$dir/pgpass
EOF
  # The files the caller reads stay readable by the caller (root or not).
  chown "$(id -u):$(id -g)" "$dir/pgpass" "$dir/env" 2>/dev/null || true
  PGPASSFILE=$dir/pgpass psql -X -q -h 127.0.0.1 -p "$bouncer_port" -U shop -d shop -c 'SELECT 1' >/dev/null \
    || { echo "cluster: PgBouncer does not answer" >&2; cat "$dir/pgbouncer.log" >&2; exit 1; }
  echo "cluster: PostgreSQL on 127.0.0.1:$port, PgBouncer on 127.0.0.1:$bouncer_port; source $dir/env"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
