"""The round "scroll to the newest message" button floating over the bottom of the conversation.

MessageView shows it while the user has scrolled up from the bottom (most useful while an answer
streams in below), and hides it once they are back at the bottom.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QToolButton, QWidget

from desktop_chat.ui.messages.cards import card_colors
from desktop_chat.ui.messages.pane_icons import pane_icon

__all__ = ["NewestButton"]

SIZE_PX = 36
MARGIN_PX = 18  # above the bottom of the conversation


class NewestButton(QToolButton):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("scrollToNewestButton")
        self.setFixedSize(SIZE_PX, SIZE_PX)
        self.setIconSize(QSize(18, 18))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setText("↓")  # until the icon is made (it is, when first shown)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Scroll to the newest message"))
        self.setToolTip(self.tr("Scroll to the newest message"))

    def show_icon(self) -> None:
        self.setIcon(pane_icon("newest", "text"))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

    def place(self, area: QWidget) -> None:
        """Centred at the bottom of `area` (the conversation's viewport), in our parent's coordinates."""
        parent = self.parentWidget()
        origin = area.mapTo(parent, area.rect().bottomLeft()) if parent is not None else area.rect().bottomLeft()
        self.move(origin.x() + (area.width() - SIZE_PX) // 2, origin.y() - SIZE_PX - MARGIN_PX)
        self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:
        fill, border = card_colors(self.palette(), "float")
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if border is not None:
            painter.setPen(border)
        if fill is not None:
            painter.setBrush(fill)
        painter.drawEllipse(self.rect().adjusted(1, 1, -1, -1))
        if self.hasFocus():
            painter.setPen(self.palette().color(QPalette.ColorRole.Highlight))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(self.rect().adjusted(0, 0, -1, -1))
        icon = self.icon()
        if not icon.isNull():
            size = self.iconSize()
            icon.paint(painter, (SIZE_PX - size.width()) // 2, (SIZE_PX - size.height()) // 2,
                       size.width(), size.height())
        else:
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text())
        painter.end()
