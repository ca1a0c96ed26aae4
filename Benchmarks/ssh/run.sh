#!/usr/bin/env bash
# Memory and login-time benchmark of the storefront over OpenSSH.
#
# Starts a private sshd (scripts/ssh/setup.sh, open mode) on a free loopback port, opens N
# concurrent idle customer sessions (`ssh -tt`, stdin held open), waits until every one shows
# the store, then reports login times and the real memory (PSS, and RSS) of the sshd session
# processes and of the storefront processes, per session, and how many sessions would fit in
# 24 GiB. Everything it starts is ended by process id; the account it creates is removed.
#
# Environment:
#   N               concurrent sessions (default 100)
#   SHOP_BIN        program to serve (default scripts/e2e/lib/fake-shop.sh)
#   SHOP_ARGS       extra program arguments (e.g. "--idle-timeout 3600"); the real program is
#                   given a database with the demo catalog (shop --demo on an empty file, once)
#   SHOP_READY_RE   regex meaning "the store is on screen" (default: the fake's "SHOP STORE
#                   READY"; for the real program use text of its first screen)
#   RATE            logins per second: sessions start on a fixed schedule (1/RATE s apart,
#                   kept whatever each start costs); the rate reached is printed
#   STAGGER_MS      the same as a pause between session starts, when RATE is not set (default
#                   20: ~50 logins/s; 0 starts all at once, a login burst that MaxStartups may
#                   partly refuse)
#   MAX_STARTUPS    sshd MaxStartups for the run (default: setup.sh's 50:30:200)
#   READY_TIMEOUT   seconds to wait for all sessions (default 90)
#   SSH_BENCH_ACCOUNT  account to create (default shop-bench-PID)
#   SSH_BENCH_KEEP=1   keep the temp folder (session outputs, sshd log)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../scripts/e2e/lib/ssh-harness.sh source-path=SCRIPTDIR
source "$BENCH_DIR/../../scripts/e2e/lib/ssh-harness.sh"

N=${N:-100}
SHOP_BIN=${SHOP_BIN:-$H_FAKE_SHOP}
SHOP_ARGS=${SHOP_ARGS:-}
STAGGER_MS=${STAGGER_MS:-20}
# Microseconds between session starts.
if [[ -n ${RATE:-} ]]; then
  [[ $RATE =~ ^[0-9]+(\.[0-9]+)?$ && ! $RATE =~ ^0+(\.0+)?$ ]] || { echo "RATE must be a positive number of logins per second, got \"$RATE\"" >&2; exit 64; }
  INTERVAL_US=$(awk -v r="$RATE" 'BEGIN { printf "%d", 1000000 / r }')
else
  [[ $STAGGER_MS =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "STAGGER_MS must be a number of milliseconds, got \"$STAGGER_MS\"" >&2; exit 64; }
  INTERVAL_US=$(awk -v m="$STAGGER_MS" 'BEGIN { printf "%d", m * 1000 }')
fi
READY_TIMEOUT=${READY_TIMEOUT:-90}
IS_FAKE=0
if [[ $(realpath "$SHOP_BIN") == "$(realpath "$H_FAKE_SHOP")" ]]; then
  IS_FAKE=1
  READY_RE=${SHOP_READY_RE:-SHOP STORE READY}
else
  READY_RE=${SHOP_READY_RE:?set SHOP_READY_RE to text on the first screen of the real program}
fi
readonly GIB24_KB=$((24 * 1024 * 1024))

# One customer session: ssh with a pty, stdin = the held-open fifo (fd 3). Records the start
# time, the time of the first byte of output, and all output.
session() {
  local i=$1 dir=$H_TMP/sessions
  echo "$EPOCHREALTIME" >"$dir/t0.$i"
  TERM=xterm-256color "${SSH[@]}" -tt "$H_ACCOUNT@127.0.0.1" <&3 2>"$dir/err.$i" |
    {
      head -c 1 >"$dir/out.$i"
      echo "$EPOCHREALTIME" >"$dir/t1.$i"
      cat >>"$dir/out.$i"
    }
}

# In the background from the first login on: one grep per round finds the sessions showing the
# store; the first round that sees one stamps ready.i (so the "store on screen" time is
# accurate to a round: 50 ms plus the grep). Ends when all are stamped or after READY_TIMEOUT.
watch_ready() {
  local f i count=0 end=$((SECONDS + READY_TIMEOUT))
  local -A seen=()
  while ((count < N && SECONDS < end)); do
    while IFS= read -r f; do
      i=${f##*.}
      [[ -z ${seen[$i]:-} ]] || continue
      seen[$i]=1
      count=$((count + 1))
      echo "$EPOCHREALTIME" >"$H_TMP/sessions/ready.$i"
    done < <(grep -lE -- "$READY_RE" "$H_TMP"/sessions/out.* 2>/dev/null || true)
    sleep 0.05
  done
}

now_us() { echo "${EPOCHREALTIME/./}"; }

# Sleeps until the absolute time $1 (microseconds since the epoch) without starting a process:
# a read with a timeout on the clock fifo (fd 4), which nobody writes to.
sleep_until_us() {
  local wait_us=$(($1 - $(now_us)))
  ((wait_us > 0)) || return 0
  read -r -t "$(printf '%d.%06d' $((wait_us / 1000000)) $((wait_us % 1000000)))" <&4 || true
}

# Milliseconds between t0.i and t1.i (first output), or t0.i and ready.i with $2 = ready.
login_ms() {
  local dir=$H_TMP/sessions
  awk -v a="$(<"$dir/t0.$1")" -v b="$(<"$dir/${2:-t1}.$1")" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }'
}

# p-th percentile (nearest rank) of numbers on stdin.
percentile() {
  sort -n | awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; print v[r] }'
}

