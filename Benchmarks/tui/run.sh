#!/usr/bin/env bash
# TUI benchmark: time from start to the first full frame (catalog on screen), peak memory of
# one `shop` process, and time per frame while scrolling a 100,000-product catalog.
# Goals: first frame under 50 ms, under 20 MiB per process. In English and in Persian
# (right-to-left, Persian digits), one after the other in the same run, so the two compare.
# Usage: [LANGS="en fa"] Benchmarks/tui/run.sh [PRODUCTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
products=${1:-100000}
work=$(mktemp -d /tmp/shop-bench-tui.XXXXXX)
sock="shop-bench-tui-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

swift build -c release --product shop >/dev/null
swift build -c release --product shop-load >/dev/null
.build/release/shop-load seed "$work/db.sqlite" "$products" >/dev/null
shop=$PWD/.build/release/shop
langs=${LANGS:-en fa}
# What shows the catalog is on screen: the product count in English; Persian digits (prices)
# in Persian, whose words tmux shows in visual order.
ready() { [ "$1" = fa ] && echo '[۰۱۲۳۴۵۶۷۸۹]' || echo products; }

run() { # run LANG NAME KEYS...: start shop, wait for the catalog, send keys, quit; stats in $work/NAME.json
  local lang=$1 name=$2; shift 2
  local start_ms
  start_ms=$(date +%s%3N)
  echo "$start_ms" > "$work/$name.start"
  tmux -L "$sock" new-session -d -s "$name" -x 100 -y 30 "$shop --lang $lang --db $work/db.sqlite --messages file:$work/m.jsonl --stats-file $work/$name.json"
  for _ in $(seq 1 400); do tmux -L "$sock" capture-pane -p -t "$name" | grep -q "$(ready "$lang")" && break; sleep 0.01; done
  for key in "$@"; do tmux -L "$sock" send-keys -t "$name" "$key"; done
  sleep 0.3
  # Memory as the kernel accounts it while the program runs: private pages are what each extra
  # session costs; shared library pages are counted once for all of them.
  local pid
  pid=$(tmux -L "$sock" display-message -p -t "$name" '#{pane_pid}')
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = shop ] || pid=$(pgrep -P "$pid" -x shop || true)
  [ -n "$pid" ] && grep -E '^(Rss|Pss|Private_Clean|Private_Dirty|Shared_Clean):' "/proc/$pid/smaps_rollup" > "$work/$name.mem" || true
  tmux -L "$sock" send-keys -t "$name" q
  for _ in $(seq 1 200); do [ -s "$work/$name.json" ] && break; sleep 0.05; done
}

# A second, idle shop process the whole time (it also keeps the tmux server up), as on a
# machine serving customers: library pages both map then count as shared, and "private" is
# what one more session costs.
tmux -L "$sock" new-session -d -s companion -x 100 -y 30 "$shop --db $work/db.sqlite --messages file:$work/m.jsonl"
for _ in $(seq 1 400); do tmux -L "$sock" capture-pane -p -t companion | grep -q "products" && break; sleep 0.01; done

for lang in $langs; do
  for i in 1 2 3 4 5; do run "$lang" "$lang-start$i"; done
  pages=()
  for _ in $(seq 1 300); do pages+=(NPage); done
  run "$lang" "$lang-scroll" "${pages[@]}"

  echo "== --lang $lang"
  python3 - "$work" "$lang" <<'PY'
import json, sys, statistics, os
work, lang = sys.argv[1], sys.argv[2]
firsts = []
for i in range(1, 6):
    s = json.load(open(f"{work}/{lang}-start{i}.json"))
    start = int(open(f"{work}/{lang}-start{i}.start").read())
    firsts.append(s["catalog_shown_unix_ms"] - start)
scroll = json.load(open(f"{work}/{lang}-scroll.json"))
print(f"start to first full frame (catalog shown), 5 runs: median {statistics.median(firsts):.0f} ms, max {max(firsts):.0f} ms  (goal < 50 ms; includes process start)")
mem = {l.split(":")[0]: int(l.split()[1]) for l in open(f"{work}/{lang}-scroll.mem")} if os.path.exists(f"{work}/{lang}-scroll.mem") else {}
print(f"peak memory of one shop process while scrolling: {scroll['max_rss_kib'] / 1024:.1f} MiB RSS  (goal < 20 MiB)")
if mem:
    private = (mem.get("Private_Clean", 0) + mem.get("Private_Dirty", 0)) / 1024
    print(f"  after scrolling, with a second shop running: RSS {mem['Rss'] / 1024:.1f} MiB = private {private:.1f} MiB (of which written: {mem.get('Private_Dirty', 0) / 1024:.1f} MiB) + shared library pages {mem.get('Shared_Clean', 0) / 1024:.1f} MiB (shared by every shop process); PSS {mem['Pss'] / 1024:.1f} MiB")
print(f"scrolling 300 pages of the catalog: {scroll['frames']} frames, {scroll['draw_ms_total'] / max(1, scroll['frames']):.2f} ms per frame (render + diff + ncurses)")
PY
done
