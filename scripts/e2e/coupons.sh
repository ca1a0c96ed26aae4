#!/usr/bin/env bash
# Coupons end to end, two real `shop` programs on one database in tmux: staff issue a coupon on
# the counter's Coupons screen, a customer in another session checks out with it (the discount
# shown, and stored with the order: checked with sqlite3), staff disable it, and the customer's
# next checkout with it is refused.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/e2e/tmux-helpers.sh
SHOP=${SHOP_BIN:-$PWD/.build/debug/shop}
DB="$E2E_TMP/shop.sqlite"
STAFF=+15550100900
CUSTOMER=+15550108888
CODE=E2E-TEN

t new-session -d -s seed -x 100 -y 30 "$SHOP --demo --db $DB"
wait_for "Browse" 20 seed || { not_ok "demo catalog seeded"; e2e_finish; }
t send-keys -t seed q
sleep 0.5

run() { t new-session -d -s "$1" -x 100 -y 30 "$SHOP --db $DB --messages file:$E2E_TMP/messages.jsonl --receipt-dir $E2E_TMP/receipts; sleep 30"; }
sign_in() { # sign_in WINDOW PHONE
  WINDOW=$1 keys p; WINDOW=$1 keys -l "$2"; WINDOW=$1 keys Enter
  wait_for "We sent a 6-digit code" 10 "$1"
  WINDOW=$1 keys -l "$(code_for "$2")"; WINDOW=$1 keys Enter
}
sql() { sqlite3 "$DB" "$1"; }
# buy_cake WINDOW: search, open the chocolate cake, add one 2 kg, open the cart, start checkout.
buy_cake() {
  WINDOW=$1 keys b; WINDOW=$1 keys / Escape /; WINDOW=$1 keys -l choc; WINDOW=$1 keys Enter Enter
  wait_for "Choose a variant" 10 "$1"
  WINDOW=$1 keys j Enter
  wait_for "Added 1 × Chocolate cake" 10 "$1"
  WINDOW=$1 keys c
  wait_for "Chocolate cake (2 kg)" 10 "$1"
  WINDOW=$1 keys Enter
  wait_for "Where should we deliver?" 10 "$1"
}

run counter; run customer
wait_for "products" 10 counter; wait_for "products" 10 customer

# Staff issue the coupon at the counter.
sign_in counter "$STAFF"
check "staff sign in" "press s for the staff screens" 10 counter
WINDOW=counter keys s
check "the staff menu lists Coupons" "Coupons" 5 counter
WINDOW=counter keys Down Down Down Down Down Enter
check "the coupons screen lists the demo coupons" "WELCOME10" 5 counter
WINDOW=counter keys n
check "the new coupon form" "A new coupon" 5 counter
WINDOW=counter keys -l "$CODE"; WINDOW=counter keys Tab Tab; WINDOW=counter keys -l 10
WINDOW=counter keys Tab; WINDOW=counter keys -l 2020-01-01; WINDOW=counter keys Tab; WINDOW=counter keys -l 2019-12-31
WINDOW=counter keys Enter
check "a window ending before it starts is refused under its field" "Valid until must not be before valid from" 5 counter
WINDOW=counter keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
WINDOW=counter keys -l 2999-12-31; WINDOW=counter keys Tab; WINDOW=counter keys -l 5; WINDOW=counter keys Enter
check "the coupon is issued" "Coupon $CODE issued" 5 counter
if wait_re "$CODE +10% +2020-01-01 – 2999-12-31 +0/5 +running" 5 counter; then ok "the list shows it with its window, uses and state"; else not_ok "the list shows the new coupon"; fi
[ "$(sql "select kind || ' ' || value || ' ' || max_uses || ' ' || active from coupons where code = '$CODE'")" = "percent 10 5 1" ] \
  && ok "the coupon is in the database" || not_ok "the coupon in the database"

# A customer in another session checks out with it.
sign_in customer "$CUSTOMER"
check "the customer is signed in" "Signed in as" 10 customer
buy_cake customer
WINDOW=customer keys -l Maya; WINDOW=customer keys Tab; WINDOW=customer keys -l Lee; WINDOW=customer keys Tab Tab Tab
WINDOW=customer keys -l "12 Elm Street"; WINDOW=customer keys Tab Tab Tab Tab; WINDOW=customer keys -l "$(echo $CODE | tr A-Z a-z)"
WINDOW=customer keys Enter
check "the review names the coupon" "coupon $CODE applied at checkout" 5 customer
WINDOW=customer keys Enter
check "the order shows the discount" "Discount −4.50 ($CODE)" 10 customer
ORDER="select subtotal || ' ' || discount || ' ' || total || ' ' || coupon_code from orders where phone = '$CUSTOMER' order by id desc limit 1"
wait_sql "$DB" "$ORDER" "4500 450 4050 $CODE" && ok "the order stores subtotal, discount, total and the code" || not_ok "the stored order: $(sql "$ORDER")"
[ "$(sql "select used_count from coupons where code = '$CODE'")" = 1 ] && ok "the coupon counts one use" || not_ok "coupon uses"

# Staff see the use, then disable the coupon; the customer's next checkout is refused.
WINDOW=counter keys Escape s Down Down Down Down Down Enter
ROW=$(sql "select count(*) from coupons where code < '$CODE'")
for _ in $(seq "$ROW"); do WINDOW=counter keys Down; done
if wait_re "$CODE .* 1/5 +running" 5 counter; then ok "the list shows the use"; else not_ok "the list shows the use"; fi
WINDOW=counter keys d
check "staff disable it" "Coupon $CODE disabled" 5 counter
wait_sql "$DB" "select active from coupons where code = '$CODE'" 0 && ok "disabled in the database" || not_ok "disabled in the database"
WINDOW=customer keys Escape Escape
buy_cake customer
WINDOW=customer keys -l Maya; WINDOW=customer keys Tab; WINDOW=customer keys -l Lee; WINDOW=customer keys Tab Tab Tab
WINDOW=customer keys -l "12 Elm Street"; WINDOW=customer keys Tab Tab Tab Tab; WINDOW=customer keys -l "$CODE"
WINDOW=customer keys Enter   # the details step asks the engine first: the review does not open
check "checkout refuses the disabled coupon under its field, before the review" "Coupon $CODE has been disabled by the shop" 10 customer
[ "$(sql "select count(*) from orders where phone = '$CUSTOMER'")" = 1 ] && ok "no second order was placed" || not_ok "a second order was placed"

WINDOW=counter keys q; WINDOW=customer keys q
e2e_finish
