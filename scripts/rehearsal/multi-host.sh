#!/usr/bin/env bash
# A multi-host shop rehearsed on one machine: PostgreSQL + PgBouncer (scripts/postgres/cluster.sh),
# two `shop-server` processes (API hosts) and two SSH front ends (scripts/ssh/setup.sh, each its
# own sshd, port and state) on different loopback ports, all on one database through PgBouncer.
#
# Customers buy the same scarce product at the same instant through both SSH front ends (the
# real `shop` in tmux, keys as a person presses them) and through both API hosts (curl loops).
# Checks: nothing was oversold (stock never below zero; stock before − stock after = units
# sold; the stock ledger agrees), every SSH buyer got an order or an out-of-stock message, and
# every order is visible from every host: from both API hosts (staff list) and, for each SSH
# buyer, in "My orders" on the *other* SSH front end.
#
#   sudo scripts/rehearsal/multi-host.sh
# Environment: SHOP_BIN, SERVER_BIN (default .build/debug/…), STOCK (default 6: units to race
# for), API_BUYERS (default 6), REHEARSAL_KEEP=1 (keep the temp folder).
# Prints "ok - …" / "not ok - …"; exits 1 if any check failed. As root (creates an account,
# starts sshd); removes everything it started, by process id, even on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHOP_BIN=${SHOP_BIN:-$PWD/.build/debug/shop}
SERVER_BIN=${SERVER_BIN:-$PWD/.build/debug/shop-server}
STOCK=${STOCK:-6}
API_BUYERS=${API_BUYERS:-6}
SSH_E2E_KEEP=${REHEARSAL_KEEP:-0}

# shellcheck source=../e2e/lib/ssh-harness.sh
source scripts/e2e/lib/ssh-harness.sh
h_begin rehearsal "shop-rh-$$" openssh-server openssh-client tmux sqlite3 curl postgresql-15 pgbouncer
WORK=$H_TMP
# shellcheck source=../postgres/lib.sh
source scripts/postgres/lib.sh
pg_ok() { h_ok "$@"; }          # one count of checks: the harness's
pg_not_ok() { h_not_ok "$@"; }
STATE2=""
cleanup() {
  pg_cleanup
  [ -n "$STATE2" ] && "$H_SETUP" --stop --state-dir "$STATE2" >/dev/null 2>&1 || true
  h_cleanup
}
trap cleanup EXIT
started=$SECONDS
ok() { h_ok "$@"; }
not_ok() { h_not_ok "$@"; }
for bin in "$SHOP_BIN" "$SERVER_BIN"; do [ -x "$bin" ] || { not_ok "no program at $bin (swift build first)"; exit 1; }; done
chmod o+x "$(dirname "$SHOP_BIN")"   # the storefront account runs it

# --- the database: the demo store, moved into PostgreSQL ---------------------------------------------
pg_start_cluster
MESSAGES="$WORK/api-messages.jsonl"
pg_start_server demo --demo --db "$WORK/demo.sqlite"
pg_stop_server "${PG_SERVER_PIDS[-1]}"
if "$SERVER_BIN" migrate --from "$WORK/demo.sqlite" --to "$SHOP_PG_URL" > "$WORK/migrate.out" 2>&1; then
  ok "the demo store moved into PostgreSQL (shop-server migrate)"
else
  not_ok "shop-server migrate into PostgreSQL"; h_diag < "$WORK/migrate.out"; exit 1
fi
head -c 32 /dev/urandom > "$WORK/secret.key"
chmod 0600 "$WORK/secret.key"
export SHOP_SECRET_FILE=$WORK/secret.key

# --- two API hosts -----------------------------------------------------------------------------------
API_PORTS=()
for host in 1 2; do
  pg_start_server "api-$host" --db "$SHOP_PGBOUNCER_URL" --messages "file:$MESSAGES" --max-connections-per-address 200 --max-unpaid-orders 100
  API_PORTS+=("$PG_PORT")
done
ok "two shop-server processes on PostgreSQL through PgBouncer (ports ${API_PORTS[*]})"

