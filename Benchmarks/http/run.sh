#!/usr/bin/env bash
# HTTP API benchmark: our release shop-server on a 100,000-product database next to nginx serving
# static files of the same size as each of our responses, in the same run.
#
# Usage: Benchmarks/http/run.sh
#   PRODUCTS     products to seed (default 100000)
#   DATABASE     a catalog seeded before (`shop-load seed FILE N`): copied instead of seeding
#   WORKERS      space-separated --workers values to try; "default" = the server's default
#                (default: "default 2 4")
#   BEFORE       a shop-server built from the code before a change, measured in the same run
#                (e.g. `swift build -c release --product shop-server --scratch-path .build-before`
#                on the commit before, then BEFORE=.build-before/release/shop-server)
#   ONLY         space-separated endpoint names to measure (healthz list detail cart orders me
#                uncached; default all)
#   PROFILE=1    then, for each server, one more uncached.lua run under `perf record -g` with
#                SHOP_SQL_PROFILE (per-statement CPU, steps, sorts): prints where the time went,
#                and the floor: the run's statements (SHOP_SQL_TRACE) run again by replay.c;
#                PROFILE="orders me" (endpoint names) profiles those endpoints instead
#   SERVER       the shop-server to measure as "after" (default .build/release/shop-server)
#   DURATION     wrk duration (default 5s); CONNECTIONS (default 50); THREADS (default 2)
#   KEEP_WORK=1  keep the work directory (database, wrk outputs, profiles)
#   SKIP_BUILD=1 use .build/release as it is (e.g. while another build holds .build)
# Needs: nginx (Debian nginx-light), wrk, curl, python3; perf, cc and libsqlite3-dev for PROFILE=1.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${DURATION:-5s}"
CONNECTIONS="${CONNECTIONS:-50}"
THREADS="${THREADS:-2}"
PRODUCTS="${PRODUCTS:-100000}"
WORKERS="${WORKERS:-default 2 4}"
BEFORE="${BEFORE:-}"
ONLY="${ONLY:-}"
PROFILE="${PROFILE:-}"
NGINX_PORT="${NGINX_PORT:-18081}"
PORT="${PORT:-18082}"
PHONE="+15550100200"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
[ -z "$PROFILE" ] || command -v perf >/dev/null || { echo "perf not found (apt-get install -y linux-perf)" >&2; exit 1; }
[ -z "$BEFORE" ] || [ -x "$BEFORE" ] || { echo "BEFORE=$BEFORE is not an executable shop-server" >&2; exit 1; }
[ -z "${DATABASE:-}" ] || [ -f "$DATABASE" ] || { echo "DATABASE=$DATABASE is not a file" >&2; exit 1; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "nginx not found (apt-get install -y nginx-light)" >&2; exit 1; }

[ -n "${SKIP_BUILD:-}" ] || (cd "$ROOT" && swift build -c release --product shop-server >&2 && swift build -c release --product shop-load >&2)
SERVER="${SERVER:-$ROOT/.build/release/shop-server}"
LOAD="$ROOT/.build/release/shop-load"

WORK="$(mktemp -d)"
NGINX_PID=""; SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "${KEEP_WORK:-}" ] && echo "work dir: $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

DB="$WORK/shop.sqlite"
MESSAGES="$WORK/messages.jsonl"
if [ -n "${DATABASE:-}" ]; then
    echo "copying $DATABASE…" >&2
    sqlite3 "$DATABASE" ".backup '$DB'"   # with what its WAL holds
    PRODUCTS="$(sqlite3 "$DB" 'SELECT count(*) FROM products')"
else
    echo "seeding $PRODUCTS products…" >&2
    "$LOAD" seed "$DB" "$PRODUCTS" >&2
fi
# With BEFORE, the data is set up by the build before (it may know fewer migrations) and copied
# for it; this build then migrates its own copy forward when it starts.
SETUP_SERVER="${BEFORE:-$SERVER}"
DB_BEFORE="$WORK/before.sqlite"
"$SETUP_SERVER" users add --phone "$PHONE" --role customer --db "$DB" >&2

wait_port() {
    for _ in $(seq 1 200); do
        curl -sf "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "nothing answers on port $1" >&2; exit 1
}

