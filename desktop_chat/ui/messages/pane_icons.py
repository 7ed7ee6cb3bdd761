"""The message pane's icons: one function, so the pane can move to ui/common's icon module later.

Phosphor (qtawesome 1.4.2's "ph" family). qtawesome costs ≈ 120 ms to import, so it is imported
here on the first call, never at module import: message widgets are built before the window's
first frame (reopening the last conversation), their icons only when first shown.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from PySide6.QtGui import QColor, QIcon

__all__ = ["NAMES", "pane_icon"]

# What each action looks like, by the pane's own names.
NAMES = {
    "copy": "ph.copy",
    "copied": "ph.check",
    "edit": "ph.pencil-simple",
    "regenerate": "ph.arrow-clockwise",
    "fork": "ph.git-fork",
    "delete": "ph.trash",
    "previous": "ph.caret-left",
    "next": "ph.caret-right",
    "newest": "ph.arrow-down",
    "pdf": "ph.file-pdf",
    "idea": "ph.lightbulb",
    "code": "ph.code",
    "translate": "ph.translate",
    "chat": "ph.chat-circle-text",
}


@lru_cache(maxsize=128)
def _icon(name: str, colour: str, disabled: str) -> QIcon:
    try:  # (by name: qtawesome has no type information, and ui/common may declare it later)
        qtawesome = importlib.import_module("qtawesome")
    except ImportError:  # a missing icon font leaves the buttons' words (see message_actions.py)
        return QIcon()
    try:
        return qtawesome.icon(NAMES.get(name, name), color=colour, color_disabled=disabled)
    except Exception:  # noqa: BLE001 - an unknown glyph must not break a message
        return QIcon()


def pane_icon(name: str, colour: QColor, disabled: QColor | None = None) -> QIcon:
    """The icon for `name` (a key of NAMES) drawn in `colour`; a null QIcon if it cannot be made."""
    return _icon(name, colour.name(), (disabled or colour).name())
