#!/usr/bin/env bash
# Start-up work of `shop`, counted in instructions (valgrind's callgrind): reproducible on a busy
# machine, where wall-clock start-up times swing with the load. Each program starts on a demo
# database in a tmux pane, shows the catalog, and quits with q; the count covers all of it (the
# quit itself is a small part). Prints, per program, the total and the share of the main phases.
#
# Usage: Benchmarks/tui/startup-profile.sh [NAME=BINARY ...]
#   default: before=.build-before/shop after=.build/release/shop (missing ones are skipped)
#   KEEP=1 keeps the callgrind files (callgrind_annotate --inclusive=yes FILE | head -60)
# Needs: valgrind, tmux.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install -y valgrind)" >&2; exit 1; }
(($#)) || set -- "before=$ROOT/.build-before/shop" "after=$ROOT/.build/release/shop"
work=$(mktemp -d /tmp/shop-startup-profile.XXXXXX)
sock="shop-startup-profile-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "files: $work" >&2 || rm -rf "$work"' EXIT

# wait_for SESSION REGEX SECONDS: poll the pane until it shows REGEX.
wait_for() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    tmux -L "$sock" capture-pane -p -t "$1" 2>/dev/null | grep -qE -- "$2" && return 0
    sleep 0.1
  done
  return 1
}

# The demo catalog, written once by the first program (shop --demo --db FILE).
first=${1#*=}
tmux -L "$sock" new-session -d -s seed -x 100 -y 30 "$first --demo --db $work/demo.sqlite"
wait_for seed Browse 60 || { echo "not ok - the demo store did not appear" >&2; exit 1; }
tmux -L "$sock" send-keys -t seed q

# Inclusive instructions of the first function whose name matches REGEX (0 if none).
inclusive() { grep -m1 -E -- "$2" "$1" | awk '{ gsub(",", "", $1); print $1 + 0 }' || echo 0; }
share() { awk -v a="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%5.1f%%", 100 * a / t; else print "-" }'; }

printf '%-8s %14s  %s\n' program instructions "where (inclusive shares of the total)"
for spec in "$@"; do
  name=${spec%%=*} bin=${spec#*=}
  [ -x "$bin" ] || { echo "# skipping $name: $bin is not an executable" >&2; continue; }
  out="$work/$name.callgrind"
  tmux -L "$sock" new-session -d -s "$name" -x 100 -y 30 \
    "valgrind --tool=callgrind --callgrind-out-file=$out $bin --db $work/demo.sqlite --messages file:$work/m.jsonl 2>$work/$name.valgrind"
  if ! wait_for "$name" Browse 120; then echo "not ok - $name: the catalog did not appear under valgrind" >&2; continue; fi
  tmux -L "$sock" send-keys -t "$name" q
  for _ in $(seq 1 600); do [ -s "$out" ] && ! tmux -L "$sock" has-session -t "$name" 2>/dev/null && break; sleep 0.1; done
  [ -s "$out" ] || { echo "not ok - $name: no callgrind output" >&2; continue; }
  callgrind_annotate --inclusive=yes "$out" >"$work/$name.txt" 2>/dev/null
  total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$work/$name.txt")
  loader=$(inclusive "$work/$name.txt" 'rtld.c:_dl_start ')
  catalogs=$(inclusive "$work/$name.txt" 'L.swift:.*loadCatalogs')
  engine=$(inclusive "$work/$name.txt" 'Shop.swift:.*ShopEngine0A0CyAcA0A13ConfigurationVKcfc')
  frame=$(inclusive "$work/$name.txt" 'Runner.swift:.*RunnerC4draw')
  printf '%-8s %14s  dynamic linking %s, catalogs %s, opening the store %s, drawing frames %s\n' "$name" \
    "$total" "$(share "$loader" "$total")" "$(share "$catalogs" "$total")" \
    "$(share "$engine" "$total")" "$(share "$frame" "$total")"
done