start_server() { # $1 = workers ("default" or N), $2 = the binary (default: this build)
    local extra=()
    [ "$1" != "default" ] && extra=(--workers "$1")
    # wrk opens every connection from 127.0.0.1: let them all in past the per-address cap.
    local db="$DB"
    # The build before on its own copy, once set-up has made it (set-up itself runs on $DB).
    [ "${2:-$SERVER}" = "$SERVER" ] || [ ! -e "$DB_BEFORE" ] || db="$DB_BEFORE"
    "${2:-$SERVER}" --db "$db" --port "$PORT" --quiet --messages "file:$MESSAGES" --max-connections-per-address "$((CONNECTIONS + 16))" "${extra[@]}" 2>>"$WORK/server.stderr" &
    SERVER_PID=$!
    wait_port "$PORT"
}
stop_server() { kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""; }

# One server first: learn the response bodies (sizes) and get an access token by code.
start_server default "$SETUP_SERVER"
BASE="http://127.0.0.1:$PORT"
PRODUCT_ID="$(curl -sf "$BASE/api/v1/products?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"
REQUEST_ID="$(curl -sf -H 'Content-Type: application/json' -d "{\"phone\":\"$PHONE\"}" "$BASE/api/v1/auth/otp/request" | python3 -c 'import json,sys; print(json.load(sys.stdin)["request_id"])')"
CODE="$(python3 -c 'import json,re,sys; m=[json.loads(l) for l in open(sys.argv[1])][-1]; print(re.search(r"\d{6}", m["text"]).group(0))' "$MESSAGES")"
ACCESS="$(curl -sf -H 'Content-Type: application/json' -d "{\"request_id\":\"$REQUEST_ID\",\"code\":\"$CODE\"}" "$BASE/api/v1/auth/otp/verify" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access"])')"
# Access tokens live 15 minutes: enough for one run of this script.
# Give the customer real data to read: five orders (cash on delivery: they never expire), then
# two lines in the cart, so GET /cart and GET /orders do real work.
AUTH=(-H 'Content-Type: application/json' -H "Authorization: Bearer $ACCESS")
for _ in 1 2 3 4 5; do
    curl -sf -o /dev/null "${AUTH[@]}" -d "{\"items\":[{\"product_id\":$PRODUCT_ID,\"quantity\":1}],\"payment_method\":\"cash_on_delivery\",\"first_name\":\"Nima\",\"last_name\":\"Javan\",\"phone\":\"+989141883291\",\"email\":\"nima@example.com\",\"address\":\"1 Main Street\",\"postal_code\":\"6135135\",\"delivery_date\":\"$(date -u -d tomorrow +%F)\"}" "$BASE/api/v1/orders" \
        || { echo "not ok - placing a benchmark order failed" >&2; exit 1; }
done
for id in "$PRODUCT_ID" "$((PRODUCT_ID + 1))"; do
    curl -sf -o /dev/null "${AUTH[@]}" -d "{\"product_id\":$id,\"quantity\":1}" "$BASE/api/v1/cart/items" \
        || { echo "not ok - adding product $id to the cart failed" >&2; exit 1; }
done

cat > "$WORK/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $ACCESS"
LUA
cp "$ROOT/Benchmarks/http/uncached.lua" "$WORK/uncached.lua"

NAMES=(healthz list detail cart orders me uncached)
LABELS=("GET /healthz" "GET /api/v1/products?limit=20" "GET /api/v1/products/{id}" "GET /api/v1/cart (auth)"
        "GET /api/v1/orders?limit=20 (auth)" "GET /api/v1/me (auth)" "GET /api/v1/products?(varied) uncached")
PATHS=("/healthz" "/api/v1/products?limit=20" "/api/v1/products/$PRODUCT_ID" "/api/v1/cart" "/api/v1/orders?limit=20" "/api/v1/me"
       "/api/v1/products?limit=20")
signed_in() { case "$1" in cart|orders|me) return 0 ;; *) return 1 ;; esac; }
wanted() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }
lua_for() { # the wrk script for endpoint $1
    if signed_in "$1"; then echo "$WORK/auth.lua"; elif [ "$1" = uncached ]; then echo "$WORK/uncached.lua"; fi
}

# nginx: a static file per endpoint, of the same size as our body (our real body, so same bytes).
# The uncached queries answer pages of about the size of the first page: nginx serves that one.
mkdir -p "$WORK/html" "$WORK/logs"
for i in "${!NAMES[@]}"; do
    if signed_in "${NAMES[$i]}"; then
        curl -sf -H "Authorization: Bearer $ACCESS" "$BASE${PATHS[$i]}" > "$WORK/html/${NAMES[$i]}"
    else
        curl -sf "$BASE${PATHS[$i]}" > "$WORK/html/${NAMES[$i]}"
    fi
done
stop_server
if [ -n "$BEFORE" ]; then   # the same data and key for the build before, in its own file
    sqlite3 "$DB" ".backup '$DB_BEFORE'"
    cp "$DB.key" "$DB_BEFORE.key" 2>/dev/null || true
