"""Editing a question in place: the text in an editor, Cancel (Esc) and Resend (Ctrl+Enter).

Built the first time a question is edited (message_widget.py). Its words keep the message
widget's translation context, where they have always been.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

__all__ = ["InlineEditor"]



class InlineEditor(QWidget):
    """`resendRequested(text)` with a non-empty text; `cancelled` when the user gives up."""

    resendRequested = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editorBox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("messageEditor")
        self.editor.setMinimumHeight(90)
        self.editor.textChanged.connect(self._update_resend_enabled)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("cancelEditButton")
        self.cancel_button.clicked.connect(self.cancelled)
        self.resend_button = QPushButton(self)
        self.resend_button.setObjectName("resendButton")
        self.resend_button.setDefault(True)
        self.resend_button.clicked.connect(self._resend)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.resend_button)
        layout.addWidget(self.editor)
        layout.addLayout(buttons)
        resend = QShortcut(QKeySequence("Ctrl+Return"), self.editor)
        resend.setContext(Qt.ShortcutContext.WidgetShortcut)
        resend.activated.connect(self._resend)
        cancel = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.editor)
        cancel.setContext(Qt.ShortcutContext.WidgetShortcut)
        cancel.activated.connect(self.cancelled)
        self.retranslate()

    def start(self, text: str) -> None:
        self.editor.setPlainText(text)
        self.show()
        self.editor.setFocus()
        self.editor.moveCursor(QTextCursor.MoveOperation.End)

    def retranslate(self) -> None:
        self.editor.setAccessibleName(QCoreApplication.translate("MessageWidget", "Edit message"))
        self.resend_button.setText(QCoreApplication.translate("MessageWidget", "Resend"))
        self.resend_button.setAccessibleName(QCoreApplication.translate("MessageWidget", "Resend edited message"))
        self.resend_button.setToolTip(QCoreApplication.translate("MessageWidget", "Resend edited message (Ctrl+Enter)"))
        self.cancel_button.setText(QCoreApplication.translate("MessageWidget", "Cancel"))
        self.cancel_button.setAccessibleName(QCoreApplication.translate("MessageWidget", "Cancel editing"))
        self.cancel_button.setToolTip(QCoreApplication.translate("MessageWidget", "Cancel editing (Esc)"))

    def _update_resend_enabled(self) -> None:
        self.resend_button.setEnabled(bool(self.editor.toPlainText().strip()))

    def _resend(self) -> None:
        text = self.editor.toPlainText()
        if text.strip() and self.isVisible():
            self.resendRequested.emit(text)
