#!/usr/bin/env bash
# Counter mode end to end, two real `shop` programs on one database in tmux: a staff counter and
# a customer. A counter sale by barcode with cash and change (and the receipt file's content),
# marking an order sent, a stock adjustment that the customer's session sees, a customer refused
# the staff screens; plus `shop --demo` starting and showing the catalog.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/e2e/tmux-helpers.sh
SHOP=${SHOP_BIN:-$PWD/.build/debug/shop}
DB="$E2E_TMP/shop.sqlite"
RECEIPTS="$E2E_TMP/receipts"
STAFF=+15550100900
CUSTOMER=+15550100001

t new-session -d -s seed -x 100 -y 30 "$SHOP --demo --db $DB"
check "shop --demo starts and shows the catalog" "40 products" 20 seed
t send-keys -t seed q
sleep 0.5

run() { t new-session -d -s "$1" -x 100 -y 30 "$SHOP --db $DB --messages file:$E2E_TMP/messages.jsonl --receipt-dir $RECEIPTS; sleep 30"; }
sign_in() { # sign_in WINDOW PHONE
  WINDOW=$1 keys p; WINDOW=$1 keys -l "$2"; WINDOW=$1 keys Enter
  wait_for "We sent a 6-digit code" 10 "$1"
  WINDOW=$1 keys -l "$(code_for "$2")"; WINDOW=$1 keys Enter
}
sql() { sqlite3 "$DB" "$1"; }

run counter; run customer
wait_for "products" 10 counter; wait_for "products" 10 customer
sign_in customer "$CUSTOMER"
check "the customer is signed in" "Maya Lee" 10 customer
WINDOW=customer keys s
check "a customer is refused the staff screens" "Staff screens are for shop staff" 5 customer

sign_in counter "$STAFF"
check "staff sign in" "press s for the staff screens" 10 counter
WINDOW=counter keys s
check "the staff menu" "Quick sale" 5 counter
WINDOW=counter keys Enter
check "quick sale opens with the code field" "N*CODE adds N" 5 counter
BEFORE=$(sql "select stock from products where sku = 'BREAD-SOUR'")
WINDOW=counter keys -l 6260100000079; WINDOW=counter keys Enter
check "a scanned barcode adds the item" "Sourdough loaf" 5 counter
WINDOW=counter keys -l '2*6260100000086'; WINDOW=counter keys Enter
check "N*CODE adds N of an item" "TOTAL  11.50 USD" 5 counter
WINDOW=counter keys F5
check "payment opens" "Cash" 5 counter
WINDOW=counter keys -l 20; WINDOW=counter keys Enter
check "cash given, change due shown" "CHANGE DUE  8.50" 10 counter
AFTER=$(sql "select stock from products where sku = 'BREAD-SOUR'")
[ "$AFTER" -eq $((BEFORE - 1)) ] && ok "stock decremented like any checkout ($BEFORE → $AFTER)" || not_ok "stock decremented ($BEFORE → $AFTER)"
SALE=$(sql "select number from orders where channel = 'counter' order by id desc limit 1")
STATUS=$(sql "select status from orders where number = '$SALE'")
[ "$STATUS" = delivered ] && ok "the paid counter sale is handed over (delivered)" || not_ok "counter sale status is $STATUS"
RECEIPT="$RECEIPTS/$SALE.txt"
if [ -f "$RECEIPT" ] && grep -q "Receipt $SALE" "$RECEIPT" && grep -q "1 × Sourdough loaf *6.50" "$RECEIPT" \
   && grep -q "2 × نان سنگک *5.00" "$RECEIPT" && grep -q "TOTAL USD *11.50" "$RECEIPT" \
   && grep -q "Cash given *20.00" "$RECEIPT" && grep -q "Change *8.50" "$RECEIPT"; then
  ok "the receipt file has the lines, total, cash given and change"
else
  not_ok "the receipt file ($RECEIPT)"; cat "$RECEIPT" 2>/dev/null || true
fi

# Mark a paid order sent.
WINDOW=counter keys Escape Escape
WINDOW=counter keys s Down Down Down Enter
check "orders to send" "Status: paid" 5 counter
wait_re '^ S-[0-9]{6} ' 10 counter >/dev/null   # the filter label shows before the rows arrive
ORDER=$(screen counter | grep -o '^ S-[0-9]\{6\}' | head -1 | tr -d ' ' || true)
WINDOW=counter keys Enter
check "the order's contact and delivery details" "Deliver to" 5 counter
WINDOW=counter keys n
check "marking it sent asks first" "y mark sent" 5 counter
WINDOW=counter keys y
check "marking it sent" "SENT" 5 counter
[ "$(sql "select status from orders where number = '$ORDER'")" = sent ] && ok "the order is sent in the database" || not_ok "order $ORDER not sent"

