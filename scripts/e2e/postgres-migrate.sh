#!/usr/bin/env bash
# Moving a shop to PostgreSQL with the real programs: the demo store on SQLite (plus a customer's
# order placed through the API) → `shop-server migrate` into a throw-away PostgreSQL → a
# shop-server on PostgreSQL, through PgBouncer, answers the same products, categories, search
# results and orders as the SQLite file did. Also: bad arguments exit 64, a second migrate into
# the same database is refused and changes nothing. Then `shop --demo` on an empty PostgreSQL
# database, driven in tmux: filled once for two customers starting together, a whole purchase
# seen in My orders, and a database holding another shop (or the other language's demo) refused.
#   scripts/e2e/postgres-migrate.sh   (SERVER_BIN, SHOP_BIN; needs postgresql-15, pgbouncer, curl, sqlite3, python3, tmux)
set -euo pipefail
cd "$(dirname "$0")/../.."
SERVER_BIN=${SERVER_BIN:-$PWD/.build/debug/shop-server}
SHOP_BIN=${SHOP_BIN:-$PWD/.build/debug/shop}
WORK=$(mktemp -d)
chmod 0755 "$WORK"
# shellcheck source=../postgres/lib.sh
source scripts/postgres/lib.sh
# shellcheck source=tmux-helpers.sh
source scripts/e2e/tmux-helpers.sh
trap 'e2e_cleanup; pg_cleanup; rm -rf "$WORK"' EXIT
# Under set -e a failed command inside $(…) would end the script without a word: say which.
trap 'echo "not ok - postgres-migrate: line $LINENO failed: $BASH_COMMAND"' ERR

db="$WORK/shop.sqlite"
staff_phone=+15550100900      # the demo's staff account
customer_phone=+15550100071
code_from_outbox() { sqlite3 "$db" "SELECT body FROM outbox WHERE recipient = '$1' ORDER BY id DESC LIMIT 1"; }

# What a user sees: the catalog as a guest, every order as staff, the customer's own orders.
snapshot() { # snapshot PORT STAFF_TOKEN CUSTOMER_TOKEN DIR
  mkdir -p "$4"
  every_page "$1" /products > "$4/products.json"
  api "$1" GET /categories | json "json.dumps(d, sort_keys=True)" > "$4/categories.json"
  every_page "$1" "/products?q=tea" > "$4/search.json"
  every_page "$1" /orders "$2" > "$4/orders-staff.json"
  every_page "$1" /orders "$3" > "$4/orders-customer.json"
}

# 1. The demo on SQLite, and one more order placed by a customer through the API.
pg_start_server sqlite --demo --db "$db"
sqlite_pid=${PG_SERVER_PIDS[-1]}
port=$PG_PORT
staff=$(signin "$port" "$staff_phone" code_from_outbox)
customer=$(signin "$port" "$customer_phone" code_from_outbox)
product=$(api "$port" GET "/products?in_stock=true&limit=50" | json "[p['id'] for p in d['items'] if not p['variants'] and p['stock'] >= 2][0]")
order=$(api "$port" POST /orders "{\"items\":[{\"product_id\":$product,\"quantity\":2}],\"first_name\":\"Maya\",\"last_name\":\"Lee\",\"phone\":\"$customer_phone\",\"email\":\"maya@example.com\",\"address\":\"12 Elm Street\",\"postal_code\":\"12345\",\"delivery_date\":\"\",\"note\":\"before the move\",\"payment_method\":\"card\"}" "$customer" | json "d['id']")
total=$(api "$port" GET "/orders/$order" "" "$customer" | json "d['total']")
api "$port" POST "/orders/$order/payments" "{\"amount\":$total,\"method\":\"card\"}" "$customer" >/dev/null
snapshot "$port" "$staff" "$customer" "$WORK/before"
pg_check "the demo on SQLite has products and orders ($(json "len(d)" < "$WORK/before/products.json") products, $(json "len(d)" < "$WORK/before/orders-staff.json") orders)" \
  test "$(json "len(d) > 20" < "$WORK/before/products.json")" = True
pg_stop_server "$sqlite_pid"

