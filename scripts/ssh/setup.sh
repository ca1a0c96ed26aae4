#!/usr/bin/env bash
# Set up (and optionally start or stop) a dedicated OpenSSH server that serves the Shop
# storefront: `ssh shop@host` lands directly in the `shop` TUI, and nothing else is possible.
# Idempotent: run it again with the same options and nothing changes; with other options the
# account, config and running server are brought in line (a running sshd is reloaded).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly TEMPLATE="$SCRIPT_DIR/sshd_config.template"
readonly SSHD=/usr/sbin/sshd
# Comment (GECOS) that marks accounts this script created; others are never modified silently.
readonly ACCOUNT_MARKER="Shop storefront over SSH"

mode=open
port=2222
listen=127.0.0.1
account=shop
shop_bin=""
db=/var/lib/shop/shop.sqlite
shop_args=""
state_dir=/etc/shop-ssh
env_file=""
home_dir=""
max_startups=50:30:200
login_grace_time=30
channel_timeout=30m
adopt_account=0
do_start=0
do_stop=0
do_status=0
config_changed=1

usage() {
  cat <<EOF
Usage: $(basename "$0") [options]

Sets up a dedicated OpenSSH server (its own config, host key, pid file and log) so that
\`ssh ACCOUNT@host\` runs the Shop storefront and nothing else. Safe to run again.

Options:
  --mode open|keyed     open: empty password, anyone may enter (default)
                        keyed: any public key is accepted; the program gets the client's key
                        through \$SSH_USER_AUTH (to recognise returning customers)
  --port N              TCP port (default 2222; 22 on a production host)
  --listen ADDR         listen address (default 127.0.0.1; 0.0.0.0 or :: to serve everyone)
  --account NAME        dedicated account customers log in as (default shop)
  --shop-bin PATH       the storefront program (required unless --stop/--status), e.g.
                        /opt/shop/.build/release/shop
  --db PATH             shared SQLite database passed as --db (default /var/lib/shop/shop.sqlite);
                        its folder is made private to the account
  --shop-args "ARGS"    extra arguments for the program, e.g. "--idle-timeout 900 --messages
                        file:/var/lib/shop/messages.jsonl" (plain words only: letters, digits
                        and _ . / : = , @ + -)
  --env-file PATH       KEY=VALUE lines exported to the program (e.g. SHOP_MESSAGES=webhook:…
                        with a token): for secrets, which must not go in --shop-args (those
                        are world-readable in the config and in ps); made root:ACCOUNT 0640
  --state-dir DIR       where config, host key, pid file, log and login shell live
                        (default /etc/shop-ssh)
  --home DIR            home folder of the account (default STATE_DIR/home; root-owned)
  --max-startups S      sshd MaxStartups (default 50:30:200)
  --login-grace-time S  sshd LoginGraceTime in seconds (default 30)
  --channel-timeout T   close sessions idle this long, sshd time format (default 30m)
  --adopt-account       allow taking over an existing account this script did not create
  --start               start sshd in the background (or reload it if already running)
  --stop                stop this sshd and end the sessions it serves (by process id)
  --status              print whether this sshd is running
  -h, --help            this text

Examples:
  $(basename "$0") --shop-bin "\$PWD/.build/release/shop" --start
  $(basename "$0") --mode keyed --port 22 --listen 0.0.0.0 --shop-bin /opt/shop/shop \\
      --db /var/lib/shop/shop.sqlite --shop-args "--idle-timeout 900" --start
EOF
}

# Temporary files to remove if the script stops early.
declare -a temp_files=()
cleanup_temp() { ((${#temp_files[@]} == 0)) || rm -f -- "${temp_files[@]}"; }
trap cleanup_temp EXIT

die() { echo "setup.sh: $*" >&2; exit 1; }
log() { echo "setup.sh: $*"; }

parse_args() {
  while (($#)); do
    case "$1" in
      --mode) mode=${2:?}; shift ;;
      --port) port=${2:?}; shift ;;
      --listen) listen=${2:?}; shift ;;
      --account) account=${2:?}; shift ;;
      --shop-bin) shop_bin=${2:?}; shift ;;
      --db) db=${2:?}; shift ;;
      --shop-args) shop_args=${2-}; shift ;;
      --state-dir) state_dir=${2:?}; shift ;;
      --env-file) env_file=${2:?}; shift ;;
      --home) home_dir=${2:?}; shift ;;
      --max-startups) max_startups=${2:?}; shift ;;
      --login-grace-time) login_grace_time=${2:?}; shift ;;
      --channel-timeout) channel_timeout=${2:?}; shift ;;
      --adopt-account) adopt_account=1 ;;
      --start) do_start=1 ;;
      --stop) do_stop=1 ;;
      --status) do_status=1 ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; die "unknown option: $1" ;;
    esac
    shift
  done
  [[ $state_dir == /* ]] || state_dir="$PWD/$state_dir"
  [[ -n $home_dir ]] || home_dir="$state_dir/home"
}

# Words that may appear in the forced command and the login shell without any quoting.
is_plain_word() { [[ $1 =~ ^[A-Za-z0-9_./:=,@+-]+$ ]]; }

validate() {
  [[ $mode == open || $mode == keyed ]] || die "--mode must be open or keyed"
  [[ $port =~ ^[0-9]+$ ]] || die "bad --port: $port"
  ((port > 0 && port < 65536)) || die "bad --port: $port"
  [[ $account =~ ^[a-z_][a-z0-9_-]{0,30}$ ]] || die "bad --account: $account"
  [[ $account != root ]] || die "--account root is not allowed"
  [[ $listen =~ ^[0-9A-Fa-f.:]+$ ]] || die "bad --listen: $listen (an IP address)"
  [[ $max_startups =~ ^[0-9]+(:[0-9]+:[0-9]+)?$ ]] || die "bad --max-startups"
  [[ $login_grace_time =~ ^[0-9]+[smh]?$ ]] || die "bad --login-grace-time"
  [[ $channel_timeout =~ ^[0-9]+[smhdw]?$ ]] || die "bad --channel-timeout"
  [[ -n $shop_bin ]] || die "--shop-bin PATH is required"
  [[ $shop_bin == /* ]] || shop_bin="$PWD/$shop_bin"
  [[ $db == /* ]] || db="$PWD/$db"
  [[ -f $shop_bin && -x $shop_bin ]] || die "not an executable file: $shop_bin"
  is_plain_word "$shop_bin" || die "--shop-bin path must be plain (no spaces or quotes): $shop_bin"
  is_plain_word "$db" || die "--db path must be plain (no spaces or quotes): $db"
  local word
  local -a args=()
  read -r -a args <<<"$shop_args"     # split on blanks, no glob expansion
  for word in ${args[@]+"${args[@]}"}; do
    is_plain_word "$word" || die "--shop-args: not a plain word: $word"
  done
  [[ $(id -u) == 0 ]] || die "must run as root"
  if [[ -n $env_file ]]; then
    [[ $env_file == /* ]] || env_file="$PWD/$env_file"
    [[ -f $env_file ]] || die "--env-file: no such file: $env_file"
    is_plain_word "$env_file" || die "--env-file path must be plain: $env_file"
    grep -Evq '^([A-Za-z_][A-Za-z0-9_]*=.*|#.*|[[:space:]]*)$' "$env_file" &&
      die "--env-file: only KEY=VALUE lines, comments and blank lines are allowed"
  fi
  [[ -x $SSHD ]] || die "$SSHD missing: apt-get install -y openssh-server"
  [[ -r $TEMPLATE ]] || die "template missing: $TEMPLATE"
}

# The command every session runs (also what the login shell runs).
shop_command() {
  local -a words=("$shop_bin" --db "$db") args=()
  read -r -a args <<<"$shop_args"
  words+=(${args[@]+"${args[@]}"})
  echo "${words[*]}"
}

paths() {
  config="$state_dir/sshd_config"
  host_key="$state_dir/ssh_host_ed25519_key"
  pid_file="$state_dir/sshd.pid"
  log_file="$state_dir/sshd.log"
  login_shell="$state_dir/login-shell"
}

# State folder: root-owned, traversable (the account must be able to run the login shell in it).
make_state_dir() {
  install -d -o root -g root -m 0755 "$state_dir"
  install -d -o root -g root -m 0755 /run/sshd
}

# Shell code that exports the env file's KEY=VALUE lines literally (never evaluates them).
env_file_loader() {
  cat <<EOF
while IFS= read -r line || [ -n "\$line" ]; do
  case "\$line" in ''|'#'*) continue ;; esac
  export "\${line%%=*}=\${line#*=}"
done <$env_file
EOF
}

# Login shell: sshd runs it as `login-shell -c "<ForceCommand>"`, su runs it with or without
# -c. It ignores its arguments and only ever starts the storefront, so even a mistake in the
# sshd config cannot give the account a shell.
write_login_shell() {
  local tmp
  tmp=$(mktemp "$state_dir/.login-shell.XXXXXX")
  temp_files+=("$tmp")
  cat >"$tmp" <<EOF
#!/bin/sh
# Login shell of the Shop storefront account (generated by scripts/ssh/setup.sh).
# Whatever the arguments (ssh's -c "command", su's options), run only the storefront.
umask 077
# No interactive crash backtracer: it would hold the terminal and can offer a debugger.
SWIFT_BACKTRACE=enable=no; export SWIFT_BACKTRACE
$(if [[ -n $env_file ]]; then env_file_loader; fi)
exec $(shop_command)
EOF
  chown root:root "$tmp"
  chmod 0755 "$tmp"
  mv -f "$tmp" "$login_shell"
}

ensure_account() {
  if getent passwd "$account" >/dev/null; then
    local uid comment
    uid=$(id -u "$account")
    comment=$(getent passwd "$account" | cut -d: -f5)
    [[ $uid != 0 ]] || die "account $account has uid 0: refusing"
    if [[ $comment != "$ACCOUNT_MARKER" ]] && ((!adopt_account)); then
      die "account $account exists and was not created by this script (comment: '$comment'); use --adopt-account to take it over"
    fi
    if [[ $(getent passwd "$account" | cut -d: -f6-7) != "$home_dir:$login_shell" || $comment != "$ACCOUNT_MARKER" ]]; then
      usermod --shell "$login_shell" --home "$home_dir" --comment "$ACCOUNT_MARKER" "$account"
    fi
  else
    log "creating account $account"
    useradd --system --user-group --no-create-home --home-dir "$home_dir" \
      --shell "$login_shell" --comment "$ACCOUNT_MARKER" "$account"
  fi
  # Home exists (sshd and the program need a working directory) but is not writable by the
  # account: nothing it could drop there (.ssh, .profile) would be honoured anyway.
  install -d -o root -g root -m 0755 "$home_dir"
  # sshd without PAM refuses accounts whose password starts with "!" (locked), so never lock.
  if [[ $mode == open ]]; then
    passwd -q -d "$account" >/dev/null       # empty password: anyone may enter
  else
    usermod -p '*' "$account"                # no password can match; keys only
  fi
}

# Run a test as the account, to check permissions the way the program will see them.
as_account() { setpriv --reuid="$account" --regid="$account" --init-groups -- "$@"; }

# The database folder will belong to the account and nobody else. Checked before anything is
# changed: only a folder that does not exist yet, already belongs to the account, or holds nothing
# but this database's files is taken over (never /var/lib or /tmp itself).
check_db_dir() {
  local dir base entry owner
  dir=$(dirname "$db")
  base=$(basename "$db")
  [[ -d $dir ]] || return 0
  owner=$(stat -c %U "$dir")
  [[ $owner != "$account" ]] || return 0
  for entry in "$dir"/* "$dir"/.[!.]*; do
    [[ -e $entry ]] || continue
    case "$(basename "$entry")" in
      "$base"|"$base"-wal|"$base"-shm|"$base"-journal|"$base".key) ;;
      *) die "$dir is owned by $owner and holds other files ($entry); give the database a dedicated folder (e.g. /var/lib/shop/) or chown it to $account yourself" ;;
    esac
  done
}

# The db, its -wal/-shm and its key file <db>.key: readable/writable by the account only.
prepare_db_dir() {
  local dir entry
  dir=$(dirname "$db")
  install -d -m 0700 "$dir"
  chown "$account:$account" "$dir"
  chmod 0700 "$dir"
  for entry in "$db" "$db-wal" "$db-shm" "$db-journal" "$db.key"; do
    if [[ -e $entry ]]; then
      chown "$account:$account" "$entry"
      chmod 0600 "$entry"
    fi
  done
  as_account test -w "$dir" -a -x "$dir" ||
    die "$account cannot reach $dir: a parent folder is not traversable (chmod o+x it)"
  as_account test -x "$shop_bin" ||
    die "$account cannot run $shop_bin: a parent folder is not traversable (chmod o+x it)"
}

make_host_key() {
  if [[ ! -s $host_key ]]; then
    log "generating host key $host_key"
    rm -f "$host_key" "$host_key.pub"
    ssh-keygen -q -t ed25519 -N '' -C "shop-ssh@$(hostname)" -f "$host_key"
  fi
  chown root:root "$host_key" "$host_key.pub"
  chmod 0600 "$host_key"
  chmod 0644 "$host_key.pub"
}

# Fill the template: {{NAME}} placeholders, and keep only this mode's "@mode@" lines.
render_config() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    case "$line" in
      "@$mode@"*) line=${line#"@$mode@"} ;;
      @open@*|@keyed@*) continue ;;
    esac
    line=${line//"{{MODE}}"/$mode}
    line=${line//"{{PORT}}"/$port}
    line=${line//"{{LISTEN}}"/$listen}
    line=${line//"{{HOST_KEY}}"/$host_key}
    line=${line//"{{PID_FILE}}"/$pid_file}
    line=${line//"{{ACCOUNT}}"/$account}
    line=${line//"{{FORCE_COMMAND}}"/$(shop_command)}
    line=${line//"{{MAX_STARTUPS}}"/$max_startups}
    line=${line//"{{LOGIN_GRACE_TIME}}"/$login_grace_time}
    line=${line//"{{CHANNEL_TIMEOUT}}"/$channel_timeout}
    [[ $line == "#"* || $line != *"{{"*"}}"* ]] || die "unfilled placeholder in template: $line"
    printf '%s\n' "$line"
  done <"$TEMPLATE"
}

write_config() {
  local tmp
  tmp=$(mktemp "$state_dir/.sshd_config.XXXXXX")
  temp_files+=("$tmp")
  render_config >"$tmp"
  chmod 0644 "$tmp"
  if ! "$SSHD" -t -f "$tmp"; then
    rm -f "$tmp"
    die "generated config is invalid (see above)"
  fi
  if [[ -f $config ]] && cmp -s "$tmp" "$config"; then
    rm -f "$tmp"
    config_changed=0
  else
    mv -f "$tmp" "$config"
    log "wrote $config ($mode mode, $listen port $port)"
  fi
}

# Pid of our running sshd listener, if any (checked against /proc so a stale pid file or a
# reused pid is never mistaken for it).
running_pid() {
  local pid
  [[ -s ${pid_file:-} ]] || return 1
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-f $config" || return 1
  echo "$pid"
}

# All descendants of a pid (the per-connection sshd processes and the programs they run).
descendants() {
  local parent=$1 child
  for child in $(ps -o pid= --ppid "$parent" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

start_sshd() {
  local pid i
  if pid=$(running_pid); then
    if ((config_changed)); then
      kill -HUP "$pid"           # sshd re-executes itself with the new config, same pid
      log "reloaded sshd (pid $pid) with the new config"
    else
      log "sshd already running (pid $pid), config unchanged"
    fi
    return
  fi
  touch "$log_file"
  chmod 0640 "$log_file"
  # setsid: the server must not die with the terminal or the script that started it.
  setsid "$SSHD" -D -f "$config" -E "$log_file" </dev/null >/dev/null 2>&1 &
  local started=$!
  for ((i = 0; i < 50; i++)); do
    if pid=$(running_pid) && ss -Hltn "sport = :$port" | grep -q .; then
      log "sshd running (pid $pid) on $listen port $port, log $log_file"
      return
    fi
    kill -0 "$started" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 5 "$log_file" >&2 || true
  kill "$started" 2>/dev/null || true
  die "sshd did not start (is port $port free?)"
}

stop_sshd() {
  local pid children i
  if ! pid=$(running_pid); then
    log "sshd not running"
    rm -f "$pid_file"
    return
  fi
  children=$(descendants "$pid" | tr '\n' ' ')
  kill -TERM "$pid" 2>/dev/null || true
  # shellcheck disable=SC2086  # word splitting of the pid list is intended
  [[ -z $children ]] || kill -TERM $children 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    # shellcheck disable=SC2086
    kill -0 "$pid" $children 2>/dev/null || break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL "$pid" $children 2>/dev/null || true
  rm -f "$pid_file"
  log "stopped sshd (pid $pid) and its sessions"
}

main() {
  parse_args "$@"
  paths
  if ((do_stop)); then
    [[ $(id -u) == 0 ]] || die "must run as root"
    stop_sshd
    return
  fi
  if ((do_status)); then
    local pid
    if pid=$(running_pid); then echo "running (pid $pid)"; else echo "stopped"; return 3; fi
    return
  fi
  validate
  check_db_dir
  make_state_dir
  write_login_shell
  ensure_account
  prepare_db_dir
  if [[ -n $env_file ]]; then
    chown "root:$account" "$env_file"
    chmod 0640 "$env_file"
  fi
  make_host_key
  write_config
  if ((do_start)); then start_sshd; fi
}

main "$@"
