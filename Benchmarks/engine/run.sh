#!/usr/bin/env bash
# Engine benchmark: a 1,000,000-product catalog (search and page latency, median and p99) and
# checkouts per second from 1 and 4 processes, next to the raw rate of equivalent sqlite3
# transactions measured in the same run. Usage: Benchmarks/engine/run.sh [PRODUCTS]
#   CATALOG=FILE  time the searches on a copy of this already seeded catalog (e.g. one kept from
#                 an earlier run; an older schema is migrated on open) instead of seeding anew
#   BEFORE=PATH   also time the same queries with this shop-load (the build before a change, e.g.
#                 `swift build -c release --product shop-load --scratch-path .build-before` in a
#                 checkout of the earlier commit), before and after side by side, in this run
#   SEARCH_ONLY=1 stop after the catalog queries (no checkouts)
set -euo pipefail
cd "$(dirname "$0")/../.."
products=${1:-1000000}
work=$(mktemp -d /tmp/shop-bench-engine.XXXXXX)
trap 'rm -rf "$work"' EXIT

swift build -c release --product shop-load >/dev/null
load=.build/release/shop-load

if [ -n "${CATALOG:-}" ]; then
    cp "$CATALOG" "$work/catalog.sqlite"
    cp "$CATALOG.key" "$work/catalog.sqlite.key" 2>/dev/null || true
    echo "== catalog copied from $CATALOG ($(sqlite3 "$work/catalog.sqlite" 'SELECT count(*) FROM products') products)"
else
    echo "== catalog of $products products"
    start=$(date +%s%N)
    $load seed "$work/catalog.sqlite" "$products" >/dev/null
    echo "seeded in $(( ($(date +%s%N) - start) / 1000000 )) ms"
fi
start=$(date +%s%N)
$load browse "$work/catalog.sqlite" 1 >/dev/null # opens (and migrates an older schema) once, untimed below
echo "opened (migrations included) in $(( ($(date +%s%N) - start) / 1000000 )) ms"
echo "catalog file: $(( $(stat -c %s "$work/catalog.sqlite") / 1048576 )) MiB; search tables and indexes (MiB):"
sqlite3 "$work/catalog.sqlite" "SELECT '  ' || name || ' ' || (sum(pgsize) / 1048576) FROM dbstat WHERE name LIKE 'search%' OR name LIKE 'product_words%' OR name LIKE 'products_fts%' GROUP BY name ORDER BY name" 2>/dev/null \
    || echo "  (this sqlite3 has no dbstat)"
if [ -n "${BEFORE:-}" ]; then
    echo "(load average before the build before: $(cut -d' ' -f1-3 /proc/loadavg))"
    "$BEFORE" browse "$work/catalog.sqlite" 200 > "$work/before.json"
else
    echo '{}' > "$work/before.json"
fi
echo "(load average before this build: $(cut -d' ' -f1-3 /proc/loadavg))"
$load browse "$work/catalog.sqlite" 200 > "$work/browse.json"
echo "(200 runs of each query, one process; load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$work/browse.json" "$work/before.json" <<'PY'
import json, sys
d, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
names = sorted({k[:-len("_median_us")] for k in d if k.endswith("_median_us")})
def figures(x, n):
    return "%10.2f %10.2f" % (x[n + "_median_us"] / 1000, x[n + "_p99_us"] / 1000) if n + "_median_us" in x else "%10s %10s" % ("-", "-")
if b:
    print("%-52s %21s   %21s" % ("", "before", "after"))
    print("%-52s %10s %10s   %10s %10s" % ("query", "median ms", "p99 ms", "median ms", "p99 ms"))
    for n in names:
        print("%-52s %s   %s" % (n, figures(b, n), figures(d, n)))
else:
    print("%-52s %10s %10s" % ("query", "median ms", "p99 ms"))
    for n in names:
        print("%-52s %s" % (n, figures(d, n)))
over = [n for n in names if d[n + "_p99_us"] >= 20000]
print("p99 at or above 20 ms: " + (", ".join(over) if over else "none"))
PY
[ -n "${SEARCH_ONLY:-}" ] && exit 0

echo
echo "== checkouts (synchronous=FULL, WAL; one order of one line per transaction)"
db="$work/checkout.sqlite"
$load seed "$db" 1000 >/dev/null
sqlite3 "$db" "UPDATE products SET stock = 10000000 WHERE id = 1;"
rate() { python3 -c "print(f'{$1 / ($2 / 1000):.0f}')"; }
one=$($load checkout "$db" 1 1 2000)
ms=$(echo "$one" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ms"])')
echo "shop, 1 process:    $(rate 2000 "$ms") checkouts/s"
start=$(date +%s%N)
for i in 1 2 3 4; do $load checkout "$db" 1 1 1000 >"$work/p$i.json" & done
wait
ms=$(( ($(date +%s%N) - start) / 1000000 ))
locked=$(cat "$work"/p*.json | python3 -c 'import json,sys; print(sum(json.loads(l).get("locked",0) for l in sys.stdin))')
echo "shop, 4 processes:  $(rate 4000 "$ms") checkouts/s (database is locked: $locked)"

# The same writes as raw SQL through the sqlite3 shell, in the same file.
python3 - "$work/raw.sql" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("PRAGMA synchronous=FULL;\n")
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
sqlite3 "$db" < "$work/raw.sql"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "raw sqlite3 shell:  $(rate 2000 "$ms") transactions/s (same statements, no validation or reads)"
