"""Keyboard shortcuts, read from the window's own QShortcut objects: never a second list to forget.

Where a shortcut is bound, it is given a "description" property: its English words, marked with
QT_TRANSLATE_NOOP with the binding class as context (e.g. "MainWindow"), and
this dialog translates them in that context when it is shown, in the language of the moment.
Shortcuts without a description (an inline editor's Ctrl+Enter) are not the window's to list.
QActions with a window-wide shortcut (the sidebar toggle's Ctrl+B) are listed by their own text.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut

from desktop_chat.ui.common.shortcut_words import CONTEXT, DESCRIPTION
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["DESCRIPTION", "CONTEXT", "ShortcutsDialog", "describe", "listed_shortcuts"]

def listed_shortcuts(window: QWidget) -> list[tuple[str, list[str]]]:
    """(what it does, its keys as the platform writes them) for each described shortcut of
    *window*, in the order they were bound; several keys for one action share a row."""
    rows: dict[str, list[str]] = {}
    for shortcut in window.findChildren(QShortcut):
        words = shortcut.property(DESCRIPTION)
        if not words:
            continue
        text = QCoreApplication.translate(str(shortcut.property(CONTEXT) or ""), str(words))
        keys = rows.setdefault(text, [])
        for sequence in shortcut.keys():
            key = sequence.toString(QKeySequence.SequenceFormat.NativeText)
            if key and key not in keys:
                keys.append(key)
    taken = {key for keys in rows.values() for key in keys}
    # Actions bound to the window (the sidebar's Ctrl+B…) carry their own, translated, text. One
    # whose shortcut only works inside its widget (a menu entry showing the window's Ctrl+,) is not one.
    for action in window.findChildren(QAction):
        if action.shortcutContext() == Qt.ShortcutContext.WidgetShortcut or not action.text():
            continue
        keys = [sequence.toString(QKeySequence.SequenceFormat.NativeText) for sequence in action.shortcuts()]
        keys = [key for key in keys if key and key not in taken]
        if keys:
            rows.setdefault(action.text().replace("&&", "\0").replace("&", "").replace("\0", "&"), []).extend(keys)
            taken.update(keys)
    return [(text, keys) for text, keys in rows.items() if keys]


class ShortcutsDialog(QDialog):
    def __init__(self, window: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("shortcutsDialog")
        self._window = window
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("shortcutsCloseButton")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(460, 420)  # every row without a scroll bar at the usual count (≈ 11)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.close_button.setText(self.tr("Close"))
        rows = listed_shortcuts(self._window)
        self.table.setRowCount(len(rows))
        for row, (text, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(text))
            keys_item = QTableWidgetItem(self.tr(" or ").join(keys))
            keys_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, keys_item)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
