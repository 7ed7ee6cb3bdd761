#!/usr/bin/env bash
# Start an unlocked gnome-keyring Secret Service on the current D-Bus session, run "$@", stop it.
set -euo pipefail
# A fresh, throw-away keyring: the empty password unlocks (and creates) the login collection.
export XDG_DATA_HOME="$(mktemp -d)"
eval "$(printf '\n' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
rc=0
"$@" || rc=$?
pkill -u "$(id -u)" -f "gnome-keyring-daemon.*--components=secrets" 2>/dev/null || true
rm -rf "$XDG_DATA_HOME"
exit "$rc"
