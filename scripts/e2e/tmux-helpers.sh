# Helpers for end-to-end scripts that drive the real programs in tmux. Source it.
# Each script gets its own tmux server (socket) and temp dir, removed on exit.

E2E_SOCKET="shop-e2e-$$"
E2E_TMP=$(mktemp -d /tmp/shop-e2e.XXXXXX)
E2E_FAILED=0
E2E_PIDS=()

e2e_cleanup() {
  tmux -L "$E2E_SOCKET" kill-server 2>/dev/null || true
  for pid in "${E2E_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT

t() { tmux -L "$E2E_SOCKET" "$@"; }
screen() { t capture-pane -p -t "${1:-main}"; }
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; E2E_FAILED=1; }

# screen_grep GREP_FLAG PATTERN SECONDS WINDOW: until grep GREP_FLAG (-F text, -E regex) finds
# PATTERN on the screen; shows the screen when it never does.
screen_grep() {
  local flag=$1 pattern=$2 seconds=$3 window=$4 i
  for ((i = 0; i < seconds * 20; i++)); do
    if screen "$window" | grep -q "$flag" -- "$pattern"; then return 0; fi
    sleep 0.05
  done
  echo "--- screen while waiting for: $pattern"; screen "$window"; echo "---"
  return 1
}

# wait_for TEXT [SECONDS] [WINDOW]: until the screen shows TEXT.
wait_for() { screen_grep -F "$1" "${2:-10}" "${3:-main}"; }

# wait_re REGEX [SECONDS] [WINDOW]: until a line of the screen matches the extended REGEX.
wait_re() { screen_grep -E "$1" "${2:-10}" "${3:-main}"; }

# check NAME TEXT [SECONDS]: a test line for "the screen shows TEXT".
check() { if wait_for "$2" "${3:-10}" "${4:-main}"; then ok "$1"; else not_ok "$1"; fi; }

# wait_sql DB QUERY EXPECTED [SECONDS]: until sqlite3 answers QUERY with EXPECTED.
wait_sql() {
  local i
  for ((i = 0; i < ${4:-10} * 20; i++)); do
    [ "$(sqlite3 "$1" "$2")" = "$3" ] && return 0
    sleep 0.05
  done
  return 1
}

keys() { t send-keys -t "${WINDOW:-main}" "$@"; }

# code_for PHONE: the last 6-digit code sent to PHONE (JSON lines of the file: message sink).
code_for() {
  python3 - "$E2E_TMP/messages.jsonl" "$1" <<'PY'
import json, re, sys
code = ""
for line in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(line)
    if m["to"] == sys.argv[2]:
        code = re.search(r"\b(\d{6})\b", m["text"]).group(1)
print(code)
PY
}

e2e_finish() {
  if [ "$E2E_FAILED" -ne 0 ]; then echo "FAILED: $0"; exit 1; fi
  echo "passed: $0"
}
