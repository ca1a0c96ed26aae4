#!/usr/bin/env bash
# HTTP core benchmark: nginx (static file) vs our server, GET /healthz, wrk -t2 -c50 -d5s.
#
# Usage: Benchmarks/http/run.sh
#   SERVER_CMD  command that starts our server quietly on $PORT
#               (default: release shop-server --port $PORT --http-only)
#   DURATION    wrk duration (default 5s); CONNECTIONS (default 50); THREADS (default 2)
# Needs: nginx (Debian nginx-light) and wrk: apt-get install -y nginx-light wrk
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${DURATION:-5s}"
CONNECTIONS="${CONNECTIONS:-50}"
THREADS="${THREADS:-2}"
NGINX_PORT="${NGINX_PORT:-18081}"
PORT="${PORT:-18082}"
export PORT

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "nginx not found (apt-get install -y nginx-light)" >&2; exit 1; }

if [ -z "${SERVER_CMD:-}" ]; then
    (cd "$ROOT" && swift build -c release --product shop-server >&2)
    SERVER_CMD="$ROOT/.build/release/shop-server --port $PORT --http-only"
fi

WORK="$(mktemp -d)"
NGINX_PID=""; SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "${KEEP_WORK:-}" ] && echo "work dir: $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

# Minimal nginx: one worker per core, static JSON file, no access log (ours is off too).
mkdir -p "$WORK/html" "$WORK/logs"
printf '{"status":"ok"}' > "$WORK/html/healthz"
# nginx workers drop to an unprivileged user when started as root: let them read the file.
chmod 755 "$WORK" "$WORK/html"; chmod 644 "$WORK/html/healthz"
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
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/html;
        location = /healthz { default_type application/json; }
    }
}
CONF
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" 2>"$WORK/logs/stderr.log" &
NGINX_PID=$!

bash -c "exec $SERVER_CMD" >/dev/null 2>"$WORK/server.stderr" &
SERVER_PID=$!

wait_port() {
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "nothing answers on port $1" >&2; exit 1
}
wait_port "$NGINX_PORT"
wait_port "$PORT"

# Prints "requests/s p99" for a wrk run; p99 normalised to milliseconds.
measure() {
    local out rps p99
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$1/healthz")"
    echo "$out" >"$WORK/wrk-$1.txt"
    if grep -q "Non-2xx\|Socket errors" <<<"$out"; then grep "Non-2xx\|Socket errors" <<<"$out" | sed "s/^/  port $1: /" >&2; fi
    rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
    p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
    p99="$(awk -v v="$p99" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
        else print v }')"
    echo "$rps $p99"
}

wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "http://127.0.0.1:$PORT/healthz" >/dev/null   # warm-up
read -r NGINX_RPS NGINX_P99 < <(measure "$NGINX_PORT")
read -r SHOP_RPS SHOP_P99 < <(measure "$PORT")

printf '\nGET /healthz, wrk -t%s -c%s -d%s, %s cores\n' "$THREADS" "$CONNECTIONS" "$DURATION" "$(nproc)"
printf '%-12s %14s %10s\n' "server" "requests/s" "p99 ms"
printf '%-12s %14s %10s\n' "nginx" "$NGINX_RPS" "$NGINX_P99"
printf '%-12s %14s %10s\n' "shop" "$SHOP_RPS" "$SHOP_P99"
awk -v s="$SHOP_RPS" -v n="$NGINX_RPS" 'BEGIN { printf "ratio shop/nginx (requests/s): %.2f\n", s / n }'
