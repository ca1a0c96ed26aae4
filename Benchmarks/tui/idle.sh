#!/usr/bin/env bash
# CPU an idle `shop` session costs: each program is started on the demo catalog in tmux, left on
# Browse, and its threads' CPU time (/proc/PID/task/*/schedstat) read over SECONDS_IDLE seconds.
# Programs alternate ROUNDS times, so a busy moment on the machine hits each alike.
# Usage: [PROGRAMS="before=.build-before/shop after=.build/release/shop"] [SECONDS_IDLE=20]
#        [ROUNDS=3] Benchmarks/tui/idle.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROGRAMS=${PROGRAMS:-before=$ROOT/.build-before/shop after=$ROOT/.build/release/shop}
SECONDS_IDLE=${SECONDS_IDLE:-20}
ROUNDS=${ROUNDS:-3}
for value in $SECONDS_IDLE $ROUNDS; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "SECONDS_IDLE and ROUNDS take whole numbers from 1, got \"$value\"" >&2; exit 64; }
done
work=$(mktemp -d /tmp/shop-bench-idle.XXXXXX)
sock="shop-bench-idle-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }

# idle NAME PATH: prints the program's CPU milliseconds per idle second.
idle() {
  local name=$1 bin=$2 pane pid t0 t1
  tmux -L "$sock" new-session -d -s "$name" -x 100 -y 30 "SHOP_ASSETS=$ROOT/assets $bin --demo --db $work/$name.sqlite; sleep 60"
  for _ in $(seq 1 300); do tmux -L "$sock" capture-pane -p -t "$name" | grep -q Browse && break; sleep 0.1; done
  tmux -L "$sock" capture-pane -p -t "$name" | grep -q Browse || { echo "not ok - $name never showed Browse" >&2; return 1; }
  sleep 3   # past the start-up's own loads
  pane=$(tmux -L "$sock" list-panes -t "$name" -F '#{pane_pid}')
  pid=$(pgrep -P "$pane" | head -n 1)
  t0=$(cpu_ns "$pid"); sleep "$SECONDS_IDLE"; t1=$(cpu_ns "$pid")
  tmux -L "$sock" kill-session -t "$name"
  awk -v a="$t0" -v b="$t1" -v s="$SECONDS_IDLE" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 / s }'
}

echo "# idle shop on Browse: CPU ms per second over ${SECONDS_IDLE} s, $ROUNDS rounds, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A all=()
for round in $(seq 1 "$ROUNDS"); do
  for spec in $PROGRAMS; do
    name=${spec%%=*} bin=${spec#*=}
    [[ -x $bin ]] || { echo "# skipping $name: $bin is not an executable (build it first)" >&2; continue; }
    ms=$(idle "$name-$round" "$bin")
    all[$name]="${all[$name]:-} $ms"
    echo "$name round $round: $ms ms/s"
  done
done
for spec in $PROGRAMS; do
  name=${spec%%=*}
  [[ -n ${all[$name]:-} ]] && echo "$name: ${all[$name]# } ms CPU per idle second"
done
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
