"""The message pane's colours and rounded shapes, in one place (until the shared design tokens land).

Everything is derived from the widget's own (inherited) palette, never from style sheets: a style
sheet on an ancestor makes Qt take the application palette instead of the inherited one, and these
colours must follow whatever palette the widget has (light, dark, the platform's).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QLabel, QWidget

__all__ = ["Badge", "Card", "card_colors", "is_dark", "mix", "muted_text"]

_RED = QColor(220, 53, 69)
_AMBER = QColor(230, 150, 20)

# Radii (px): the user's bubble, cards (errors, sources), small badges.
BUBBLE_RADIUS = 16.0
CARD_RADIUS = 8.0
BADGE_RADIUS = 6.0


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """a blended towards b by t (0..1)."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def muted_text(palette: QPalette) -> QColor:
    """Secondary text (times, figures, notices): the text colour 40 % of the way to the background."""
    return mix(palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Base), 0.4)


def card_colors(palette: QPalette, kind: str) -> tuple[QColor | None, QColor | None]:
    """(fill, border) for a rounded card or badge of `kind`, derived from the palette."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    highlight = palette.color(QPalette.ColorRole.Highlight)
    dark = is_dark(palette)
    if kind == "user":  # the user's bubble: a quiet grey with a hint of the accent, as chat apps do
        return mix(mix(base, text, 0.13 if dark else 0.055), highlight, 0.06 if dark else 0.04), None
    if kind == "error":
        return mix(base, _RED, 0.18 if dark else 0.08), mix(base, _RED, 0.7 if dark else 0.55)
    if kind == "badge-error":
        return mix(base, _RED, 0.35 if dark else 0.18), None
    if kind == "badge-stopped":
        return mix(base, _AMBER, 0.35 if dark else 0.22), None
    if kind == "badge-streaming":
        return mix(base, highlight, 0.3 if dark else 0.15), None
    if kind == "float":  # the floating "scroll to newest" button
        return mix(base, text, 0.1 if dark else 0.02), mix(base, text, 0.3 if dark else 0.18)
    return None, None


def paint_card(widget: QWidget, kind: str, radius: float) -> None:
    fill, border = card_colors(widget.palette(), kind)
    if fill is None:
        return
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(border, 1) if border is not None else Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    painter.end()


class Card(QFrame):
    """A frame with a rounded, palette-derived background."""

    def __init__(self, kind: str, radius: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._radius = radius

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_card(self, self.kind, self._radius)
        super().paintEvent(event)


class Badge(QLabel):
    """A small rounded status label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = ""
        self.setContentsMargins(7, 1, 7, 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_card(self, "badge-" + self.kind, BADGE_RADIUS)
        super().paintEvent(event)
