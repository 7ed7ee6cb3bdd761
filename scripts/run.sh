#!/usr/bin/env bash
# Install Desktop Chat into .venv (first run only) and start it. Arguments go to the app:
#   ./scripts/run.sh                   the window
#   ./scripts/run.sh ask "Hello"       one turn in the terminal
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/desktop-chat" ] || [ pyproject.toml -nt "$VENV/bin/desktop-chat" ]; then
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  VENV="$VENV" bash scripts/pip_install.sh -q pip
  VENV="$VENV" bash scripts/pip_install.sh -q -e .
  touch "$VENV/bin/desktop-chat"
fi
exec "$VENV/bin/desktop-chat" "$@"
