#!/usr/bin/env bash
# Payments and returns at the counter, end to end: a real `shop-server` (port 0) and a real `shop`
# in tmux on one database. A web client (curl) orders and records a pending card payment; staff
# settle it in the order's payments panel; the order is sent and delivered, and part of it is
# taken back with cash back: the amount to hand over on screen, the stock and the ledger restored
# (checked with sqlite3), the return slip saved.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/e2e/tmux-helpers.sh
SHOP=${SHOP_BIN:-$PWD/.build/debug/shop}
SERVER=${SERVER_BIN:-$(dirname "$SHOP")/shop-server}
DB="$E2E_TMP/shop.sqlite"
MESSAGES="$E2E_TMP/messages.jsonl"
RECEIPTS="$E2E_TMP/receipts"
STAFF=+15550100900
WEB=+15550100077
sql() { sqlite3 "$DB" "$1"; }
json() { python3 -c 'import json, sys; v = json.load(sys.stdin); print(eval(sys.argv[1], {"v": v}))' "$1"; }

# A demo store to work on.
t new-session -d -s seed -x 100 -y 30 "$SHOP --demo --db $DB"
wait_for "40 products" 20 seed >/dev/null
t send-keys -t seed q
sleep 0.5

"$SERVER" --db "$DB" --port 0 --messages "file:$MESSAGES" >"$E2E_TMP/server.log" 2>&1 &
E2E_PIDS+=($!)
PORT=""
for _ in $(seq 100); do
  PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$E2E_TMP/server.log" | grep -o '[0-9]*$' || true)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] && ok "shop-server listens on a free port ($PORT)" || { not_ok "shop-server did not start"; cat "$E2E_TMP/server.log"; e2e_finish; }
API="http://127.0.0.1:$PORT/api/v1"
post() { curl -sS -X POST "$API$1" -H 'Content-Type: application/json' ${TOKEN:+-H "Authorization: Bearer $TOKEN"} -d "$2"; }

# The web client: sign in by code, order two loaves by card, record the card payment (pending).
REQUEST=$(post /auth/otp/request "{\"phone\": \"$WEB\"}" | json 'v["request_id"]')
TOKEN=$(post /auth/otp/verify "{\"request_id\": \"$REQUEST\", \"code\": \"$(code_for "$WEB")\"}" | json 'v["access"]')
PRODUCT=$(sql "select id from products where sku = 'BREAD-SOUR'")
STOCK0=$(sql "select stock from products where id = $PRODUCT")
ORDER_JSON=$(post /orders "{\"items\": [{\"product_id\": $PRODUCT, \"quantity\": 2}], \"payment_method\": \"card\", \"first_name\": \"Web\", \"last_name\": \"Client\",
  \"phone\": \"$WEB\", \"email\": \"web@example.com\", \"address\": \"1 Web Street\", \"postal_code\": \"12345\"}")
ORDER_ID=$(echo "$ORDER_JSON" | json 'v["id"]'); NUMBER=$(echo "$ORDER_JSON" | json 'v["number"]'); TOTAL=$(echo "$ORDER_JSON" | json 'v["total"]')
PAYMENT=$(post "/orders/$ORDER_ID/payments" "{\"amount\": $TOTAL, \"method\": \"card\"}")
[ "$(echo "$PAYMENT" | json 'v["status"]')" = pending ] && ok "the web client's card payment is pending ($NUMBER, $TOTAL)" || not_ok "web payment: $PAYMENT"
PAYMENT_ID=$(echo "$PAYMENT" | json 'v["id"]')

# The counter: staff sign in, open the order, its payments panel, settle the pending payment.
t new-session -d -s main -x 100 -y 30 "$SHOP --db $DB --messages file:$MESSAGES --receipt-dir $RECEIPTS; sleep 30"
wait_for "products" 10 >/dev/null
keys p; keys -l "$STAFF"; keys Enter
wait_for "We sent a 6-digit code" 10 >/dev/null
keys -l "$(code_for "$STAFF")"; keys Enter
check "staff sign in" "press s for the staff screens" 10
keys o
check "the web order is first in the orders list" "$NUMBER" 5
keys Enter
check "its detail" "Order $NUMBER" 5
keys m
check "the payments panel shows the pending card payment" "pending" 5
check "and the balance still due" "Paid 0.00" 5
keys c
check "settling it at the counter" "settled" 5
wait_sql "$DB" "select status from payments where id = $PAYMENT_ID" completed && ok "the payment is completed in the database" || not_ok "payment status"
wait_sql "$DB" "select status from orders where id = $ORDER_ID" paid && ok "the order is paid" || not_ok "order status $(sql "select status from orders where id = $ORDER_ID")"

# Send and deliver it, then take one loaf back with cash back.
keys Escape
check "back on the order" "PAID" 5
keys n
wait_for "y mark sent" 5 >/dev/null; keys y   # marking an order asks first
check "marked sent" "SENT" 5
keys n
wait_for "y mark delivered" 5 >/dev/null; keys y
check "marked delivered" "DELIVERED" 5
BEFORE=$(sql "select stock from products where id = $PRODUCT")
[ "$BEFORE" -eq $((STOCK0 - 2)) ] && ok "the web order took two loaves ($STOCK0 → $BEFORE)" || not_ok "stock after the order: $BEFORE"
keys t
check "the returns dialog" "Return — order $NUMBER" 5
keys +
keys Tab Tab
check "refund in cash chosen" "Refund by (Tab): Cash" 5
keys Enter
check "asked to confirm" "Take back 1 item and refund by Cash?" 5
keys y
UNIT=$(sql "select unit_price from order_items where order_id = $ORDER_ID")
MONEY=$(python3 -c "print(f'{$UNIT / 100:.2f}')")
check "the amount to hand over is shown" "HAND OVER $MONEY USD IN CASH" 5
wait_sql "$DB" "select stock from products where id = $PRODUCT" $((BEFORE + 1)) && ok "the stock is restored ($BEFORE → $((BEFORE + 1)))" || not_ok "stock $(sql "select stock from products where id = $PRODUCT")"
[ "$(sql "select delta || ' ' || reason from stock_ledger where order_id = $ORDER_ID order by id desc limit 1")" = "1 return" ] \
  && ok "the stock ledger has the return" || not_ok "ledger: $(sql "select delta, reason from stock_ledger where order_id = $ORDER_ID")"
[ "$(sql "select amount || ' ' || method || ' ' || status from payments where order_id = $ORDER_ID order by id desc limit 1")" = "$UNIT cash refunded" ] \
  && ok "the refund is a cash payment marked refunded" || not_ok "refund payment: $(sql "select * from payments where order_id = $ORDER_ID")"
[ "$(sql "select sum(quantity) from return_items ri join returns r on r.id = ri.return_id where r.order_id = $ORDER_ID")" = 1 ] \
  && ok "the return is recorded with its line" || not_ok "returns rows"
SLIP=$(ls "$RECEIPTS"/"$NUMBER"-return-*.txt 2>/dev/null | head -1 || true)
[ -n "$SLIP" ] && grep -q "Cash back *$MONEY" "$SLIP" && ok "the return slip is saved with the cash back" || not_ok "return slip ($SLIP)"
RETURNED=$(curl -sS "$API/orders/$ORDER_ID" -H "Authorization: Bearer $TOKEN" | json 'v["items"][0]["returned_quantity"], v["refunded"]')
[ "$RETURNED" = "(1, $UNIT)" ] && ok "the web client sees the returned loaf and the refund" || not_ok "order over the API: $RETURNED"
keys Escape
check "the order shows the refund" "Refunded $MONEY" 5

keys q
e2e_finish
