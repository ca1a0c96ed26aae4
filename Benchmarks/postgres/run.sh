#!/usr/bin/env bash
# SQLite vs PostgreSQL direct vs PostgreSQL through PgBouncer (transaction pooling), same run,
# same machine, same catalog (seeded on SQLite, moved with `shop-server migrate`):
#   1. checkouts/s: BUYERS buyers (one account and connection each) ordering on 2 release
#      shop-server processes, as Benchmarks/checkout does;
#   2. catalog reads/s: wrk on one shop-server, every request a different catalog page (sort,
#      min_price, a search word now and then), so no answer comes from the server's cache;
#   3. SESSIONS concurrent `shop` processes (each on its own pty, on the catalog screen) on
#      PostgreSQL through PgBouncer: memory per session (PSS), PgBouncer's SHOW POOLS and the
#      server's pg_stat_activity (connections actually used); then the idle sessions' page loads/s,
#      quiet and while another database of the cluster takes writes.
#
# Usage: Benchmarks/postgres/run.sh   (as root: PostgreSQL runs as the postgres account)
#   PRODUCTS (default 1000), BUYERS (default 100), DURATION (default 10s), CONNECTIONS (reads,
#   default 50), SESSIONS (default 500; 0 skips part 3), READY_WAIT (tenths of a second, default
#   3000), ONLY="sqlite pg-direct pg-bouncer" (ONLY=" ": part 3 alone), KEEP_WORK=1,
#   CONFIG=debug (use the debug build: for trying the script, not for figures),
#   BIN_DIR=DIR (shop, shop-server and shop-load from DIR, not built: another build to compare),
#   STAGGER_MS (pause between two session starts, default 100: logins arrive over time; 500 started
#   at once kept PgBouncer's 20 server connections busy past its query_wait_timeout, 120 s),
#   IDLE_SECONDS (default 20: how long the idle sessions' page loads are counted, twice)
# Limits met at 500 sessions (each a `script` and a `shop` process, ~2 PgBouncer clients): the
# `postgres` account's 1,024 open files (PgBouncer's clients; cluster.sh raises it), max_client_conn
# (5,000) and pids (ulimit -u, kernel.pid_max) are printed with the figures.
# Needs: wrk, curl, sqlite3, python3, postgresql-15, pgbouncer.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=../lib/checkout.sh
source "$ROOT/Benchmarks/lib/checkout.sh"
PRODUCTS="${PRODUCTS:-1000}"
BUYERS="${BUYERS:-100}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-50}"
SESSIONS="${SESSIONS:-500}"
ONLY="${ONLY:-sqlite pg-direct pg-bouncer}"
CONFIG="${CONFIG:-release}"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
if [ -z "${BIN_DIR:-}" ]; then
    (cd "$ROOT" && for product in shop-server shop-load shop; do swift build -c "$CONFIG" --product "$product" >&2; done)
    BIN_DIR="$ROOT/.build/$CONFIG"
fi
SERVER_BIN="$BIN_DIR/shop-server"
LOAD="$BIN_DIR/shop-load"
SHOP="$BIN_DIR/shop"

WORK="$(mktemp -d)"
chmod 0755 "$WORK"
# shellcheck source=../../scripts/postgres/lib.sh
source "$ROOT/scripts/postgres/lib.sh"
SESSION_PIDS=()
cleanup() {
    set +e   # every step, whatever failed before (the cluster must stop)
    local pid
    for pid in "${SESSION_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${SESSION_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    exec 3>&-
    pg_cleanup
    [ -n "${KEEP_WORK:-}" ] && echo "work dir: $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

# --- one catalog, on SQLite and moved to PostgreSQL -----------------------------------------------------
DB="$WORK/shop.sqlite"
echo "seeding $PRODUCTS products…" >&2
"$LOAD" seed "$DB" "$PRODUCTS" >/dev/null
sqlite3 "$DB" "UPDATE products SET stock = 100000000; UPDATE product_variants SET stock = 100000000;
  INSERT INTO stock_ledger(product_id, variant_id, delta, reason, created_at)
    SELECT product_id, id, 100000000 - coalesce((SELECT sum(delta) FROM stock_ledger l WHERE l.variant_id = v.id), 0), 'benchmark', 0 FROM product_variants v;
  INSERT INTO stock_ledger(product_id, delta, reason, created_at)
    SELECT id, 100000000 - coalesce((SELECT sum(delta) FROM stock_ledger l WHERE l.product_id = p.id AND l.variant_id IS NULL), 0), 'benchmark', 0
    FROM products p WHERE NOT EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id);"