# 2. Bad arguments: exit 64 and say why; nothing needs a database for that.
usage_case() { # usage_case DESCRIPTION EXPECTED_TEXT ARGS...
  local what=$1 text=$2 status=0 out; shift 2
  out=$("$SERVER_BIN" migrate "$@" 2>&1) || status=$?
  if [ "$status" = 64 ] && grep -qF -- "$text" <<<"$out"; then pg_ok "migrate $what: exit 64, \"$text\""
  else pg_not_ok "migrate $what: exit $status, $out"; fi
}
usage_case "without --from" "needs --from" --to postgres://shop@127.0.0.1:1/shop
usage_case "without --to" "needs --to" --from "$db"
usage_case "to a file" "must be a postgres:// URL" --from "$db" --to "$WORK/copy.sqlite"
usage_case "with a password in the URL" "must not hold a password" --from "$db" --to postgres://shop:secret@127.0.0.1:1/shop
usage_case "with a stray word" "unexpected argument" --from "$db" --to postgres://shop@127.0.0.1:1/shop extra

# 3. Migrate into a throw-away PostgreSQL.
pg_start_cluster
status=0
"$SERVER_BIN" migrate --from "$db" --to "$SHOP_PG_URL" > "$WORK/migrate.out" 2>&1 || status=$?
sed 's/^/# /' "$WORK/migrate.out"
pg_check "migrate exits 0" test "$status" = 0
pg_check "migrate prints the rows it copied" grep -qE '^copied orders: [0-9]+ rows' "$WORK/migrate.out"
pg_check "migrate warns about what it left behind" grep -q '^warning: left behind .*refresh_tokens' "$WORK/migrate.out"
pg_check "migrate prints the sums it compared" grep -qE '^verified: payments sum\(amount\) ([0-9-]+) = \1$' "$WORK/migrate.out"
orders_in_pg=$(pg_psql "SELECT count(*) FROM orders" || echo "?")
pg_check "PostgreSQL holds every order ($orders_in_pg)" test "$orders_in_pg" = "$(sqlite3 "$db" 'SELECT count(*) FROM orders')"

status=0
"$SERVER_BIN" migrate --from "$db" --to "$SHOP_PG_URL" > "$WORK/again.out" 2>&1 || status=$?
pg_check "a second migrate into the same database is refused (exit $status: $(head -c 160 "$WORK/again.out"))" \
  grep -q "already holds a shop" "$WORK/again.out"
pg_check "… and changes nothing" test "$(pg_psql "SELECT count(*) FROM orders" || echo "?")" = "$orders_in_pg"

# 4. shop-server on PostgreSQL through PgBouncer answers what the SQLite file answered.
MESSAGES="$WORK/messages.jsonl"
head -c 32 /dev/urandom > "$WORK/secret.key"
chmod 0600 "$WORK/secret.key"
SHOP_SECRET_FILE="$WORK/secret.key" pg_start_server postgres --db "$SHOP_PGBOUNCER_URL" --messages "file:$MESSAGES"
port=$PG_PORT
staff=$(signin "$port" "$staff_phone" code_from_file)
customer=$(signin "$port" "$customer_phone" code_from_file)
snapshot "$port" "$staff" "$customer" "$WORK/after"
for part in products categories search orders-staff orders-customer; do
  if cmp -s "$WORK/before/$part.json" "$WORK/after/$part.json"; then
    pg_ok "on PostgreSQL, $part as before ($(json "len(d['items'] if isinstance(d, dict) else d)" < "$WORK/after/$part.json") items)"
  else
    pg_not_ok "on PostgreSQL, $part differ from SQLite:"
    diff <(python3 -m json.tool "$WORK/before/$part.json") <(python3 -m json.tool "$WORK/after/$part.json") | head -20 | sed 's/^/#   /'
  fi
done
pg_check "the customer's order still has its card payment of $total" \
  test "$(api "$port" GET "/orders/$order/payments" "" "$customer" | json "[p['amount'] for p in d['items']]")" = "[$total]"

