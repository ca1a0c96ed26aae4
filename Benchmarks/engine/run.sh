#!/usr/bin/env bash
# Engine benchmark: a 1,000,000-product catalog (search and page latency, median and p99) and
# checkouts per second from 1 and 4 processes, next to the raw rate of equivalent sqlite3
# transactions measured in the same run. Usage: Benchmarks/engine/run.sh [PRODUCTS]
#   CATALOG=FILE  time the searches on a copy of this already seeded catalog (e.g. one kept from
#                 an earlier run; an older schema is migrated on open) instead of seeding anew
#   DB=postgres   also time them on PostgreSQL, directly and through PgBouncer (transaction
#                 pooling), the catalog moved there with `shop-server migrate`: a throw-away
#                 cluster (scripts/postgres/cluster.sh; as root it runs as the postgres account)
#   RUNS=N        runs of each query (default 200)
#   SKIP_CHECKOUTS=1  the catalog part only
#   BEFORE=PATH   also time the same queries with this shop-load (the build before a change, e.g.
#                 `swift build -c release --product shop-load --scratch-path .build-before` in a
#                 checkout of the earlier commit), before and after side by side, in this run
#   SEARCH_ONLY=1 stop after the catalog queries (no checkouts; SKIP_CHECKOUTS=1 too)
# One query's statements: SHOP_BROWSE_ONLY=two_words SHOP_SQL_PROFILE=/tmp/sql.txt \
#   .build/release/shop-load browse CATALOG-COPY 20   (only the queries whose name holds the text)
set -euo pipefail
cd "$(dirname "$0")/../.."
products=${1:-1000000}
runs=${RUNS:-200}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive whole number, got \"$runs\"" >&2; exit 64; }
case "${DB:-sqlite}" in sqlite|postgres) ;; *) echo "DB must be sqlite or postgres, got \"$DB\"" >&2; exit 64 ;; esac
work=$(mktemp -d /tmp/shop-bench-engine.XXXXXX)
chmod 0755 "$work" # PostgreSQL's account reads the cluster folder inside it
WORK=$work
# shellcheck source=../../scripts/postgres/lib.sh
source scripts/postgres/lib.sh
trap 'pg_cleanup; rm -rf "$work"' EXIT

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
columns=()
if [ -n "${BEFORE:-}" ]; then
    echo "(the build before, SQLite: $runs runs of each query, one process; load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "$BEFORE" browse "$work/catalog.sqlite" "$runs" > "$work/browse-before.json"
    columns+=("before=$work/browse-before.json")
fi
echo "(SQLite: $runs runs of each query, one process; load average $(cut -d' ' -f1-3 /proc/loadavg))"
$load browse "$work/catalog.sqlite" "$runs" > "$work/browse-sqlite.json"
columns+=("SQLite=$work/browse-sqlite.json")
if [ "${DB:-sqlite}" = postgres ]; then
    head -c 32 /dev/urandom > "$work/secret.key"; chmod 0600 "$work/secret.key"
    export SHOP_SECRET_FILE="$work/secret.key" # a PostgreSQL shop needs one
    pg_start_cluster
    swift build -c release --product shop-server >/dev/null
    start=$(date +%s%N)
    .build/release/shop-server migrate --from "$work/catalog.sqlite" --to "$SHOP_PG_URL" >"$work/migrate.out" 2>&1 || { cat "$work/migrate.out" >&2; exit 1; }
    echo "moved to PostgreSQL (shop-server migrate) in $(( ($(date +%s%N) - start) / 1000000 )) ms"
    # As autovacuum soon would after a load: statistics and the visibility map (index-only scans).
    pg_psql "VACUUM ANALYZE products, products_fts, product_words, search_terms, search_postings"
    echo "PostgreSQL search tables and indexes (MiB):"
    pg_psql "SELECT '  ' || relname || ' ' || pg_relation_size(oid) / 1048576 FROM pg_class WHERE relname LIKE 'search%' OR relname LIKE 'product_words%' ORDER BY relname"
    for target in direct bouncer; do
        url=$SHOP_PG_URL; [ $target = bouncer ] && url=$SHOP_PGBOUNCER_URL
        echo "(PostgreSQL $target: $runs runs of each query, one process; load average $(cut -d' ' -f1-3 /proc/loadavg))"
        $load browse "$url" "$runs" > "$work/browse-pg-$target.json"
        columns+=("PG $target=$work/browse-pg-$target.json")
    done
fi
python3 - "${columns[@]}" <<'PY'
import json, sys
heads = [a.split("=", 1)[0] for a in sys.argv[1:]]
runs = [json.load(open(a.split("=", 1)[1])) for a in sys.argv[1:]]
mine = runs[heads.index("SQLite")]
names = sorted({k[:-len("_median_us")] for k in mine if k.endswith("_median_us")})
def figures(d, n):
    return "%.2f / %.2f" % (d[n + "_median_us"] / 1000, d[n + "_p99_us"] / 1000) if n + "_median_us" in d else "-"
print("median / p99 ms")
print("%-52s" % "query" + "".join("%18s" % h for h in heads))
for n in names:
    print("%-52s" % n + "".join("%18s" % figures(d, n) for d in runs))
over = [n for n in names if mine[n + "_p99_us"] >= 20000]
print("SQLite p99 at or above 20 ms: " + (", ".join(over) if over else "none"))
PY
[ -z "${SKIP_CHECKOUTS:-}${SEARCH_ONLY:-}" ] || exit 0

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
