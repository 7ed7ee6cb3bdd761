"""Status and message labels shared by the window, its strips and its dialogs.

- `plain_label`: text that comes from elsewhere (a server, Ollama, a file path) shown as it is:
  plain text, never rich text; wrapped; selectable, so it can be copied into a report.
- `set_tone`: a status line's colour, "error", "ok", "muted" or "" (plain), readable on the light
  and the dark theme; the tone is also kept as the label's "tone" property, so that a theme
  change can colour it again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop_chat.ui.common import theme

__all__ = ["plain_label", "set_tone"]


def plain_label(name: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def set_tone(label: QLabel, tone: str) -> None:
    dark = theme.is_dark()
    colour = {"error": "#ff8a80" if dark else "#b3261e", "ok": "#7bd88f" if dark else "#1e7b34",
              "muted": "#a0a0a0" if dark else "#6b6b6b"}.get(tone)
    label.setProperty("tone", tone)
    label.setStyleSheet(f"color: {colour};" if colour else "")
