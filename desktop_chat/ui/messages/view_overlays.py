"""What a MessageView shows instead of, or over, its messages: the greeting of a conversation
without messages (empty_state.py) and the floating "scroll to the newest" button
(newest_button.py).

Why apart from MessageView: both are built only when first needed (not before the window's first
frame) and come and go on rules of their own; the view only says when to look again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from desktop_chat.ui.messages.empty_state import EmptyState
    from desktop_chat.ui.messages.message_scroll import MessageScroll
    from desktop_chat.ui.messages.newest_button import NewestButton

__all__ = ["ViewOverlays"]


class ViewOverlays:
    """The greeting (empty) and the floating button (newest) of one MessageView, None until built."""

    def __init__(self, view: QWidget, outer: QVBoxLayout, scrolling: MessageScroll,
                 starter_chosen: SignalInstance, attach_requested: SignalInstance,
                 empty_changed: SignalInstance) -> None:
        self._view = view
        self._empty_changed = empty_changed
        self._was_empty: bool | None = None
        self._outer = outer
        self._scrolling = scrolling
        self._starter_chosen = starter_chosen
        self._attach_requested = attach_requested
        self.empty: EmptyState | None = None  # built when a conversation without messages shows
        self.newest: NewestButton | None = None  # built when the user first scrolls up

    def update_empty(self, empty: bool) -> None:
        """Show the greeting if the conversation has no messages, else drop it."""
        if empty and self.empty is None:
            if not self._view.isVisible():
                return  # built when shown (showEvent): not before the window's first frame
            from desktop_chat.ui.messages.empty_state import EmptyState

            self.empty = EmptyState(self._view)
            self.empty.starterChosen.connect(self._starter_chosen)
            self.empty.attachRequested.connect(self._attach_requested)
            self._outer.addWidget(self.empty)
        if self.empty is not None:
            if empty:
                self.empty.show()
            else:  # gone, not hidden: a conversation's widgets are all there is to read
                self._outer.removeWidget(self.empty)
                self.empty.hide()
                self.empty.deleteLater()
                self.empty = None
        self._scrolling.area.setVisible(not empty)
        if empty:
            self.update_newest()
        if empty != self._was_empty:
            self._was_empty = empty
            self._empty_changed.emit(empty)

    def update_newest(self) -> None:
        """Show the floating button while the user is scrolled up from the bottom."""
        wanted = self._scrolling.far_from_bottom()
        if wanted and self.newest is None:
            from desktop_chat.ui.messages.newest_button import NewestButton

            self.newest = NewestButton(self._view)
            self.newest.clicked.connect(self._view.scroll_to_newest)  # type: ignore[attr-defined]
        if self.newest is None:
            return
        if wanted and self.newest.isHidden():
            self.newest.show_icon()
            self.newest.place(self._scrolling.area)
            self.newest.show()
        elif not wanted and not self.newest.isHidden():
            self.newest.hide()

    def place(self) -> None:
        """The view was resized: the floating button stays at the bottom of the conversation."""
        if self.newest is not None:
            self.newest.place(self._scrolling.area)

    def retranslate(self) -> None:
        if self.newest is not None:
            self.newest.retranslate()
