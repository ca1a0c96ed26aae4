#!/usr/bin/env bash
# Password accounts end to end with the real `shop` in tmux and codes from a `file:` sink:
# register, an unverified phone that does not sign in, verify the email and the phone in the
# profile, sign out, reset a forgotten password from the sign-in screen, sign in with the new one.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/e2e/tmux-helpers.sh
SHOP=${SHOP_BIN:-$PWD/.build/debug/shop}
DB="$E2E_TMP/shop.sqlite"
PHONE=+15550107777
sql() { sqlite3 "$DB" "$1"; }

t new-session -d -s main -x 100 -y 30 "$SHOP --db $DB --messages file:$E2E_TMP/messages.jsonl; sleep 30"
wait_for "products" 20

# Register with an email and a phone (F3 from the sign-in screen).
keys p; wait_for "Sign in or create an account"
keys F3; wait_for "Create an account with a password"
for field in maya maya@example.com "old-password-1" "old-password-1" Maya Lee "$PHONE"; do keys -l "$field"; keys Tab; done
keys Enter
check "registration signs in and says where the codes went" "Welcome! We sent a code to maya@example.com and $PHONE" 10
[ "$(sql "SELECT count(*) FROM users WHERE phone = '$PHONE'")" = 0 ] && ok "the phone given at registration is not an identity yet" \
  || not_ok "the phone given at registration is not an identity yet"

# The profile shows both as not verified; the codes went to the file sink.
keys p
check "the profile shows the email as not verified" "(not verified: press v)" 10
check "the profile shows the phone as not verified" "$PHONE  (not verified: press t)" 5
keys v; wait_for "Enter the code we emailed to maya@example.com"
keys -l "$(code_for maya@example.com)"; keys Enter
check "the email is verified with the emailed code" "Email verified" 10
keys t; wait_for "Enter the code we texted to $PHONE"
keys -l "$(code_for "$PHONE")"; keys Enter
check "the phone is verified with the texted code" "Phone verified" 10
[ "$(sql "SELECT email || ' ' || phone FROM users WHERE username = 'maya'")" = "maya@example.com $PHONE" ] \
  && ok "both are identities in the database" || not_ok "both are identities in the database"

# Sign out, then reset the forgotten password from the sign-in screen.
keys l; wait_for "guest"
keys p; wait_for "Sign in or create an account"
keys F2; wait_for "Sign in with your password"
keys -l maya; keys F4
wait_for "Set a new password"
keys Enter
check "asking for a reset code answers without saying whether the account exists" "If an account has that login" 10
for _ in $(seq 100); do grep -q "password reset code" "$E2E_TMP/messages.jsonl" && break; sleep 0.05; done
keys -l "$(code_for maya@example.com)"; keys Enter
keys -l "new-password-2"; keys Enter; keys -l "new-password-2"; keys Enter
check "the new password is set" "Password changed: sign in with the new one" 10
keys Tab; keys -l "new-password-2"; keys Enter
check "signing in with the new password works" "Signed in as Maya Lee" 10

e2e_finish
