#!/usr/bin/env bash
# The systemd units in scripts/systemd: every line is a [Section], a Key=Value or a comment; every
# --flag they give shop-server is one it knows; the hardening and the commands the README promises
# are there; and, when systemd-analyze exists, `systemd-analyze verify` accepts them with no
# warning at all (it only warns about unknown keys or bad values, so any output is a failure).
set -euo pipefail
cd "$(dirname "$0")/../.."
SERVER=${SERVER_BIN:-$(dirname "${SHOP_BIN:-$PWD/.build/debug/shop}")/shop-server}
UNITS=(scripts/systemd/shop-server.service scripts/systemd/shop-backup.service scripts/systemd/shop-backup.timer)
failed=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=1; }
tmp=$(mktemp -d /tmp/shop-units.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for unit in "${UNITS[@]}"; do
  bad=$(grep -nvE '^(#.*|;.*|\[[A-Za-z]+\]|[A-Za-z][A-Za-z0-9]*=.*|[[:space:]]*)$' "$unit" || true)
  if [ -z "$bad" ]; then ok "$unit: every line is a section, Key=Value or a comment"; else not_ok "$unit: lines that are none of these: $bad"; fi
done

# Every flag the units pass is one shop-server accepts (its --help lists them).
help=$("$SERVER" --help; "$SERVER" backup --help 2>&1 || true)
for unit in "${UNITS[@]}"; do
  [[ $unit == *.service ]] || continue
  for flag in $(grep -E '^ExecStart(Post)?=' "$unit" | grep -oE -- '--[a-z-]+' | sort -u); do
    if grep -qE -- "$flag( |$|=)" <<<"$help"; then :; else not_ok "$unit: shop-server does not know $flag"; continue 2; fi
  done
  ok "$unit: shop-server knows every flag it is given"
done

need() { # unit, then lines that must be in it exactly
  local unit=$1; shift
  local missing=()
  for line in "$@"; do grep -qxF -- "$line" "$unit" || missing+=("$line"); done
  if ((${#missing[@]} == 0)); then ok "$unit has: $*"; else not_ok "$unit lacks: ${missing[*]}"; fi
}
need scripts/systemd/shop-server.service 'User=shop' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'PrivateTmp=yes' \
  'ProtectHome=yes' 'Restart=on-failure' 'KillSignal=SIGTERM' 'ExecReload=/bin/kill -HUP $MAINPID'
grep -qE '^ReadWritePaths=(.* )?/var/lib/shop( |$)' scripts/systemd/shop-server.service \
  && ok "shop-server.service may write /var/lib/shop" || not_ok "shop-server.service: ReadWritePaths lacks /var/lib/shop"
need scripts/systemd/shop-backup.service 'Type=oneshot' 'User=shop' \
  'ExecStart=/usr/local/bin/shop-server backup --db /var/lib/shop/shop.sqlite --to /var/backups/shop/ --keep 14'
need scripts/systemd/shop-backup.timer 'OnCalendar=*-*-* 03:15:00' 'Persistent=true' 'WantedBy=timers.target'

if command -v systemd-analyze >/dev/null; then
  # verify wants ExecStart binaries to exist: point them at the one just built.
  for unit in "${UNITS[@]}"; do sed "s#/usr/local/bin/shop-server#$SERVER#" "$unit" > "$tmp/$(basename "$unit")"; done
  if out=$(cd "$tmp" && systemd-analyze verify "${UNITS[@]##*/}" 2>&1) && [ -z "$out" ]; then
    ok "systemd-analyze verify accepts the units without a warning"
  else
    not_ok "systemd-analyze verify: $out"
  fi
else
  echo "# systemd-analyze not installed: skipped systemd's own check"
fi
exit "$failed"
