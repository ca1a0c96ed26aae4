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
# The program's PATH, whoever starts it (never the caller's).
readonly fixed_path=/usr/local/bin:/usr/bin:/bin

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
per_source_max_startups=10
per_source_net_block_size=32:128
login_grace_time=30
channel_timeout=30m
adopt_account=0
message_sink=""
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
                        and _ . / : = , @ + -); session caps go here too: --max-sessions N
                        (default 1000), --max-sessions-per-address N (default 10)
  --env-file PATH       KEY=VALUE lines given to the program, read literally (e.g.
                        SHOP_MESSAGES=webhook:… with a token): for secrets, which must not go in
                        --shop-args (those are world-readable in the config and in ps); made
                        root:ACCOUNT 0640
                        A message sink is required, in one of the two: --messages file:PATH or
                        webhook:URL in --shop-args, or SHOP_MESSAGES=… in the env file (the
                        program sends sign-in codes there; stdout and outbox are refused)
  --state-dir DIR       where config, host key, pid file, log and login shell live
                        (default /etc/shop-ssh)
  --home DIR            home folder of the account (default STATE_DIR/home; root-owned)
  --max-startups S      sshd MaxStartups (default 50:30:200)
  --per-source-max-startups N
                        sshd PerSourceMaxStartups: logins in progress from one address or
                        network block (default 10; none = no limit)
  --per-source-net-block-size V4[:V6]
                        sshd PerSourceNetBlockSize: prefix lengths counted as one source
                        (default 32:128, one address)
  --login-grace-time S  sshd LoginGraceTime in seconds (default 30)
  --channel-timeout T   close sessions idle this long, sshd time format (default 30m)
  --adopt-account       allow taking over an existing account this script did not create
  --start               start sshd in the background (or reload it if already running)
  --stop                stop this sshd and end the sessions it serves (by process id)
  --status              print whether this sshd is running
  -h, --help            this text

Examples:
  $(basename "$0") --shop-bin "\$PWD/.build/release/shop" \\
      --shop-args "--messages file:/var/lib/shop/messages.jsonl" --start
  $(basename "$0") --mode keyed --port 22 --listen 0.0.0.0 --shop-bin /opt/shop/shop \\
      --db /var/lib/shop/shop.sqlite --shop-args "--idle-timeout 900" \\
      --env-file /etc/shop-ssh/shop.env --start   # shop.env: SHOP_MESSAGES=webhook:https://…
EOF
}

# Temporary files to remove if the script stops early.
declare -a temp_files=()
cleanup_temp() { ((${#temp_files[@]} == 0)) || rm -f -- "${temp_files[@]}"; }
trap cleanup_temp EXIT

die() { echo "setup.sh: $*" >&2; exit 1; }
log() { echo "setup.sh: $*"; }
warn() { echo "setup.sh: warning: $*" >&2; }

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
      --per-source-max-startups) per_source_max_startups=${2:?}; shift ;;
      --per-source-net-block-size) per_source_net_block_size=${2:?}; shift ;;
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
  [[ $per_source_max_startups =~ ^([1-9][0-9]*|none)$ ]] || die "bad --per-source-max-startups (a number or none)"
  [[ $per_source_net_block_size =~ ^[0-9]+(:[0-9]+)?$ ]] || die "bad --per-source-net-block-size (e.g. 32:128)"
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
    [[ ! -L $env_file ]] || die "--env-file: $env_file is a symbolic link; give the file itself"
    [[ -f $env_file ]] || die "--env-file: no such file: $env_file"
    is_plain_word "$env_file" || die "--env-file path must be plain: $env_file"
    grep -Evq '^([A-Za-z_][A-Za-z0-9_]*=.*|#.*|[[:space:]]*)$' "$env_file" &&
      die "--env-file: only KEY=VALUE lines, comments and blank lines are allowed"
  fi
  is_plain_word "$home_dir" || die "--home path must be plain (no spaces or quotes): $home_dir"
  check_message_sink
  [[ -x $SSHD ]] || die "$SSHD missing: apt-get install -y openssh-server"
  [[ -r $TEMPLATE ]] || die "template missing: $TEMPLATE"
}

# The program sends sign-in codes through a message sink; without one it cannot sign anyone in
# by code, and `stdout` (the customer's own terminal) or `outbox` (demo only) would hand the code
# to whoever asked for it. Flags win over SHOP_MESSAGES, as in the program.
check_message_sink() {
  local sink="" word take=0
  local -a args=()
  read -r -a args <<<"$shop_args"
  for word in ${args[@]+"${args[@]}"}; do
    if ((take)); then sink=$word; take=0
    elif [[ $word == --messages ]]; then take=1
    elif [[ $word == --messages=* ]]; then sink=${word#--messages=}
    fi
  done
  if [[ -z $sink && -n $env_file ]]; then
    sink=$(sed -n 's/^SHOP_MESSAGES=//p' "$env_file" | tail -n 1)
  fi
  local how="pass --shop-args \"--messages file:/var/lib/shop/messages.jsonl\" (a file the operator reads) or put SHOP_MESSAGES=webhook:https://… (your SMS/email gateway) in the --env-file"
  case $sink in
    "") die "no message sink: the program must be able to send sign-in codes; $how" ;;
    stdout) die "--messages stdout would show sign-in codes on the terminal of whoever asks for them; $how" ;;
    outbox) die "--messages outbox is for --demo only (codes on screen); $how" ;;
    file:/?*) ;;
    file:?*) die "--messages $sink: give the file an absolute path; $how" ;;
    webhook:http://?* | webhook:https://?*) ;;
    *) die "--messages $sink: not a sink (file:PATH or webhook:URL); $how" ;;
  esac
  message_sink=$sink
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

