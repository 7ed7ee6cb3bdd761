"""The one icon family and the design tokens: glyphs that exist, drawn in the theme's colours."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QRawFont
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.common import icons, theme
from desktop_chat.ui.common.theme.stylesheet import stylesheet
from desktop_chat.ui.common.theme.tokens import DARK_TOKENS, LIGHT_TOKENS


def _opaque(image) -> list[QColor]:  # noqa: ANN001
    return [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())
            if image.pixelColor(x, y).alpha() == 255]


def test_every_glyph_is_the_one_qtawesome_maps_to_its_name():
    """The code points are Phosphor's own (qtawesome ships the upstream map; the `test` extra has it)."""
    spec = importlib.util.find_spec("qtawesome")
    assert spec is not None and spec.submodule_search_locations, "qtawesome (the test extra) is not installed"
    charmap_path = Path(list(spec.submodule_search_locations)[0]) / "fonts" / icons.SOURCE_CHARMAP
    charmap = json.loads(charmap_path.read_text(encoding="utf-8"))
    for meaning, (name, code) in icons.GLYPHS.items():
        assert int(charmap[name], 16) == code, meaning


def test_the_shipped_icon_font_has_every_glyph_and_nothing_much_else(qapp: QApplication):
    """resources/fonts/phosphor-icons.ttf is cut to GLYPHS (build/subset_icons.py): run that script
    after adding an icon."""
    path = icons.font_path()
    assert path is not None and path.is_file()
    assert path.stat().st_size < 40_000  # the cut font, not the 1.4 MB one
    font = QRawFont(str(path), 24)
    assert font.isValid()
    missing = [meaning for meaning, (_name, code) in icons.GLYPHS.items() if not font.supportsCharacter(code)]
    assert missing == []
    assert not font.supportsCharacter(0xF1B4)  # a Phosphor glyph no icon uses ("hand-waving") is cut


def test_an_icon_is_drawn_in_the_theme_text_colour_and_follows_a_theme_switch(qapp: QApplication):
    try:
        theme.apply_theme(qapp, "light")
        image = icons.icon("send").pixmap(QSize(32, 32)).toImage()
        dark_pixels = _opaque(image)
        assert len(dark_pixels) > 20  # a glyph, not an empty square
        assert all(c.rgb() == QColor(LIGHT_TOKENS.colors.text).rgb() for c in dark_pixels)
        theme.apply_theme(qapp, "dark")
        image = icons.icon("send").pixmap(QSize(32, 32)).toImage()
        assert {c.rgb() for c in _opaque(image)} == {QColor(DARK_TOKENS.colors.text).rgb()}
        accent = icons.icon("stop", "accent").pixmap(QSize(32, 32)).toImage()
        assert {c.rgb() for c in _opaque(accent)} == {QColor(DARK_TOKENS.colors.accent).rgb()}
        disabled = icons.icon("attach").pixmap(QSize(32, 32), QIcon.Mode.Disabled).toImage()
        assert {c.rgb() for c in _opaque(disabled)} == {QColor(DARK_TOKENS.colors.text_faint).rgb()}
    finally:
        theme.apply_theme(qapp, "system")


def test_a_status_dot_is_its_colour_in_the_middle_and_clear_in_the_corners(qapp: QApplication):
    image = icons.dot("#2e9e4f", 12).toImage()
    assert image.pixelColor(6, 6) == QColor("#2e9e4f")
    assert image.pixelColor(0, 0).alpha() == 0


def test_the_palettes_and_the_style_sheet_come_from_the_tokens(qapp: QApplication):
    for tokens, palette in ((LIGHT_TOKENS, theme.light_palette()), (DARK_TOKENS, theme.dark_palette())):
        assert palette.color(palette.ColorRole.Highlight) == QColor(tokens.colors.accent)
        assert palette.color(palette.ColorRole.Window) == QColor(tokens.colors.window)
        assert theme.is_dark(palette) is tokens.dark
        sheet = stylesheet(tokens)
        assert tokens.colors.scrollbar in sheet and "QScrollBar::add-line" in sheet
    assert LIGHT_TOKENS.type.body in range(14, 17) and LIGHT_TOKENS.type.line_height >= 1.5
