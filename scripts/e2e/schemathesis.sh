#!/usr/bin/env bash
# The API document is the contract: schemathesis (property-based, from assets/openapi.json as the
# server serves it) runs every check against a live `shop-server --demo` with sample data: as a
# guest, with a staff token (every route), and with an admin token (the admin routes). Any failure
# in any run fails the script (and CI).
# The run is the same every time: a fixed seed and a fixed number of examples per operation and of
# stateful scenarios (scripts/e2e/schemathesis.toml), no clock budget, no example database or cache
# carried over from an earlier run. (Only answers that depend on the clock, such as a code's
# one-minute cooldown, can steer a stateful scenario differently.)
#   scripts/e2e/schemathesis.sh            (SERVER_BIN, SCHEMATHESIS_VENV,
#     SCHEMATHESIS_SEED: another seed, to explore (a failure prints its seed and a curl line),
#     SCHEMATHESIS_MAX_TIME: seconds per run; fuzzing and stateful phases repeat until they are spent,
#     SCHEMATHESIS_ROLES: "guest staff admin" by default, SCHEMATHESIS_REPORT_DIR: keep the reports,
#     SCHEMATHESIS_ARGS: more options, e.g. --include-operation-id X)
# Needs: a built shop-server, python3 with venv, sqlite3, curl; pip reaches PyPI once.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCHEMATHESIS_VERSION=4.32.5
server=${SERVER_BIN:-$PWD/.build/debug/shop-server}
venv=${SCHEMATHESIS_VENV:-$PWD/.build/schemathesis-venv}
seed=${SCHEMATHESIS_SEED:-20261129}     # fixed in CI so a failure reproduces; vary it locally
budget=()
[ -n "${SCHEMATHESIS_MAX_TIME:-}" ] && budget+=(--max-time "$SCHEMATHESIS_MAX_TIME")
reports=${SCHEMATHESIS_REPORT_DIR:-}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# Under set -e a failed step inside $(…) would end the script without a word: say which one.
trap 'echo "not ok - schemathesis setup: line $LINENO failed: $BASH_COMMAND"' ERR

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
post() { local path=$1 body=$2; shift 2; curl -sf -X POST "$base/api/v1$path" -H 'Content-Type: application/json' -d "$body" "$@"; }

# Tokens for the demo's staff and admin accounts: the demo keeps the codes it "sends" in its
# outbox table. Each account then gets a password that the document's examples do not use: a
# generated `POST /auth/password/change` or `DELETE /me` must not succeed, since either ends every
# session, this one too. Prints the token, or nothing when a step failed.
token_for() { # token_for PHONE
  local phone=$1 request code token
  request=$(post /auth/otp/request "{\"phone\":\"$phone\"}" | json "d['request_id']") || return 0
  code=$(sqlite3 "$db" "SELECT body FROM outbox WHERE recipient = '$phone' ORDER BY id DESC LIMIT 1" | grep -oE '[0-9]{6}') || return 0
  token=$(post /auth/otp/verify "{\"request_id\":\"$request\",\"code\":\"$code\"}" | json "d['access']") || return 0
  post /auth/password/change '{"password":"sample staff password","password_confirm":"sample staff password"}' \
    -H "Authorization: Bearer $token" | json "d['access']" || return 0
}
staff=$(token_for +15550100900)
[ -n "$staff" ] || { echo "not ok - schemathesis: no staff token (sign-in with the demo's code, or setting its password, failed)"; exit 1; }
admin=$(token_for +15550100999)
[ -n "$admin" ] || { echo "not ok - schemathesis: no admin token (sign-in with the demo's code, or setting its password, failed)"; exit 1; }

# Sample data for the dictionaries in schemathesis.toml: the demo's products there get plenty of
# stock (so generated orders and sales are not all refused as out of stock), and the staff cart a line.
sample() { # sample PATH BODY
  post "$1" "$2" -H "Authorization: Bearer $staff" >/dev/null || { echo "not ok - schemathesis sample data: POST $1 $2"; exit 1; }
}
for id in 4 5 7 10 11; do sample "/products/$id/stock" '{"delta":100000,"reason":"schemathesis sample data"}'; done
for variant in 1 2 3; do sample /products/1/stock "{\"variant_id\":$variant,\"delta\":100000,\"reason\":\"sample data\"}"; done
sample /cart/items '{"product_id":4,"quantity":1}'

# Settings (checks, budgets, dictionaries, narrow exceptions) live in scripts/e2e/schemathesis.toml.
run() { # run NAME [extra args]
  local name=$1; shift
  echo "schemathesis: $name (seed $seed)"
  if [ -n "$reports" ]; then
    mkdir -p "$reports"
    set -- "$@" --report json,vcr --report-json-path "$reports/$name.json" --report-vcr-path "$reports/$name.yaml"
  fi
  # Every check is on by default (the toml turns two off for named operations, with the reasons);
  # `--checks all` would turn them back on everywhere.
  # shellcheck disable=SC2086
  if "$venv/bin/schemathesis" --config-file scripts/e2e/schemathesis.toml run "$base/openapi.json" \
       --seed "$seed" ${budget[@]+"${budget[@]}"} "$@" ${SCHEMATHESIS_ARGS:-} >"$work/$name.txt" 2>&1; then
    grep -E '\(in [0-9.]+s\)|Scenarios:' "$work/$name.txt" || true
    tail -n 12 "$work/$name.txt"
    echo "ok - schemathesis as $name: 0 failures with every check"
  else
    cat "$work/$name.txt"
    echo "not ok - schemathesis as $name (seed $seed; each failure above has a curl line to reproduce it)"
    failed=1
  fi
}
failed=0
for role in ${SCHEMATHESIS_ROLES:-guest staff admin}; do
  case $role in
    guest) run guest ;;
    staff) run staff -H "Authorization: Bearer $staff" ;;
    # Staff already cover every other route; an admin adds the user and settings routes.
    admin) run admin -H "Authorization: Bearer $admin" --include-path-regex '^/api/v1/admin/' ;;
    *) echo "not ok - schemathesis: unknown role $role"; failed=1 ;;
  esac
done
exit "$failed"
