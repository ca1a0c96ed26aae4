#!/usr/bin/env bash
# A Persian customer's journey through the real `shop --demo --lang fa` in a real terminal
# (tmux): the Persian store, search with Persian text, a product with variants, sign in with the
# demo code, checkout with a Solar Hijri (Jalali) delivery date, history, cancel. Each check
# looks for Persian words and Persian digits on screen (tmux shows cells in visual order: a
# Persian phrase reads reversed, digits and Latin codes left to right).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/e2e/tmux-helpers.sh
SHOP=${SHOP_BIN:-$PWD/.build/debug/shop}

# vis TEXT: TEXT as a right-to-left run shows on screen (for Persian words and punctuation
# without digits or brackets: the characters reversed, a zero-width joiner or non-joiner kept
# in the cell of the letter before it).
vis() {
  python3 - "$1" <<'PY'
import sys, unicodedata
cells = []
for ch in sys.argv[1]:
    if cells and (ch in "\u200c\u200d" or unicodedata.combining(ch)): cells[-1] += ch
    else: cells.append(ch)
print("".join(reversed(cells)))
PY
}
# check_fa NAME PERSIAN [SECONDS]: the screen shows the Persian phrase.
check_fa() { check "$1" "$(vis "$2")" "${3:-10}"; }
# The Jalali date DAYS days from today, written with Persian digits (y/m/d).
jalali_in() {
  python3 - "$1" <<'PY'
import datetime, sys
d = datetime.date.today() + datetime.timedelta(days=int(sys.argv[1]))
gy, gm, gd = d.year, d.month, d.day
g_d_m = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
gy2 = gy + 1 if gm > 2 else gy
days = 355666 + 365 * gy + (gy2 + 3) // 4 - (gy2 + 99) // 100 + (gy2 + 399) // 400 + gd + g_d_m[gm - 1]
jy = -1595 + 33 * (days // 12053); days %= 12053
jy += 4 * (days // 1461); days %= 1461
if days > 365:
    jy += (days - 1) // 365; days = (days - 1) % 365
jm, jd = (1 + days // 31, 1 + days % 31) if days < 186 else (7 + (days - 186) // 30, 1 + (days - 186) % 30)
print(f"{jy:04d}/{jm:02d}/{jd:02d}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
PY
}
# fa_re REGEX: the screen's lines matching REGEX, read by Python (grep's ranges over Persian
# digits depend on the locale's collation).
fa_re() { screen | python3 -c 'import re, sys; [print(m) for line in sys.stdin for m in re.findall(sys.argv[1], line)]' "$1"; }
# wait_fa_re NAME REGEX [SECONDS]: a test line for "a line of the screen matches REGEX".
wait_fa_re() {
  local i
  for ((i = 0; i < ${3:-10} * 20; i++)); do
    if [ -n "$(fa_re "$2")" ]; then ok "$1"; return 0; fi
    sleep 0.05
  done
  not_ok "$1"; screen
}
# The 6-digit demo code on the banner (in Persian digits).
demo_code() { fa_re '(?<![۰-۹])[۰-۹]{6}(?![۰-۹])' | tail -1; }

PHONE=+989121234501
t new-session -d -s main -x 100 -y 30 "cd $E2E_TMP && $SHOP --demo --lang fa; echo SHOP-EXITED-\$?; sleep 30"

check_fa "the Persian demo store opens on its catalog" "آب انار" 20
check_fa "the header names the Persian demo store" "نمایشی"
check_fa "the browse screen's title is Persian" "فروشگاه"
wait_fa_re "prices and stock in Persian digits" '[۰-۹]+٬[۰-۹]{3}' 

keys /; keys -l "کیک شکلاتی"
check_fa "search with Persian text finds the chocolate cake" "کیک شکلاتی"
keys Enter Enter
check_fa "a product with variants" "یک نوع انتخاب کنید:"
check "the variant's price in Persian digits and separators" "۱۲٬۵۰۰٬۰۰۰"
keys j + Enter
check_fa "a guest is asked to sign in first" "ورود یا ساخت حساب با تلفن همراه"
keys -l "$PHONE"; keys Enter
check_fa "the demo code is shown in Persian" "حالت نمایشی"
CODE=$(demo_code)
[ ${#CODE} -eq 6 ] && ok "the demo code has six Persian digits" || not_ok "the demo code has six Persian digits (saw '$CODE')"
keys -l "$CODE"; keys Enter
check_fa "signed in and back on the product, which went into the cart" "به سبد افزوده شد"

keys c
check_fa "the cart in Persian" "سبد خرید"
check_fa "the cart's total label" "جمع کل"
keys Enter
check_fa "checkout asks where to deliver" "کجا تحویل دهیم؟"
DAY=$(jalali_in 3)
keys Tab Tab Tab Tab Tab Tab; keys -l "۱۴۰۳/۱۲/۳۱"; keys Enter
check_fa "a Jalali date that does not exist gets a Persian error" "روز"
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace; keys -l "$DAY"; keys Enter
check_fa "the review in Persian" "سفارش خود را بازبینی کنید"
check "the review shows the Jalali delivery day in Persian digits" "$DAY"
check "the review keeps the phone left to right" "$PHONE"
keys Enter Enter
check_fa "the order is placed and shown in Persian" "در انتظار پرداخت"
NUMBER=$(screen | grep -o 'S-[0-9]\{6\}' | head -1 || true)
[ -n "$NUMBER" ] && ok "the order number stays as written ($NUMBER)" || not_ok "the order number stays as written"

keys o
check_fa "the order history in Persian" "سفارش‌های من"
if wait_re "$NUMBER"; then ok "the new order is in the history"; else not_ok "the new order is in the history"; fi
wait_fa_re "order dates in Jalali with Persian digits" '[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}' 
keys Enter
check_fa "the order detail in Persian" "تحویل به"
keys x
check_fa "cancelling asks first, in Persian" "لغو شود؟"
keys y
check_fa "the order is cancelled" "لغوشده"

keys q
check "shop exits cleanly" "SHOP-EXITED-0"
e2e_finish
