#!/usr/bin/env bash
# Export benchmark: 1,000,000 generated orders (1–3 lines and a payment each) exported as CSV and
# as JSON lines with a release build; prints the time and the peak memory (max RSS from
# /usr/bin/time -v) of each. Usage: Benchmarks/export/run.sh [ORDERS]
set -euo pipefail
cd "$(dirname "$0")/../.."
orders=${1:-1000000}
work=$(mktemp -d /tmp/shop-bench-export.XXXXXX)
trap 'rm -rf "$work"' EXIT

swift build -c release --product shop-server >/dev/null
swift build -c release --product shop-load >/dev/null
server=.build/release/shop-server

echo "== $orders orders"
start=$(date +%s%N)
.build/release/shop-load seed-orders "$work/shop.sqlite" "$orders" >/dev/null
echo "seeded in $(( ($(date +%s%N) - start) / 1000000 )) ms ($(( $(stat -c %s "$work/shop.sqlite") / 1048576 )) MiB database)"
run() {
    local format=$1
    /usr/bin/time -v -o "$work/time.txt" $server export orders --format "$format" --db "$work/shop.sqlite" --to "$work/orders.$format" 2>"$work/err.txt"
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    echo "orders as $format: $(wc -l < "$work/orders.$format") lines, $(( $(stat -c %s "$work/orders.$format") / 1048576 )) MiB in $seconds (wall), peak memory $(( kib / 1024 )) MiB"
}
run csv
run json
