# shellcheck shell=bash disable=SC2034  # globals here are used by the scripts that source it
# Helpers for the SSH end-to-end tests and benchmark: a private sshd for the storefront, ssh
# clients in a private tmux server, check bookkeeping, and cleanup by process id.
# Source it; it defines functions and a few globals (prefixed H_) and starts nothing by itself.

H_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
H_REPO="$(cd "$H_LIB_DIR/../../.." && pwd)"
H_SETUP="$H_REPO/scripts/ssh/setup.sh"
H_FAKE_SHOP="$H_LIB_DIR/fake-shop.sh"

H_TMP=""            # temp root (state dir, database folder, client keys, outputs)
H_STATE=""          # setup.sh --state-dir
H_PORT=""           # sshd port
H_ACCOUNT=""        # storefront account
H_ACCOUNT_EXISTED=0 # 1: the account was there before us, so it is left in place
H_TMUX_SOCK=""      # tmux -L socket name
H_TMUX_PID=""       # tmux server pid
H_PIDS=()           # other background processes we started (ssh clients)
H_FAILED=0
H_PASSED=0
H_SKIPPED=0

# --- packages -----------------------------------------------------------------------------------
h_ensure_packages() {
  local -a missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "# installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local try
  # Another process may hold the apt lock for a while: wait for it.
  for try in 1 2 3 4 5 6; do
    if apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then return 0; fi
    apt-get update -qq >/dev/null 2>&1 || true
    sleep $((try * 5))
  done
  echo "could not install ${missing[*]}" >&2
  return 1
}

# --- checks ------------------------------------------------------------------------------------
h_ok() { echo "ok - $*"; H_PASSED=$((H_PASSED + 1)); }
h_not_ok() { echo "not ok - $*"; H_FAILED=$((H_FAILED + 1)); }
h_skip() { echo "skip - $*"; H_SKIPPED=$((H_SKIPPED + 1)); }
# Print a file or text as "#"-prefixed diagnostics.
h_diag() { grep -v '^[[:space:]]*$' | sed 's/^/#   /' | tail -n 15 || true; }

# --- temp area, free port, account ---------------------------------------------------------------
h_make_tmp() {
  H_TMP=$(mktemp -d "/tmp/shop-ssh-${1:-test}.XXXXXX")
  chmod 0755 "$H_TMP"             # the storefront account must be able to traverse it
  H_STATE="$H_TMP/state"
  mkdir -p "$H_TMP/out" "$H_TMP/client"
  chmod 0700 "$H_TMP/out" "$H_TMP/client"
}

h_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    ss -Hltn "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
}

h_note_account() {
  H_ACCOUNT=$1
  if getent passwd "$H_ACCOUNT" >/dev/null; then H_ACCOUNT_EXISTED=1; else H_ACCOUNT_EXISTED=0; fi
}

# setup.sh with the given options, then the test's state dir, port, listen address and account
# (those last, so that they win over a README recipe's production values).
h_setup() {
  "$H_SETUP" --db "$H_TMP/data/shop.sqlite" "$@" \
    --state-dir "$H_STATE" --port "$H_PORT" --listen 127.0.0.1 --account "$H_ACCOUNT"
}

