#!/usr/bin/env bash
# Regenerates the text screenshots in README.md from the real program: runs `shop --demo` in
# tmux at 100×30, walks through the main screens, and replaces the block between the
# <!-- screens:begin --> and <!-- screens:end --> markers. Usage: scripts/screenshots.sh
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
