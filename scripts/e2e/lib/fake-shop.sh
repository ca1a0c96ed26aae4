#!/usr/bin/env bash
# Stand-in for the `shop` TUI, for the SSH tests and benchmark until the real program exists.
# Behaves like its interface: needs a terminal; shows who is connected and with which key
# (from the file named by $SSH_USER_AUTH, written by sshd's ExposeAuthInfo); waits for a line;
# says BYE. All flags (--db, --messages, --idle-timeout, --demo) are accepted and ignored, as is
# SSH_ORIGINAL_COMMAND.
set -euo pipefail

if [[ ! -t 0 || -z ${TERM:-} ]]; then
  echo "shop needs a terminal: connect with ssh -t" >&2
  exit 1
fi

key=""
if [[ -n ${SSH_USER_AUTH:-} && -r $SSH_USER_AUTH ]]; then
  # The file holds lines like "publickey ssh-ed25519 AAAA...": print the key type and key.
  key=$(head -n 1 "$SSH_USER_AUTH" | cut -d' ' -f2-3)
fi
echo "SHOP STORE READY user=$(id -un) key=$key"
echo "env LANG=${LANG:-} TERM=${TERM:-} cwd=$PWD"
read -r _ || true
echo "BYE"