fi
chmod 755 "$WORK" "$WORK/html"; chmod 644 "$WORK/html/"*
cat > "$WORK/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp_body;
    proxy_temp_path $WORK/tmp_proxy;
    fastcgi_temp_path $WORK/tmp_fastcgi;
    uwsgi_temp_path $WORK/tmp_uwsgi;
    scgi_temp_path $WORK/tmp_scgi;
    keepalive_requests 1000000;
    default_type application/json;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/html;
    }
}
CONF
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" 2>"$WORK/logs/stderr.log" &
NGINX_PID=$!
wait_port "$NGINX_PORT"

# CPU time (user + system, in clock ticks) the processes $@ have used so far.
cpu_ticks() {
    local total=0 utime stime
    for pid in "$@"; do
        read -r utime stime < <(awk '{print $14, $15}' "/proc/$pid/stat")
        total=$((total + utime + stime))
    done
    echo "$total"
}
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# Prints "requests/s p99ms cpu-us-per-request" for one wrk run. $1 = URL, $2 = output tag,
# $3 = optional lua script, $4 = the serving processes' pids (space-separated). CPU per request
# barely moves with other load on the machine, so it compares builds more steadily than requests/s.
measure() {
    local out rps p99 args=() before after requests
    [ -n "${3:-}" ] && args=(-s "$3")
    before="$(cpu_ticks $4)"
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${args[@]}" "$1")"
    after="$(cpu_ticks $4)"
    echo "$out" >"$WORK/wrk-$2.txt"
    if grep -q "Non-2xx\|Socket errors" <<<"$out"; then grep "Non-2xx\|Socket errors" <<<"$out" | sed "s/^/  $2: /" >&2; fi
    rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
    requests="$(awk '/requests in/ {print $1}' <<<"$out")"
    p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
    p99="$(awk -v v="$p99" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
        else print v }')"
    echo "$rps $p99 $(awk -v t="$((after - before))" -v u="$TICK_US" -v n="${requests:-0}" 'BEGIN { if (n > 0) printf "%.1f", t * u / n; else print "-" }')"
}

# The servers: this build at each WORKERS value, and the build before (BEFORE) at each too.
SERVERS=()
for w in $WORKERS; do
    [ -n "$BEFORE" ] && SERVERS+=("before:$w")
    SERVERS+=("after:$w")
done
binary() { if [ "${1%%:*}" = before ]; then echo "$BEFORE"; else echo "$SERVER"; fi; }

declare -A RPS P99 CPU
NGINX_PIDS="$NGINX_PID $( (pgrep -P "$NGINX_PID" || true) | tr "\n" " ")"
for i in "${!NAMES[@]}"; do
    wanted "${NAMES[$i]}" || continue
    read -r RPS[nginx,$i] P99[nginx,$i] CPU[nginx,$i] < <(measure "http://127.0.0.1:$NGINX_PORT/${NAMES[$i]}" "nginx-${NAMES[$i]}" "" "$NGINX_PIDS")
done
for s in "${SERVERS[@]}"; do
    start_server "${s#*:}" "$(binary "$s")"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "http://127.0.0.1:$PORT/api/v1/products?limit=20" >/dev/null   # warm-up
    for i in "${!NAMES[@]}"; do
        wanted "${NAMES[$i]}" || continue
        read -r RPS[$s,$i] P99[$s,$i] CPU[$s,$i] < <(measure "http://127.0.0.1:$PORT${PATHS[$i]}" "shop-${s/:/-}-${NAMES[$i]}" "$(lua_for "${NAMES[$i]}")" "$SERVER_PID")
    done
    stop_server
done

