"""The window's icons: one family, Phosphor (regular weight, a few bold or filled).

The font is ours: Phosphor cut down to the glyphs in GLYPHS (resources/fonts/phosphor-icons.ttf,
≈ 10 KB, written by build/subset_icons.py from qtawesome's copy of the upstream font; MIT licence
beside it). The whole font was 1.4 MB that Qt keeps in memory once loaded, and qtawesome itself
costs ≈ 120 ms and ≈ 44 MB to import; this one loads in well under a millisecond, so icons are in
the first frame.

`icon(name)` gives a QIcon whose glyph is painted when Qt asks for it, in the theme's colours at
that moment (text, muted, accent or on-accent; faint when disabled), so a theme switch recolours
every icon with the repaint Qt does anyway. Names say what an icon means ("send", "pin"), not what
it shows; the glyph behind each is in GLYPHS (tests check that the font has each one, and that
each code point is the one qtawesome's map gives its name).

`dot` is the one painted shape left: a status dot (a conversation answering, Ollama running) is
a colour, not a symbol.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtWidgets import QToolButton, QWidget

from desktop_chat.ui.common.theme import current_tokens
from desktop_chat.ui.runtime.resources import resource_dirs

FONT_FILE = "phosphor-icons.ttf"  # in resources/fonts (build/subset_icons.py)
SOURCE_CHARMAP = "phosphor-charmap-1.3.0.json"  # qtawesome's map of the font it was cut from (tests)

# meaning -> (Phosphor's name, its code point in the font)
GLYPHS: dict[str, tuple[str, int]] = {
    "attach": ("paperclip", 0xF258),
    "check": ("check", 0xF0E7),
    "chats": ("chats", 0xF0E0),
    "close": ("x", 0xF36D),
    "copy": ("copy", 0xF114),
    "delete": ("trash", 0xF334),
    "down": ("arrow-down", 0xF022),
    "edit": ("pencil-simple", 0xF266),
    "file": ("file", 0xF167),
    "file-pdf": ("file-pdf", 0xF16C),
    "file-text": ("file-text", 0xF170),
    "fork": ("git-fork", 0xF1A9),
    "image": ("image", 0xF1DD),
    "code": ("code", 0xF10A),
    "idea": ("lightbulb", 0xF1ED),
    "info": ("info", 0xF1E0),
    "instructions": ("notepad", 0xF22D),
    "knowledge": ("books", 0xF098),
    "lock": ("lock", 0xF1FF),
    "models": ("stack", 0xF2F1),
    "more": ("dots-three-bold", 0xF4DD),
    "new-chat": ("note-pencil", 0xF22E),
    "next": ("caret-right", 0xF0C4),
    "pin": ("push-pin", 0xF28D),
    "pinned": ("push-pin-fill", 0xF9F7),
    "previous": ("caret-left", 0xF0C3),
    "refresh": ("arrow-clockwise", 0xF020),
    "regenerate": ("arrows-clockwise", 0xF045),
    "search": ("magnifying-glass", 0xF20A),
    "send": ("arrow-up-bold", 0xF3DF),
    "settings": ("gear-six", 0xF19C),
    "sidebar": ("layout", 0xF1EA),
    "translate": ("translate", 0xF333),
    "sparkle": ("sparkle", 0xF2DF),
    "stop": ("stop-fill", 0xFA62),
    "unpin": ("push-pin-slash", 0xF290),
    "upload": ("upload-simple", 0xF345),
    "warning": ("warning", 0xF35C),
}

ROLES = ("text", "muted", "accent", "on_accent", "danger")

_state: dict[str, object] = {"family": None, "failed": False}


def font_path() -> Path | None:
    """The icon font in the bundle or the package (None if it is missing: icons paint nothing)."""
    return next((d / FONT_FILE for d in resource_dirs("fonts") if (d / FONT_FILE).is_file()), None)


def _family() -> str | None:
    family = _state["family"]
    if family is None and not _state["failed"]:
        path = font_path()
        font_id = QFontDatabase.addApplicationFont(str(path)) if path else -1
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            _state["family"] = family = families[0]
        else:
            _state["failed"] = True  # an icon shows nothing; the button keeps its tooltip and name
    return family if isinstance(family, str) else None


def _colour(role: str, mode: QIcon.Mode) -> QColor:
    c = current_tokens().colors
    if mode == QIcon.Mode.Disabled:
        return QColor(c.text_faint if role != "on_accent" else c.accent_text)
    if mode == QIcon.Mode.Selected and role != "on_accent":
        return QColor(c.text)
    return QColor({"text": c.text, "muted": c.text_muted, "accent": c.accent,
                   "on_accent": c.accent_text, "danger": c.danger}[role])


class _GlyphEngine(QIconEngine):
    def __init__(self, name: str, role: str) -> None:
        super().__init__()
        self._name = name
        self._role = role

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        family = _family()
        if family is None:
            return
        font = QFont(family)
        font.setPixelSize(max(1, round(min(rect.width(), rect.height()) * 0.92)))
        font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(font)
        painter.setPen(_colour(self._role, mode))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, chr(GLYPHS[self._name][1]))
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self._name, self._role)

    def key(self) -> str:
        return "desktop-chat-glyph"


def icon(name: str, role: str = "text") -> QIcon:
    """The icon for `name` (a key of GLYPHS) in the colour of `role` (one of ROLES)."""
    if name not in GLYPHS:
        raise KeyError(f"no icon named {name!r}")
    if role not in ROLES:
        raise ValueError(f"no icon colour {role!r}")
    return QIcon(_GlyphEngine(name, role))


def icon_button(parent: QWidget, name: str, object_name: str, *, role: str = "text",
                accent: bool = False, size: int | None = None) -> QToolButton:
    """A square, flat button showing one icon (styled by the `iconButton` or `accentButton` rule
    of the style sheet). The caller sets its tooltip and accessible name (translated)."""
    tokens = current_tokens()
    side = size or tokens.icon_button
    button = QToolButton(parent)
    button.setObjectName(object_name)
    button.setProperty("accentButton" if accent else "iconButton", True)
    button.setIcon(icon(name, "on_accent" if accent else role))
    button.setIconSize(QSize(tokens.icon, tokens.icon) if side >= 28 else QSize(side - 10, side - 10))
    button.setFixedSize(side, side)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setAutoRaise(not accent)  # (an auto-raised button's style sheet background shows only on hover)
    return button


class GlyphLabel(QWidget):
    """One icon, large, painted as the widget paints:
    the picture of an empty state."""

    def __init__(self, name: str, role: str = "muted", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icon = icon(name, role)

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        side = min(self.width(), self.height())
        self._icon.paint(painter, QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side))
        painter.end()


def dot(color: QColor | str, size: int, margin: int = 1) -> QPixmap:
    """A circle of `color` filling a `size`×`size` pixmap but for `margin` pixels around it."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(margin, margin, size - 2 * margin, size - 2 * margin)
    painter.end()
    return pixmap
