"""The composer at the bottom: a multi-line editor, Send and Stop.

Enter sends and Shift+Enter starts a new line (the convention of every chat app). While an
input method is composing (Chinese, Japanese…), Enter belongs to the input method: Qt delivers
it as an input-method event, not a key press, so it never sends a half-typed word.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget

MAX_VISIBLE_LINES = 10


class Composer(QPlainTextEdit):
    """The message editor; grows with its text up to MAX_VISIBLE_LINES."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().contentsChanged.connect(self._fit_height)
        self._fit_height()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if modifiers == Qt.KeyboardModifier.NoModifier:
                self.submitted.emit()
                return
            if modifiers & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                return
        super().keyPressEvent(event)

    def text(self) -> str:
        return self.toPlainText()

    def _line_height(self) -> int:
        return QFontMetrics(self.font()).lineSpacing()

    def _fit_height(self) -> None:
        lines = max(1, min(MAX_VISIBLE_LINES, int(self.document().size().height())))
        margins = self.contentsMargins()
        frame = int(self.document().documentMargin() * 2) + margins.top() + margins.bottom()
        self.setFixedHeight(max(2, lines) * self._line_height() + frame + 4)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.height())


class ComposerBar(QWidget):
    """Composer plus Send and Stop. Stop replaces Send while the shown conversation answers."""

    sendRequested = Signal()
    stopRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerBar")
        self.composer = Composer(self)
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.stop_button = QPushButton(self)
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setAutoDefault(False)
        self.stop_button.hide()

        buttons = QVBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.addWidget(self.composer, 1)
        layout.addLayout(buttons)

        self.composer.submitted.connect(self.sendRequested)
        self.send_button.clicked.connect(self.sendRequested)
        self.stop_button.clicked.connect(self.stopRequested)
        self.composer.textChanged.connect(self._update_send)
        self._streaming = False
        self.retranslate()
        self._update_send()

    def set_streaming(self, streaming: bool) -> None:
        self._streaming = streaming
        self.stop_button.setVisible(streaming)
        self.send_button.setVisible(not streaming)
        self._update_send()

    @property
    def streaming(self) -> bool:
        return self._streaming

    def _update_send(self) -> None:
        self.send_button.setEnabled(bool(self.composer.toPlainText().strip()) and not self._streaming)

    def retranslate(self) -> None:
        self.composer.setPlaceholderText(self.tr("Ask anything… (Enter to send, Shift+Enter for a new line)"))
        self.composer.setAccessibleName(self.tr("Message"))
        self.send_button.setText(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.send_button.setToolTip(self.tr("Send (Enter)"))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop answering"))
        self.stop_button.setToolTip(self.tr("Stop the answer; what arrived so far is kept (Esc)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def take_text(self) -> str:
        text = self.composer.toPlainText()
        self.composer.clear()
        return text

    def restore_text(self, text: str) -> None:
        """Put back a message that could not be sent, unless the user already typed another."""
        if not self.composer.toPlainText().strip():
            self.composer.setPlainText(text)
            cursor = self.composer.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            self.composer.setTextCursor(cursor)
