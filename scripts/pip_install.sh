#!/usr/bin/env bash
# The one way the scripts install Python packages: into $VENV (default .venv), every version taken
# from constraints.txt, the lock kept in the repository, so that a fresh machine gets exactly what
# the suite passed with. scripts/refresh_lock.sh sets DESKTOP_CHAT_UNLOCKED=1 to take the newest
# versions that pyproject.toml's ranges allow instead (then writes them to the lock).
#   bash scripts/pip_install.sh -q -e ".[test]"
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
lock=(-c constraints.txt)
if [ "${DESKTOP_CHAT_UNLOCKED:-}" = 1 ]; then lock=(); fi
exec "$VENV/bin/python" -m pip install --disable-pip-version-check "${lock[@]}" "$@"