# Where the time went: each server (default workers) once more under load, with perf sampling
# its threads and SQLite's statements counted (SQLProfile), then the top of each. PROFILE=1: the
# uncached reads; otherwise the endpoints it names.
if [ -n "$PROFILE" ]; then
    [ "$PROFILE" = 1 ] && PROFILE=uncached
    for name in $PROFILE; do
        i=""; for j in "${!NAMES[@]}"; do [ "${NAMES[$j]}" = "$name" ] && i=$j; done
        [ -n "$i" ] || { echo "PROFILE: no endpoint named $name" >&2; continue; }
        lua="$(lua_for "$name")"
        for who in ${BEFORE:+before} after; do
            trace="$WORK/trace-$who-$name.txt"
            export SHOP_SQL_PROFILE="$WORK/sql-$who-$name.txt" SHOP_SQL_TRACE="$trace"
            start_server default "$(binary "$who:default")"
            unset SHOP_SQL_PROFILE SHOP_SQL_TRACE
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" ${lua:+-s "$lua"} "http://127.0.0.1:$PORT${PATHS[$i]}" >"$WORK/wrk-profile-$who-$name.txt" &
            WRK_PID=$!
            perf record -q -F 499 -g -p "$SERVER_PID" -o "$WORK/perf-$who-$name.data" -- sleep "${DURATION%s}" 2>/dev/null || echo "not ok - perf record failed for $who" >&2
            wait "$WRK_PID"
            stop_server
            echo
            echo "== $who, ${LABELS[$i]}: $(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk-profile-$who-$name.txt") req/s under perf; CPU by library (perf report --sort dso):"
            perf report -q -i "$WORK/perf-$who-$name.data" --no-children --sort dso -g none 2>/dev/null | grep -v "^$" | head -6 || true
            echo "-- top functions (--no-children):"
            perf report -q -i "$WORK/perf-$who-$name.data" --no-children --sort dso,symbol -g none 2>/dev/null | grep -v "^$" | head -16 | cut -c1-150 || true
            echo "-- top statements (SHOP_SQL_PROFILE):"
            if [ -s "$WORK/sql-$who-$name.txt" ]; then head -16 "$WORK/sql-$who-$name.txt"; else echo "(none written: no statement ran, or a build without SQLProfile)"; fi
            # The floor: the very statements this run made (SHOP_SQL_TRACE), run again by a minimal
            # C loop over the same file (replay.c): SQLite's own cost a request, without HTTP, JSON or Swift.
            if [ -s "$trace" ]; then
                requests="$(awk '/requests in/ {print $1}' "$WORK/wrk-profile-$who-$name.txt")"
                db="$DB"; [ "$who" = before ] && [ -e "$DB_BEFORE" ] && db="$DB_BEFORE"
                [ -x "$WORK/replay" ] || cc -O2 -o "$WORK/replay" "$ROOT/Benchmarks/http/replay.c" -lsqlite3
                read -r seconds statements errors < <("$WORK/replay" "$db" <"$trace")
                awk -v r="$requests" -v c="$seconds" -v s="$statements" -v e="$errors" 'BEGIN { us = c * 1e6 / r
                    printf "-- SQLite alone (replay.c: the %d statements of these %d requests, one process): %.2f s CPU, %.0f us a request, %.0f requests/s a core (%d failed: temp tables)\n", s, r, c, us, 1e6 / us, e }'
            else
                echo "-- SQLite alone: no trace (no statement ran, or a build without SHOP_SQL_TRACE)"
            fi
        done
    done
fi

printf '\nshop-server (release, %s products) vs nginx (static file of the same size), wrk -t%s -c%s -d%s --latency, %s cores, load average %s\n' \
    "$PRODUCTS" "$THREADS" "$CONNECTIONS" "$DURATION" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-38s %8s %-12s %12s %9s %7s %10s %9s\n' "endpoint" "bytes" "server" "requests/s" "p99 ms" "ratio" "CPU us/req" "CPU ratio"
for i in "${!NAMES[@]}"; do
    wanted "${NAMES[$i]}" || continue
    size="$(stat -c %s "$WORK/html/${NAMES[$i]}")"
    printf '%-38s %8s %-12s %12s %9s %7s %10s %9s\n' "${LABELS[$i]}" "$size" "nginx" "${RPS[nginx,$i]}" "${P99[nginx,$i]}" "1.00" "${CPU[nginx,$i]}" "1.00"
    for s in "${SERVERS[@]}"; do
        ratio="$(awk -v s="${RPS[$s,$i]}" -v n="${RPS[nginx,$i]}" 'BEGIN { printf "%.2f", s / n }')"
        cpu_ratio="$(awk -v s="${CPU[$s,$i]}" -v n="${CPU[nginx,$i]}" 'BEGIN { if (s > 0) printf "%.2f", n / s; else print "-" }')"
        w="${s#*:}"; [ "$w" = default ] && w=def
        printf '%-38s %8s %-12s %12s %9s %7s %10s %9s\n' "" "" "${s%%:*} w=$w" "${RPS[$s,$i]}" "${P99[$s,$i]}" "$ratio" "${CPU[$s,$i]}" "$cpu_ratio"
    done
done
echo "(w=def is the server's default: one worker per core, at least 2; ratio = shop requests/s ÷ nginx requests/s; CPU us/req = the"
echo " serving processes' user+system CPU per request during the run; CPU ratio = nginx's CPU per request ÷ ours, the ratio on an otherwise"
echo " idle machine; before = BEFORE, after = this build)"
