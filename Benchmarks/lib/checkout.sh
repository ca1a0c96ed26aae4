# shellcheck shell=bash
# What the checkout benchmarks share (Benchmarks/checkout, Benchmarks/postgres): the wrk script
# that places orders, a shop-server's start, and wrk's p99 in milliseconds. Source it.

# checkout_lua TOKENS_FILE PRODUCTS: a wrk script in which every request places an order
# (POST /api/v1/orders: one unit of a product, cash on delivery, delivery tomorrow) as one of the
# buyers whose access tokens are in TOKENS_FILE (one a line), buyer and product changing with
# every request; each wrk thread counts in its own range.
checkout_lua() {
    local delivery
    delivery="$(date -u -d tomorrow +%F)"
    cat <<LUA
local tokens = {}
for line in io.lines("$1") do tokens[#tokens + 1] = line end
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) counter = tid * 100003 end
function request()
    counter = counter + 1
    local body = string.format('{"items":[{"product_id":%d,"quantity":1}],"payment_method":"cash_on_delivery","first_name":"Nima","last_name":"Javan","phone":"+989141883291","email":"nima@example.com","address":"1 Main Street","postal_code":"6135135","delivery_date":"$delivery"}', counter % $2 + 1)
    return wrk.format("POST", "/api/v1/orders", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[counter % #tokens + 1]}, body)
end
LUA
}

# wait_healthz PORT: until the shop-server on PORT answers /healthz (20 s at most); fails otherwise.
wait_healthz() {
    local _
    for _ in $(seq 1 200); do
        curl -sf "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "not ok - nothing answers on port $1" >&2
    return 1
}

# p99_ms WRK_OUTPUT: the 99th percentile of a `wrk --latency` output file, in milliseconds.
p99_ms() {
    awk '$1=="99%" {print $2}' "$1" | awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); printf "%.1f", v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v); printf "%.1f", v } else if (v ~ /s$/) { sub(/s$/,"",v); printf "%.1f", v*1000 } }'
}
