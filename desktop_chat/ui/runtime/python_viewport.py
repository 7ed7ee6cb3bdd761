"""Scroll areas whose viewport is made from Python, so that PySide never has to guess its type.

Why: the first time Python receives a QWidget* that Qt made itself (`viewport()` of a list or a
text browser is the usual one), PySide resolves the most derived class it could be, and for that
it loads every QWidget class of QtWidgets with all their enums: ≈ 8 ms of the app's start, once,
for a plain QWidget. A viewport made here is already known to PySide, and nothing is looked up.

A viewport set with setViewport does not get what the scroll area gave its own in its
constructor; `python_viewport` gives it the same (tests/ui/test_python_viewport.py compares
both, so a Qt that changes them shows up there).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

__all__ = ["python_viewport"]


def python_viewport(area: QAbstractScrollArea, *, text: bool = False) -> QWidget:
    """Give `area` (just constructed) a viewport made from Python, set up as Qt sets up its own;
    `text`: a QTextEdit/QTextBrowser's (drops, and the mouse tracking that link hovering uses)."""
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    viewport.setBackgroundRole(QPalette.ColorRole.Base)
    viewport.setAutoFillBackground(True)
    viewport.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
    if text:
        viewport.setAcceptDrops(True)
        viewport.setMouseTracking(True)
        viewport.setCursor(Qt.CursorShape.ArrowCursor)
    area.setViewport(viewport)
    return viewport
