"""The composer at the bottom: a multi-line editor, Send and Stop.

Enter sends and Shift+Enter starts a new line (the convention of every chat app). While an
input method is composing (Chinese, Japanese…), Enter belongs to the input method: Qt delivers
it as an input-method event, not a key press, so it never sends a half-typed word.

Files dropped on or pasted into the editor become attachments, not text: the editor hands them
on (filesInserted, bytesPasted). So does a paste of more than LARGE_PASTE_CHARS characters
(largeTextPasted): laying out megabytes of text in the editor would freeze the window, and it
reads better as a document anyway. The attachment chips sit above the editor (attachment_chips.py);
while any of them is still being read, Send waits (the text stays in the editor).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.composer.file_routing import local_files

MAX_VISIBLE_LINES = 10
LARGE_PASTE_CHARS = 100_000  # a longer paste becomes a text attachment
PDF_MIME = "application/pdf"
IMAGE_MIMES = ("image/png", "image/jpeg", "image/webp", "image/gif")


class Composer(QPlainTextEdit):
    """The message editor; grows with its text up to MAX_VISIBLE_LINES."""

    submitted = Signal()
    filesInserted = Signal(list)  # [Path]: files dropped or pasted
    bytesPasted = Signal(bytes, str)  # a PDF's or an image's bytes from the clipboard, a file name for it
    imagePasted = Signal(object)  # a QImage from the clipboard (a screenshot): no bytes to hand on
    largeTextPasted = Signal(str)  # a paste too long for the editor
    notice = Signal(str)  # a sentence for the status bar

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

    def toPlainText(self) -> str:  # noqa: N802 - Qt's name, so every caller gets the exact text
        """The text exactly as typed or pasted. Qt's own toPlainText() turns no-break spaces into
        plain ones (French « guillemets », "10 km"), which changes what the user wrote."""
        return self.document().toRawText().replace("\u2029", "\n").replace("\u2028", "\n")

    # -- drops and pastes --------------------------------------------------------------------------

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        if local_files(source) or source.hasFormat(PDF_MIME) or source.hasImage():
            return True
        return super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        files = local_files(source)
        if files:
            self.filesInserted.emit(files)
            return
        if source.hasFormat(PDF_MIME):
            self.bytesPasted.emit(bytes(source.data(PDF_MIME).data()), "pasted.pdf")
            return
        if source.hasText():
            text = source.text()
            if len(text) > LARGE_PASTE_CHARS:
                self.largeTextPasted.emit(text)
                return
        elif source.hasImage() or _image_format(source):
            # A screenshot, or an image copied from a browser (its encoded bytes when it gave them).
            encoded = _image_format(source)
            if encoded is not None:
                self.bytesPasted.emit(bytes(source.data(encoded).data()), "pasted-image." + encoded.split("/")[1])
            else:
                self.imagePasted.emit(source.imageData())
            return
        super().insertFromMimeData(source)

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


def _image_format(source: QMimeData) -> str | None:
    """The encoded image format a paste carries (a browser's "Copy image" gives one), if any."""
    return next((f for f in IMAGE_MIMES if source.hasFormat(f)), None)


class ComposerBar(QWidget):
    """Attachment chips, Attach, the composer, Send and Stop. Stop replaces Send while the shown
    conversation answers."""

    sendRequested = Signal()
    stopRequested = Signal()
    attachRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerBar")
        self.tray: QWidget | None = None  # the chips, above the editor once the first file arrives (set_tray)
        self._trays: list[QWidget] = []  # the document chips and the image chips
        self.composer = Composer(self)
        self.attach_button = QPushButton(self)
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setAutoDefault(False)
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.stop_button = QPushButton(self)
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setAutoDefault(False)

        # Send and Stop take turns in one slot as large as the larger: swapping them at every
        # turn moves nothing else (a layout pass resized the message view and repainted the
        # whole window between Enter and the request going out).
        self._send_or_stop = QStackedLayout()
        self._send_or_stop.addWidget(self.send_button)
        self._send_or_stop.addWidget(self.stop_button)
        buttons = QVBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addLayout(self._send_or_stop)
        attach = QVBoxLayout()
        attach.setContentsMargins(0, 0, 0, 0)
        attach.addStretch(1)
        attach.addWidget(self.attach_button)
        self.side_tools = attach  # the column left of the editor; ui/knowledge puts its picker above Attach
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(attach)
        row.addWidget(self.composer, 1)
        row.addLayout(buttons)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 4, 8, 8)
        self._layout.setSpacing(0)
        self._layout.addLayout(row)

        self.attach_button.clicked.connect(self.attachRequested)
        self.composer.submitted.connect(self.sendRequested)
        self.send_button.clicked.connect(self.sendRequested)
        self.stop_button.clicked.connect(self.stopRequested)
        self.composer.textChanged.connect(self._update_send)
        self._streaming = False
        self.retranslate()
        self._update_send()

    def set_tray(self, tray: QWidget) -> None:
        """Show the attachment chips (an AttachmentTray) above the editor; Send waits while they are busy."""
        self.tray = self.tray or tray
        self._trays.append(tray)
        self._layout.insertWidget(0, tray)
        tray.changed.connect(self._update_send)  # type: ignore[attr-defined]
        self._update_send()

    def set_streaming(self, streaming: bool) -> None:
        self._streaming = streaming
        self._send_or_stop.setCurrentWidget(self.stop_button if streaming else self.send_button)
        self._update_send()

    @property
    def streaming(self) -> bool:
        return self._streaming

    def attachments_busy(self) -> bool:
        """Some attachment is still being read (or waits for its password)."""
        return any(tray.busy() for tray in self._trays)  # type: ignore[attr-defined]

    def _update_send(self) -> None:
        busy = self.attachments_busy()
        images = any(getattr(tray, "has_ready", lambda: False)() for tray in self._trays)  # an image alone is a message
        self.send_button.setEnabled((images or bool(self.composer.toPlainText().strip())) and not self._streaming
                                    and not busy)
        if busy:
            self.send_button.setToolTip(self.tr("Wait until the attached files are read; your message stays here."))
        else:
            self.send_button.setToolTip(self.tr("Send (Enter)"))

    def retranslate(self) -> None:
        self.composer.setPlaceholderText(self.tr("Ask anything… (Enter to send, Shift+Enter for a new line)"))
        self.composer.setAccessibleName(self.tr("Message"))
        self.send_button.setText(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop answering"))
        self.stop_button.setToolTip(self.tr("Stop the answer; what arrived so far is kept (Esc)"))
        self.attach_button.setText(self.tr("Attach…"))
        self.attach_button.setAccessibleName(self.tr("Attach files"))
        self.attach_button.setToolTip(
            self.tr("Attach PDFs, text files or images (or drop them anywhere on the window)"))
        self._update_send()

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
