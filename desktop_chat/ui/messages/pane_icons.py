"""The message pane's icons by the pane's own names, from the window's one icon family
(ui/common/icons.py: Phosphor, painted from its font in the theme's colours, nothing imported)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from desktop_chat.ui.common.icons import icon

__all__ = ["NAMES", "pane_icon"]

# The pane's names -> ui/common's meanings.
NAMES = {
    "copy": "copy",
    "copied": "check",
    "edit": "edit",
    "regenerate": "regenerate",
    "fork": "fork",
    "delete": "delete",
    "previous": "previous",
    "next": "next",
    "newest": "down",
    "pdf": "file-pdf",
    "idea": "idea",
    "code": "code",
    "translate": "translate",
    "chat": "chats",
}


def pane_icon(name: str, role: str = "muted") -> QIcon:
    """The icon for `name` (a key of NAMES) in the theme's `role` colour (ui/common/icons.ROLES)."""
    return icon(NAMES[name], role)