staff=$(signin "${API_PORTS[0]}" +15550100900 code_from_file)
product=$(every_page "${API_PORTS[0]}" "/products?q=masala" | json "[p['id'] for p in d if p['sku'] == 'DRINK-CHAI'][0]")
have=$(api "${API_PORTS[0]}" GET "/products/$product" | json "d['stock']")
api "${API_PORTS[0]}" POST "/products/$product/stock" "{\"delta\":$((STOCK - have)),\"reason\":\"rehearsal\"}" "$staff" >/dev/null
initial=$(pg_psql "SELECT stock FROM products WHERE id = $product")
sold_before=$(pg_psql "SELECT coalesce(sum(i.quantity), 0) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.product_id = $product AND o.status <> 'cancelled'")
pg_check "Masala chai mix has $STOCK units to race for (stock $initial)" test "$initial" = "$STOCK"

# --- two SSH front ends ------------------------------------------------------------------------------
# Each host: its own sshd, state folder and port; the program gets the PostgreSQL URL (after the
# placeholder --db, so it wins), the password file and the shared signing key through the env file.
# The session caps are per host: each host counts its sessions in a folder of its own
# (--sessions-dir, which a postgres:// database requires while a cap is on).
SSH_PORTS=()
for host in 1 2; do
  dir="$WORK/host$host"
  state="$WORK/ssh-$host"
  port=$(h_free_port)
  install -d -m 0755 "$dir"
  setup_args=(--mode open --shop-bin "$SHOP_BIN" --db "$dir/data/placeholder.sqlite"
    --shop-args "--db $SHOP_PGBOUNCER_URL --messages file:$dir/data/messages.jsonl --sessions-dir $dir/data/sessions"
    --env-file "$dir/shop.env" --state-dir "$state" --port "$port" --listen 127.0.0.1 --account "$H_ACCOUNT")
  printf 'PGPASSFILE=%s\nSHOP_SECRET_FILE=%s\n' "$dir/secrets/pgpass" "$dir/secrets/secret.key" > "$dir/shop.env"
  if "$H_SETUP" "${setup_args[@]}" --start > "$WORK/setup-$host.out" 2>&1; then
    # The host's copies of the password file and the shared key, the account's own (libpq
    # ignores a password file others can read).
    install -d -m 0700 -o "$H_ACCOUNT" "$dir/secrets"
    install -m 0600 -o "$H_ACCOUNT" "$PGPASSFILE" "$dir/secrets/pgpass"
    install -m 0600 -o "$H_ACCOUNT" "$SHOP_SECRET_FILE" "$dir/secrets/secret.key"
    ok "SSH front end $host: setup.sh with --db postgres:// in --shop-args, sshd on port $port"
  else
    not_ok "SSH front end $host: setup.sh"; h_diag < "$WORK/setup-$host.out"; exit 1
  fi
  SSH_PORTS+=("$port")
  [ "$host" = 1 ] && H_STATE=$state H_PORT=$port || STATE2=$state
  printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1-2 "$state/ssh_host_ed25519_key.pub")" >> "$H_TMP/client/known_hosts"
done
h_tmux_start

# --- customers -----------------------------------------------------------------------------------------
# SSH buyers have password accounts (made through the API): signing in on the other front end
# afterwards needs no new code (a second code within 60 s is refused by design). The checkout
# form has their names already; they type a phone and an address.
SSH_BUYERS=(0 1 2 3)   # buyers 0,1 on front end 1; 2,3 on front end 2
password=rehearsal-pass-1
for i in "${SSH_BUYERS[@]}"; do
  api "${API_PORTS[0]}" POST /auth/register "{\"username\":\"sshbuyer$i\",\"email\":\"sshbuyer$i@example.com\",\"password\":\"$password\",\"password_confirm\":\"$password\",\"first_name\":\"Buyer\",\"last_name\":\"Ssh$i\"}" >/dev/null
done

