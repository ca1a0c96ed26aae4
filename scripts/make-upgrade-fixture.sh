#!/usr/bin/env bash
# Makes the upgrade fixture: a database written by this release, with every kind of record, as
# an SQL dump (text, reviewable) in Tests/ShopEngineTests/Fixtures/. Run it once per release whose
# schema changed; the upgrade test opens every fixture with the current code.
#   scripts/make-upgrade-fixture.sh NAME      e.g. release-2026-11
# Needs: a built shop-server (swift build), curl, sqlite3, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/make-upgrade-fixture.sh NAME}
server=${SERVER_BIN:-$PWD/.build/debug/shop-server}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/shop.sqlite"

"$server" --demo --db "$db" --port 0 2>"$work/log" &
pid=$!
for _ in $(seq 300); do grep -q "listening on" "$work/log" 2>/dev/null && break; sleep 0.1; done
port=$(grep -oE 'listening on http://127.0.0.1:[0-9]+' "$work/log" | grep -oE '[0-9]+$')
api="http://127.0.0.1:$port/api/v1"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }
post() { curl -sf -X "${4:-POST}" "$api$1" -H 'Content-Type: application/json' ${3:+-H "Authorization: Bearer $3"} -d "$2"; }

# Sign in by code: the demo keeps codes in its outbox table.
token() {
  local request code
  request=$(post /auth/otp/request "{\"phone\":\"$1\"}" | json "d['request_id']")
  code=$(sqlite3 "$db" "SELECT body FROM outbox WHERE recipient = '$1' ORDER BY id DESC LIMIT 1" | grep -oE '[0-9]{6}')
  post /auth/otp/verify "{\"request_id\":\"$request\",\"code\":\"$code\"}" | json "d['access']"
}
admin=$(token +15550100999)
customer=$(token +15550100001)

# A password account whose email and phone still wait for their codes.
post /auth/register '{"username":"fixture","email":"fixture@example.com","password":"fixture-pass-1","password_confirm":"fixture-pass-1","first_name":"Fixture","last_name":"User","phone":"+15550107001"}' >/dev/null
# Photos, a setting, a coupon, a counter sale, a return.
printf '\x89PNG\r\n\x1a\nfixture' > "$work/p.png"
curl -sf -X PUT "$api/products/1/photo" -H "Authorization: Bearer $admin" -H 'Content-Type: image/png' --data-binary @"$work/p.png" >/dev/null
curl -sf -X PUT "$api/me/photo" -H "Authorization: Bearer $customer" -H 'Content-Type: image/png' --data-binary @"$work/p.png" >/dev/null
post /admin/settings '{"low_stock_threshold":4}' "$admin" PATCH >/dev/null
post /coupons '{"code":"FIXTURE-10","kind":"percent","value":10,"max_uses":5}' "$admin" >/dev/null
product=$(curl -sf "$api/products?sort=name&limit=50" | json "[p['id'] for p in d['items'] if not p['variants'] and p['stock'] > 2][0]")
post /counter/sales "{\"lines\":[{\"product_id\":$product,\"quantity\":1}],\"tenders\":[{\"method\":\"cash\",\"amount\":$(curl -sf "$api/products/$product" | json "d['price']"),\"tendered\":100000}]}" "$admin" >/dev/null
delivered=$(curl -sf "$api/orders?status=delivered" -H "Authorization: Bearer $admin" | json "[o for o in d['items'] if o['payment_method'] != 'cash'][0]['id']")
line=$(curl -sf "$api/orders/$delivered" -H "Authorization: Bearer $admin" | json "d['items'][0]['id']")
post "/orders/$delivered/returns" "{\"items\":[{\"order_item_id\":$line,\"quantity\":1}],\"refund_method\":\"card\"}" "$admin" >/dev/null
# A remembered SSH key (the terminal's "remember this key" has no HTTP route).
sqlite3 "$db" "INSERT INTO ssh_keys(fingerprint, user_id, key_type, created_at) SELECT 'SHA256:fixture', id, 'ssh-ed25519', 1800000000 FROM users WHERE phone = '+15550100001'"

kill "$pid"; wait "$pid" || true
"$server" check --db "$db"
out="Tests/ShopEngineTests/Fixtures/$name.sql"
mkdir -p "$(dirname "$out")"
{
  echo "-- Made by scripts/make-upgrade-fixture.sh with Shop $("$server" --help | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)."
  echo "-- Load with: sqlite3 NEW.sqlite < $name.sql"
  sqlite3 "$db" .dump
  echo "PRAGMA user_version = $(sqlite3 "$db" 'PRAGMA user_version');"
} > "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
