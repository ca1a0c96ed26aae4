#!/usr/bin/env bash
# Regenerates the text screenshots in README.md from the real program: runs `shop --demo` in
# tmux at 100×30, walks through the main screens, and replaces the block between the
# <!-- screens:begin --> and <!-- screens:end --> markers. Usage: scripts/screenshots.sh
# `scripts/screenshots.sh fa` does the same for the Persian store (`shop --demo --lang fa`),
# between <!-- screens-fa:begin --> and <!-- screens-fa:end -->.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/e2e/tmux-helpers.sh
swift build --product shop >/dev/null
SHOP=$PWD/.build/debug/shop
out="$E2E_TMP/screens.md"
shot() { # shot TITLE: append the current screen as a text block
  { echo; echo "**$1**"; echo; echo '```text'; screen | sed 's/[[:space:]]*$//'; echo '```'; } >> "$out"
}
demo_code() { screen | grep -o 'is [0-9]\{6\}' | tail -1 | cut -c4-; }
# replace_block BEGIN END: puts $out between the two markers in README.md.
replace_block() {
  python3 - "$out" "$1" "$2" <<'PY'
import re, sys
screens = open(sys.argv[1], encoding="utf-8").read()
readme = open("README.md", encoding="utf-8").read()
start, end = sys.argv[2], sys.argv[3]
block = start + "\n" + screens.strip() + "\n\n" + end
readme = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda m: block, readme, flags=re.S)
open("README.md", "w", encoding="utf-8").write(readme)
PY
}

if [ "${1:-}" = fa ]; then
  # Persian words as tmux shows them: reversed (see scripts/e2e/persian.sh).
  vis() { python3 -c 'import sys, unicodedata
cells = []
for ch in sys.argv[1]:
    if cells and (ch in "\u200c\u200d" or unicodedata.combining(ch)): cells[-1] += ch
    else: cells.append(ch)
print("".join(reversed(cells)))' "$1"; }
  fa_code() { screen | python3 -c 'import re, sys; print((re.findall(r"(?<![۰-۹])[۰-۹]{6}(?![۰-۹])", sys.stdin.read()) or [""])[-1])'; }
  t new-session -d -s main -x 100 -y 30 "cd $E2E_TMP && $SHOP --demo --lang fa"
  wait_for "$(vis "آب انار")" 20
  shot "فروشگاه — Browse: search as you type (/), category (f), sort (t)"
  keys /; keys -l "کیک شکلاتی"; wait_for "$(vis "کیک شکلاتی")"; keys Enter Enter
  wait_for "$(vis "یک نوع انتخاب کنید:")"; keys j +
  shot "کالا — Product with variants, prices in Persian digits"
  keys Enter; wait_for "$(vis "ورود یا ساخت حساب")"
  keys -l "+989121234501"; keys Enter; wait_for "$(vis "حالت نمایشی")"
  shot "ورود — Sign in by phone; the demo shows the code"
  keys -l "$(fa_code)"; keys Enter; wait_for "$(vis "به سبد افزوده شد")"
  keys c; wait_for "$(vis "جمع کل")"
  shot "سبد خرید — Cart"
  keys Enter; wait_for "$(vis "کجا تحویل دهیم؟")"
  keys Tab Tab Tab Tab Tab Tab; keys -l "۱۴۰۶/۰۱/۱۵"
  shot "تسویه حساب — Checkout: the delivery date in the Solar Hijri calendar"
  keys Enter; wait_for "$(vis "سفارش خود را بازبینی کنید")"
  shot "بازبینی — Review: name, address, postal code and phone each in its own direction"
  keys Enter; wait_for "$(vis "در انتظار پرداخت")"
  shot "سفارش — Order detail: Jalali dates, Persian digits"
  keys o; wait_for "$(vis "تاریخ ثبت")"
  shot "سفارش‌های من — Order history"
  keys q
  replace_block "<!-- screens-fa:begin -->" "<!-- screens-fa:end -->"
  echo "README.md Persian screenshots updated"
  exit 0
fi

t new-session -d -s main -x 100 -y 30 "cd $E2E_TMP && $SHOP --demo"
wait_for "40 products" 20
shot "Browse — the catalog, search as you type (/), category (f), sort (t)"
keys /; keys -l cake; wait_for "Carrot cake"; keys Enter; keys Down Enter
wait_for "Choose a variant"; keys j +
shot "Product detail — variants, stock, quantity"
keys Enter; wait_for "Sign in or create"
keys -l "+15550100001"; keys Enter; wait_for "Demo mode"
shot "Sign in by phone — in demo mode the code is shown on screen"
keys -l "$(demo_code)"; keys Enter; wait_for "Added"
keys c; wait_for "Total"
shot "Cart — +/- quantity, v variant, Del removes"
keys Enter; wait_for "Where should we deliver"; keys Enter; wait_for "Review your order"
shot "Checkout — review and pay"
keys Enter; wait_for "PENDING"
shot "Order detail"
keys p; wait_for "Remembered SSH keys"; keys l; wait_for "Signed out"
keys p; keys -l "+15550100900"; keys Enter; wait_for "Demo mode"; keys -l "$(demo_code)"; keys Enter; wait_for "staff screens"
keys s; wait_for "Quick sale"; keys Enter; wait_for "Code"
keys -l 6260100000079; keys Enter; wait_for "Sourdough loaf"; keys -l 2*6260100000086; keys Enter; wait_for "کگنس نان"
shot "Counter — quick sale by barcode (staff)"
keys F5; wait_for "Cash"; keys -l 20; keys Enter; wait_for "CHANGE"
shot "Counter — receipt with change due"
keys Escape Escape Escape; keys s; wait_for "Dashboard"
keys Down Down Down Down; keys Enter; wait_for "Today"
shot "Staff dashboard"
keys Escape; wait_for "Coupons"; keys Down; keys Enter; wait_for "WELCOME10"
shot "Coupons — issue (n), uses, disable (d)"
keys q

python3 - "$out" <<'PY'
import re, sys
screens = open(sys.argv[1], encoding="utf-8").read()
readme = open("README.md", encoding="utf-8").read()
start, end = "<!-- screens:begin -->", "<!-- screens:end -->"
block = start + "\n" + screens.strip() + "\n\n" + end
readme = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda m: block, readme, flags=re.S)
open("README.md", "w", encoding="utf-8").write(readme)
PY
echo "README.md screenshots updated"
