"""The composer at the bottom: a rounded box holding the attachment chips, the editor, and a row of
icons (attach on the left, send or stop on the right), the way current chat apps draw it.

Enter sends and Shift+Enter starts a new line (the convention of every chat app). While an
input method is composing (Chinese, Japanese…), Enter belongs to the input method: Qt delivers
it as an input-method event, not a key press, so it never sends a half-typed word.

Files dropped on or pasted into the editor become attachments, not text: the editor hands them
on (filesInserted, bytesPasted). So does a paste of more than LARGE_PASTE_CHARS characters
(largeTextPasted): laying out megabytes of text in the editor would freeze the window, and it
reads better as a document anyway. The attachment chips sit above the editor (attachment_chips.py);
while any of them is still being read, Send waits (the text stays in the editor). While files
are dragged over the window, the box says it will take them (the drop hint).

The box grows with the text from one line to MAX_VISIBLE_LINES, then the editor scrolls. Its
look (border, focus and drop states, the text size) is the style sheet's (ui/common/theme).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QFontMetrics, QKeyEvent, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.common import icons
from desktop_chat.ui.common.theme import current_tokens, round_menu
from desktop_chat.ui.composer.file_routing import local_files

MAX_VISIBLE_LINES = 10
MAX_WIDTH = 860  # the box's widest, centred in a wide window (a line of text stays readable)
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
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.document().contentsChanged.connect(self._fit_height)
        self._fit_height()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()  # the style sheet sets the text size when the box is polished

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Qt's Undo / Cut / Copy / Paste menu, round like the app's others (theme.round_menu)."""
        menu = round_menu(self.createStandardContextMenu(event.pos()))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())

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
        self.setFixedHeight(lines * self._line_height() + frame + 4)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.height())


def _image_format(source: QMimeData) -> str | None:
    """The encoded image format a paste carries (a browser's "Copy image" gives one), if any."""
    return next((f for f in IMAGE_MIMES if source.hasFormat(f)), None)


