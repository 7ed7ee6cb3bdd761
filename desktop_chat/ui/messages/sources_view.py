"""Documents inside the conversation: the files on a user's message, and, on an answer, how they
were sent and which passages (file, page, excerpt) the model got.

One renderer for a live turn (the engine's SourcesFound event carries the same `Delivery` that is
stored with the answer) and for a reopened conversation (`Message.delivery`): a user's documents
in the message widget's `extras` slot, above its text; an answer's references and the quiet "how
the documents were sent" line in its `references_slot`, under the text, where its citation
markers "[n]" point. Clicking a source, a marker or a document on a user message calls
`on_source(SourceRef)`: the window opens the page preview.

    show_documents(widget, message, on_source)   user message: chips; answer: its stored delivery
    show_delivery(widget, delivery, on_source)   an answer's delivery, live
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.domain.messages import Attachment, Delivery, Message, SourceRef
from desktop_chat.ui.common.error_text import localized
from desktop_chat.ui.common.units import format_count

if TYPE_CHECKING:
    from desktop_chat.ui.messages.message_body import MessageBody

__all__ = ["DocumentChips", "SourcesPanel", "show_delivery", "show_documents"]

SourceHandler = Callable[[SourceRef], None]
SHOWN_SOURCES = 3  # before the answer cites any: the best passages; the rest behind "Show N more"
EXCERPT_CHARS = 160
CITE_SCHEME = "dc-cite"  # the answer's "[n]" links (markdown_render.py's citation rule)
_CITATION = re.compile(r"\[(\d{1,3})\]")
_EXCERPT_INDENT = 30  # under the reference's text, past its "[n]"


_Child = TypeVar("_Child", bound=QObject)


class _HasExtras(Protocol):
    """A message widget: QObject's findChild, its body, and the layout slots the panels go in."""

    @property
    def extras(self) -> QBoxLayout: ...  # noqa: E704 - read-only, so a QVBoxLayout attribute fits
    @property
    def references_slot(self) -> QBoxLayout: ...  # noqa: E704 - under the text
    @property
    def body(self) -> MessageBody: ...  # noqa: E704
    def current_text(self) -> str: ...  # noqa: E704

    def findChild(self, kind: type[_Child], /, name: str = ...,  # noqa: E704
                  options: Qt.FindChildOption = ...) -> _Child | None: ...


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


def _muted(widget: QWidget, base: QPalette | None = None) -> None:
    """Quiet text. `base`: the palette to start from (a parent's new one: see changeEvent)."""
    palette = QPalette(base if base is not None else widget.palette())
    dark = palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5
    muted = _mix(palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Base),
                 0.22 if dark else 0.3)  # (dark: grey on near-black loses contrast sooner)
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


def _excerpt(ref: SourceRef) -> str:
    text = " ".join(ref.excerpt.split())
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    return f"“{text}”" if text else ""


def _file_button(name: str, parent: QWidget) -> QToolButton:
    """A button that opens a document (a source, an attached file): file icon, then its text."""
    button = QToolButton(parent)
    button.setObjectName(name)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setIcon(parent.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon))
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


def _linked(button: QToolButton, base: QPalette | None = None) -> None:
    """A source reads as a link: the palette's link colour."""
    palette = QPalette(base if base is not None else button.palette())
    link = palette.color(QPalette.ColorRole.Link)
    if palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5 and link.lightnessF() < 0.55:
        link = link.lighter(170)  # as the answer's own links (markdown_render.theme_from_palette)
    palette.setColor(QPalette.ColorRole.ButtonText, link)
    button.setPalette(palette)


