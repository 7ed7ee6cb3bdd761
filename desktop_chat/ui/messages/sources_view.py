"""Documents inside the conversation: the files on a user's message, and, on an answer, how they
were sent and which passages (file, page, excerpt) the model got.

One renderer for a live turn (the engine's SourcesFound event carries the same `Delivery` that is
stored with the answer) and for a reopened conversation (`Message.delivery`), placed in the
message widget's `extras` slot, above the answer text. Clicking a source (or a document on a
user message) calls `on_source(SourceRef)`: the window opens the page preview.

    show_documents(widget, message, on_source)   user message: chips; answer: its stored delivery
    show_delivery(widget, delivery, on_source)   an answer's delivery, live
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QSizePolicy, QStyle, QToolButton, QVBoxLayout, QWidget

from desktop_chat.domain.messages import Attachment, Delivery, Message, SourceRef
from desktop_chat.ui.common.error_text import localized
from desktop_chat.ui.common.units import format_count

__all__ = ["DocumentChips", "SourcesPanel", "show_delivery", "show_documents"]

SourceHandler = Callable[[SourceRef], None]
SHOWN_SOURCES = 3  # the best passages; the rest behind "Show N more"
EXCERPT_CHARS = 220


_Child = TypeVar("_Child", bound=QObject)


class _HasExtras(Protocol):
    """A message widget: QObject's findChild, and the layout slot the panels go in."""

    @property
    def extras(self) -> QBoxLayout: ...  # noqa: E704 - read-only, so a QVBoxLayout attribute fits

    def findChild(self, kind: type[_Child], /, name: str = ...,  # noqa: E704
                  options: Qt.FindChildOption = ...) -> _Child | None: ...


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


def _muted(widget: QWidget) -> None:
    palette = QPalette(widget.palette())
    muted = _mix(palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Base), 0.3)
    palette.setColor(QPalette.ColorRole.WindowText, muted)
    palette.setColor(QPalette.ColorRole.Text, muted)
    widget.setPalette(palette)


class _WrappedLabel(QLabel):
    """A word-wrapped label sized for the width it has.

    A plain word-wrapped QLabel reports height-for-width, and the message list's layouts then
    reserve the height its text would need at the narrowest width: a tall empty gap and a
    scroll range with nothing to scroll. This one answers for its current width instead and asks
    for a new layout when that width changes.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def hasHeightForWidth(self) -> bool:
        return False

    def _height(self) -> int:
        width = self.width() if self.width() > 40 else 600  # before the first layout: a guess
        return super().heightForWidth(width)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


def _file_button(name: str, parent: QWidget) -> QToolButton:
    """A button that opens a document (a source, an attached file): file icon, then its text."""
    button = QToolButton(parent)
    button.setObjectName(name)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setIcon(parent.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon))
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


def _linked(button: QToolButton) -> None:
    """A source reads as a link: the palette's link colour."""
    palette = QPalette(button.palette())
    palette.setColor(QPalette.ColorRole.ButtonText, palette.color(QPalette.ColorRole.Link))
    button.setPalette(palette)


