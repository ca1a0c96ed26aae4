#!/usr/bin/env bash
# The API document is the contract: schemathesis (property-based, from assets/openapi.json as the
# server serves it) runs every check against a live `shop-server --demo`, once as a guest and once
# with a staff token. Any failure fails the script (and CI).
#   scripts/e2e/schemathesis.sh            (SERVER_BIN, SCHEMATHESIS_VENV, SCHEMATHESIS_MAX_TIME)
# Needs: a built shop-server, python3 with venv, sqlite3, curl; pip reaches PyPI once.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCHEMATHESIS_VERSION=4.32.5
server=${SERVER_BIN:-$PWD/.build/debug/shop-server}
venv=${SCHEMATHESIS_VENV:-$PWD/.build/schemathesis-venv}
budget=${SCHEMATHESIS_MAX_TIME:-75}   # seconds per run; two runs
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

if [ ! -x "$venv/bin/schemathesis" ] || ! "$venv/bin/schemathesis" --version | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

db="$work/shop.sqlite"
# The fuzzer asks for codes far faster than a person: the per-address sign-in limit would turn
# most of its sign-in calls into (documented) 429s and hide the rest of those routes.
"$server" --demo --db "$db" --port 0 --quiet --signin-limit 100000 2>"$work/log" &
pid=$!
for _ in $(seq 300); do grep -q "listening on" "$work/log" 2>/dev/null && break; sleep 0.1; done
port=$(grep -oE 'listening on http://127.0.0.1:[0-9]+' "$work/log" | grep -oE '[0-9]+$')
base="http://127.0.0.1:$port"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }
post() { curl -sf -X POST "$base/api/v1$1" -H 'Content-Type: application/json' -d "$2"; }

# A staff token: the demo keeps the codes it "sends" in its outbox table.
staff_phone=+15550100900
request=$(post /auth/otp/request "{\"phone\":\"$staff_phone\"}" | json "d['request_id']")
code=$(sqlite3 "$db" "SELECT body FROM outbox WHERE recipient = '$staff_phone' ORDER BY id DESC LIMIT 1" | grep -oE '[0-9]{6}')
staff=$(post /auth/otp/verify "{\"request_id\":\"$request\",\"code\":\"$code\"}" | json "d['access']")

# Settings (checks, budgets, narrow exceptions) live in scripts/e2e/schemathesis.toml.
run() { # run NAME [extra args]
  local name=$1; shift
  echo "schemathesis: $name"
  if "$venv/bin/schemathesis" --config-file scripts/e2e/schemathesis.toml run "$base/openapi.json" \
       --checks all --max-time "$budget" --seed 20261129 "$@" >"$work/$name.txt" 2>&1; then
    tail -n 12 "$work/$name.txt"
    echo "ok - schemathesis as $name: 0 failures with every check"
  else
    cat "$work/$name.txt"
    echo "not ok - schemathesis as $name"
    exit 1
  fi
}
run guest
# DELETE /me (`{"confirm":"DELETE"}` is all it takes for an account without a password) would end
# the staff account mid-run and leave the rest of the run 401s; the guest run still checks it.
run staff -H "Authorization: Bearer $staff" --exclude-operation-id deleteMe
