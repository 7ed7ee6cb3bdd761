"""Settings' sections as a list on the left and the chosen page beside it — the layout of the
system settings people know, and of the chat clients they compare us with — instead of tabs that
run out of room at 800 px once there are more than four. Other rooms add their page here
(`SettingsDialog.add_page`): the local server, tools, knowledge bases."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QWidget

__all__ = ["SettingsPages"]


class SettingsPages(QWidget):
    currentChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPages")
        self.nav = QListWidget(self)
        self.nav.setObjectName("settingsNav")
        self.nav.setFixedWidth(170)
        self.nav.setUniformItemSizes(True)
        self.nav.setFrameShape(QFrame.Shape.NoFrame)  # a list of places, not a box of data
        self.nav.setSpacing(2)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("settingsStack")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.nav.currentRowChanged.connect(self._row_changed)

    def add_page(self, page: QWidget, title: str = "") -> int:
        index = self.stack.addWidget(page)
        self.nav.addItem(QListWidgetItem(title))
        if index == 0:
            self.nav.setCurrentRow(0)
        return index

    def set_title(self, index: int, title: str) -> None:
        item = self.nav.item(index)
        if item is not None:
            item.setText(title)
            item.setToolTip(title)

    def title(self, index: int) -> str:
        item = self.nav.item(index)
        return item.text() if item is not None else ""

    def count(self) -> int:
        return self.stack.count()

    def widget(self, index: int) -> QWidget | None:
        return self.stack.widget(index)

    def currentWidget(self) -> QWidget | None:  # noqa: N802
        return self.stack.currentWidget()

    def currentIndex(self) -> int:  # noqa: N802 - the name QTabWidget and QStackedWidget use
        return self.stack.currentIndex()

    def setCurrentIndex(self, index: int) -> None:  # noqa: N802
        self.nav.setCurrentRow(index)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < self.stack.count():
            self.stack.setCurrentIndex(row)
            self.currentChanged.emit(row)