# One key for every backend (a PostgreSQL shop needs SHOP_SECRET_FILE; SQLite then uses it too).
head -c 32 /dev/urandom > "$WORK/secret.key"; chmod 0600 "$WORK/secret.key"
export SHOP_SECRET_FILE="$WORK/secret.key"
"$LOAD" tokens "$DB" "$BUYERS" > "$WORK/tokens-sqlite.txt"
if [[ $ONLY == *pg-* || $SESSIONS -gt 0 ]]; then
    pg_start_cluster
    "$SERVER_BIN" migrate --from "$DB" --to "$SHOP_PG_URL" >"$WORK/migrate.out" 2>&1 || { cat "$WORK/migrate.out" >&2; exit 1; }
    "$LOAD" tokens "$SHOP_PG_URL" "$BUYERS" > "$WORK/tokens-pg.txt"
fi

db_of() { case "$1" in sqlite) echo "$DB" ;; pg-direct) echo "$SHOP_PG_URL" ;; pg-bouncer) echo "$SHOP_PGBOUNCER_URL" ;; esac; }
# A build from before migration 12 (BIN_DIR) learns of changes by LISTEN, straight from the server
# (LISTEN does not pass PgBouncer); since, every process reads the change counter through --db.
listen_of() { [ "$1" = sqlite ] || ! "$SERVER_BIN" --help 2>&1 | grep -q -- --db-listen || echo "--db-listen $SHOP_PG_URL"; }
tokens_of() { case "$1" in sqlite) echo "$WORK/tokens-sqlite.txt" ;; *) echo "$WORK/tokens-pg.txt" ;; esac; }
orders_in() { if [ "$1" = sqlite ]; then sqlite3 "$DB" "SELECT count(*) FROM orders"; else pg_psql "SELECT count(*) FROM orders"; fi; }
seconds=$(python3 -c "import re; print(float(re.sub('s$', '', '$DURATION')))")

