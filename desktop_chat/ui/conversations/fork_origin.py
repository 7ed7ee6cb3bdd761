"""The line under the top bar of a forked conversation: "Forked from “title”", a link to the original.

A fork ("Continue in a new conversation" on a message) remembers where it came from
(chat/conversations.py ForkOrigin); this says so and opens the original when clicked. When the
original has been deleted, it says that instead, without a link.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from desktop_chat.chat.conversations import ForkOrigin
from desktop_chat.ui.common.html_text import escape_html

__all__ = ["ForkOriginLink"]


class ForkOriginLink(QLabel):
    """Hidden unless the conversation shown is a fork; emits ``originRequested(conversation_id)``."""

    originRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("forkOrigin")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.setContentsMargins(12, 2, 12, 2)
        self.linkActivated.connect(self.originRequested)
        self._origin: ForkOrigin | None = None
        self.hide()

    @property
    def origin(self) -> ForkOrigin | None:
        return self._origin

    def show_origin(self, origin: ForkOrigin | None) -> None:
        self._origin = origin
        self._update()

    def _update(self) -> None:
        origin = self._origin
        if origin is None:
            self.clear()
            self.hide()
            return
        if origin.title is None:
            self.setText(escape_html(self.tr("Forked from a conversation that has been deleted")))
            self.setAccessibleName(self.tr("Forked from a conversation that has been deleted"))
            self.setToolTip("")
        else:
            link = f'<a href="{escape_html(origin.conversation_id)}">“{escape_html(origin.title)}”</a>'
            self.setText(escape_html(self.tr("Forked from {title}")).replace("{title}", link))
            self.setAccessibleName(self.tr("Forked from “{title}”").format(title=origin.title))
            self.setToolTip(self.tr("Open the conversation this one was forked from"))
        self.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._update()
        super().changeEvent(event)
