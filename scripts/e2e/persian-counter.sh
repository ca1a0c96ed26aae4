#!/usr/bin/env bash
# The counter in Persian, end to end in tmux: `shop --demo --lang fa` signed in as the demo's
# staff account → quick sale by barcode, cash with change, the receipt saved in Persian
# (Persian words and digits, the Solar Hijri date) → cash-up for the day, printed in Persian.
#
# The frame is drawn right to left by Shop itself, so tmux holds each Persian phrase in visual
# order: `vis` turns a phrase (Persian letters only) into what the screen shows.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/e2e/tmux-helpers.sh
SHOP=${SHOP_BIN:-$PWD/.build/debug/shop}
DB="$E2E_TMP/shop.sqlite"
RECEIPTS="$E2E_TMP/receipts"
export LC_ALL=C.UTF-8

vis() { python3 -c 'import sys; print(sys.argv[1][::-1])' "$1"; }
# persian_digits TEXT: TEXT with 0-9 as ۰-۹.
persian_digits() { echo "$1" | sed 'y/0123456789/۰۱۲۳۴۵۶۷۸۹/'; }
# check_file NAME FILE REGEX: a test line for "FILE has a line matching REGEX" (never ends the script).
check_file() {
  if [ -f "$2" ] && grep -qE -- "$3" "$2"; then ok "$1"; else not_ok "$1 (no /$3/ in $2)"; cat "$2" 2>/dev/null || true; fi
}

t new-session -d -s main -x 100 -y 30 "$SHOP --demo --lang fa --db $DB --receipt-dir $RECEIPTS; sleep 30"
wait_re "[۰۱۲۳۴۵۶۷۸۹0-9]" 20 main >/dev/null || { not_ok "shop --demo --lang fa starts"; e2e_finish; }
ok "shop --demo --lang fa starts"

# Sign in as the demo's staff account (the code is shown on screen in the demo).
keys p
wait_re '\+[0-9]{6,}' 10 main >/dev/null || true
STAFF=$(screen main | grep -oE '\+[0-9]{8,}' | sed -n '2p' || true)   # the demo list: customer, then staff
STAFF=${STAFF:-+15550100900}
[ "$(sqlite3 "$DB" "select role from users where phone = '$STAFF'")" = staff ] || STAFF=$(sqlite3 "$DB" "select phone from users where role = 'staff' order by id limit 1")
keys -l "$STAFF"; keys Enter
# The code: six digits standing alone (a phone number has more), in either digit set.
D="0-9۰۱۲۳۴۵۶۷۸۹"
if wait_re "(^|[^+$D])[$D]{6}([^$D]|\$)" 10 main >/dev/null; then
  CODE=$(screen main | grep -oE "(^|[^+$D])[$D]{6}([^$D]|\$)" | tail -1 | grep -oE "[$D]{6}" | sed 'y/۰۱۲۳۴۵۶۷۸۹/0123456789/' || true)
  keys -l "$CODE"; keys Enter
else
  not_ok "the demo shows the sign-in code"
fi
wait_re "press s|$(vis "کارکنان")" 10 main >/dev/null && ok "the demo's staff account ($STAFF) signs in" || not_ok "the demo's staff account ($STAFF) signs in"
# Signing in applies the account's stored language: the demo's staff account may be English.
if ! screen main | grep -qF "$(vis "کارکنان")"; then
  echo "# the staff account's profile language is English: L switches to Persian"
  keys L
  check "L switches to Persian (زبان: فارسی)" "$(vis "زبان")" 5
fi