cat > "$WORK/reads.lua" <<'LUA'
local words = {"", "", "", "number", "generated", "cake"}
local sorts = {"name", "price", "price_desc", "newest"}
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) counter = tid * 1000000 end
function request()
    counter = counter + 1
    local n = counter
    local path = "/api/v1/products?limit=20&sort=" .. sorts[n % #sorts + 1] .. "&min_price=" .. (n % 50000)
    local word = words[math.floor(n / 4) % #words + 1]
    if word ~= "" then path = path .. "&q=" .. word end
    return wrk.format("GET", path)
end
LUA

declare -A CHECKOUTS READS CHECKOUT_P99 READ_P99 ERRORS
for backend in $ONLY; do
    db=$(db_of "$backend")
    echo "== $backend: checkouts ($BUYERS buyers, 2 processes, $DURATION)" >&2
    checkout_lua "$(tokens_of "$backend")" "$PRODUCTS" > "$WORK/buy-$backend.lua"
    ports=()
    for i in 1 2; do
        pg_start_server "$backend-$i" --db "$db" $(listen_of "$backend") --max-unpaid-orders 1000 --max-connections-per-address "$((BUYERS + 16))"
        ports+=("$PG_PORT")
    done
    before=$(orders_in "$backend")
    wrk -t1 -c"$((BUYERS / 2))" -d"$DURATION" --timeout 10s --latency -s "$WORK/buy-$backend.lua" "http://127.0.0.1:${ports[0]}" > "$WORK/wrk-buy-$backend-0.txt" &
    w0=$!
    wrk -t1 -c"$((BUYERS / 2))" -d"$DURATION" --timeout 10s --latency -s "$WORK/buy-$backend.lua" "http://127.0.0.1:${ports[1]}" > "$WORK/wrk-buy-$backend-1.txt" &
    w1=$!
    wait "$w0" "$w1"
    after=$(orders_in "$backend")
    CHECKOUTS[$backend]=$(python3 -c "print(round(($after - $before) / $seconds))")
    CHECKOUT_P99[$backend]="$(p99_ms "$WORK/wrk-buy-$backend-0.txt") / $(p99_ms "$WORK/wrk-buy-$backend-1.txt")"
    ERRORS[$backend]=$(cat "$WORK"/wrk-buy-"$backend"-*.txt | grep -E "Non-2xx|Socket errors" | tr '\n' ' ' || true)
    for pid in "${PG_SERVER_PIDS[@]}"; do pg_stop_server "$pid"; done
    PG_SERVER_PIDS=()

    echo "== $backend: catalog reads ($CONNECTIONS connections, 1 process, $DURATION)" >&2
    pg_start_server "$backend-reads" --db "$db" $(listen_of "$backend") --max-connections-per-address "$((CONNECTIONS + 16))"
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s "$WORK/reads.lua" "http://127.0.0.1:$PG_PORT" > "$WORK/wrk-reads-$backend.txt"
    READS[$backend]=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk-reads-$backend.txt")
    READ_P99[$backend]=$(p99_ms "$WORK/wrk-reads-$backend.txt")
    ERRORS[$backend]+=$(grep -E "Non-2xx|Socket errors" "$WORK/wrk-reads-$backend.txt" | tr '\n' ' ' || true)
    for pid in "${PG_SERVER_PIDS[@]}"; do pg_stop_server "$pid"; done
    PG_SERVER_PIDS=()
done

printf '\nSQLite vs PostgreSQL (%s products, %s cores, load average %s)\n' "$PRODUCTS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %14s %22s %16s %12s  %s\n' backend "checkouts/s" "p99 ms (per process)" "catalog reads/s" "p99 ms" errors
for backend in $ONLY; do
    printf '%-12s %14s %22s %16s %12s  %s\n' "$backend" "${CHECKOUTS[$backend]}" "${CHECKOUT_P99[$backend]}" "${READS[$backend]}" "${READ_P99[$backend]}" "${ERRORS[$backend]:-none}"
done

# --- many `shop` sessions on PostgreSQL through PgBouncer ------------------------------------------------
[ "$SESSIONS" -gt 0 ] || exit 0
echo "== $SESSIONS shop sessions on PgBouncer" >&2
mkfifo "$WORK/hold"
exec 3<>"$WORK/hold"   # every session's stdin: held open, never written
mkdir -p "$WORK/sessions"
started=0
for ((i = 0; i < SESSIONS; i++)); do
    # Session caps off: this measures the sessions, not the caps. `shop` reads the change counter
    # through the pool (no LISTEN connection of its own).
    TERM=xterm-256color script -qfec "$SHOP --db $SHOP_PGBOUNCER_URL --max-sessions 0 --max-sessions-per-address 0" /dev/null <&3 > "$WORK/sessions/out.$i" 2>&1 &
    SESSION_PIDS+=($!)
    started=$((started + 1))
    sleep "$(awk -v ms="${STAGGER_MS:-100}" 'BEGIN { print ms / 1000 }')"
done
ready=0
for _ in $(seq "${READY_WAIT:-3000}"); do   # tenths of a second: 300 s on 2 busy cores
    ready=$( (grep -l "Browse" "$WORK"/sessions/out.* 2>/dev/null || true) | wc -l)
    [ "$ready" -ge "$started" ] && break
    sleep 0.1
done
failed=$( (grep -lE "shop: |fork|Resource temporarily|cannot" "$WORK"/sessions/out.* 2>/dev/null || true) | wc -l)
shop_pids=$(pgrep -f "^$SHOP --db $SHOP_PGBOUNCER_URL" || true)
pss=0; rss=0; n=0
for pid in $shop_pids; do
    p=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    r=$(awk '/^Rss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    pss=$((pss + p)); rss=$((rss + r)); n=$((n + 1))
done
script_pss=0; scripts=0
for pid in "${SESSION_PIDS[@]}"; do
    p=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    script_pss=$((script_pss + p)); scripts=$((scripts + 1))
done
bouncer_port=${SHOP_PGBOUNCER_URL##*:}; bouncer_port=${bouncer_port%%/*}
bouncer() { psql -X -q -At -F ' ' -h 127.0.0.1 -p "$bouncer_port" -U postgres -d pgbouncer -c "$1" 2>&1; }
# Rows whose user and database are both "shop" (the first column is the type, C or S, in newer
# PgBouncers; user and database in the first four either way).
ours() { awk '{ n = 0; for (i = 1; i <= 4; i++) if ($i == "shop") n++ } n >= 2' | wc -l; }
clients=$(bouncer "SHOW CLIENTS" | ours)
servers=$(bouncer "SHOW SERVERS" | ours)
pools=$(psql -X -q -h 127.0.0.1 -p "$bouncer_port" -U postgres -d pgbouncer -c "SHOW POOLS" 2>&1 | grep -E "database|shop " || true)
backends=$(psql -X -q -At -d "$SHOP_PG_ADMIN_URL" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'shop'")
listening=$(psql -X -q -At -d "$SHOP_PG_ADMIN_URL" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'shop' AND query ILIKE 'LISTEN%'")
fd_limit=$(grep -oE "kernel file descriptor limit: [0-9]+" "$PG_CLUSTER/pgbouncer.log" | tail -1 || true)
printf '\n%s shop sessions on PostgreSQL through PgBouncer (load average %s): %s started, %s on the catalog screen, %s shop processes, %s failed to start\n' \
    "$SESSIONS" "$(cut -d' ' -f1-3 /proc/loadavg)" "$started" "$ready" "$n" "$failed"
python3 -c "n=max($n,1); s=max($scripts,1); print(f'memory per session: shop PSS {($pss/n)/1024:.2f} MiB (RSS {($rss/n)/1024:.1f} MiB); the pty holder (script) PSS {($script_pss/s)/1024:.2f} MiB, not part of an SSH session')"
echo "PgBouncer client connections from shop: $clients; its server connections: $servers"
echo "PostgreSQL backends for database shop (pg_stat_activity): $backends, of which LISTEN: $listening"
echo "PgBouncer SHOW POOLS:"
echo "$pools" | sed 's/^/  /'
echo "limits: ulimit -u $(ulimit -u), kernel.pid_max $(cat /proc/sys/kernel/pid_max), ptys $(cat /proc/sys/kernel/pty/nr)/$(cat /proc/sys/kernel/pty/max), PgBouncer ${fd_limit:-fd limit not logged}, max_connections $(psql -X -q -At -d "$SHOP_PG_ADMIN_URL" -c "SHOW max_connections")"
if [ "$failed" -gt 0 ]; then echo "first failure:"; grep -hE "shop: |fork|Resource temporarily|cannot" "$WORK"/sessions/out.* | head -3 | sed 's/^/  /'; fi

# --- what idle sessions ask of the database ---------------------------------------------------------------
# Each idle `shop` checks the change counter every 2 s and reloads its page only when it moved. Reads of
# the products table (each page load reads it; a change check does not) per second, over IDLE_SECONDS:
# quiet, then while another database of the same cluster takes writes (they must not count as changes).
IDLE_SECONDS="${IDLE_SECONDS:-20}"
shop_admin="${SHOP_PG_ADMIN_URL%/*}/shop"
product_reads() {
    psql -X -q -At -d "$shop_admin" -c "SELECT coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables WHERE relname = 'products'"
}
reads_per_second() {   # products reads/s over IDLE_SECONDS
    local before after
    before=$(product_reads); sleep "$IDLE_SECONDS"; after=$(product_reads)
    awk -v a="$before" -v b="$after" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.1f", (b - a) / s }'
}
quiet=$(reads_per_second)
psql -X -q -d "$SHOP_PG_ADMIN_URL" -c "CREATE DATABASE other_app" >/dev/null
psql -X -q -d "${SHOP_PG_ADMIN_URL%/*}/other_app" -c "CREATE TABLE busy(x BIGINT)" >/dev/null
( while :; do echo "INSERT INTO busy VALUES (1);"; sleep 0.02; done ) | psql -X -q -d "${SHOP_PG_ADMIN_URL%/*}/other_app" >/dev/null 2>&1 &
writer=$!
busy=$(reads_per_second)
other_writes=$(psql -X -q -At -d "${SHOP_PG_ADMIN_URL%/*}/other_app" -c "SELECT count(*) FROM busy")
kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null || true
printf 'idle sessions: products reads/s (page loads) quiet %s; while another database took %s writes in %s s: %s (load average %s)\n' \
    "$quiet" "$other_writes" "$IDLE_SECONDS" "$busy" "$(cut -d' ' -f1-3 /proc/loadavg)"

