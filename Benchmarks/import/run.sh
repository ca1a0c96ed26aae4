#!/usr/bin/env bash
# Import benchmark: a generated CSV of 100,000 products (a tenth with three variants each, names
# partly Persian, quoted fields) imported into a new database with a release build, then the
# same file again (nothing to write), then a file changing every product (name, price, stock
# through the ledger). Prints the wall and CPU seconds and the peak memory of each run, split into
# the process's own (anonymous: its data and SQLite's page cache) and file pages (the binary,
# libraries, and any of the database mapped in memory), sampled from /proc every 0.1 s.
# Usage: Benchmarks/import/run.sh [PRODUCTS]
# BEFORE=path/to/shop-server runs the same three imports with that build first (a fresh database),
# e.g. one built from an earlier commit with `swift build -c release --scratch-path .build-before`.
set -euo pipefail
cd "$(dirname "$0")/../.."
products=${1:-100000}
work=$(mktemp -d /tmp/shop-bench-import.XXXXXX)
trap 'rm -rf "$work"' EXIT

[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product shop-server >/dev/null
server=.build/release/shop-server

generate() {
python3 - "$1" "$products" "$2" <<'PY'
import csv, sys
path, n, change = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
words = ["Fresh", "Golden", "کیک", "نان", "Spicy", "شکلاتی", "Tea", "Saffron, Persian"]
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["sku", "name", "description", "category", "price", "stock", "barcode", "variant"])
    for i in range(1, n + 1):
        name = f"{words[i % 8]} {words[(i // 8) % 8]} {i}" + (" new" if change else "")
        desc = f'Product "{i}", made daily\nsecond line'
        if i % 10 == 0:
            for v, kg in enumerate(["1 kg", "2 kg", "3 kg"]):
                w.writerow([f"IMP-{i}", name, desc, "Cakes", f"{10 + v * 9 + i % 7 + change}.50", (i + v + change) % 40, "", kg])
        else:
            w.writerow([f"IMP-{i}", name, desc, ["Bakery", "نانوایی", "Drinks"][i % 3], f"{i % 500 + change}.{i % 100:02d}", (i + change) % 50, f"{400000000 + i}", ""])
PY
}
generate "$work/products.csv" 0
generate "$work/changed.csv" 1
echo "== import of $products products ($(wc -l < "$work/products.csv") lines, $(( $(stat -c %s "$work/products.csv") / 1024 )) KiB)"
run() {
    /usr/bin/time -v -o "$work/time.txt" $server import products "$work/$2" --db "$work/shop.sqlite" --currency USD:2 >"$work/out.txt" &
    local timer=$! pid="" anon=0 file=0
    while [ -z "$pid" ] && kill -0 $timer 2>/dev/null; do pid=$(pgrep -P $timer | head -1 || true); done
    while [ -n "$pid" ] && [ -e /proc/$pid/status ]; do
        read -r a f < <(awk '/RssAnon/ {a=$2} /RssFile/ {f=$2} END {print a+0, f+0}' /proc/$pid/status 2>/dev/null || echo "0 0")
        (( a > anon )) && anon=$a; (( f > file )) && file=$f
        sleep 0.1
    done
    wait $timer
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f", u + s}' "$work/time.txt")
    echo "$label$1: $(cat "$work/out.txt")"
    echo "$label$1: wall $seconds, CPU ${cpu} s, peak memory $(( kib / 1024 )) MiB (own $(( anon / 1024 )), file pages $(( file / 1024 ))) (load average now: $(cut -d' ' -f1 /proc/loadavg))"
}
runAll() {
    rm -f "$work"/shop.sqlite*
    run "new database       " products.csv
    run "same file again    " products.csv
    run "every product changed" changed.csv
}
after=$server
if [ -n "${BEFORE:-}" ]; then
    server=$BEFORE label="before: " runAll
    server=$after label="after:  " runAll
else
    label="" runAll
fi
