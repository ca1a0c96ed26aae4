#!/usr/bin/env bash
# Safe by default, with the real programs as a new shop owner starts them: no message settings.
# `shop` in tmux never shows a sign-in code (asking for the admin's code says codes are not set up,
# password sign-in still works); `shop --messages stdout` and `--messages outbox` are refused;
# `shop-server` says at start-up where codes go and answers code requests with 503; the database
# files are private (0600) even under umask 022.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/e2e/tmux-helpers.sh
SHOP=${SHOP_BIN:-$PWD/.build/debug/shop}
SERVER=${SERVER_BIN:-$(dirname "$SHOP")/shop-server}
DB="$E2E_TMP/shop.sqlite"
ADMIN=+15550100999

umask 022
"$SERVER" users add --db "$DB" --phone "$ADMIN" --role admin >/dev/null

# The counter terminal started as the README's first command for a real database.
t new-session -d -s main -x 100 -y 30 "$SHOP --db $DB; sleep 30"
wait_for "products" 20
# While it runs the WAL and shared-memory files exist too.
modes=$(stat -c '%a' "$DB" "$DB-wal" "$DB-shm" "$DB.key" 2>&1 | sort -u | tr '\n' ' ' || true)
if [ "$modes" = "600 " ]; then ok "database, WAL, shared-memory and key files are 0600 under umask 022"; else not_ok "database files are 0600 under umask 022 (got: $modes)"; fi
keys p
check "sign-in opens on the password form and says codes are not set up" "Codes are not set up on this terminal; forgot it?" 10
keys F2
wait_for "Sign in or create an account with your phone"
keys -l "$ADMIN"; keys Enter
check "asking for the admin's code says codes are not set up" "Codes are not set up on this terminal" 10
sleep 0.3   # a code printed by a stray sink would be on screen by now; the check below must see none
if screen | grep -qE '(^|[^0-9+])[0-9]{6}([^0-9]|$)'; then
  not_ok "no 6-digit code anywhere on screen"; screen
else
  ok "no 6-digit code anywhere on screen"
fi
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM otp_requests')" = 0 ] && ok "no code request was stored" || not_ok "no code request was stored"
keys q

# Refused configurations, each with a message naming what to set.
refused() { # refused NAME EXPECTED-TEXT COMMAND...
  local name=$1 expected=$2; shift 2
  local out status=0
  out=$("$@" 2>&1 </dev/null) || status=$?
  if [ "$status" -ne 0 ] && grep -qF -- "$expected" <<<"$out"; then ok "$name"; else not_ok "$name (status $status: $out)"; fi
}
# `script` gives shop the terminal it insists on, so the refusal comes from the sink check.
refused "shop refuses --messages stdout, naming the sinks to use" "use --messages file:PATH" \
  script -qec "$SHOP --db $DB --messages stdout" /dev/null
refused "shop refuses SHOP_MESSAGES=outbox outside the demo" "only for the demo" \
  env SHOP_MESSAGES=outbox script -qec "$SHOP --db $DB" /dev/null
refused "shop-server refuses --messages outbox outside the demo" "only for the demo" \
  "$SERVER" --db "$DB" --port 0 --messages outbox

# shop-server without a sink: says so at start-up, and a code request is a 503 with the reason.
"$SERVER" --db "$DB" --port 0 2>"$E2E_TMP/server.log" &
E2E_PIDS+=($!)
port=""
for _ in $(seq 200); do
  port=$(grep -oE 'listening on http://127.0.0.1:[0-9]+' "$E2E_TMP/server.log" | grep -oE '[0-9]+$' || true)
  grep -q 'sign-in codes go to' "$E2E_TMP/server.log" && [ -n "$port" ] && break
  sleep 0.05
done
grep -q 'sign-in codes go to nowhere' "$E2E_TMP/server.log" && ok "shop-server says at start-up that codes go nowhere" || { not_ok "shop-server start-up line"; cat "$E2E_TMP/server.log"; }
status=$(curl -s -o "$E2E_TMP/otp.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"phone\":\"$ADMIN\"}" "http://127.0.0.1:$port/api/v1/auth/otp/request")
if [ "$status" = 503 ] && grep -q codes_not_configured "$E2E_TMP/otp.json"; then ok "a code request without a sink is 503 codes_not_configured"; else not_ok "code request without a sink (got $status)"; fi
if grep -qE '[0-9]{6}\.' "$E2E_TMP/server.log"; then not_ok "no code in the server log"; else ok "no code in the server log"; fi

e2e_finish
