"""Small icons painted at run time, in the palette's colours: no image files, no style lookups.

- `dot`: a filled circle (a conversation that is answering, Ollama's status);
- `refresh_icon`: an open circle ending in an arrowhead (the model list's refresh button);
- `gear_icon`, `more_icon`: a cog (Settings) and three dots (the app menu), at the sidebar's foot.

The refresh button used the style's standard icon. Asking for the style on the Python side makes
PySide build the QStyle type and its ≈ 600 enum members the first time (≈ 8 ms), and the icon's
pixmaps cost ≈ 2.5 ms more, all before the first frame; this one also follows the theme's text
colour, dark or light.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

__all__ = ["dot", "gear_icon", "more_icon", "refresh_icon"]

_REFRESH_SIZES = (16, 24, 32, 48)  # device pixels: what a tool button asks for, at 1x to 3x


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


def refresh_icon(color: QColor) -> QIcon:
    """Three quarters of a circle, clockwise, with an arrowhead at its end."""
    icon = QIcon()
    for size in _REFRESH_SIZES:
        icon.addPixmap(_refresh_pixmap(color, size))
    return icon


def _refresh_pixmap(color: QColor, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    stroke = max(1.5, size / 9)
    radius = size / 2 - stroke - size / 10  # room for the arrowhead, which reaches past the circle
    centre = QPointF(size / 2, size / 2)
    box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
    start_deg, span_deg = 60.0, -270.0  # Qt's angles: counter-clockwise from 3 o'clock; negative runs clockwise
    pen = QPen(color, stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.drawArc(box, int(start_deg * 16), int(span_deg * 16))
    # The arrowhead at the arc's end, pointing along it (clockwise).
    end = math.radians(start_deg + span_deg)
    tip_at = QPointF(centre.x() + radius * math.cos(end), centre.y() - radius * math.sin(end))
    along = QPointF(math.sin(end), math.cos(end))  # the clockwise tangent, in screen coordinates
    outward = QPointF(math.cos(end), -math.sin(end))
    head = stroke * 2.2
    arrow = QPainterPath(tip_at + along * head)
    arrow.lineTo(tip_at + outward * head)
    arrow.lineTo(tip_at - outward * head)
    arrow.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPath(arrow)
    painter.end()
    return pixmap


def _icon(paint: Callable[[QPainter, int], None]) -> QIcon:
    icon = QIcon()
    for size in _REFRESH_SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint(painter, size)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def gear_icon(color: QColor) -> QIcon:
    """A cog: a ring with eight square teeth around it."""

    def paint(painter: QPainter, size: int) -> None:
        centre = QPointF(size / 2, size / 2)
        stroke = max(1.5, size / 9)
        ring = size * 0.27
        painter.setPen(QPen(color, stroke))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, ring, ring)
        painter.setPen(QPen(color, stroke * 1.25, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        for tooth in range(8):
            angle = math.radians(tooth * 45)
            along = QPointF(math.cos(angle), math.sin(angle))
            painter.drawLine(centre + along * (ring + stroke * 0.4), centre + along * (size * 0.46))

    return _icon(paint)


def more_icon(color: QColor) -> QIcon:
    """Three dots in a row ("more")."""

    def paint(painter: QPainter, size: int) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        radius = max(1.2, size / 11)
        for step in (-1, 0, 1):
            painter.drawEllipse(QPointF(size / 2 + step * size * 0.28, size / 2), radius, radius)

    return _icon(paint)