# h_readme_recipe N SHOP_BIN: the options of the N-th `setup.sh` command (1-based, --stop and
# --status commands left out) in the README's SSH section, one per line, exactly as written
# there, with its paths moved into the test's temp area: /var/lib/shop/ -> H_TMP/data/,
# /etc/shop-ssh/shop.env -> H_TMP/shop.env, the program -> SHOP_BIN. Quotes are honoured
# (xargs), nothing is expanded.
h_readme_recipe() {
  local n=$1 bin=$2 line
  line=$(awk '/<!-- ssh:begin -->/ { on = 1 } /<!-- ssh:end -->/ { on = 0 }
    on && /^ *(sudo )?scripts\/ssh\/setup\.sh / { cmd = $0; while (cmd ~ /\\$/ && (getline more) > 0) { sub(/\\$/, "", cmd); cmd = cmd " " more }
      if (cmd !~ /--(stop|status)/) print cmd }' "$H_REPO/README.md" | sed -n "${n}p")
  [[ -n $line ]] || return 1
  line=${line%%#*}                                 # a trailing comment
  line=${line#*scripts/ssh/setup.sh}
  xargs printf '%s\n' <<<"$line" | sed \
    -e "s|^\\\$PWD/.build/release/shop\$|$bin|" -e "s|^/opt/shop/shop\$|$bin|" \
    -e "s|/var/lib/shop/|$H_TMP/data/|g" -e "s|^/etc/shop-ssh/shop.env\$|$H_TMP/shop.env|"
}

h_sshd_pid() { [[ -s $H_STATE/sshd.pid ]] && cat "$H_STATE/sshd.pid"; }

# known_hosts with the server's own key, so clients verify the host strictly.
h_write_known_hosts() {
  printf '[127.0.0.1]:%s %s\n' "$H_PORT" "$(cut -d' ' -f1-2 "$H_STATE/ssh_host_ed25519_key.pub")" \
    >"$H_TMP/client/known_hosts"
}

# ssh/sftp/scp options: no user config, strict host key, never prompt.
h_client_opts() {
  H_SSH_OPTS=(-F /dev/null -o "UserKnownHostsFile=$H_TMP/client/known_hosts"
    -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o ConnectTimeout=5
    -o LogLevel=ERROR -o BatchMode=yes)
}

# --- tmux -----------------------------------------------------------------------------------------
# The socket lives in the temp area (TMUX_TMPDIR), so nothing is left in /tmp/tmux-UID.
h_tmux() { TMUX_TMPDIR="$H_TMP" tmux -L "$H_TMUX_SOCK" "$@"; }

h_tmux_start() {
  H_TMUX_SOCK="shop-ssh-$$-$RANDOM"
  h_tmux -f /dev/null new-session -d -s main -x 100 -y 30 -n idle
  H_TMUX_PID=$(h_tmux display-message -p '#{pid}')
  # Keep panes whose program ended, to read their last screen and exit status.
  h_tmux set-option -g remain-on-exit on
  h_tmux set-option -g history-limit 2000
}

# h_tmux_run NAME WORDS... : run a command (quoted safely) in a new window called NAME. When it
# ends, the window shows "[exit N]" (more dependable than tmux's own pane_dead_status, which
# tmux sets only once it has reaped the process).
h_tmux_run() {
  local name=$1
  shift
  local cmd
  cmd=$(printf '%q ' "$@")
  # (A full-screen program cut off may leave the cursor mid-line: start on a fresh line.)
  h_tmux new-window -d -t main -n "$name" "$cmd; printf '\\r\\n[exit %d]\\n' \$?"
}

h_tmux_screen() { h_tmux capture-pane -p -J -S -200 -t "main:=$1" 2>/dev/null || true; }

# h_tmux_wait NAME REGEX [SECONDS]: wait until the window shows REGEX.
h_tmux_wait() {
  local name=$1 re=$2 limit=${3:-10} i
  for ((i = 0; i < limit * 20; i++)); do
    h_tmux_screen "$name" | grep -Eq -- "$re" && return 0
    sleep 0.05
  done
  return 1
}

# h_tmux_wait_exit NAME [SECONDS]: wait until the window's program ended; prints its status.
h_tmux_wait_exit() {
  local name=$1 limit=${2:-10} i status
  for ((i = 0; ; i++)); do   # looks at least once, even with SECONDS=0
    status=$(h_tmux_screen "$name" | sed -n 's/.*\[exit \([0-9]*\)\].*/\1/p' | tail -n 1)
    if [[ -n $status ]]; then echo "$status"; return 0; fi
    ((i < limit * 20)) || return 1
    sleep 0.05
  done
}

# h_seed_demo_db BIN DB READY_RE: put the demo catalog into the empty database file DB, as the
# program documents it: `BIN --demo --db DB` in a terminal (a tmux window "seed") until READY_RE
# shows, then q. Run before setup.sh, which hands the files to the storefront account.
h_seed_demo_db() {
  local bin=$1 db=$2 ready=$3 status
  [[ -n $H_TMUX_PID ]] || h_tmux_start
  install -d -m 0700 "$(dirname "$db")"
  h_tmux_run seed "$bin" --demo --db "$db"
  h_tmux_wait seed "$ready" 30 || return 1
  h_tmux send-keys -t "main:=seed" q
  status=$(h_tmux_wait_exit seed 10) && [[ $status == 0 ]] || return 1
  (($(sqlite3 -batch "$db" "select count(*) from products" 2>/dev/null || echo 0) > 0))
}

# --- cleanup (everything by process id) -------------------------------------------------------------
h_descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    h_descendants "$child"
  done
}

h_kill_pids() {
  local -a pids=("$@")
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  local i
  for ((i = 0; i < 30; i++)); do
    kill -0 "${pids[@]}" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

h_cleanup() {
  local -a pids=()
  # ssh clients we started directly, and everything below them.
  local pid
  for pid in "${H_PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || continue
    mapfile -t -O "${#pids[@]}" pids < <(h_descendants "$pid")
    pids+=("$pid")
  done
  # The tmux server (its panes' ssh clients die with it): via its socket, then by pid.
  if [[ -n $H_TMUX_PID ]] && kill -0 "$H_TMUX_PID" 2>/dev/null; then
    h_tmux kill-server 2>/dev/null || true
    mapfile -t -O "${#pids[@]}" pids < <(h_descendants "$H_TMUX_PID")
    pids+=("$H_TMUX_PID")
  fi
  h_kill_pids "${pids[@]}"
  # sshd and the sessions it serves (setup.sh --stop works by pid).
  if [[ -n $H_STATE && -f $H_STATE/sshd_config ]]; then
    "$H_SETUP" --stop --state-dir "$H_STATE" >/dev/null 2>&1 || true
    pid=$(h_sshd_pid 2>/dev/null || true)
    [[ -z $pid ]] || h_kill_pids "$pid"
  fi
  if [[ -n $H_ACCOUNT ]] && ((!H_ACCOUNT_EXISTED)) && getent passwd "$H_ACCOUNT" >/dev/null; then
    # Only an account we created, and only if it is still the one we created.
    if [[ $(getent passwd "$H_ACCOUNT" | cut -d: -f5) == "Shop storefront over SSH" ]]; then
      userdel "$H_ACCOUNT" 2>/dev/null || { sleep 1; userdel -f "$H_ACCOUNT" 2>/dev/null || true; }
    fi
  fi
  if [[ -n $H_TMP && -d $H_TMP ]]; then
    [[ -z ${SSH_BENCH_KEEP:-} ]] || SSH_E2E_KEEP=1
    if [[ ${SSH_E2E_KEEP:-0} == 1 ]]; then echo "# kept $H_TMP"; else rm -rf -- "$H_TMP"; fi
  fi
}

# h_begin KIND ACCOUNT PACKAGE...: the common start of a run as root: packages, cleanup traps
# (also on interrupt), the account to remove afterwards, a temp dir, a free port, client options,
# and the ssh command in SSH.
h_begin() {
  local kind=$1 account=$2
  shift 2
  [[ $(id -u) == 0 ]] || { echo "run as root (creates an account and starts sshd)" >&2; exit 2; }
  h_ensure_packages "$@"
  trap h_cleanup EXIT
  trap 'exit 130' INT TERM HUP   # so the EXIT trap (cleanup) also runs when interrupted
  h_note_account "$account"
  h_make_tmp "$kind"
  H_PORT=$(h_free_port)
  h_client_opts
  SSH=(ssh "${H_SSH_OPTS[@]}" -p "$H_PORT")
}