class SourcesPanel(QWidget):
    """An answer's "how the documents were sent" line and its sources, best first."""

    def __init__(self, on_source: SourceHandler, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourcesPanel")
        self._on_source = on_source
        self.delivery: Delivery | None = None
        self._expanded = False
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(10, 6, 10, 6)
        self._column.setSpacing(3)
        self.explanation = _WrappedLabel(self)
        self.explanation.setObjectName("deliveryExplanation")
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._column.addWidget(self.explanation)
        self._rows: list[QWidget] = []
        self.more_button = QToolButton(self)
        self.more_button.setObjectName("moreSourcesButton")
        self.more_button.setAutoRaise(True)
        self.more_button.clicked.connect(self._toggle)
        self._column.addWidget(self.more_button)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_delivery(self, delivery: Delivery) -> None:
        if delivery == self.delivery:
            return
        self.delivery = delivery
        for row in self._rows:
            self._column.removeWidget(row)
            row.deleteLater()
        self._rows = [self._source_row(ref, index) for index, ref in enumerate(delivery.sources)]
        for row in self._rows:
            self._column.insertWidget(self._column.count() - 1, row)
        self.retranslate()

    def source_buttons(self) -> list[QToolButton]:
        return [row.findChild(QToolButton, "sourceButton") for row in self._rows]  # type: ignore[misc]

    def _source_row(self, ref: SourceRef, index: int) -> QWidget:
        row = QWidget(self)
        row.setObjectName("sourceRow")
        line = QVBoxLayout(row)  # the link, then its excerpt under it: side by side wraps badly
        line.setContentsMargins(0, 2, 0, 2)
        line.setSpacing(0)
        button = _file_button("sourceButton", row)
        button.setAutoRaise(True)
        button.clicked.connect(lambda: self._on_source(ref))
        button.setProperty("sourceIndex", index)
        excerpt = _WrappedLabel(row)
        excerpt.setObjectName("sourceExcerpt")
        text = " ".join(ref.excerpt.split())
        if len(text) > EXCERPT_CHARS:
            text = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
        excerpt.setText(f"“{text}”" if text else "")
        excerpt.setContentsMargins(24, 0, 0, 0)  # under the link's text, past its icon
        _muted(excerpt)
        _linked(button)
        line.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        line.addWidget(excerpt)
        return row

    def _pages(self, ref: SourceRef) -> str:
        first, last = ref.first_page or ref.page, ref.last_page or ref.page
        if first != last:
            return self.tr("pp. {first}–{last}").format(first=first, last=last)
        return self.tr("p. {page}").format(page=ref.page)

    def _toggle(self) -> None:
        self._expanded = not self._expanded
        self.retranslate()

    def retranslate(self) -> None:
        delivery = self.delivery
        if delivery is None:
            return
        self.explanation.setText(localized(delivery.explanation, delivery.explanation.english()))
        self.explanation.setAccessibleName(self.tr("How the documents were sent"))
        for row, ref in zip(self._rows, delivery.sources):
            button = row.findChild(QToolButton, "sourceButton")
            assert isinstance(button, QToolButton)
            button.setText(self.tr("{file} · {pages}").format(file=ref.file_name, pages=self._pages(ref)))
            button.setToolTip(self.tr("Show page {page} of {file}").format(page=ref.page, file=ref.file_name))
            button.setAccessibleName(self.tr("Source: {file}, page {page}").format(file=ref.file_name, page=ref.page))
        hidden = max(0, len(self._rows) - SHOWN_SOURCES)
        for index, row in enumerate(self._rows):
            row.setVisible(self._expanded or index < SHOWN_SOURCES)
        self.more_button.setVisible(hidden > 0)
        if self._expanded:
            self.more_button.setText(self.tr("Show fewer sources"))
        else:
            self.more_button.setText(self.tr("Show {count} more sources").format(count=hidden))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            for label in self.findChildren(QLabel, "sourceExcerpt"):
                label.setPalette(QPalette())
                _muted(label)
            for button in self.source_buttons():
                button.setPalette(QPalette())
                _linked(button)
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        # A quiet card, from the palette (no style sheet: see message_widget.card_colors).
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        dark = base.lightnessF() < 0.5
        fill = _mix(base, palette.color(QPalette.ColorRole.Highlight), 0.10 if dark else 0.05)
        border = _mix(base, palette.color(QPalette.ColorRole.Highlight), 0.45 if dark else 0.35)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(fill)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.setPen(QPen(border, 3))
        painter.drawLine(2, 5, 2, self.height() - 5)  # a bar on the left, like a quotation
        painter.end()
        super().paintEvent(event)


class DocumentChips(QWidget):
    """The documents attached to a user message: small buttons that open their first page."""

    def __init__(self, on_source: SourceHandler, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageDocuments")
        self._on_source = on_source
        self.documents: tuple[Attachment, ...] = ()
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 2)
        self._row.setSpacing(6)
        self._row.addStretch(1)
        self._buttons: list[QToolButton] = []

    def set_documents(self, documents: Sequence[Attachment]) -> None:
        documents = tuple(documents)
        if documents == self.documents:
            return
        self.documents = documents
        for button in self._buttons:
            self._row.removeWidget(button)
            button.deleteLater()
        self._buttons = []
        for document in documents:
            button = _file_button("messageDocument", self)
            button.clicked.connect(lambda _=False, d=document: self._on_source(
                SourceRef(d.file_name, d.sha256, 1, "", 1, 1)))
            self._row.insertWidget(self._row.count() - 1, button)
            self._buttons.append(button)
        self.retranslate()

    def buttons(self) -> list[QToolButton]:
        return list(self._buttons)

    def retranslate(self) -> None:
        for button, document in zip(self._buttons, self.documents):
            if document.kind == "pdf":
                detail = (self.tr("1 page") if document.page_count == 1
                          else self.tr("{count} pages").format(count=format_count(document.page_count)))
                button.setText(self.tr("{file} · {detail}").format(file=document.file_name, detail=detail))
            else:
                button.setText(document.file_name)
            button.setToolTip(self.tr("Show {file}").format(file=document.file_name))
            button.setAccessibleName(self.tr("Attached document: {file}").format(file=document.file_name))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def show_documents(widget: _HasExtras, message: Message, on_source: SourceHandler) -> None:
    """What a message carries about documents, in its widget (cheap when there is nothing)."""
    if not message.attachments:
        return
    if message.role == "user":
        documents = message.documents
        if not documents:
            return
        chips = widget.findChild(DocumentChips, "messageDocuments")
        if not isinstance(chips, DocumentChips):
            chips = DocumentChips(on_source)
            widget.extras.addWidget(chips)
        chips.set_documents(documents)
        return
    delivery = message.delivery
    if delivery is not None:
        show_delivery(widget, delivery, on_source)


def show_delivery(widget: _HasExtras, delivery: Delivery, on_source: SourceHandler) -> None:
    panel = widget.findChild(SourcesPanel, "sourcesPanel")
    if not isinstance(panel, SourcesPanel):
        panel = SourcesPanel(on_source)
        widget.extras.addWidget(panel)
    panel.set_delivery(delivery)
