#!/usr/bin/env bash
# Photos end to end with the real `shop` in tmux: a product with a PNG photo opened on a terminal
# that says it is kitty (TERM=xterm-kitty) puts the kitty graphics escape on the terminal — read
# from the pane's raw output with `tmux pipe-pane` — and deletes it on leaving the page; with
# TERM_PROGRAM=iTerm.app it goes as an iTerm2 inline image instead; the same
# product on TERM=xterm sends no image escape at all and shows the text marker; `--images off`
# on the kitty terminal sends none either.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/e2e/tmux-helpers.sh
SHOP=${SHOP_BIN:-$PWD/.build/debug/shop}
DB="$E2E_TMP/shop.sqlite"

# A session that outlives the others: the tmux server must not exit between two runs.
t new-session -d -s hold "sleep 600"
t new-session -d -s seed -x 100 -y 30 "$SHOP --demo --db $DB"
check "shop --demo seeds the store" "40 products" 20 seed
t send-keys -t seed q
sleep 0.5

# A real 16×16 PNG (zlib from Python's standard library) as the sourdough loaf's photo.
python3 - "$DB" <<'PY'
import sqlite3, struct, sys, time, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
rows = b"".join(b"\x00" + bytes([200, 120, 40]) * 16 for _ in range(16))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
db = sqlite3.connect(sys.argv[1])
pid = db.execute("SELECT id FROM products WHERE sku = 'BREAD-SOUR'").fetchone()[0]
db.execute("INSERT INTO product_photos(product_id, content_type, bytes, updated_at) VALUES (?, 'image/png', ?, ?)", (pid, png, int(time.time())))
db.commit()
open(sys.argv[1] + ".png", "wb").write(png)
PY

# run NAME TERM [FLAGS…]: shop in its own session, its raw output copied to $E2E_TMP/NAME.raw.
# TMUX and TERM_PROGRAM (tmux sets both) are unset for shop: the pane stands for a terminal of
# its own, not a multiplexer (inside tmux, shop rightly sends no pictures).
run() {
  local name=$1 term=$2; shift 2
  t new-session -d -s "$name" -x 100 -y 30
  t pipe-pane -o -t "$name" "cat >> $E2E_TMP/$name.raw"
  t send-keys -t "$name" "clear; exec env -u TMUX -u TERM_PROGRAM -u TERM_PROGRAM_VERSION TERM=$term $SHOP --db $DB $*" Enter
}
open_loaf() { # open_loaf WINDOW
  wait_for "products" 10 "$1"
  WINDOW=$1 keys /; WINDOW=$1 keys -l Sourdough; WINDOW=$1 keys Enter Enter
  wait_for "SKU BREAD-SOUR" 10 "$1"
}
# raw_has FILE PYTHON-BYTES-LITERAL: whether the raw output contains those bytes.
raw_has() { python3 -c "import sys; sys.exit(0 if $2 in open('$1','rb').read() else 1)"; }

# --- A kitty terminal: the picture goes out, base64 PNG in kitty's APC, then is deleted.
run kitty xterm-kitty
open_loaf kitty
sleep 0.5
RAW="$E2E_TMP/kitty.raw"
B64=$(python3 -c "import base64,sys; print(base64.b64encode(open('$DB.png','rb').read()).decode())")
if raw_has "$RAW" "b'\x1b_Ga=T,f=100,'" && raw_has "$RAW" "b';$B64\x1b\\\\'"; then
  ok "TERM=xterm-kitty: the product's PNG reaches the terminal as a kitty graphics escape (a=T,f=100, base64, ESC \\)"
else
  not_ok "no kitty escape in the pane's raw output"; python3 -c "print(open('$RAW','rb').read()[-400:])"
fi
screen kitty | grep -q "Photo" && ok "the picture's box is framed on screen" || not_ok "no photo box"
screen kitty | grep -qF "▣ photo available" && not_ok "the marker shows on a kitty terminal" || ok "no text marker where the picture shows"
COUNT=$(python3 -c "print(open('$RAW','rb').read().count(b'\x1b_Ga=T'))")
WINDOW=kitty keys +; WINDOW=kitty keys +
wait_for "= 19.50" 5 kitty || true
sleep 0.3
AFTER=$(python3 -c "print(open('$RAW','rb').read().count(b'\x1b_Ga=T'))")
[ "$COUNT" = 1 ] && [ "$AFTER" = 1 ] && ok "sent once: redrawing the page (quantity +) does not send it again" || not_ok "picture sent $COUNT then $AFTER times"
WINDOW=kitty keys Escape
wait_re "[0-9]+ products?" 5 kitty >/dev/null || true   # back on Browse ("1 product" for a single match)
sleep 0.3
raw_has "$RAW" "b'\x1b_Ga=d,d=I,'" && ok "leaving the page deletes the picture (a=d)" || not_ok "no kitty delete after leaving the page"
WINDOW=kitty keys q

# --- iTerm2 (TERM_PROGRAM=iTerm.app, TERM=xterm-256color): the PNG as an OSC 1337 inline image.
t new-session -d -s iterm -x 100 -y 30
t pipe-pane -o -t iterm "cat >> $E2E_TMP/iterm.raw"
t send-keys -t iterm "clear; exec env -u TMUX TERM_PROGRAM=iTerm.app TERM=xterm-256color $SHOP --db $DB" Enter
open_loaf iterm
sleep 0.5
SIZE=$(stat -c %s "$DB.png")
if raw_has "$E2E_TMP/iterm.raw" "b'\x1b]1337;File=inline=1;size=$SIZE;width=22;height=8;preserveAspectRatio=1'" && raw_has "$E2E_TMP/iterm.raw" "b'$B64\x07'"; then
  ok "TERM_PROGRAM=iTerm.app: the PNG reaches the terminal as an iTerm2 inline image (size, width and height in cells, BEL)"
else
  not_ok "no iTerm2 inline image in the pane's raw output"
fi
raw_has "$E2E_TMP/iterm.raw" "b'\x1b_G'" && not_ok "iTerm2 got a kitty escape" || ok "and no kitty escape"
WINDOW=iterm keys q

# --- xterm: not a byte of image escape, the marker instead.
run xterm xterm
open_loaf xterm
sleep 0.5
RAW="$E2E_TMP/xterm.raw"
if raw_has "$RAW" "b'\x1b_G'" || raw_has "$RAW" "b'\x1b]1337'"; then
  not_ok "TERM=xterm received an image escape"
else
  ok "TERM=xterm: no ESC _G and no ESC ]1337 in the pane's raw output"
fi
check "TERM=xterm: the marker shows instead" "▣ photo available" 5 xterm
WINDOW=xterm keys q

# --- --images off on a kitty terminal: the operator's word wins.
run off xterm-kitty --images off
open_loaf off
sleep 0.5
raw_has "$E2E_TMP/off.raw" "b'\x1b_G'" && not_ok "--images off still sent an image escape" || ok "--images off: no image escape on a kitty terminal"
check "--images off: the marker shows" "▣ photo available" 5 off
WINDOW=off keys q

# --- An --images value shop does not know is refused before the terminal is touched.
t new-session -d -s bad -x 100 -y 30 "TERM=xterm-kitty $SHOP --db $DB --images sixel; echo exit=\$?; sleep 10"
check "--images sixel is refused with status 64" "exit=64" 5 bad
screen bad | grep -qF -- "--images must be auto, kitty, iterm or off" && ok "and says which values it takes" || not_ok "no message for --images sixel"

e2e_finish
