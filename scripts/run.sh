#!/usr/bin/env bash
# Install Desktop Chat into .venv (first run, and again when pyproject.toml or constraints.txt
# changed) and start it. Arguments go to the app:
#   ./scripts/run.sh                   the window
#   ./scripts/run.sh ask "Hello"       one turn in the terminal
# Before the window starts, desktop_chat/preflight.py checks that Qt can load its display plugin
# here, and installs the system libraries it lacks (Debian/Ubuntu) or says the one command to run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
APP="$VENV/bin/desktop-chat"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "Desktop Chat needs Python 3.11 or newer, and \`$PYTHON\` is not installed (on Debian/Ubuntu: sudo apt-get install python3 python3-venv)." >&2
  exit 1
fi

if [ ! -x "$APP" ] || [ pyproject.toml -nt "$APP" ] || [ constraints.txt -nt "$APP" ]; then
  if [ -x "$APP" ]; then
    echo "Updating Desktop Chat in $VENV (its requirements changed)…"
  else
    echo "Installing Desktop Chat into $VENV (first run, about a minute)…"
  fi
  # pip's output goes to a log, shown only when something fails.
  mkdir -p "$VENV"
  log="$VENV/install.log"
  if ! {
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
      || { echo "Desktop Chat needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1)."; false; }
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    VENV="$VENV" bash scripts/pip_install.sh pip
    VENV="$VENV" bash scripts/pip_install.sh -e .
  } >"$log" 2>&1; then
    echo "The installation failed. The last lines of its log:" >&2
    tail -n 15 "$log" | sed 's/^/    /' >&2
    echo "The whole log: $log" >&2
    exit 1
  fi
  touch "$APP"
fi

# Prints QT_QPA_PLATFORM=wayland when only Qt's Wayland plugin can load; exits 1 when the window
# cannot start (it has said why and what to run). Sub-commands (ask, export, …) pass straight on.
platform=$("$VENV/bin/python" -m desktop_chat.preflight --launcher ./scripts/run.sh \
  --apt-installer scripts/apt_install.sh -- "$@") || exit 1
if [ -n "$platform" ]; then export "${platform?}"; fi
exec "$APP" "$@"
