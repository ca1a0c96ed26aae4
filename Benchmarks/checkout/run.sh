#!/usr/bin/env bash
# Checkout under contention: BUYERS concurrent buyers (one connection and one account each) on
# two release shop-server processes sharing one database file, each buyer placing order after
# order (POST /api/v1/orders, one line, cash on delivery). Prints checkouts per second and the
# p99 time of a checkout, next to the raw rate of the same writes through the sqlite3 shell in
# the same file, in the same run.
#
# Usage: Benchmarks/checkout/run.sh
#   BUYERS (default 200), DURATION (default 10s), PRODUCTS (default 1000), KEEP_WORK=1
# Needs: wrk, curl, sqlite3, python3.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=../lib/checkout.sh
source "$ROOT/Benchmarks/lib/checkout.sh"
BUYERS="${BUYERS:-200}"
DURATION="${DURATION:-10s}"
PRODUCTS="${PRODUCTS:-1000}"
PORTS=(18091 18092)

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
(cd "$ROOT" && swift build -c release --product shop-server >&2 && swift build -c release --product shop-load >&2)
SERVER="$ROOT/.build/release/shop-server"
LOAD="$ROOT/.build/release/shop-load"

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "${KEEP_WORK:-}" ] && echo "work dir: $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

DB="$WORK/shop.sqlite"
"$LOAD" seed "$DB" "$PRODUCTS" >/dev/null
sqlite3 "$DB" "UPDATE products SET stock = 100000000;"
"$LOAD" tokens "$DB" "$BUYERS" > "$WORK/tokens.txt"
[ "$(wc -l < "$WORK/tokens.txt")" -eq "$BUYERS" ] || { echo "not ok - expected $BUYERS buyer tokens" >&2; exit 1; }

for port in "${PORTS[@]}"; do
    # Every buyer connects from 127.0.0.1 and keeps up to 1000 orders open (unpaid, cash on delivery).
    "$SERVER" --db "$DB" --port "$port" --quiet --max-unpaid-orders 1000 --max-connections-per-address "$((BUYERS + 16))" 2>>"$WORK/server.stderr" &
    PIDS+=($!)
done
for port in "${PORTS[@]}"; do wait_healthz "$port" || exit 1; done

checkout_lua "$WORK/tokens.txt" "$PRODUCTS" > "$WORK/buy.lua"

before=$(sqlite3 "$DB" "SELECT count(*) FROM orders")
half=$((BUYERS / 2))
WRKS=()
for i in 0 1; do
    wrk -t1 -c"$half" -d"$DURATION" --timeout 10s --latency -s "$WORK/buy.lua" "http://127.0.0.1:${PORTS[$i]}" > "$WORK/wrk-$i.txt" &
    WRKS+=($!)
done
for pid in "${WRKS[@]}"; do wait "$pid" || echo "not ok - wrk $pid failed"; done
after=$(sqlite3 "$DB" "SELECT count(*) FROM orders")
stock_ok=$(sqlite3 "$DB" "SELECT count(*) = 0 FROM products WHERE stock < 0")

seconds=$(python3 -c "import re,sys; d='$DURATION'; print(float(re.sub('s$','',d)))")
errors=$(cat "$WORK"/wrk-*.txt | grep -E "Non-2xx|Socket errors" || true)

# The servers stop first: the reference runs alone, as the fastest the file can take these writes.
for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
PIDS=()

# The same writes as raw SQL through the sqlite3 shell, in the same file (as Benchmarks/engine).
python3 - "$WORK/raw.sql" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write(".timeout 10000\nPRAGMA synchronous=FULL;\n")
    for i in range(2000):
        f.write(f"""BEGIN IMMEDIATE;
UPDATE products SET stock = stock - 1 WHERE id = 1 AND stock >= 1;
INSERT INTO orders(number, user_id, status, subtotal, total, currency, first_name, last_name, phone, address, payment_method, created_at, updated_at)
  VALUES ('RAW-{i}', 1, 'pending', 100, 100, 'USD', 'a', 'b', '+15550000000', 'x', 'cash', 0, 0);
INSERT INTO order_items(order_id, product_id, sku, name, quantity, unit_price) VALUES (last_insert_rowid(), 1, 'S', 'n', 1, 100);
INSERT INTO stock_ledger(product_id, delta, reason, created_at) VALUES (1, -1, 'sale', 0);
INSERT INTO order_status_history(order_id, status, at) VALUES ((SELECT max(id) FROM orders), 'pending', 0);
COMMIT;
""")
PY
start=$(date +%s%N)
sqlite3 "$DB" < "$WORK/raw.sql"
raw_ms=$(( ($(date +%s%N) - start) / 1000000 ))

placed=$((after - before))
printf '\ncheckout under contention: %s buyers on 2 shop-server processes (release), one file, %s, %s cores, load average %s\n' \
    "$BUYERS" "$DURATION" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$placed" "$seconds" "$raw_ms" "$(p99_ms "$WORK/wrk-0.txt")" "$(p99_ms "$WORK/wrk-1.txt")" <<'PY'
import sys
placed, seconds, raw_ms, p0, p1 = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
shop = placed / seconds
raw = 2000 / (raw_ms / 1000)
print(f"shop-server ×2:     {shop:8.0f} checkouts/s ({placed} orders), p99 {p0} ms / {p1} ms (per process)")
print(f"raw sqlite3 shell:  {raw:8.0f} transactions/s (same writes, one process, no reads or checks)")
print(f"ratio:              {shop / raw:8.2f}")
PY
if [ -n "$errors" ]; then echo "not ok - some checkouts failed:"; echo "$errors"; fi
[ "$stock_ok" = 1 ] && echo "ok - no stock below zero" || echo "not ok - stock went below zero"
