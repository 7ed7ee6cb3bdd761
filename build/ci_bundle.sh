#!/usr/bin/env bash
# CI for the double-click bundle: build it from this checkout, then check the built executable.
#
#   bash build/ci_bundle.sh              (scripts/test.sh calls it after the tests)
#   bash build/ci_bundle.sh --no-build   check the bundle already in dist/ (steps 2-5 only)
#
# On a machine with nothing installed it installs what it needs: the system libraries Qt needs
# (PyInstaller bundles the build machine's copies), binutils (PyInstaller strips with it),
# gnome-keyring + D-Bus for the keyring check, desktop-file-utils; the venv; the `bundle` extra.
# Then, each step failing the run:
#   1. build dist/desktop-chat/ and its archive (build/build_bundle.py), sizes and start-up printed;
#   2. `desktop-chat --smoke` offscreen in English, and in Chinese (LANG=zh_CN.UTF-8) with
#      --expect-language zh_CN: the Chinese UI must come up (our catalogue and Qt's);
#   3. under a private Secret Service (gnome-keyring on its own D-Bus session): --smoke
#      --require-keyring, and a key saved, listed and deleted through the bundle's `keys`;
#   4. the same data folder as the installed app: a history written by the installed app (with
#      XDG_DATA_HOME pointing at a scratch folder) is exported identically by the bundle;
#   5. `--version`; the desktop entry validates once installed for the bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
started=$SECONDS
status=0
fail() { echo "FAIL: $*" >&2; status=1; }

# -- system packages ---------------------------------------------------------------------------
SYSTEM_PACKAGES=(
  libglib2.0-0 libgl1 libxkbcommon0 libegl1 libfreetype6 libfontconfig1 libdbus-1-3
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xkb1 libwayland-client0 libwayland-cursor0
  binutils dbus gnome-keyring desktop-file-utils
)
bash scripts/apt_install.sh "${SYSTEM_PACKAGES[@]}"

# -- Python: the venv and the `bundle` extra (PyInstaller) --------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
pip_log=$(mktemp)
VENV="$VENV" bash scripts/pip_install.sh -q -e ".[bundle]" >"$pip_log" 2>&1 || { cat "$pip_log" >&2; exit 1; }
rm -f "$pip_log"

# -- 1. build ------------------------------------------------------------------------------------
if [ "${1:-}" = "--no-build" ]; then
  [ -x dist/desktop-chat/desktop-chat ] || { echo "no bundle in dist/: run without --no-build" >&2; exit 1; }
else
  echo "== build"
  "$VENV/bin/python" build/build_bundle.py --clean --start-runs 3 \
    || fail "build/build_bundle.py (the build, the archive or a timed start: see above)"
  [ -x dist/desktop-chat/desktop-chat ] || { fail "no bundle was built"; exit 1; }
fi
EXE="$PWD/dist/desktop-chat/desktop-chat"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
offscreen() { env -u DISPLAY -u WAYLAND_DISPLAY -u DESKTOP_CHAT_HOME QT_QPA_PLATFORM=offscreen "$@"; }

# -- 2. smoke, English and Chinese --------------------------------------------------------------
echo "== smoke (English)"
offscreen LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= "$EXE" --smoke --expect-language en \
  || fail "smoke (English)"
echo "== smoke (Chinese: LANG=zh_CN.UTF-8)"
offscreen LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 LANGUAGE=zh_CN "$EXE" --smoke --expect-language zh_CN \
  | tee "$scratch/smoke-zh.txt" || fail "smoke (Chinese)"
grep -q "^ok   language: zh_CN" "$scratch/smoke-zh.txt" || fail "the Chinese UI did not come up"

# -- 3. a real Secret Service ----------------------------------------------------------------------
# gnome-keyring runs in the foreground of its own D-Bus session and is stopped by its own pid.
cat > "$scratch/with-keyring.sh" <<'EOF'
set -eu
XDG_DATA_HOME=$(mktemp -d); export XDG_DATA_HOME
printf '\n' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
daemon=$!
for _ in $(seq 50); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
    string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true" && break
  sleep 0.1
done
rc=0; "$@" || rc=$?
kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true
rm -rf "$XDG_DATA_HOME"
exit "$rc"
EOF
if command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null; then
  echo "== keyring (gnome-keyring under dbus-run-session)"
  home="$scratch/keyring-home"
  cat > "$scratch/keyring-steps.sh" <<EOF
set -euo pipefail
"$EXE" --smoke --require-keyring | grep -E "^(ok  |FAIL) keyring|^smoke:"
printf %s sk-ci-bundle-0123456789abcdef | "$EXE" --data-dir "$home" keys set anthropic
"$EXE" --data-dir "$home" keys list | grep -q "key in keyring"
"$EXE" --data-dir "$home" keys delete anthropic
EOF
  offscreen dbus-run-session -- bash "$scratch/with-keyring.sh" bash "$scratch/keyring-steps.sh" \
    2> >(grep -v "Failed to set fd limit" >&2) || fail "the keyring through the bundle"
else
  echo "== keyring: SKIPPED (no gnome-keyring-daemon / dbus-run-session)"
fi

# -- 4. the same data folder as the installed app -----------------------------------------------
echo "== data folder shared with the installed app"
export_both() {
  local xdg="$scratch/xdg"
  mkdir -p "$xdg/data" "$xdg/config"
  local common=(env -u DESKTOP_CHAT_HOME XDG_DATA_HOME="$xdg/data" XDG_CONFIG_HOME="$xdg/config")
  "${common[@]}" "$VENV/bin/python" -c "
from benchmarks._common import conversation_items, fill_store
from desktop_chat.config import data_dir
fill_store(data_dir(), conversation_items(2, 4, seed=6))"
  "${common[@]}" "$VENV/bin/python" -m desktop_chat export --format markdown > "$scratch/installed.md"
  "${common[@]}" "$EXE" export --format markdown > "$scratch/bundled.md"
  [ -s "$scratch/bundled.md" ] && cmp -s "$scratch/installed.md" "$scratch/bundled.md"
}
export_both && echo "ok: the bundle reads the installed app's history ($(wc -l < "$scratch/bundled.md") lines of export)" \
  || fail "the bundle does not see the installed app's data folder"

# -- 5. --version and the desktop entry ----------------------------------------------------------
echo "== --version and the desktop entry"
"$EXE" --version | grep -q "^desktop-chat [0-9]" || fail "--version"
"$EXE" --version
XDG_DATA_HOME="$scratch/share" sh dist/desktop-chat/install-desktop-entry.sh || fail "installing the desktop entry"
desktop-file-validate "$scratch/share/applications/desktop-chat.desktop" || fail "the installed desktop entry"
grep -q "^Exec=\"$EXE\" %F$" "$scratch/share/applications/desktop-chat.desktop" || fail "Exec of the desktop entry"

echo "== bundle CI: $((SECONDS - started)) s"
if [ "$status" -ne 0 ]; then
  echo "== bundle CI FAILED: see above" >&2
fi
exit "$status"
