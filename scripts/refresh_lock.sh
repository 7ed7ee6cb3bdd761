#!/usr/bin/env bash
# Upgrade on purpose: install the newest versions that pyproject.toml's ranges allow into a fresh
# virtualenv, write them to constraints.txt (the lock every install script uses), then run the
# whole suite on them. Commit constraints.txt only if this ends with "lock refreshed".
#   ./scripts/refresh_lock.sh
# The old lock is put back if the install or the suite fails, so a red upgrade never lands by accident.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv-refresh}"
PYTHON="${PYTHON:-python3}"
export VENV

rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
cp constraints.txt constraints.txt.previous
restore() { mv constraints.txt.previous constraints.txt; echo "== the lock was NOT refreshed (constraints.txt is as before)" >&2; }
trap restore ERR

echo "== installing the newest allowed versions (no lock) into $VENV"
DESKTOP_CHAT_UNLOCKED=1 bash scripts/pip_install.sh -q --upgrade pip
DESKTOP_CHAT_UNLOCKED=1 bash scripts/pip_install.sh -q -e ".[test,bench,bundle]"
# The built-in engine compiles from source with the safe CPU flags (install_local_model.sh knows them).
DESKTOP_CHAT_UNLOCKED=1 bash scripts/install_local_model.sh >/dev/null

{
  echo "# The lock: the exact versions the suite passed with (pip constraints: only what an install"
  echo "# needs is taken from here, so platform-only packages elsewhere stay free)."
  echo "# Written by scripts/refresh_lock.sh on $(date -u +%Y-%m-%d) with $("$VENV/bin/python" --version); do not edit by hand."
  "$VENV/bin/python" -m pip freeze --all --exclude-editable \
    | grep -v -i -E '^(desktop-chat|wheel)==' | LC_ALL=C sort -f
} > constraints.txt

echo "== running the suite on the new versions"
VENV="$VENV" ./scripts/test.sh
trap - ERR
rm -f constraints.txt.previous
echo "== lock refreshed: review 'git diff constraints.txt' and commit it"
