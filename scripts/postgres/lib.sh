# shellcheck shell=bash
# Helpers shared by the PostgreSQL scripts (scripts/e2e/postgres-*.sh, scripts/rehearsal/,
# Benchmarks/postgres/): a throw-away cluster, shop-server processes on free ports, API calls,
# and sign-in by the code a server sent. Source it after setting WORK (a private temp folder);
# call pg_cleanup from the script's EXIT trap: it stops what these helpers started, by process id.

PG_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_REPO="$(cd "$PG_LIB_DIR/../.." && pwd)"
PG_CLUSTER=""       # the cluster folder, once started
PG_SERVER_PIDS=()   # shop-server processes started by pg_start_server

pg_failures=0
pg_ok() { echo "ok - $*"; }
pg_not_ok() { echo "not ok - $*"; pg_failures=$((pg_failures + 1)); }
# pg_check DESCRIPTION COMMAND...: ok when the command succeeds.
pg_check() { local what=$1; shift; if "$@"; then pg_ok "$what"; else pg_not_ok "$what"; fi; }

# Starts PostgreSQL + PgBouncer in $WORK/cluster and exports SHOP_PG_URL, SHOP_PGBOUNCER_URL,
# SHOP_PG_ADMIN_URL and PGPASSFILE (see cluster.sh).
pg_start_cluster() {
  PG_CLUSTER="$WORK/cluster"
  bash "$PG_REPO/scripts/postgres/cluster.sh" start "$PG_CLUSTER" >&2
  # shellcheck disable=SC1091
  source "$PG_CLUSTER/env"
}

# psql on the server directly as the shop role: pg_psql "SQL" prints bare values.
pg_psql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$SHOP_PG_URL" -c "$1"; }

# pg_start_server NAME ARGS...: shop-server on a free port with the given arguments; sets
# PG_PORT and appends the process to PG_SERVER_PIDS. Its stderr goes to $WORK/NAME.log.
pg_start_server() {
  local name=$1; shift
  "${SERVER_BIN:?}" "$@" --port 0 --quiet 2>"$WORK/$name.log" &
  local pid=$!
  PG_SERVER_PIDS+=("$pid")
  local _
  for _ in $(seq 600); do
    grep -q "listening on" "$WORK/$name.log" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  PG_PORT=$(grep -oE 'listening on http://127.0.0.1:[0-9]+' "$WORK/$name.log" | grep -oE '[0-9]+$' || true)
  if [ -z "$PG_PORT" ]; then
    echo "# $name did not start:" >&2
    sed 's/^/#   /' "$WORK/$name.log" >&2
    return 1
  fi
}

# Stops one server started by pg_start_server (SIGTERM drains requests) and waits for it.
pg_stop_server() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

pg_cleanup() {
  local pid
  for pid in "${PG_SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PG_SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$PG_CLUSTER" ] && bash "$PG_REPO/scripts/postgres/cluster.sh" stop "$PG_CLUSTER"
  return 0
}

# api PORT METHOD PATH [BODY] [TOKEN]: the response body; fails on an HTTP error.
api() {
  curl -sf -X "$2" "http://127.0.0.1:$1/api/v1$3" ${5:+-H "Authorization: Bearer $5"} ${4:+-H 'Content-Type: application/json' -d "$4"}
}

# json EXPR: evaluates a Python expression on the JSON document read from stdin (as `d`).
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d, 'json': json}))" "$1"; }

# signin PORT PHONE CODE_COMMAND: requests a code, reads it with CODE_COMMAND (given the phone,
# prints the latest message text to that phone), verifies it; prints the access token.
signin() {
  local port=$1 phone=$2 reader=$3 request code _
  request=$(api "$port" POST /auth/otp/request "{\"phone\":\"$phone\"}" | json "d['request_id']") || return 1
  for _ in $(seq 50); do
    code=$("$reader" "$phone" | grep -oE '[0-9]{6}' | tail -1 || true)
    [ -n "$code" ] && break
    sleep 0.1
  done
  [ -n "$code" ] || { echo "# no code reached $phone" >&2; return 1; }
  api "$port" POST /auth/otp/verify "{\"request_id\":\"$request\",\"code\":\"$code\"}" | json "d['access']"
}

# The latest message to PHONE in a `--messages file:PATH` sink ($MESSAGES).
code_from_file() {
  [ -f "$MESSAGES" ] || return 0
  python3 - "$MESSAGES" "$1" <<'PY'
import json, sys
last = ""
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("to") == sys.argv[2]: last = m.get("text", "")
print(last)
PY
}

# every_page PORT PATH [TOKEN]: the items of every page of a list, as one sorted JSON document.
every_page() {
  local port=$1 path=$2 token=${3:-} cursor="" page sep
  local out="$WORK/pages.$$"
  : > "$out"
  while :; do
    sep='?'; [[ $path == *\?* ]] && sep='&'
    page=$(api "$port" GET "$path${sep}limit=100${cursor:+&cursor=$cursor}" "" "$token") || return 1
    echo "$page" | json "json.dumps(d['items'])" >> "$out"
    cursor=$(echo "$page" | json "d.get('next_cursor') or ''")
    [ -n "$cursor" ] || break
  done
  python3 -c "
import json, sys
items = [i for line in open(sys.argv[1]) for i in json.loads(line)]
print(json.dumps(items, sort_keys=True))" "$out"
  rm -f "$out"
}