class ComposerBox(QFrame):
    """The rounded box, painted in the design tokens' colours: its outline turns to the accent
    while the editor has focus, and dashed over a tinted ground while files are dragged over the
    window. (Painted rather than styled by a property: re-polishing a widget for a style sheet
    rule asks for its QStyle from Python, which costs ≈ 10 ms the first time.)"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerBox")
        self.focused = False
        self.dropping = False

    def set_state(self, *, focused: bool | None = None, dropping: bool | None = None) -> None:
        before = (self.focused, self.dropping)
        self.focused = self.focused if focused is None else focused
        self.dropping = self.dropping if dropping is None else dropping
        if (self.focused, self.dropping) != before:
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        tokens = current_tokens()
        c = tokens.colors
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.dropping:
            pen = QPen(QColor(c.accent), 1.6, Qt.PenStyle.DashLine)
            fill = QColor(c.accent_soft)
        else:
            pen = QPen(QColor(c.accent if self.focused else c.border_strong), 1.2 if self.focused else 1.0)
            fill = QColor(c.surface)
        painter.setPen(pen)
        painter.setBrush(fill)
        radius = tokens.radius.l
        painter.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), radius, radius)
        painter.end()


class ComposerBar(QWidget):
    """The composer's box: attachment chips, the editor, Attach, and Send or Stop. Stop replaces
    Send while the shown conversation answers."""

    sendRequested = Signal()
    stopRequested = Signal()
    attachRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerBar")
        self.tray: QWidget | None = None  # the chips, above the editor once the first file arrives (set_tray)
        self._trays: list[QWidget] = []  # the document chips and the image chips
        self.box = ComposerBox(self)
        self.box.setMaximumWidth(MAX_WIDTH)
        self.composer = Composer(self.box)
        self.attach_button = icons.icon_button(self.box, "attach", "attachButton", role="muted")
        self.send_button = icons.icon_button(self.box, "send", "sendButton", accent=True)
        self.stop_button = icons.icon_button(self.box, "stop", "stopButton", accent=True)
        self.drop_hint = QLabel(self.box)
        self.drop_hint.setObjectName("composerDropHint")
        self.drop_hint.hide()

        # Send and Stop take turns in one slot of one size: swapping them at every turn moves
        # nothing else (a layout pass resized the message view and repainted the whole window
        # between Enter and the request going out).
        slot = QWidget(self.box)
        slot.setObjectName("sendStopSlot")
        slot.setFixedSize(self.send_button.size())
        self._send_or_stop = QStackedLayout(slot)
        self._send_or_stop.setContentsMargins(0, 0, 0, 0)
        self._send_or_stop.addWidget(self.send_button)
        self._send_or_stop.addWidget(self.stop_button)
        self.side_tools = QHBoxLayout()  # Attach, and beside it what other rooms add (ui/knowledge's picker)
        self.side_tools.setContentsMargins(0, 0, 0, 0)
        self.side_tools.setSpacing(current_tokens().space.xs)
        self.side_tools.addWidget(self.attach_button)
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.setSpacing(current_tokens().space.s)
        tools.addLayout(self.side_tools)
        tools.addWidget(self.drop_hint)
        tools.addStretch(1)  # attach on the left, send on the right, the hint between them
        tools.addWidget(slot)
        self._box_layout = QVBoxLayout(self.box)
        space = current_tokens().space
        self._box_layout.setContentsMargins(space.m, space.s + 2, space.s + 2, space.s)
        self._box_layout.setSpacing(space.xs)
        self._box_layout.addWidget(self.composer)
        self._box_layout.addLayout(tools)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(space.l, space.xs, space.l, space.m)
        outer.addWidget(self.box)
        self._layout = self._box_layout  # where set_tray puts the chips: inside the box, above the text

        self.attach_button.clicked.connect(self.attachRequested)
        self.composer.submitted.connect(self.sendRequested)
        self.send_button.clicked.connect(self.sendRequested)
        self.stop_button.clicked.connect(self.stopRequested)
        self.composer.textChanged.connect(self._update_send)
        self.composer.installEventFilter(self)  # its focus draws the box's outline in the accent
        self._watched: QWidget | None = None  # the window whose drags show the drop hint
        self._streaming = False
        self.retranslate()
        self._update_send()

    # -- focus outline and the drop hint -----------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        window = self.window()
        if window is not self and window is not self._watched:
            self._watched = window
            window.installEventFilter(self)  # drags over the window (it takes the drop) show the hint

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.composer and kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.box.set_state(focused=kind == QEvent.Type.FocusIn)
        elif kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            mime = event.mimeData()  # type: ignore[attr-defined]
            self.show_drop_hint(bool(local_files(mime)) or mime.hasFormat(PDF_MIME))
        elif kind in (QEvent.Type.DragLeave, QEvent.Type.Drop):
            self.show_drop_hint(False)
        return False

    def show_drop_hint(self, shown: bool) -> None:
        """While files are dragged over the window: say that dropping them attaches them."""
        if self.drop_hint.isVisible() != shown:
            self.drop_hint.setVisible(shown)
        self.box.set_state(dropping=shown)

    def set_tray(self, tray: QWidget) -> None:
        """Show the attachment chips (an AttachmentTray) above the editor; Send waits while they are busy."""
        self.tray = self.tray or tray
        self._trays.append(tray)
        self._layout.insertWidget(0, tray)  # inside the box, above the text
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
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.stop_button.setAccessibleName(self.tr("Stop answering"))
        self.stop_button.setToolTip(self.tr("Stop the answer; what arrived so far is kept (Esc)"))
        self.attach_button.setAccessibleName(self.tr("Attach files"))
        self.attach_button.setToolTip(
            self.tr("Attach PDFs, text files or images (or drop them anywhere on the window)"))
        self.drop_hint.setText(self.tr("Drop to attach: PDFs, text files and images"))
        self.box.setAccessibleName(self.tr("Message composer"))
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