# Shell code that adds the env file's KEY=VALUE lines to the program's arguments for `env`,
# literally (never evaluated; only lines that start with a name and "=", so that none can be
# taken for the command).
env_file_loader() {
  cat <<EOF
[ -r $env_file ] || { echo "shop: cannot read $env_file" >&2; exit 1; }
while IFS= read -r line || [ -n "\$line" ]; do
  case "\$line" in [A-Za-z_]*=*) set -- "\$@" "\$line" ;; esac
done <$env_file
EOF
}

# Shell code that passes on the caller's variables the program reads (only if set).
passed_variables() {
  local name
  for name in LANG TERM SSH_CLIENT SSH_CONNECTION SSH_USER_AUTH SSH_ORIGINAL_COMMAND SSH_TTY; do
    printf '[ -z "${%s+set}" ] || set -- "$@" "%s=$%s"\n' "$name" "$name" "$name"
  done
}

# Login shell: sshd runs it as `login-shell -c "<ForceCommand>"`, su runs it with or without
# -c. It ignores its arguments and only ever starts the storefront, so even a mistake in the
# sshd config cannot give the account a shell. The program gets a clean, fixed environment
# (`env -i`): `su shop` keeps the caller's, and the caller's PATH, SHOP_* or other variables must
# not choose what the program runs, reads or writes as the account.
write_login_shell() {
  local tmp
  tmp=$(mktemp "$state_dir/.login-shell.XXXXXX")
  temp_files+=("$tmp")
  cat >"$tmp" <<EOF
#!/bin/sh
# Login shell of the Shop storefront account (generated by scripts/ssh/setup.sh).
# Whatever the arguments (ssh's -c "command", su's options) and the environment (su keeps the
# caller's), run only the storefront, in a fixed environment: PATH, HOME and the defaults below;
# the caller's terminal type, locale and SSH_* variables; then the env file's lines.
umask 077
set --
$(passed_variables)
$(if [[ -n $env_file ]]; then env_file_loader; fi)
# SWIFT_BACKTRACE: no interactive crash backtracer (it would hold the terminal, offer a debugger).
exec /usr/bin/env -i PATH=$fixed_path HOME=$home_dir LANG=C.UTF-8 SWIFT_BACKTRACE=enable=no "\$@" \\
  $(shop_command)
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
  [[ ! -L $dir ]] || die "$dir is a symbolic link: give --db a path in a real folder (e.g. /var/lib/shop/)"
  [[ -e $dir ]] || return 0
  [[ -d $dir ]] || die "$dir is not a folder"
  owner=$(stat -c %U "$dir")
  [[ $owner != "$account" ]] || return 0
  for entry in "$dir"/* "$dir"/.[!.]*; do
    [[ -e $entry || -L $entry ]] || continue
    case "$(basename "$entry")" in
      "$base"|"$base"-wal|"$base"-shm|"$base"-journal|"$base".key|"$base".sessions) ;;
      *) die "$dir is owned by $owner and holds other files ($entry); give the database a dedicated folder (e.g. /var/lib/shop/) or chown it to $account yourself" ;;
    esac
  done
}

# Hands FILE to the account with MODE, only if it is a regular file: never through a symbolic
# link (a link planted in the folder could otherwise give e.g. /etc/shadow to the account), never
# a device, fifo or folder. chown -h changes a link itself, not its target; the mode is set by the
# account itself, which cannot change a file it does not own even if the path were swapped for
# a link in between.
own_file() {
  local file=$1 mode=$2
  if [[ -L $file ]]; then
    warn "skipping $file: a symbolic link, not a regular file (remove it; the program recreates what it needs)"
  elif [[ ! -e $file ]]; then
    return 0
  elif [[ ! -f $file ]]; then
    warn "skipping $file: not a regular file (remove it)"
  else
    chown -h "$account:$account" -- "$file"
    as_account chmod "$mode" -- "$file" || warn "could not chmod $mode $file"
  fi
}

# The db, its -wal/-shm, its key file <db>.key and the live-sessions folder <db>.sessions:
# readable/writable by the account only.
prepare_db_dir() {
  local dir entry sessions
  dir=$(dirname "$db")
  [[ ! -L $dir ]] || die "$dir is a symbolic link: give --db a path in a real folder"
  install -d -m 0700 "$dir"
  [[ -d $dir && ! -L $dir ]] || die "$dir is not a folder"
  chown -h "$account:$account" -- "$dir"
  chmod 0700 -- "$dir"   # checked above: a folder, not a link (its parent is not the account's)
  for entry in "$db" "$db-wal" "$db-shm" "$db-journal" "$db.key"; do
    own_file "$entry" 0600
  done
  # Session files (SessionLimit.swift): a folder of lock files, one per live session.
  sessions="$db.sessions"
  if [[ -L $sessions ]]; then
    warn "skipping $sessions: a symbolic link, not a folder (remove it; the program recreates it)"
  elif [[ -d $sessions ]]; then
    chown -h "$account:$account" -- "$sessions"
    as_account chmod 0700 -- "$sessions" || warn "could not chmod 0700 $sessions"
    for entry in "$sessions"/* "$sessions"/.[!.]*; do
      [[ -e $entry || -L $entry ]] || continue
      own_file "$entry" 0600
    done
  elif [[ -e $sessions ]]; then
    warn "skipping $sessions: not a folder (remove it)"
  fi
  as_account test -w "$dir" -a -x "$dir" ||
    die "$account cannot reach $dir: a parent folder is not traversable (chmod o+x it)"
  as_account test -x "$shop_bin" ||
    die "$account cannot run $shop_bin: a parent folder is not traversable (chmod o+x it)"
  if [[ $message_sink == file:* ]]; then
    local messages=${message_sink#file:}
    if [[ -e $messages || -L $messages ]]; then
      as_account test -f "$messages" -a -w "$messages" ||
        die "$account cannot write the message file $messages (make it a regular file the account owns)"
    else
      as_account test -w "$(dirname "$messages")" -a -x "$(dirname "$messages")" ||
        die "$account cannot create the message file $messages (put it in the database folder, e.g. $dir/messages.jsonl)"
    fi
  fi
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
    line=${line//"{{PER_SOURCE_MAX_STARTUPS}}"/$per_source_max_startups}
    line=${line//"{{PER_SOURCE_NET_BLOCK_SIZE}}"/$per_source_net_block_size}
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
    [[ -f $env_file && ! -L $env_file ]] || die "--env-file: $env_file is not a regular file"
    chown -h "root:$account" -- "$env_file"
    chmod 0640 -- "$env_file"
  fi
  make_host_key
  write_config
  if ((do_start)); then start_sshd; fi
}

main "$@"
