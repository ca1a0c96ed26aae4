#!/usr/bin/env bash
# The login rate the store keeps up with over SSH: for each rate in RATES, and each program in
# PROGRAMS, Benchmarks/ssh/run.sh starts that many logins per second (a fixed schedule) and
# measures ssh start -> store on screen. Prints p50/p95 per rate and program, and per program the
# highest rate at which every login got in and p95 stayed under LIMIT_MS. Rates are the outer loop
# and programs the inner one, so a busy moment on the machine hits every program alike.
#
# The stand-in program (scripts/e2e/lib/fake-shop.sh, a few lines of bash) is the floor: what
# sshd itself costs (key exchange, session set-up) with next to no program behind it.
#
# Environment:
#   PROGRAMS   space-separated NAME=PATH (default: "fake before=.build-before/shop
#              after=.build/release/shop"; "fake" alone is the stand-in). A missing binary is
#              skipped with a note.
#   RATES      logins per second to try (default "10 20 30 40 50")
#   SECONDS_PER_RATE  how long logins keep arriving at each rate (default 3; N = rate × this,
#              at least 20 sessions)
#   LIMIT_MS   the p95 bound (default 1000)
#   SHOP_READY_RE  text of the real program's first screen (default Browse)
# Needs root (run.sh creates an account and a private sshd). Example:
#   git stash; swift build -c release --product shop; mkdir -p .build-before
#   cp .build/release/shop .build-before/; git stash pop      # "before": the code without your change
#   swift build -c release --product shop && sudo Benchmarks/ssh/sweep.sh
set -euo pipefail

case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROGRAMS=${PROGRAMS:-fake before=$ROOT/.build-before/shop after=$ROOT/.build/release/shop}
RATES=${RATES:-10 20 30 40 50}
SECONDS_PER_RATE=${SECONDS_PER_RATE:-3}
LIMIT_MS=${LIMIT_MS:-1000}
READY_RE=${SHOP_READY_RE:-Browse}
for value in $RATES $SECONDS_PER_RATE $LIMIT_MS; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "RATES, SECONDS_PER_RATE and LIMIT_MS take whole numbers from 1, got \"$value\"" >&2; exit 64; }
done
OUT=$(mktemp -d /tmp/shop-ssh-sweep.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# name -> path ("" for the stand-in); missing binaries left out.
declare -A PATH_OF=()
NAMES=()
for spec in $PROGRAMS; do
  name=${spec%%=*} path=""
  [[ $spec == *=* ]] && path=${spec#*=}
  if [[ -n $path && ! -x $path ]]; then
    echo "# skipping $name: $path is not an executable (build it first)" >&2
    continue
  fi
  PATH_OF[$name]=$path
  NAMES+=("$name")
done
((${#NAMES[@]})) || { echo "no program to measure" >&2; exit 1; }

# field KEY FILE: the value of KEY=… on the file's "result:" line ("-" if none).
field() { sed -n "s/^result:.* $1=\([^ ]*\).*/\1/p" "$2" | tail -n 1 | grep . || echo "-"; }

echo "# SSH login sweep: rates ${RATES// /, }/s, ${SECONDS_PER_RATE} s of logins each, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for rate in $RATES; do
  n=$((rate * SECONDS_PER_RATE))
  ((n >= 20)) || n=20
  for name in "${NAMES[@]}"; do
    log="$OUT/$name-$rate.txt"
    env_args=(N="$n" RATE="$rate" SSH_BENCH_ACCOUNT="shop-sweep-$$")
    [[ -z ${PATH_OF[$name]} ]] || env_args+=(SHOP_BIN="${PATH_OF[$name]}" SHOP_READY_RE="$READY_RE")
    # Twice at most: a free port picked by run.sh can be taken by someone else before sshd binds it.
    for _ in 1 2; do
      env "${env_args[@]}" "$ROOT/Benchmarks/ssh/run.sh" >"$log" 2>&1 || true
      grep -q '^result:' "$log" && break
    done
    if ! grep -q '^result:' "$log"; then
      echo "not ok - $name at $rate/s: run.sh printed no result" >&2
      sed 's/^/#   /' "$log" | tail -n 15 >&2
    fi
    printf '%-8s %4s/s  %s\n' "$name" "$rate" "$(grep '^result:' "$log" | tail -n 1 | cut -d' ' -f2-)"
  done
done

echo
printf '%-8s %6s %8s %7s %16s %16s %18s\n' "program" "rate/s" "reached" "got in" "first out p50/p95" "store p50/p95 ms" "CPU/login sshd+prg"
for name in "${NAMES[@]}"; do
  best="-" failed=0
  for rate in $RATES; do
    log="$OUT/$name-$rate.txt"
    ready=$(field ready "$log") sessions=$(field sessions "$log") p95=$(field store_p95 "$log")
    printf '%-8s %6s %8s %7s %16s %16s %18s\n' "$name" "$rate" "$(field rate "$log")" "$ready/$sessions" \
      "$(field first_p50 "$log")/$(field first_p95 "$log")" "$(field store_p50 "$log")/$p95" \
      "$(field sshd_cpu_ms "$log")+$(field program_cpu_ms "$log") ms"
    # The highest rate below the first one that fails (a lucky pass above a failure does not count).
    if ((!failed)) && [[ $ready == "$sessions" && $p95 =~ ^[0-9]+$ ]] && ((p95 < LIMIT_MS)); then best=$rate; else failed=1; fi
  done
  echo "$name: highest rate with every login in and p95 to the store < ${LIMIT_MS} ms: ${best}/s"
done
echo "# CPU/login: user + system time of the sshd session processes (key exchange included) and of the
# program, per session that got in; 2 cores ÷ their sum is the most logins per second the machine could take."
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
