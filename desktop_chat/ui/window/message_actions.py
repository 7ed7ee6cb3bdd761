"""What a message's own buttons do: regenerate, continue, edit and resend, switch version, delete,
fork; and "copy the last answer". Each refuses, in words, while the conversation answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication

from desktop_chat.store import StoreError

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["MessageActions"]


class MessageActions(QObject):
    def __init__(self, window: MainWindow, page_size: int) -> None:
        super().__init__(window)
        self._w = window
        self._page_size = page_size

    def _busy(self) -> bool:
        if self._w.controller.is_streaming(self._w.current_conversation_id):
            self._w.statusBar().showMessage(self.tr("Wait for the answer to finish, or stop it first (Esc)."), 5000)
            return True
        return self._w.current_conversation_id is None

    def regenerate(self, _answer_id: str) -> None:
        if self._busy():
            return
        assert self._w.current_conversation_id is not None
        self._w.controller.regenerate(self._w.current_conversation_id, endpoint_id=self._w.choice.endpoint_id,
                                   model=self._w.choice.model or None)
        self.back_to_composer()

    def continue_answer(self, answer_id: str) -> None:
        if self._busy():
            return
        assert self._w.current_conversation_id is not None
        answer = self._w.conversations.get_message(answer_id)
        if answer is None or answer.conversation_id != self._w.current_conversation_id:
            return
        self._w.controller.continue_answer(self._w.current_conversation_id, answer)
        self.back_to_composer()

    def edit_resend(self, message_id: str, text: str) -> None:
        if self._busy() or not text.strip():
            return
        assert self._w.current_conversation_id is not None
        self._w.controller.edit_and_resend(self._w.current_conversation_id, message_id, text)
        self.back_to_composer()

    def switch_version(self, message_id: str) -> None:
        """Show another version of a message: its branch becomes the conversation's current one."""
        if self._busy():
            return
        assert self._w.current_conversation_id is not None
        self._w.conversations.switch_version(message_id)
        self._w.open_conversation(self._w.current_conversation_id)

    def back_to_composer(self) -> None:
        """After an action from a message's own buttons: those buttons (Retry, Continue, the inline
        editor) go away with the old answer, and Qt would hand focus to whatever comes next in the
        tab chain (the search box). The composer is where the user goes on."""
        self._w.composer.setFocus()

    def delete_message(self, message_id: str) -> None:
        """Delete asks which (ui/conversations/delete_dialog.py): this version only, or the message in every
        version and everything after it; _delete_chosen does it."""
        live = self._w.controller.live_answer(self._w.current_conversation_id or "")
        if live is not None and live[0] == message_id:
            self._w.statusBar().showMessage(self.tr("Stop the answer before deleting it (Esc)."), 5000)
            return
        if self._busy():  # the answer being written hangs under what would be deleted
            return
        versions = self._w.conversations.version_count(message_id)
        if versions == 0:
            return
        from desktop_chat.ui.conversations.delete_dialog import DeleteMessageDialog

        dialog = DeleteMessageDialog(message_id, versions, self._w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self._delete_chosen)
        dialog.open()

    def _delete_chosen(self, message_id: str, scope: str) -> None:
        if self._w.current_conversation_id is None or self._w.controller.is_streaming(self._w.current_conversation_id):
            return  # an answer started while the dialog was open: nothing is deleted under it
        message = self._w.conversations.get_message(message_id)
        if message is None or message.conversation_id != self._w.current_conversation_id:
            return
        if self._w.conversations.delete_message(message_id, "after" if scope == "after" else "version"):
            self._w.open_conversation(self._w.current_conversation_id)  # the branch may now run through another version
            self._w.panel.model.refresh(self._w.current_conversation_id)

    def fork(self, message_id: str) -> None:
        """"Continue in a new conversation": a copy of the branch up to the message, opened."""
        live = self._w.controller.live_answer(self._w.current_conversation_id or "")
        if live is not None and live[0] == message_id:
            self._w.statusBar().showMessage(self.tr("Wait for the answer to finish, or stop it first (Esc)."), 5000)
            return
        try:
            conversation = self._w.conversations.fork(message_id)
        except KeyError:  # deleted meanwhile
            return
        except StoreError as exc:
            self._w.presenter.show_problem(self._w.current_conversation_id, self._w.controller.store_failure(exc))
            return
        if self._w.panel.model.searching:  # a list of search results would not show the fork
            self._w.panel.search.clear()
            self._w.panel.reload()
        else:
            self._w.panel.model.refresh(conversation.id, to_top=True)
        self._w.open_conversation(conversation.id)
        self._w.statusBar().showMessage(
            self.tr("Continued in a new conversation: “{title}”.").format(title=conversation.title), 5000)
        self.back_to_composer()

    def copy_last_answer(self) -> None:
        if self._w.current_conversation_id is None:
            return
        live = self._w.controller.live_answer(self._w.current_conversation_id)
        text = live[1] if live is not None else None
        if text is None:
            for message in reversed(self._w.conversations.first_page(self._w.current_conversation_id, self._page_size).messages):
                if message.role == "assistant" and message.text:
                    text = message.text
                    break
        if text:
            QGuiApplication.clipboard().setText(text)
            self._w.statusBar().showMessage(self.tr("Copied the last answer."), 3000)
