#!/usr/bin/env bash
# A customer's journey through the HTTP API with curl, against `shop-server --demo`:
# sign in by phone (the demo keeps the code it "sends" in its outbox table), browse, fill a cart,
# order, pay, and read the order history. Prints each step; exits non-zero when one fails.
#   scripts/api-tour.sh        (SERVER_BIN; needs curl, sqlite3, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
server=${SERVER_BIN:-$PWD/.build/debug/shop-server}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# Under set -e a failed curl inside $(…) would end the script without a word: say which step.
trap 'echo "not ok - api tour: line $LINENO failed: $BASH_COMMAND"' ERR
db="$work/shop.sqlite"
"$server" --demo --db "$db" --port 0 --quiet 2>"$work/log" &
pid=$!
for _ in $(seq 300); do grep -q "listening on" "$work/log" 2>/dev/null && break; sleep 0.1; done
port=$(grep -oE 'listening on http://127.0.0.1:[0-9]+' "$work/log" | grep -oE '[0-9]+$')
api="http://127.0.0.1:$port/api/v1"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }
step() { echo "ok - $*"; }
call() { # call METHOD PATH [BODY] — with the customer's token once signed in
  curl -sf -X "$1" "$api$2" ${token:+-H "Authorization: Bearer $token"} ${3:+-H 'Content-Type: application/json' -d "$3"}
}

phone=+15550100001
request=$(call POST /auth/otp/request "{\"phone\":\"$phone\"}" | json "d['request_id']")
code=$(sqlite3 "$db" "SELECT body FROM outbox WHERE recipient = '$phone' ORDER BY id DESC LIMIT 1" | grep -oE '[0-9]{6}')
token=$(call POST /auth/otp/verify "{\"request_id\":\"$request\",\"code\":\"$code\"}" | json "d['access']")
step "signed in as $phone with the code from the outbox"

categories=$(call GET /categories | json "len(d['items'])")
step "browsed $categories categories"
product=$(call GET "/products?in_stock=true&sort=price&limit=50" | json "[p['id'] for p in d['items'] if not p['variants'] and p['stock'] >= 2][0]")
name=$(call GET "/products/$product" | json "d['name']")
step "picked product $product ($name)"

call DELETE /cart >/dev/null
call POST /cart/items "{\"product_id\":$product,\"quantity\":2}" >/dev/null
total=$(call GET /cart | json "d['total']")
step "cart holds 2 × $name, total $total"

order=$(call POST /orders '{"first_name":"Maya","last_name":"Lee","phone":"+15550100001","email":"maya@example.com","address":"12 Elm Street, Springfield","postal_code":"12345","delivery_date":"","note":"API tour","payment_method":"card"}')
order_id=$(echo "$order" | json "d['id']")
[ "$(echo "$order" | json "d['total']")" = "$total" ] || { echo "not ok - the order total differs from the cart's"; exit 1; }
step "ordered: $(echo "$order" | json "d['number']"), total $total"

payment=$(call POST "/orders/$order_id/payments" "{\"amount\":$total,\"method\":\"card\"}" | json "d['status']")
step "paid $total by card (payment $payment)"

history=$(call GET /orders | json "[o['id'] for o in d['items']]")
python3 -c "import sys; assert $order_id in $history" || { echo "not ok - the order is not in the history"; exit 1; }
step "the order is in the history ($(call GET "/orders/$order_id" | json "d['status']"))"
