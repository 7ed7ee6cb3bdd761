"""Where the composer sits: under the greeting, in the middle of the window, while the conversation
on screen has no messages (as ChatGPT and Claude place it), and at the bottom once it has.

The chat column is top bar, messages, composer; a stretch after the composer, given room only
while the view shows its greeting (MessageView.emptyChanged), lifts the composer to the middle.
The welcome (nothing set up yet) takes the view's place and keeps the composer at the bottom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QVBoxLayout

if TYPE_CHECKING:
    from desktop_chat.ui.messages.message_view import MessageView

__all__ = ["ComposerPlace"]

VIEW_SHARE, BELOW_SHARE = 3, 2  # the free height above and below the composer while centred


class ComposerPlace(QObject):
    def __init__(self, column: QVBoxLayout, view: MessageView) -> None:
        super().__init__(view)
        self._column = column
        self._view = view
        self._empty = False
        column.addStretch(0)  # after the composer: the room below it while centred
        below = column.itemAt(column.count() - 1)
        assert below is not None
        self._below = below
        view.emptyChanged.connect(self._empty_changed)
        view.installEventFilter(self)  # the welcome hides the view while it shows

    @property
    def centred(self) -> bool:
        return self._column.stretch(self._column.indexOf(self._below)) > 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self._place()
        return False

    def _empty_changed(self, empty: bool) -> None:
        self._empty = empty
        self._place()

    def _place(self) -> None:
        centred = self._empty and not self._view.isHidden()
        self._column.setStretch(self._column.indexOf(self._view), VIEW_SHARE if centred else 1)
        self._column.setStretch(self._column.indexOf(self._below), BELOW_SHARE if centred else 0)
