"""What a user does in the window, and what they then see, for the window tests: one copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from desktop_chat.domain.messages import Message, MessageStatus
from desktop_chat.ui.window.main_window import MainWindow


def type_and_send(qtbot, window: MainWindow, text: str) -> None:  # noqa: ANN001
    window.composer.setFocus()
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)


def answers(window: MainWindow) -> list[Message]:
    cid = window.current_conversation_id
    return [m for m in window.store.list_messages(cid) if m.role == "assistant"] if cid else []


def last_answer(window: MainWindow) -> Message | None:
    found = answers(window)
    return found[-1] if found else None


def wait_answer(qtbot, window: MainWindow, status: MessageStatus | None = MessageStatus.COMPLETE,  # noqa: ANN001
                timeout: int = 10_000) -> Message:
    """The last answer once its turn is over and it has `status` (None: any status but streaming)."""

    def over() -> bool:
        answer = last_answer(window)
        if answer is None or window.controller.is_streaming(window.current_conversation_id):
            return False
        return answer.status is not MessageStatus.STREAMING if status is None else answer.status == status

    qtbot.waitUntil(over, timeout=timeout)
    answer = last_answer(window)
    assert answer is not None
    return answer


def pick_provider(window: MainWindow, endpoint_id: str) -> None:
    """As the user does: choose it in the provider list."""
    picker = window.top_bar.provider_picker
    index = picker.findData(endpoint_id)
    picker.setCurrentIndex(index)
    picker.activated.emit(index)


def listed(window: MainWindow) -> list[str]:
    """The model picker's entries."""
    picker = window.top_bar.model_picker
    return [picker.itemText(i) for i in range(picker.count())]


def drop(window: MainWindow, *paths: Path) -> bool:
    """Drop files on the window the way Qt delivers a drag from a file manager; True if taken."""
    mime = QMimeData()  # must outlive the events, which only point at it
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    # Qt delivers a drop only to the widget that accepted the drag's entry, as in a real drag.
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter.setAccepted(False)
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(QPointF(window.rect().center()), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    event.setAccepted(False)
    QApplication.sendEvent(window, event)
    return event.isAccepted()