# 5. `shop --demo` on PostgreSQL through PgBouncer, in tmux: two customers start on one empty
# database at once (the demo goes in once); one signs in with the code the demo shows, searches,
# adds to the cart, checks out and finds the order in My orders.
psql -X -q -v ON_ERROR_STOP=1 -d "$SHOP_PG_ADMIN_URL" -c "CREATE DATABASE shop_demo OWNER shop" -c "CREATE DATABASE shop_other OWNER shop"
demo_url="${SHOP_PGBOUNCER_URL%/*}/shop_demo"
mkdir -p "$WORK/sessions"
shop_in_tmux() { # shop_in_tmux WINDOW ARGS...: the `shop` program in a tmux session of its own, 100×30
  local name=$1; shift
  t new-session -d -s "$name" -x 100 -y 30 \
    "env SHOP_SECRET_FILE=$WORK/secret.key PGPASSFILE=$PGPASSFILE $SHOP_BIN $* --sessions-dir $WORK/sessions; echo SHOP-EXITED-\$?; sleep 60"
}
shop_in_tmux demo1 --demo --db "$demo_url"
shop_in_tmux demo2 --demo --db "$demo_url"
pg_check "shop --demo on an empty PostgreSQL database opens the catalog" wait_for "Browse" 60 demo1
pg_check "… for a second customer who started at the same moment" wait_for "Browse" 60 demo2
demo_products=$(psql -X -q -At -d "${SHOP_PG_URL%/*}/shop_demo" -c "SELECT count(*) FROM products" || echo "?")
pg_check "the demo went in once ($demo_products products, as in the SQLite demo)" test "$demo_products" = "$(sqlite3 "$db" 'SELECT count(*) FROM products')"

W=demo1
press() { t send-keys -t "$W" "$@"; }
typed() { t send-keys -t "$W" -l "$1"; }
demo_phone=+15550100001   # Maya, a demo customer: her name and address fill the checkout form
step() { # step DESCRIPTION TEXT: ok when the screen shows TEXT (a regex) within 15 s
  if wait_re "$2" 15 "$W" >/dev/null; then pg_ok "$1"; else pg_not_ok "$1"; screen "$W" | grep -v '^[[:space:]]*$' | head -n 12 | sed 's/^/#   /'; fi
}
press /; typed masala
step "search on PostgreSQL finds the masala chai" "^ Masala chai mix  "
press Enter Enter
step "the product opens" "Enter adds"
press Enter
step "a guest is asked to sign in" "Sign in or create an account"
typed "$demo_phone"; press Enter
step "the demo shows the code on screen" "the code sent to \\$demo_phone is [0-9]{6}"
demo_code=$(screen "$W" | grep -oE "the code sent to .* is [0-9]{6}" | grep -oE '[0-9]{6}$' | tail -1 || true)
typed "$demo_code"; press Enter
step "signed in, the product went into the cart" "Added 1 × Masala chai mix"
press c
step "the cart shows it" "^ Masala chai mix +1 "
press Enter
step "checkout asks where to deliver" "Where should we deliver\\?"
press Enter
step "the review step" "Review your order"
press Enter Enter
step "the order is placed" "PENDING"
number=$(screen "$W" | grep -oE 'S-[0-9]{6}' | head -1 || true)
press o
if [ -n "$number" ] && wait_re "^ $number " 15 "$W" >/dev/null; then pg_ok "order $number is in My orders"; else pg_not_ok "order ${number:-(none shown)} is in My orders"; fi
in_db=$(psql -X -q -At -d "${SHOP_PG_URL%/*}/shop_demo" -c "SELECT count(*) FROM orders WHERE number = '$number'" || echo "?")
pg_check "… and once in PostgreSQL" test "$in_db" = 1

# Refused, with what to do: the demo in the other language, and a database holding another shop.
SHOP_SECRET_FILE="$WORK/secret.key" "$SERVER_BIN" users add --phone +15550100444 --role admin --db "${SHOP_PGBOUNCER_URL%/*}/shop_other" >/dev/null
# exited_saying WINDOW TEXT: the program in WINDOW ended with an error, and its message (wrapped
# lines joined) holds TEXT.
exited_saying() {
  wait_re "SHOP-EXITED-[1-9]" 30 "$1" >/dev/null && t capture-pane -p -J -t "$1" | grep -qF -- "$2"
}
shop_in_tmux fa --demo --lang fa --db "$demo_url"
pg_check "shop --demo --lang fa on the English demo's database is refused, saying why" exited_saying fa "holds the demo store in another language (en); start with --lang en"
shop_in_tmux other --demo --db "${SHOP_PGBOUNCER_URL%/*}/shop_other"
pg_check "shop --demo on a database holding another shop is refused, saying what to do" exited_saying other "holds another shop; leave out --db for a temporary demo store"
pg_check "the other shop is left as it was (no demo products)" test "$(psql -X -q -At -d "${SHOP_PG_URL%/*}/shop_other" -c "SELECT count(*) FROM products" || echo "?")" = 0

[ "$pg_failures" = 0 ]
