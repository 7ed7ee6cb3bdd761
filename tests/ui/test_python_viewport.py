"""A viewport made from Python (ui/runtime/python_viewport.py) is set up as Qt sets up its own."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListView, QTextBrowser, QWidget

from desktop_chat.ui.runtime.python_viewport import python_viewport


def setup_of(viewport: QWidget) -> dict[str, Any]:
    seen: dict[str, Any] = {
        "name": viewport.objectName(), "background": viewport.backgroundRole(),
        "fills": viewport.autoFillBackground(), "tracking": viewport.hasMouseTracking(),
        "drops": viewport.acceptDrops(), "cursor": viewport.cursor().shape(),
        "focus": viewport.focusPolicy(), "menu": viewport.contextMenuPolicy(),
    }
    for attribute in Qt.WidgetAttribute:
        seen[attribute.name] = viewport.testAttribute(attribute)
    return seen


def test_a_list_views_python_viewport_is_set_up_like_its_own(qtbot):
    own, ours = QListView(), QListView()
    qtbot.addWidget(own)
    qtbot.addWidget(ours)
    made = python_viewport(ours)
    assert ours.viewport() is made
    assert setup_of(made) == setup_of(own.viewport())


def test_a_text_browsers_python_viewport_is_set_up_like_its_own(qtbot):
    own, ours = QTextBrowser(), QTextBrowser()
    qtbot.addWidget(own)
    qtbot.addWidget(ours)
    made = python_viewport(ours, text=True)
    assert setup_of(made) == setup_of(own.viewport())
