#!/usr/bin/env bash
# A customer's whole journey through the real `shop` binary in a real terminal (tmux): sign in by
# code (read from the file: message sink), search, add to cart, edit the cart, check out, see the
# order in history, cancel it; plus a Persian product name, resize, a too-small terminal, and
# the terminal restored on quit.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/e2e/tmux-helpers.sh
SHOP=${SHOP_BIN:-$PWD/.build/debug/shop}
DB="$E2E_TMP/shop.sqlite"

# A store with the demo catalog, then the real (non-demo) program on it.
t new-session -d -s seed -x 100 -y 30 "$SHOP --demo --db $DB"
wait_for "Browse" 20 seed || { not_ok "demo catalog seeded"; e2e_finish; }
t send-keys -t seed q
sleep 0.5
PHONE=+15550107777
t new-session -d -s main -x 100 -y 30 "$SHOP --db $DB --messages file:$E2E_TMP/messages.jsonl; echo SHOP-EXITED-\$?; sleep 30"

check "the catalog opens for a guest" "Chocolate cake"
keys /; keys -l "سنگک"
check "a Persian product name is shown in visual order" "کگنس نان"
keys Escape; keys /; keys -l choc
check "search as you type" "Pain au chocolat"
keys Enter Enter
check "product detail with variants" "Choose a variant"
keys j + Enter
check "a guest is asked to sign in first" "Sign in or create an account"
keys -l "$PHONE"; keys Enter
check "a code is sent" "We sent a 6-digit code to $PHONE"
CODE=$(code_for "$PHONE")
[ ${#CODE} -eq 6 ] && ok "the code arrived in the file sink" || not_ok "the code arrived in the file sink"
keys -l "$CODE"; keys Enter
check "signed in and back on the product, which went into the cart" "Added 2 × Chocolate cake"
keys c
check "the cart shows the line" "Chocolate cake (2 kg)"
keys -
check "the cart editor lowers the quantity" "Total  45.00 USD"
keys Enter
check "checkout asks for details" "Where should we deliver?"
keys -l "Maya"; keys Tab; keys -l "Lee"; keys Tab Tab Tab; keys -l "12 Elm Street"; keys Enter
check "the review step" "Review your order"
keys Enter Enter
check "the order is placed once" "PENDING"
NUMBER=$(screen | grep -o 'S-[0-9]\{6\}' | head -1 || true)
keys o
wait_re '^ Order +Placed' 10 >/dev/null   # the history's own header: the order detail also starts with its number
if wait_re "^ $NUMBER "; then ok "the order is in the history"; else not_ok "the order is in the history"; fi
ORDERS=$(screen | grep -c "^ S-[0-9]" || true)
[ "$ORDERS" -eq 1 ] && ok "exactly one order for this customer" || not_ok "exactly one order for this customer (saw $ORDERS)"
IN_DB=$(sqlite3 "$DB" "select count(*) from orders where phone = '$PHONE'")
[ "$IN_DB" -eq 1 ] && ok "and one in the database" || not_ok "one order in the database (saw $IN_DB)"
keys Enter
check "the order opens" "Deliver to"
keys x
check "cancelling asks first" "y cancel the order"
keys y
check "cancelling the order" "CANCELLED"

t resize-window -t main -x 120 -y 40
footer_at_40() { for _ in $(seq 100); do screen | sed -n 40p | grep -q "quit" && return 0; sleep 0.05; done; return 1; }
footer_at_40 && ok "resize redraws: the footer moved to row 40" || not_ok "the footer moved to row 40 after resize (row 40: $(screen | sed -n 40p))"
t resize-window -t main -x 70 -y 20
check "a small terminal shows a notice" "80×24"
t resize-window -t main -x 100 -y 30
check "enlarging brings the store back" "b browse"
keys q
check "q quits and the terminal is restored" "SHOP-EXITED-0"
screen | grep -q "Thanks for visiting" && ok "a goodbye line on the normal screen" || not_ok "a goodbye line on the normal screen"
e2e_finish