class SourcesPanel(QWidget):
    """Under an answer about documents: its references and a quiet line saying how the documents
    were sent ("8 passages from “report.pdf”"), which opens to the plan's own sentences.

    References are the passages sent, numbered as the model saw them, so "[3]" in the answer is
    reference 3 (the answer's markers link here: `attach`). The passages the answer cites are
    listed; the others wait behind "Show N more" (before anything is cited, the best three show).
    """

    def __init__(self, on_source: SourceHandler, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourcesPanel")
        self._on_source = on_source
        self.delivery: Delivery | None = None
        self._expanded = False
        self._cited: tuple[int, ...] = ()  # reference numbers the answer cites, in order
        self._text: Callable[[], str] = str
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 6, 0, 2)
        self._column.setSpacing(2)
        self.references_label = QLabel(self)
        self.references_label.setObjectName("referencesLabel")
        font = self.references_label.font()
        font.setBold(True)
        self.references_label.setFont(font)
        self._column.addWidget(self.references_label)
        self._rows: list[QWidget] = []
        self.more_button = QToolButton(self)
        self.more_button.setObjectName("moreSourcesButton")
        self.more_button.setAutoRaise(True)
        self.more_button.clicked.connect(self._toggle)
        self._column.addWidget(self.more_button)
        self.delivery_toggle = QToolButton(self)  # the quiet line: how the documents went
        self.delivery_toggle.setObjectName("deliveryToggle")
        self.delivery_toggle.setAutoRaise(True)
        self.delivery_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.delivery_toggle.setArrowType(Qt.ArrowType.RightArrow)  # (not checkable: a pressed look is not quiet)
        self.delivery_toggle.clicked.connect(self._flip_details)
        self._column.addWidget(self.delivery_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        self.explanation = _WrappedLabel(self)  # the plan's sentences, behind the quiet line
        self.explanation.setObjectName("deliveryExplanation")
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation.setContentsMargins(20, 0, 0, 4)
        self.explanation.hide()
        self._column.addWidget(self.explanation)
        self._recount = QTimer(self)  # the answer's citations, looked up after the text settles
        self._recount.setSingleShot(True)
        self._recount.setInterval(250)
        self._recount.timeout.connect(self._count_citations)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._quiet()

    def set_delivery(self, delivery: Delivery) -> None:
        if delivery == self.delivery:
            return
        self.delivery = delivery
        for row in self._rows:
            self._column.removeWidget(row)
            row.deleteLater()
        self._rows = [self._source_row(ref, index) for index, ref in enumerate(delivery.sources)]
        for offset, row in enumerate(self._rows):
            self._column.insertWidget(1 + offset, row)
        self._count_citations()

    def attach(self, body: QTextBrowser, text: Callable[[], str]) -> None:
        """Follow the answer shown in `body` (its text from `text()`): its "[n]" open reference n,
        show it on hover, and decide which references are listed."""
        self._text = text
        body.anchorClicked.connect(self._on_link)
        body.highlighted.connect(lambda url: self._on_hover(body, url))
        body.document().contentsChanged.connect(self._recount.start)
        self._count_citations()

    def source_buttons(self) -> list[QToolButton]:
        return [row.findChild(QToolButton, "sourceButton") for row in self._rows]  # type: ignore[misc]

    def shown_references(self) -> list[int]:
        """The numbers of the references listed now (1-based)."""
        return [index + 1 for index, row in enumerate(self._rows) if not row.isHidden()]

    def _source_row(self, ref: SourceRef, index: int) -> QWidget:
        row = QWidget(self)
        row.setObjectName("sourceRow")
        line = QVBoxLayout(row)  # the link, then its excerpt under it: side by side wraps badly
        line.setContentsMargins(0, 1, 0, 1)
        line.setSpacing(0)
        button = QToolButton(row)
        button.setObjectName("sourceButton")
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setAutoRaise(True)
        button.clicked.connect(lambda: self._on_source(ref))
        button.setProperty("sourceIndex", index)
        excerpt = _WrappedLabel(row)
        excerpt.setObjectName("sourceExcerpt")
        excerpt.setText(_excerpt(ref))
        excerpt.setContentsMargins(_EXCERPT_INDENT, 0, 0, 2)
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

    def _found_by(self, ref: SourceRef) -> str:
        return {"meaning": self.tr("found by meaning"), "words": self.tr("found by words"),
                "both": self.tr("found by meaning and words")}.get(ref.found_by, "")

    def _toggle(self) -> None:
        self._expanded = not self._expanded
        self.retranslate()

    def _flip_details(self) -> None:
        self._show_details(self.explanation.isHidden())

    def _show_details(self, shown: bool) -> None:
        self.explanation.setVisible(shown)
        self.delivery_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _count_citations(self) -> None:
        count = len(self.delivery.sources) if self.delivery is not None else 0
        cited: list[int] = []
        for match in _CITATION.finditer(self._text() if count else ""):
            number = int(match.group(1))
            if 1 <= number <= count and number not in cited:
                cited.append(number)
        self._cited = tuple(sorted(cited))
        self.retranslate()

    def _source_for(self, url: QUrl) -> SourceRef | None:
        if url.scheme() != CITE_SCHEME or self.delivery is None:
            return None
        try:
            number = int(url.path())
        except ValueError:
            return None
        return self.delivery.sources[number - 1] if 1 <= number <= len(self.delivery.sources) else None

    def _on_link(self, url: QUrl) -> None:
        ref = self._source_for(url)
        if ref is not None:
            self._on_source(ref)

    def _on_hover(self, body: QTextBrowser, url: QUrl) -> None:
        ref = self._source_for(url)
        if ref is not None:  # after the body's own handler (connected first): this tip wins
            body.viewport().setToolTip(self.tr("{file} · {pages}").format(file=ref.file_name, pages=self._pages(ref))
                                       + "\n" + _excerpt(ref))

    def retranslate(self) -> None:
        delivery = self.delivery
        if delivery is None:
            return
        from desktop_chat.chat.attachments import delivery_summary

        summary = delivery_summary(delivery)
        self.delivery_toggle.setText(localized(summary, summary.english()))
        self.delivery_toggle.setToolTip(self.tr("How the documents were sent"))
        self.delivery_toggle.setAccessibleName(self.tr("How the documents were sent"))
        self.explanation.setText(localized(delivery.explanation, delivery.explanation.english()))
        self.explanation.setAccessibleName(self.tr("How the documents were sent"))
        self.references_label.setText(self.tr("References"))
        self.references_label.setVisible(bool(self._rows))
        for index, (row, ref) in enumerate(zip(self._rows, delivery.sources), 1):
            button = row.findChild(QToolButton, "sourceButton")
            assert isinstance(button, QToolButton)
            text = self.tr("[{number}] {file} · {pages}").format(number=index, file=ref.file_name,
                                                                 pages=self._pages(ref))
            found = self._found_by(ref)  # a knowledge base's passage: how the search found it
            button.setText(f"{text} · {found}" if found else text)
            button.setToolTip(self.tr("Show page {page} of {file}").format(page=ref.page, file=ref.file_name))
            button.setAccessibleName(self.tr("Source: {file}, page {page}").format(file=ref.file_name, page=ref.page))
        listed = set(self._cited) if self._cited else set(range(1, SHOWN_SOURCES + 1))
        hidden = sum(1 for index in range(1, len(self._rows) + 1) if index not in listed)
        for index, row in enumerate(self._rows, 1):
            row.setVisible(self._expanded or index in listed)
        self.more_button.setVisible(hidden > 0)
        if self._expanded:
            self.more_button.setText(self.tr("Show fewer sources"))
        elif hidden == 1:
            self.more_button.setText(self.tr("Show 1 more source"))
        else:
            self.more_button.setText(self.tr("Show {count} more sources").format(count=hidden))

    def _quiet(self, base: QPalette | None = None) -> None:
        for widget in (self.delivery_toggle, self.more_button, self.references_label):
            palette = QPalette(base if base is not None else widget.palette())
            muted = _mix(palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Base), 0.35)
            for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
                palette.setColor(role, muted)
            widget.setPalette(palette)
        _muted(self.explanation, base)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            # Qt tells this widget before it passes the new palette on to the children: theirs
            # start from this one's, not from what they hold now.
            for label in self.findChildren(QLabel, "sourceExcerpt"):
                _muted(label, self.palette())
            for button in self.source_buttons():
                _linked(button, self.palette())
            self._quiet(self.palette())
        super().changeEvent(event)


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
        widget.references_slot.addWidget(panel)
        panel.set_delivery(delivery)
        widget.body.citations = len(delivery.sources)  # before the answer's text renders (a live turn)
        panel.attach(widget.body, widget.current_text)
        return
    widget.body.citations = len(delivery.sources)
    panel.set_delivery(delivery)