key() { local w=$1; shift; h_tmux send-keys -t "main:=$w" "$@"; }
typed() { h_tmux send-keys -t "main:=$1" -l "$2"; }
WAITED=""
see() { WAITED="/$2/ in $1"; h_tmux_wait "$1" "$2" "${3:-15}"; }
failed_at() { not_ok "$1 (waited for $WAITED)"; h_tmux_screen "$2" | grep -v '^[[:space:]]*$' | head -n 14 | sed 's/^/#   /'; }
# open_session WINDOW HOST: an ssh client to front end HOST (0 or 1) in a new tmux window.
open_session() { h_tmux_run "$1" ssh "${H_SSH_OPTS[@]}" -p "${SSH_PORTS[$2]}" "$H_ACCOUNT@127.0.0.1"; }
# On the sign-in screen: switch to a password (Ctrl-P), type login and password, Enter.
password_sign_in() {
  see "$1" "Sign in or create an account" || return 1
  key "$1" C-p
  see "$1" "Username, email or phone" || return 1
  typed "$1" "$2"; key "$1" Tab; typed "$1" "$password"; key "$1" Enter
}

ready=0
for i in "${SSH_BUYERS[@]}"; do
  w="buy-$i"; host=$((i / 2))
  open_session "$w" "$host"
  if see "$w" "Browse" && key "$w" / && typed "$w" masala && see "$w" "^ Masala chai mix  " && key "$w" Enter Enter &&
    see "$w" "Enter adds" && key "$w" Enter && password_sign_in "$w" "sshbuyer$i" && see "$w" "Added 1 × Masala chai mix" &&
    key "$w" c && see "$w" "^ Masala chai mix +1 " && key "$w" Enter && see "$w" "Where should we deliver\\?" &&
    key "$w" Tab Tab && typed "$w" "+1555017000$i" && key "$w" Tab Tab && typed "$w" "$i Rehearsal Road" &&
    key "$w" Enter && see "$w" "Review your order"; then
    ready=$((ready + 1))
  else
    failed_at "SSH buyer $i on front end $((host + 1)) reaches the review screen with 1 × Masala chai mix" "$w"
  fi
done
pg_check "$ready SSH buyers (2 per front end) wait on the review screen" test "$ready" = "${#SSH_BUYERS[@]}"

# API buyers, half on each API host: signed in now, buying in a loop once the race starts.
api_tokens=()
for ((b = 0; b < API_BUYERS; b++)); do
  api_tokens+=("$(signin "${API_PORTS[$((b % 2))]}" "+1555019$(printf '%04d' "$b")" code_from_file)")
done
go="$WORK/go"
api_buyer() { # api_buyer N: orders 1 unit until told it is out of stock; one line per outcome
  local port=${API_PORTS[$(($1 % 2))]} token=${api_tokens[$1]} status
  while [ ! -e "$go" ]; do sleep 0.01; done
  for _ in $(seq 20); do
    status=$(curl -s -o "$WORK/api-$1.body" -w '%{http_code}' -X POST "http://127.0.0.1:$port/api/v1/orders" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"items\":[{\"product_id\":$product,\"quantity\":1}],\"first_name\":\"Api\",\"last_name\":\"Buyer$1\",\"phone\":\"+15550190000\",\"email\":\"api$1@example.com\",\"address\":\"$1 API Avenue\",\"postal_code\":\"12345\",\"delivery_date\":\"\",\"note\":\"\",\"payment_method\":\"cash_on_delivery\"}")
    echo "$status $(json "d.get('number') or d.get('code')" < "$WORK/api-$1.body" 2>/dev/null)"
    [ "$status" = 201 ] || break
  done > "$WORK/api-$1.out"
}
buyer_pids=()
for ((b = 0; b < API_BUYERS; b++)); do api_buyer "$b" & buyer_pids+=($!); done