# "pss_kb rss_kb pte_kb" summed over the given pids (PTE: page tables, kernel memory that
# PSS/RSS do not include).
mem_of() {
  local pid pss=0 rss=0 pte=0 p r t
  for pid in "$@"; do
    [[ -r /proc/$pid/smaps_rollup ]] || continue
    p=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
    r=$(awk '/^Rss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
    t=$(awk '/^VmPTE:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    pss=$((pss + ${p:-0}))
    rss=$((rss + ${r:-0}))
    pte=$((pte + ${t:-0}))
  done
  echo "$pss $rss $pte"
}

# CPU milliseconds used by the given pids and the children they waited for (sshd's monitor waits
# for its pre-authentication child, so the key exchange is counted), from /proc/PID/stat.
cpu_ms_of() {
  local pid total=0 ticks
  for pid in "$@"; do
    ticks=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true)
    total=$((total + ${ticks:-0}))
  done
  echo $((total * 1000 / $(getconf CLK_TCK)))
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
per_ms() { awk -v t="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", t / n; else print "-" }'; }
per() { awk -v k="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.2f", k / 1024 / n; else print "-" }'; }
fits() { awk -v k="$1" -v n="$2" -v t="$GIB24_KB" 'BEGIN { if (n > 0 && k > 0) printf "%d", t / (k / n); else print "-" }'; }

mem_available_kb() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }

main() {
  case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
  h_begin bench "${SSH_BENCH_ACCOUNT:-shop-bench-$$}" openssh-server openssh-client
  mkdir -p "$H_TMP/sessions"

  # The real program gets the demo catalog in its database (setup.sh passes it as --db), so
  # every session shows a full first screen.
  if ((!IS_FAKE)); then
    h_ensure_packages tmux sqlite3
    h_seed_demo_db "$SHOP_BIN" "$H_TMP/data/shop.sqlite" "$READY_RE" ||
      { echo "could not seed the demo catalog into $H_TMP/data/shop.sqlite" >&2; h_tmux_screen seed >&2; exit 1; }
    h_tmux kill-server 2>/dev/null || true
    H_TMUX_PID=""
  fi
  # Every session comes from 127.0.0.1: lift the per-address caps (sshd's and the program's),
  # and give the program the message sink setup.sh insists on.
  local -a extra=(--per-source-max-startups none)
  [[ -z ${MAX_STARTUPS:-} ]] || extra+=(--max-startups "$MAX_STARTUPS")
  SHOP_ARGS="--messages file:$H_TMP/data/messages.jsonl --max-sessions-per-address 0${SHOP_ARGS:+ $SHOP_ARGS}"
  h_setup --mode open --shop-bin "$SHOP_BIN" --shop-args "$SHOP_ARGS" "${extra[@]}" --start >"$H_TMP/setup.txt" 2>&1 ||
    { cat "$H_TMP/setup.txt" >&2; exit 1; }
  h_write_known_hosts
  local sshd_pid
  sshd_pid=$(h_sshd_pid)
  # Everyone's stdin: a fifo nobody writes to, held open so sessions stay idle (no EOF).
  mkfifo "$H_TMP/stdin" "$H_TMP/clock"
  exec 3<>"$H_TMP/stdin" 4<>"$H_TMP/clock"

  echo "# program: $SHOP_BIN $SHOP_ARGS"
  echo "# sshd pid $sshd_pid, port $H_PORT, $N sessions, one every $((INTERVAL_US / 1000)) ms, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

  local avail_before i started watcher
  avail_before=$(mem_available_kb)
  watch_ready &
  watcher=$!
  disown "$watcher"
  started=$EPOCHREALTIME
  local next_us
  next_us=$(now_us)
  for ((i = 1; i <= N; i++)); do
    session "$i" 2>>"$H_TMP/sessions/shell-errors" &
    H_PIDS+=("$!")
    disown "$!"   # ended by pid at cleanup; no "Terminated" job notices
    next_us=$((next_us + INTERVAL_US))
    ((INTERVAL_US == 0)) || sleep_until_us "$next_us"
  done

  # Wait until every session shows the store (ready.i stamped by watch_ready), or its client
  # gave up.
  local ready=0 gone=0 deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    ready=0 gone=0
    for ((i = 1; i <= N; i++)); do
      if [[ -e $H_TMP/sessions/ready.$i ]]; then
        ready=$((ready + 1))
      elif ! kill -0 "${H_PIDS[i - 1]}" 2>/dev/null; then
        gone=$((gone + 1))
      fi
    done
    ((ready + gone < N)) || break
    sleep 0.2
  done
  kill "$watcher" 2>/dev/null || true
  local all_ready_s
  all_ready_s=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
  sleep 1   # let the sessions settle (allocations after the first screen)

  # Processes: everything under the sshd listener. sshd's per-connection processes (monitor
  # and user-privilege child) vs. the storefront program (and anything it runs).
  local -a sshd_procs=() shop_procs=()
  local pid comm
  for pid in $(h_descendants "$sshd_pid"); do
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
    if [[ $comm == sshd ]]; then sshd_procs+=("$pid"); else shop_procs+=("$pid"); fi
  done
  local sshd_pss sshd_rss sshd_pte shop_pss shop_rss shop_pte master_pss master_rss master_pte avail_after
  read -r sshd_pss sshd_rss sshd_pte <<<"$(mem_of "${sshd_procs[@]}")"
  read -r shop_pss shop_rss shop_pte <<<"$(mem_of "${shop_procs[@]}")"
  read -r master_pss master_rss master_pte <<<"$(mem_of "$sshd_pid")"
  avail_after=$(mem_available_kb)
  local sshd_cpu_ms shop_cpu_ms
  sshd_cpu_ms=$(cpu_ms_of "${sshd_procs[@]}")
  shop_cpu_ms=$(cpu_ms_of "${shop_procs[@]}")
  local avail_drop=$((avail_before - avail_after))

  # Login times (ms) of the sessions that reached the store.
  local -a times=() store_times=()
  for ((i = 1; i <= N; i++)); do
    if [[ -s $H_TMP/sessions/ready.$i && -s $H_TMP/sessions/t1.$i ]]; then
      times+=("$(login_ms "$i")")
      store_times+=("$(login_ms "$i" ready)")
    fi
  done
  local median p95 max s_median s_p95 s_max
  median=$(printf '%s\n' "${times[@]}" | percentile 50)
  p95=$(printf '%s\n' "${times[@]}" | percentile 95)
  max=$(printf '%s\n' "${times[@]}" | percentile 100)
  s_median=$(printf '%s\n' "${store_times[@]}" | percentile 50)
  s_p95=$(printf '%s\n' "${store_times[@]}" | percentile 95)
  s_max=$(printf '%s\n' "${store_times[@]}" | percentile 100)

  # The rate reached: sessions started per second between the first and the last start.
  local rate_reached
  rate_reached=$(awk -v a="$(<"$H_TMP/sessions/t0.1")" -v b="$(<"$H_TMP/sessions/t0.$N")" -v n="$N" \
    'BEGIN { if (n > 1 && b > a) printf "%.1f", (n - 1) / (b - a); else print "-" }')

  local both_pss=$((sshd_pss + shop_pss)) both_rss=$((sshd_rss + shop_rss)) both_pte=$((sshd_pte + shop_pte))
  local fmt='%-26s %10s %10s %10s %13s %13s %13s\n'
  echo
  printf '%-44s %s\n' "sessions showing the store" "$ready of $N (failed: $((N - ready)), all ready after ${all_ready_s} s)"
  printf '%-44s %s\n' "logins started per second" "$rate_reached"
  printf '%-44s %s\n' "login time, ssh start -> first output" "median ${median} ms, p95 ${p95} ms, max ${max} ms"
  printf '%-44s %s\n' "login time, ssh start -> store on screen" "median ${s_median} ms, p95 ${s_p95} ms, max ${s_max} ms (±50 ms)"
  printf '%-44s %s\n' "processes" "${#sshd_procs[@]} sshd session, ${#shop_procs[@]} program"
  printf '%-44s %s\n' "CPU per login (user + system)" "sshd $(per_ms "$sshd_cpu_ms" "$ready") ms, program $(per_ms "$shop_cpu_ms" "$ready") ms (so far: start-up and the idle second after)"
  echo
  # shellcheck disable=SC2059  # the format is ours
  {
    printf "$fmt" "memory (MiB)" "PSS" "RSS" "pagetab" "PSS/session" "RSS/session" "PSS+PT/sess."
    printf "$fmt" "sshd listener" "$(mib "$master_pss")" "$(mib "$master_rss")" "$(mib "$master_pte")" "" "" ""
    printf "$fmt" "sshd session processes" "$(mib "$sshd_pss")" "$(mib "$sshd_rss")" "$(mib "$sshd_pte")" \
      "$(per "$sshd_pss" "$ready")" "$(per "$sshd_rss" "$ready")" "$(per $((sshd_pss + sshd_pte)) "$ready")"
    printf "$fmt" "program processes" "$(mib "$shop_pss")" "$(mib "$shop_rss")" "$(mib "$shop_pte")" \
      "$(per "$shop_pss" "$ready")" "$(per "$shop_rss" "$ready")" "$(per $((shop_pss + shop_pte)) "$ready")"
    printf "$fmt" "sshd + program" "$(mib "$both_pss")" "$(mib "$both_rss")" "$(mib "$both_pte")" \
      "$(per "$both_pss" "$ready")" "$(per "$both_rss" "$ready")" "$(per $((both_pss + both_pte)) "$ready")"
    printf "$fmt" "MemAvailable drop (noisy)" "$(mib "$avail_drop")" "" "" "$(per "$avail_drop" "$ready")" "" ""
  }
  echo
  printf '%-44s %s\n' "sessions on a 24 GiB machine (PSS+pagetab)" "$(fits $((both_pss + both_pte)) "$ready")"
  printf '%-44s %s\n' "sessions on a 24 GiB machine (by RSS)" "$(fits "$both_rss" "$ready")"
  echo "# PSS counts shared pages fractionally (the fair per-session cost); RSS counts them fully.
# 24 GiB figures use all 24 GiB for sessions (no room kept for the OS, page cache, shop-server)."
  echo "# MemAvailable drop: whole machine, so it includes the ssh clients, kernel buffers and any other
# work running meanwhile; a sanity check only."
  local refused
  refused=$(grep -c "drop connection\|beginning MaxStartups throttling\|exceeded MaxStartups" "$H_STATE/sshd.log" || true)
  ((refused == 0)) || echo "# sshd log: $refused MaxStartups throttling/drop lines"
  # One line for scripts (Benchmarks/ssh/sweep.sh).
  echo "result: ready=$ready sessions=$N rate=$rate_reached first_p50=$median first_p95=$p95 store_p50=$s_median store_p95=$s_p95 store_max=$s_max sshd_cpu_ms=$(per_ms "$sshd_cpu_ms" "$ready") program_cpu_ms=$(per_ms "$shop_cpu_ms" "$ready") program_pss_kib_per_session=$((ready > 0 ? shop_pss / ready : 0)) sshd_pss_kib_per_session=$((ready > 0 ? sshd_pss / ready : 0))"
  exec 3>&- 4>&-
  ((ready == N))
}

main "$@"
