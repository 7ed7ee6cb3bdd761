#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian/Ubuntu machine, then run them.
# Used as-is by CI (.ci/run). Safe to re-run: each step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
ARTIFACTS="${ARTIFACTS:-test-artifacts}"

# -- system packages (headless Qt, Xvfb for the real-window test, a real Secret Service) --------
SYSTEM_PACKAGES=(
  libglib2.0-0 libgl1 libxkbcommon0 libegl1 libfreetype6 libfontconfig1 libdbus-1-3
  xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-xkb1
  dbus dbus-x11 gnome-keyring imagemagick fonts-noto-cjk
  tesseract-ocr tesseract-ocr-chi-sim  # OCR of images and scanned PDFs (documents/ocr.py)
)
bash scripts/apt_install.sh "${SYSTEM_PACKAGES[@]}"
# Node and npm for the MCP reference servers (tests/tools): Debian's packages where neither is
# there (a NodeSource nodejs brings its own npm and conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || bash scripts/apt_install.sh nodejs npm

# -- Python packages ---------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
# Versions from the lock (constraints.txt): a fresh machine gets what the suite passed with.
VENV="$VENV" bash scripts/pip_install.sh -q pip
VENV="$VENV" bash scripts/pip_install.sh -q -e ".[test,vectors]"

# -- a real Chroma server for the knowledge-base tests: chromadb (≈ 420 MB with its own heavy
# dependencies) in its own venv, never in the app's; tests/documents/kb starts `chroma run`.
CHROMA_VERSION=1.5.9
if [ "$(.venv-chroma/bin/python -c 'import chromadb; print(chromadb.__version__)' 2>/dev/null)" != "$CHROMA_VERSION" ]; then
  echo "== chroma $CHROMA_VERSION in .venv-chroma"
  "$PYTHON" -m venv .venv-chroma
  .venv-chroma/bin/python -m pip install -q --disable-pip-version-check "chromadb==$CHROMA_VERSION"
fi

# -- the built-in engine (llama-cpp-python, compiled with safe CPU flags) and its default model ---
# The real-model tests need them; the script is quick when both are already in place.
echo "== built-in engine and default model"
model_line=$(bash scripts/install_local_model.sh | tail -n 1) \
  || { echo "ERROR: installing the built-in engine or its model failed (see above)" >&2; exit 1; }
export "$model_line"  # DESKTOP_CHAT_TEST_MODEL=…

# -- the MCP reference servers from npm (tests/tools; cached in .test-cache/mcp-servers) -------------
mcp_line=$(bash scripts/install_mcp_servers.sh | tail -n 1)
case "$mcp_line" in MCP_TEST_SERVERS=*) export "$mcp_line" ;; esac

mkdir -p "$ARTIFACTS"
status=0

# -- architecture: the engine never imports Qt; only providers/ import the SDKs -----------------
echo "== import contracts"
"$VENV/bin/lint-imports" || status=1

# -- types: mypy over desktop_chat/ (its configuration is [tool.mypy] in pyproject.toml) ---------
echo "== types (mypy)"
"$VENV/bin/mypy" || status=1

# -- every visible string has its Simplified Chinese translation --------------------------------
echo "== translations"
"$VENV/bin/python" build/update_translations.py --check || status=1

# pytest exits 5 when it collected nothing: that is a broken suite, not a pass.
run_pytest() {
  local rc=0
  "$@" || rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "ERROR: pytest collected no tests for: $*" >&2
    return 1
  fi
  return "$rc"
}

# -- the suite (everything but the real-keyring tests) -----------------------------------------
echo "== tests"
run_pytest "$VENV/bin/python" -m pytest -m "not keyring" -q -p no:cacheprovider \
  --junitxml="$ARTIFACTS/junit.xml" "$@" || status=1

# -- the keyring against a real Secret Service (gnome-keyring on a private D-Bus session) -------
echo "== keyring tests (gnome-keyring under dbus-run-session)"
run_pytest dbus-run-session -- bash scripts/with_gnome_keyring.sh \
  "$VENV/bin/python" -m pytest -m keyring -q -p no:cacheprovider || status=1

# -- performance figures: printed for the log, never a pass/fail on timing (a crash does fail) -----
echo "== benchmarks (quick)"
"$VENV/bin/python" -m benchmarks --quick --json "$ARTIFACTS/benchmarks.json" || status=1

# -- the double-click bundle: build it from this checkout and smoke-test the executable ----------
echo "== bundle (build, smoke in English and Chinese, keyring, same data dir)"
bash build/ci_bundle.sh || status=1

if [ "$status" -ne 0 ]; then
  echo "== FAILED: see the output above" >&2
fi
exit "$status"
