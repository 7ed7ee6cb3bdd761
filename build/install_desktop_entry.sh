#!/bin/sh
# Put Desktop Chat in the desktop's application menu, for the current user only (no root):
# the .desktop entry (it also offers "Open with Desktop Chat" for PDFs) and the icons, under
# ${XDG_DATA_HOME:-~/.local/share}.
#
#   install-desktop-entry.sh [BUNDLE_DIR]      install for a bundle (default: the folder this
#                                              script is in when it ships inside the bundle,
#                                              else dist/desktop-chat of the checkout)
#   install-desktop-entry.sh --installed       install for a pip-installed `desktop-chat` on PATH
#   install-desktop-entry.sh --uninstall       remove what this script installed
#
# The bundle carries a copy of this script as desktop-chat/install-desktop-entry.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"
apps="$data/applications"
icons="$data/icons/hicolor"
entry="$apps/desktop-chat.desktop"
sizes="16 24 32 48 64 128 256 512"

refresh() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" 2>/dev/null || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -f -t "$icons" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$entry" "$icons/scalable/apps/desktop-chat.svg"
  for s in $sizes; do rm -f "$icons/${s}x${s}/apps/desktop-chat.png"; done
  refresh
  echo "removed $entry and the icons"
  exit 0
fi

# Where the program, the entry template and the icons are.
if [ "${1:-}" = "--installed" ]; then
  exe=$(command -v desktop-chat) || { echo "desktop-chat is not on PATH (pip install it first)" >&2; exit 2; }
  root=$(cd "$here/.." && pwd)  # a checkout: build/ is here
  template="$root/packaging/linux/desktop-chat.desktop"
  icon_dir="$root/desktop_chat/resources/icons"
else
  if [ $# -gt 0 ]; then
    bundle=$1
  elif [ -x "$here/desktop-chat" ]; then
    bundle=$here
  else
    bundle="$(cd "$here/.." && pwd)/dist/desktop-chat"
  fi
  bundle=$(cd "$bundle" 2>/dev/null && pwd) || { echo "no bundle at ${1:-dist/desktop-chat}: build it first (python build/build_bundle.py)" >&2; exit 2; }
  exe="$bundle/desktop-chat"
  [ -x "$exe" ] || { echo "$exe is not an executable bundle" >&2; exit 2; }
  template="$bundle/_internal/packaging/linux/desktop-chat.desktop"
  icon_dir="$bundle/_internal/resources/icons"
fi
[ -f "$template" ] || { echo "missing $template" >&2; exit 2; }
[ -f "$icon_dir/desktop-chat-16.png" ] || { echo "missing icons in $icon_dir" >&2; exit 2; }
case "$exe" in
  *[\"\`\$\\\|\&]*) echo "the path $exe contains one of \" \` \$ \\ | &, which this script cannot put in a desktop entry; move the bundle" >&2; exit 2 ;;
esac

for s in $sizes; do
  mkdir -p "$icons/${s}x${s}/apps"
  cp "$icon_dir/desktop-chat-$s.png" "$icons/${s}x${s}/apps/desktop-chat.png"
done
mkdir -p "$icons/scalable/apps" "$apps"
cp "$icon_dir/desktop-chat.svg" "$icons/scalable/apps/desktop-chat.svg"

# The template runs `desktop-chat` from PATH; point Exec/TryExec at this program (quoted: spaces).
tmp="$apps/.desktop-chat-$$.desktop"  # a .desktop name: desktop-file-validate insists
sed -e "s|^Exec=desktop-chat |Exec=\"$exe\" |" "$template" > "$tmp"
printf 'TryExec=%s\n' "$exe" >> "$tmp"
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$tmp" || { rm -f "$tmp"; echo "the entry did not validate" >&2; exit 1; }
fi
mv "$tmp" "$entry"
refresh
echo "installed $entry (runs $exe) and icons in $icons"