# A stock adjustment the customer's session sees.
WINDOW=customer keys /; WINDOW=customer keys -l Hummus; WINDOW=customer keys Enter
check "the customer sees Hummus low" "only 2" 5 customer
WINDOW=counter keys Escape Escape
WINDOW=counter keys s Down Enter
check "staff products screen" "Hummus" 5 counter
WINDOW=counter keys /; WINDOW=counter keys -l Hummus
check "the staff search finds it" "1 product ·" 5 counter
WINDOW=counter keys Enter s
check "the stock change form" "Reason" 5 counter
WINDOW=counter keys -l +10; WINDOW=counter keys Tab; WINDOW=counter keys -l delivery; WINDOW=counter keys Enter
check "the adjustment is confirmed" "Stock of Hummus is now 12" 5 counter
wait_sql "$DB" "select stock from products where sku = 'DELI-HUMMUS'" 12 && ok "the adjustment is in the database" || not_ok "hummus stock"
[ "$(sql "select reason from stock_ledger where product_id = (select id from products where sku = 'DELI-HUMMUS') order by id desc limit 1")" = delivery ] \
  && ok "and in the stock ledger with its reason" || not_ok "ledger reason"
WINDOW=customer keys Enter
check "the customer's session shows the new stock" "12 in stock" 5 customer

# Two demo runs number their sales from the same start: the second run's receipt gets a name of
# its own (S-…-2.txt), the first stays as it was, and the notice says where it went.
DEMO_RECEIPTS="$E2E_TMP/demo-receipts"
demo_sale() { # demo_sale WINDOW CASH: a fresh `shop --demo`, the demo staff signs in, sells a loaf for CASH
  # (the cash differs between runs: a receipt identical to the one saved is a reprint, not a new file)
  t new-session -d -s "$1" -x 100 -y 30 "$SHOP --demo --receipt-dir $DEMO_RECEIPTS; sleep 30"
  wait_for "products" 20 "$1" >/dev/null || true
  WINDOW=$1 keys p; WINDOW=$1 keys -l "$STAFF"; WINDOW=$1 keys Enter
  wait_re "Demo mode — the code sent to .* is [0-9]{6}" 10 "$1" >/dev/null || true
  local code
  code=$(screen "$1" | grep -oE "is [0-9]{6}" | grep -oE "[0-9]{6}" | head -1 || true)
  WINDOW=$1 keys -l "$code"; WINDOW=$1 keys Enter
  wait_for "press s for the staff screens" 10 "$1" >/dev/null || true
  WINDOW=$1 keys s; wait_for "Quick sale" 5 "$1" >/dev/null || true
  WINDOW=$1 keys Enter; wait_for "N*CODE adds N" 5 "$1" >/dev/null || true
  WINDOW=$1 keys -l 6260100000079; WINDOW=$1 keys Enter
  wait_for "Sourdough loaf" 5 "$1" >/dev/null || true
  WINDOW=$1 keys F5; wait_for "Take payment" 5 "$1" >/dev/null || true
  WINDOW=$1 keys -l "$2"; WINDOW=$1 keys Enter
}
demo_sale demo1 20
if wait_re "demo-receipts/S-[0-9]{6}\.txt" 10 demo1; then ok "demo run 1 saves its receipt"; else not_ok "demo run 1 saves its receipt"; fi
FIRST=$(ls "$DEMO_RECEIPTS" 2>/dev/null | head -1 || true)
FIRST_SUM=$( [ -n "$FIRST" ] && md5sum < "$DEMO_RECEIPTS/$FIRST" || echo none)
t kill-session -t demo1 || true
demo_sale demo2 10
if wait_re "demo-receipts/S-[0-9]{6}-2\.txt" 10 demo2; then ok "demo run 2 numbers the same sale but saves under a new name, and says which"; else not_ok "demo run 2 saves under a new name"; fi
if [ -n "$FIRST" ] && [ "$(md5sum < "$DEMO_RECEIPTS/$FIRST")" = "$FIRST_SUM" ]; then ok "the first run's receipt $FIRST is left as it was"; else not_ok "the first run's receipt was changed or is missing ($FIRST)"; fi
COUNT=$(ls "$DEMO_RECEIPTS" 2>/dev/null | wc -l || true)
if [ "$COUNT" -eq 2 ]; then ok "two receipt files for two demo runs"; else not_ok "receipt files: $(ls "$DEMO_RECEIPTS" 2>/dev/null | tr '\n' ' ')"; fi
t kill-session -t demo2 || true

WINDOW=counter keys q; WINDOW=customer keys q
e2e_finish