# Quick sale: the first entry of the staff menu.
MENU="Quick sale|$(vis "فروش سریع")"   # the staff menu, in whichever words the menu speaks
keys s
wait_re "$MENU" 5 main >/dev/null || not_ok "the staff menu opens"
keys Enter
check "quick sale opens in Persian (فروش سریع)" "$(vis "کد")" 5
check "the empty sale says so in Persian" "$(vis "هنوز کالایی اسکن نشده")" 5
BARCODE=$(sqlite3 "$DB" "select barcode from products where barcode is not null and barcode != '' and stock > 5 and archived_at is null and active = 1 and id not in (select product_id from product_variants) order by id limit 1")
keys -l "$(persian_digits "$BARCODE")"; keys Enter   # typed with Persian digits
check "a barcode typed in Persian digits adds the item" "$(vis "موجود")" 5
# An amount: Persian digits with a decimal (٫) or a thousands (٬) separator (the Persian demo's rials have no decimals).
AMOUNT="[۰۱۲۳۴۵۶۷۸۹]+(٫[۰۱۲۳۴۵۶۷۸۹]{2}|٬[۰۱۲۳۴۵۶۷۸۹]{3})"
wait_re "$AMOUNT" 5 main >/dev/null && ok "amounts in Persian digits" || not_ok "amounts in Persian digits"
keys F5
check "payment opens: دریافت وجه" "$(vis "دریافت وجه")" 5
keys -l "۹۹۹۹۹۹۹۹"; keys Enter   # more than any demo item costs, in dollars or in rials
# "باقی‌مانده برای پس‌دادن ۹٬۹۸۵٫۰۰": the amount (Persian digits) left of the words.
wait_re "[$D٬٫]+ +.*$(vis "برای")" 10 main >/dev/null && ok "cash with change: the change to hand back, in Persian digits" || not_ok "the change to hand back"
SALE=$(sqlite3 "$DB" "select number from orders where channel = 'counter' order by id desc limit 1")
[ -n "$SALE" ] && ok "the sale $SALE is recorded" || not_ok "no counter sale recorded"
RECEIPT="$RECEIPTS/$SALE.txt"
YEAR=$(date +%Y); MD=$(date +%m%d)
JY=$(( MD >= 321 ? YEAR - 621 : YEAR - 622 ))
check_file "the receipt is Persian: رسید and the sale number" "$RECEIPT" "رسید $SALE"
check_file "the receipt's total in Persian digits" "$RECEIPT" "جمع کل .*$AMOUNT"
check_file "the receipt has the cash given and the change" "$RECEIPT" "باقی‌مانده.*[۰۱۲۳۴۵۶۷۸۹]"
check_file "the receipt is dated in Solar Hijri ($JY) with Persian digits" "$RECEIPT" "$(persian_digits "$JY")/[۰۱۲۳۴۵۶۷۸۹]{2}/[۰۱۲۳۴۵۶۷۸۹]{2} [۰۱۲۳۴۵۶۷۸۹]{2}:[۰۱۲۳۴۵۶۷۸۹]{2}"
if [ -f "$RECEIPT" ] && ! grep -qE "Receipt|TOTAL|Subtotal|Cash given|Change" "$RECEIPT"; then ok "no English word on the receipt"; else not_ok "English on the receipt"; fi

# Cash-up: back to the menu (Esc leaves the receipt), the seventh entry.
keys Escape
wait_re "$MENU" 5 main >/dev/null || not_ok "back to the staff menu"
keys Down Down Down Down Down Down Enter
check "cash-up opens: بستن صندوق" "$(vis "بستن صندوق")" 5
check "the day in Solar Hijri" "$(persian_digits "$JY")/" 5
keys p
wait_cashup_file() { local i; for ((i = 0; i < 200; i++)); do ls "$RECEIPTS"/cashup-*.txt >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }
if wait_cashup_file; then
  CASHUP=$(ls "$RECEIPTS"/cashup-*.txt | head -1)
  check_file "the printed cash-up is Persian with Persian digits" "$CASHUP" "بستن صندوق $(persian_digits "$JY")/"
  check_file "the cash-up's cash line in Persian digits" "$CASHUP" "نقدی .*$AMOUNT"
else
  not_ok "the cash-up was printed to the receipt folder"
fi
keys q
e2e_finish
