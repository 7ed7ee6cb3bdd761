"""Write the window's icon font: Phosphor (regular) cut down to the glyphs ui/common/icons.py uses.

Why: the whole font is 1.4 MB; Qt keeps a loaded font's file in memory (≈ 4.6 MB of the idle
window's memory, measured) and loading it took ≈ 5 ms, so the first frame went out without icons.
The cut font is a few kilobytes: icons are in the first frame and the window is smaller.

Run after adding a glyph to icons.GLYPHS (needs the `icons` extra: pip install -e '.[icons]'):
    python build/subset_icons.py
It reads Phosphor from qtawesome's copy (the upstream font, MIT licence: resources/fonts/
LICENSE-phosphor.txt) and writes desktop_chat/resources/fonts/phosphor-icons.ttf; commit both.
tests/ui/test_icons_tokens.py checks that the committed font has every glyph icons.py names.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "desktop_chat" / "ui" / "common" / "icons.py"
OUT = ROOT / "desktop_chat" / "resources" / "fonts" / "phosphor-icons.ttf"
SOURCE = "phosphor-1.3.0.ttf"


def code_points() -> list[int]:
    """The code points in icons.GLYPHS, read from its source (no Qt needed to run this)."""
    tree = ast.parse(ICONS.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "GLYPHS":
            glyphs = ast.literal_eval(node.value)  # type: ignore[arg-type]
            return sorted({point for _name, point in glyphs.values()})
    raise SystemExit("GLYPHS not found in icons.py")


def source_font() -> Path:
    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("qtawesome is not installed: pip install -e '.[icons]'")
    return Path(list(spec.submodule_search_locations)[0]) / "fonts" / SOURCE


def main() -> int:
    points = code_points()
    options = subset.Options()
    options.layout_features = []  # icons: no ligatures or other shaping
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # copyright, family, style, names, version
    options.notdef_outline = True
    options.hinting = False  # drawn at 16-24 px with antialiasing: hints only add bytes
    font = subset.load_font(str(source_font()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(OUT), options)
    print(f"{OUT.relative_to(ROOT)}: {len(points)} glyphs, {OUT.stat().st_size:,} bytes "
          f"(from {source_font().stat().st_size:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
