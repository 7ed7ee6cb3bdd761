#!/usr/bin/env bash
# Install the MCP reference servers from npm into one folder the tests find (tests/tools):
# MCP_TEST_SERVERS (default .test-cache/mcp-servers). Idempotent: quick when already there.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST="${MCP_TEST_SERVERS:-.test-cache/mcp-servers}"
# Exact versions, like the Python lock: an upgrade is a deliberate edit here after the suite passed.
PACKAGES=(
  @modelcontextprotocol/server-everything@2026.8.31
  @modelcontextprotocol/server-filesystem@2026.8.31
  @modelcontextprotocol/server-memory@2026.8.31
)
if ! command -v npm >/dev/null 2>&1; then
  echo "WARNING: npm not found; the MCP reference-server tests will fail under CI=true" >&2
  exit 0
fi
mkdir -p "$DEST"
missing=0
for package in "${PACKAGES[@]}"; do
  name="${package%@*}" version="${package##*@}"
  grep -q "\"version\": *\"$version\"" "$DEST/node_modules/$name/package.json" 2>/dev/null || missing=1
done
if [ "$missing" -eq 1 ]; then
  echo "== npm: MCP reference servers into $DEST"
  [ -f "$DEST/package.json" ] || echo '{"private": true}' > "$DEST/package.json"
  npm install --prefix "$DEST" --save-exact --no-audit --no-fund --loglevel=error "${PACKAGES[@]}"
fi
echo "MCP_TEST_SERVERS=$(cd "$DEST" && pwd)"
