#!/usr/bin/env bash
# GET /docs in a real browser: headless Chromium loads the page from a live `shop-server --demo`
# and the rendered DOM must show the routes, their parameters, error codes and curl examples.
# Needs: chromium (Debian package), a built shop-server.
set -euo pipefail
cd "$(dirname "$0")/../.."
server=${SERVER_BIN:-$PWD/.build/debug/shop-server}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
"$server" --demo --db "$work/shop.sqlite" --port 0 --quiet 2>"$work/log" &
pid=$!
for _ in $(seq 300); do grep -q "listening on" "$work/log" 2>/dev/null && break; sleep 0.1; done
port=$(grep -oE 'listening on http://127.0.0.1:[0-9]+' "$work/log" | grep -oE '[0-9]+$')
# Chromium prints a harmless D-Bus error on stderr.
chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" --dump-dom "http://127.0.0.1:$port/docs" >"$work/dom.html" 2>/dev/null
check() { # check DESCRIPTION TEXT
  if grep -qF -- "$2" "$work/dom.html"; then echo "ok - /docs in Chromium: $1"; else echo "not ok - /docs in Chromium: $1 (no \"$2\")"; exit 1; fi
}
check "has its title" "Shop API"
check "lists the products route" "/api/v1/products/{id}"
check "shows query parameters" "min_price"
check "shows body fields with their rules" "^[A-Za-z0-9._-]{3,32}$"
check "names error codes" "out_of_stock"
check "gives curl examples" "curl -X POST"
check "links the machine-readable document" 'href="/openapi.json"'
[ "$(grep -c '<script' "$work/dom.html" || true)" = 0 ] && echo "ok - /docs in Chromium: no scripts" || { echo "not ok - /docs has a script"; exit 1; }
