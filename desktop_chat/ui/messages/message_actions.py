"""The row of icon buttons under a message (copy, edit, regenerate, fork, delete).

The buttons are laid out all the time, so the text does not jump, but drawn only while the message
is hovered or one of them has keyboard focus (Tab reaches them; they then show, with their
tooltips and accessible names as always). Their icons (ui/common/icons.py, through pane_icons.py)
are set the first time they are shown; until then a button shows its word.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from desktop_chat.ui.messages.pane_icons import pane_icon

__all__ = ["ActionBar", "ActionButton"]

BUTTON_PX = 28
ICON_PX = 17
COPIED_MS = 1500


class ActionButton(QToolButton):
    """An icon button of an ActionBar: drawn only while the bar is revealed."""

    def __init__(self, bar: ActionBar, name: str, icon: str) -> None:
        super().__init__(bar)
        self._bar = bar
        self.base_icon = self.icon_name = icon
        self.setObjectName(name)
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)  # until its icon is made
        self.setIconSize(QSize(ICON_PX, ICON_PX))
        self.setFixedSize(BUTTON_PX, BUTTON_PX)  # the same before and after its icon: nothing moves

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._bar.revealed or self.hasFocus():
            super().paintEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._bar.focus_changed()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._bar.focus_changed()

    def show_icon(self) -> None:
        self.setIcon(pane_icon(self.icon_name, "muted"))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)


class ActionBar(QWidget):
    """Icon buttons in a row; `revealed` while the message is hovered or a button has focus."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageActions")
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(0)
        self.buttons: list[ActionButton] = []
        self._hovered = False
        self._pinned = False
        self._icons_made = False

    def add(self, name: str, icon: str) -> ActionButton:
        button = ActionButton(self, name, icon)
        self.buttons.append(button)
        self.layout_.addWidget(button)
        return button

    @property
    def revealed(self) -> bool:
        return self._hovered or self._pinned or any(b.hasFocus() for b in self.buttons)

    def set_hovered(self, hovered: bool) -> None:
        if hovered != self._hovered:
            self._hovered = hovered
            self._changed()

    def set_pinned(self, pinned: bool) -> None:
        """Always drawn (e.g. the newest answer), whether hovered or not."""
        if pinned != self._pinned:
            self._pinned = pinned
            self._changed()

    def focus_changed(self) -> None:
        self._changed()

    def _changed(self) -> None:
        if self.revealed and not self._icons_made:
            self.make_icons()
        for button in self.buttons:
            button.update()

    def make_icons(self) -> None:
        self._icons_made = True
        for button in self.buttons:
            button.show_icon()

    def flash(self, button: ActionButton, icon: str, tip: str, restore_tip: str) -> None:
        """Show `icon` and `tip` on `button` for a moment ("Copied ✓"), then its own again."""
        if not self._icons_made:
            self.make_icons()
        button.icon_name = icon
        button.show_icon()
        button.setToolTip(tip)
        button.setAccessibleDescription(tip)

        def restore() -> None:
            button.icon_name = button.base_icon
            button.show_icon()
            button.setToolTip(restore_tip)
            button.setAccessibleDescription("")

        QTimer.singleShot(COPIED_MS, button, restore)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._icons_made:
            for button in self.buttons:
                button.show_icon()  # the icons are drawn in the palette's muted text colour
