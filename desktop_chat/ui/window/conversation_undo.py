"""Deleting a conversation, with a way back: an Undo button in the status bar for a few seconds.

The conversation service hands back what it deleted (chat/conversations.py DeletedConversation);
keeping it here until the button goes is what makes Undo restore it whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QPushButton

from desktop_chat.chat.conversations import DeletedConversation

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["ConversationDeleter", "UNDO_SECONDS"]

UNDO_SECONDS = 10


class ConversationDeleter(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._w = window
        self._undo: DeletedConversation | None = None
        self.button = QPushButton(window)
        self.button.setObjectName("undoDeleteButton")
        self.button.setFlat(True)
        self.button.hide()
        self.button.clicked.connect(self.undo)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._forget)

    def delete(self, conversation_id: str) -> None:
        self._w.runner.start(self._delete(conversation_id), name="delete-conversation")

    async def _delete(self, conversation_id: str) -> None:
        w = self._w
        if w.is_streaming(conversation_id):
            await w.controller.stop_and_wait(conversation_id)
        row = w.panel.model.row_of(conversation_id)
        deleted = w.conversations.delete(conversation_id)
        if deleted is None:
            return
        w.panel.model.remove(conversation_id)
        if conversation_id == w.current_conversation_id:
            neighbour = w.panel.model.conversation_at(max(0, min(row, w.panel.model.rowCount() - 1)))
            if neighbour is not None:
                w.open_conversation(neighbour.id)
            else:
                w.new_conversation()
        self._undo = deleted
        w.statusBar().showMessage(self.tr("Deleted “{title}”.").format(title=deleted.title), UNDO_SECONDS * 1000)
        self.button.show()
        self._timer.start(UNDO_SECONDS * 1000)

    def undo(self) -> None:
        deleted, self._undo = self._undo, None
        self._forget()
        if deleted is None:
            return
        w = self._w
        restored = w.conversations.restore(deleted)
        w.panel.reload()
        w.open_conversation(restored.id)
        w.statusBar().showMessage(self.tr("Restored “{title}”.").format(title=restored.title), 5000)

    def _forget(self) -> None:
        self._undo = None
        self.button.hide()

    def retranslate(self) -> None:
        self.button.setText(self.tr("Undo"))
        self.button.setAccessibleName(self.tr("Undo deleting the conversation"))
