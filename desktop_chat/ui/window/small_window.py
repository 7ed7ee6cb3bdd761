"""The window at small sizes: a minimum that keeps it usable, and a conversation list that can be hidden.

The minimum size comes from the layout (what the widgets need, so nothing ever overlaps) plus a
floor for the parts that would otherwise shrink to nothing: the messages keep a few lines, the
conversation list a readable width. With the list shown that is about 700 px wide; 800×600 fits
with room for the top bar's controls, whose title elides first (top_bar.py).

The list is hidden and shown with the top bar's sidebar button or Ctrl+B (⌘B on macOS), as in
ChatGPT's and VS Code's windows; while it is hidden, a "new conversation" button sits next to it, as
the list's own New button is gone, and Ctrl+K brings the list back to search. Whether it is shown
is kept in the window state (`ui_state["sidebar_visible"]`, saved with the geometry).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from desktop_chat.ui.common import icons

__all__ = ["LIST_MIN_WIDTH", "MESSAGES_MIN_HEIGHT", "SidebarToggle"]

LIST_MIN_WIDTH = 180  # px: titles stay readable; narrower, hide the list instead
MESSAGES_MIN_HEIGHT = 260  # px: a few lines of an answer above the composer
STATE_KEY = "sidebar_visible"
SHORTCUT = "Ctrl+B"


class SidebarToggle(QObject):
    """The show/hide action for the conversation list, its top-bar buttons and its saved state."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.panel: QWidget = window.panel
        self.panel.setMinimumWidth(LIST_MIN_WIDTH)
        window.view.setMinimumHeight(MESSAGES_MIN_HEIGHT)

        self.action = QAction(window)
        self.action.setObjectName("toggleSidebarAction")
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.toggled.connect(self.set_visible)
        window.addAction(self.action)  # the shortcut works wherever focus is in the window

        top_bar = window.top_bar
        self.button = QToolButton(top_bar)
        self.button.setObjectName("sidebarToggleButton")
        self.button.setAutoRaise(True)
        self.button.setProperty("iconButton", True)
        self.button.clicked.connect(self.toggle)
        self.new_button = QToolButton(top_bar)
        self.new_button.setObjectName("topNewConversationButton")
        self.new_button.setAutoRaise(True)
        self.new_button.setProperty("iconButton", True)
        self.new_button.clicked.connect(window.new_conversation)
        row = top_bar.layout()
        row.insertWidget(0, self.button)
        row.insertWidget(1, self.new_button)
        self._paint_icons()
        self.retranslate()
        top_bar.installEventFilter(self)  # language and palette changes reach the top bar

        state = window.settings.ui_state or {}
        self.set_visible(state.get(STATE_KEY) is not False)

    # -- showing and hiding --------------------------------------------------------------------

    def is_visible(self) -> bool:
        return not self.panel.isHidden()

    def toggle(self) -> None:
        self.set_visible(not self.is_visible())

    def set_visible(self, visible: bool) -> None:
        focused = QApplication.focusWidget()
        had_focus = focused is not None and self.panel.isAncestorOf(focused)
        self.panel.setVisible(visible)
        self.new_button.setVisible(not visible)
        if self.action.isChecked() != visible:
            self.action.setChecked(visible)  # re-enters with the same value: a no-op
        self._remember(visible)
        self.retranslate()
        if had_focus and not visible:
            self.window.composer.setFocus()  # focus must not stay in a hidden widget

    def focus_search(self) -> None:
        """Ctrl+K: search the conversations, bringing the list back if it is hidden."""
        if not self.is_visible():
            self.set_visible(True)
        self.window.panel.focus_search()

    def _remember(self, visible: bool) -> None:
        settings = self.window.settings
        settings.ui_state = {**(settings.ui_state or {}), STATE_KEY: visible}

    # -- words and pictures --------------------------------------------------------------------

    def retranslate(self) -> None:
        keys = QKeySequence(SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
        if self.is_visible():
            tip = self.tr("Hide the conversation list ({keys})").format(keys=keys)
        else:
            tip = self.tr("Show the conversation list ({keys})").format(keys=keys)
        self.action.setText(self.tr("Conversation list"))
        self.button.setToolTip(tip)
        self.button.setAccessibleName(self.tr("Conversation list"))
        self.button.setAccessibleDescription(tip)
        self.new_button.setToolTip(self.tr("New conversation ({keys})").format(
            keys=QKeySequence("Ctrl+N").toString(QKeySequence.SequenceFormat.NativeText)))
        self.new_button.setAccessibleName(self.tr("New conversation"))

    def _paint_icons(self) -> None:
        # The one icon family's glyphs; they take the theme's colours as they paint.
        self.button.setIcon(icons.icon("sidebar"))
        self.new_button.setIcon(icons.icon("new-chat"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