# --- the race: every SSH buyer's Enter in one tmux command, the API loops at the same instant ---------
race=(); for i in "${SSH_BUYERS[@]}"; do race+=(send-keys -t "main:=buy-$i" Enter \;); done
touch "$go"
h_tmux "${race[@]:0:${#race[@]}-1}"
for pid in "${buyer_pids[@]}"; do wait "$pid" || true; done
won=0; refused=0
declare -A ssh_number
for i in "${SSH_BUYERS[@]}"; do
  see "buy-$i" "PENDING|is out of stock|Only [0-9]+ left" 20 || true
  screen=$(h_tmux_screen "buy-$i")
  if grep -q PENDING <<<"$screen"; then won=$((won + 1)); ssh_number[$i]=$(grep -o 'S-[0-9]\{6\}' <<<"$screen" | head -n 1)
  elif grep -Eq "is out of stock|Only [0-9]+ left" <<<"$screen"; then refused=$((refused + 1))
  else failed_at "SSH buyer $i: an order or an out-of-stock message" "buy-$i"; fi
done
api_won=$(cat "$WORK"/api-*.out | grep -c '^201 ' || true)
api_refused=$(cat "$WORK"/api-*.out | grep -c '^409 out_of_stock' || true)
api_other=$(cat "$WORK"/api-*.out | grep -vcE '^(201|409 out_of_stock)' || true)
pg_check "SSH buyers: $won ordered, $refused told it is out of stock (every one got an answer)" test $((won + refused)) = "${#SSH_BUYERS[@]}"
pg_check "API buyers: $api_won orders, $api_refused out_of_stock, $api_other other answers" test "$api_other" = 0

# --- nothing oversold ----------------------------------------------------------------------------------
stock=$(pg_psql "SELECT stock FROM products WHERE id = $product")
sold=$(pg_psql "SELECT coalesce(sum(i.quantity), 0) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.product_id = $product AND o.status <> 'cancelled'")
sold=$((sold - sold_before))
ledger=$(pg_psql "SELECT coalesce(sum(delta), 0) FROM stock_ledger WHERE product_id = $product")
pg_check "stock never below zero: $stock left" test "$stock" -ge 0
pg_check "stock + sold = initial: $stock + $sold = $initial" test $((stock + sold)) = "$initial"
pg_check "every unit went to someone (demand exceeded stock): SSH $won + API $api_won = $sold" test $((won + api_won)) = "$sold" -a "$stock" = 0
pg_check "the stock ledger agrees with the stock ($ledger)" test "$ledger" = "$stock"
pg_check "no product anywhere below zero" test "$(pg_psql "SELECT count(*) FROM products WHERE stock < 0")" = 0

# --- every order visible from every host ------------------------------------------------------------
numbers=$(pg_psql "SELECT o.number FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.product_id = $product ORDER BY o.number" | sort -u)
for port in "${API_PORTS[@]}"; do
  # The staff token from API host 1 works on both: every host signs with the same SHOP_SECRET_FILE.
  seen=$(every_page "$port" /orders "$staff" | json "'\n'.join(sorted(o['number'] for o in d))")
  missing=$(comm -23 <(echo "$numbers") <(echo "$seen") | tr '\n' ' ')
  pg_check "API host on port $port lists all $(wc -l <<<"$numbers") orders of the product (missing: ${missing:-none})" test -z "$missing"
done
for i in "${!ssh_number[@]}"; do
  other=$((1 - i / 2)); w="check-$i"; number=${ssh_number[$i]}
  open_session "$w" "$other"
  if see "$w" "Browse" && key "$w" o && password_sign_in "$w" "sshbuyer$i" && see "$w" "Signed in as" &&
    key "$w" o && see "$w" "My orders" && see "$w" "$number"; then
    ok "SSH buyer $i's order $number (placed on front end $((i / 2 + 1))) is in My orders on front end $((other + 1))"
  else
    failed_at "SSH buyer $i's order $number on the other front end" "$w"
  fi
  key "$w" q
done
for i in "${SSH_BUYERS[@]}"; do key "buy-$i" q; done

echo "# $H_PASSED passed, $H_FAILED failed in $((SECONDS - started)) s"
((H_FAILED == 0))
