"""The rendered text of one message: a read-only QTextBrowser that never fetches anything.

Finished answers are rendered once, in full. A streaming answer is rendered incrementally:
finished markdown blocks (see stream_buffer.py) are rendered once and appended at the end of the
document; only the unfinished tail is replaced on each frame. So the cost of a frame depends on
the size of the tail, not on the length of the answer.

Appending HTML to a QTextDocument merges the fragment's first block into the document's last
block and loses its block format (a heading turns into plain text). Each fragment is therefore
inserted behind a sentinel paragraph holding a zero-width space: the sentinel is what merges, the
real blocks keep their formats, and the sentinel character is deleted straight after.

Code in a language whose pygments lexer is not built yet is never the reason for a frozen frame:
it is shown uncoloured while the lexer is built in a worker thread (markdown_render.lexers),
then drawn again. A streaming answer keeps such a block in the tail (re-rendered each frame
anyway) until its lexer is ready, so that finished blocks are rendered once, coloured.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QGuiApplication,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCursor,
    QTextFormat,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QFrame,
    QSizePolicy,
    QTextBrowser,
    QWidget,
)

from desktop_chat.ui.common.theme import round_menu
from desktop_chat.ui.messages.code_scroll import CodeScroller
from desktop_chat.ui.messages.copy_links import COPY_SCHEME, CopyLinks, links_in, relabel
from desktop_chat.ui.messages.inert_document import InertDocument, NoImages
from desktop_chat.ui.messages.markdown_render import MarkdownRenderer, code_languages, lexer_ready, lexers
from desktop_chat.ui.messages.render_snapshot import RenderedBody
from desktop_chat.ui.runtime.python_viewport import python_viewport

if TYPE_CHECKING:
    from PySide6.QtGui import QMouseEvent  # (≈ 1.5 ms to load: annotations only)
    from PySide6.QtWidgets import QMenu

    from desktop_chat.ui.messages.math_render import FormulaObjects
    from desktop_chat.ui.messages.stream_buffer import StreamBuffer  # with the first streamed answer

__all__ = ["MessageBody"]

_MATH_URL = "dc-math:"  # math_render.SCHEME: its images (that module is imported only when one shows)
_SENTINEL_HTML = "<p>&#8203;</p>"
_SENTINEL = "\u200b"
# Finished markdown rendered per insertHtml call: the frame's deadline is checked between chunks,
# and 4,000 characters took up to 30-50 ms here (the frame budget is 8 ms).
_CHUNK_CHARS = 1200
_FIRST_FRAME_BUDGET_S = 0.008  # finished blocks rendered with the first text (as a frame would)
COPIED_MS = 1500  # how long a code block's link says "Copied ✓"
TEXT_POINTS = 11.0  # the messages' text size at the least (≈ 15 px at 96 dpi): easy to read


class MessageBody(QTextBrowser):
    """Selectable rich text for one message; emits linkActivated for every non-internal link."""

    linkActivated = Signal(QUrl)
    renderWanted = Signal()  # a streaming body has something new to draw (a lexer got built): a frame, please

    def __init__(self, renderer: MarkdownRenderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        python_viewport(self, text=True)  # no type lookup for Qt's own viewport (ui/runtime/python_viewport.py)
        self._code = CodeScroller(self)  # each code block scrolls sideways on its own (code_scroll.py)
        self.setObjectName("messageBody")
        self.setAccessibleName(self.tr("Message text"))
        self._renderer = renderer
        document = InertDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDocumentMargin(2)
        document.setDefaultStyleSheet(renderer.style_sheet())
        self.setDocument(document)
        if 0 < self.font().pointSizeF() < TEXT_POINTS:
            size = QFont()  # only the size is ours: the family still follows the app's (CJK) fonts
            size.setPointSizeF(TEXT_POINTS)
            self.setFont(size)
            document.setDefaultFont(self.font())
        self._no_images = NoImages(document)
        document.documentLayout().registerHandler(int(QTextFormat.ObjectTypes.ImageObject), self._no_images)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A code line longer than the column makes its block wider than the text: that block
        # scrolls sideways on its own (code_scroll.py); the body itself never does.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # The card shows through: a transparent Base for the viewport to fill with. (Not
        # viewport().setAutoFillBackground: PySide's first wrapper of a widget Qt made itself
        # builds every widget class of QtWidgets to find its type, ≈ 10 ms of the start-up.)
        transparent = QPalette()
        transparent.setBrush(QPalette.ColorRole.Base, QColor(Qt.GlobalColor.transparent))
        self.setPalette(transparent)
        self.setAutoFillBackground(False)
        document.documentLayout().documentSizeChanged.connect(self._fit_height)
        self.anchorClicked.connect(self._on_anchor)
        self.highlighted.connect(self._on_hover)

        self._links = CopyLinks()  # the code behind each "Copy" link (copy_links.py)
        self._stream: StreamBuffer | None = None
        self._has_finished_blocks = False  # the document holds more than the tail
        self._tail_start: int | None = None
        self._markdown = True
        self._cold: set[str] = set()  # languages shown uncoloured until their lexers are built
        self._markdown_text: str | None = None  # what set_markdown showed with uncoloured code
        self._listening = False
        self._formulas: FormulaObjects | None = None  # image objects' handler once a formula shows
        self.citations = 0  # an answer about documents: "[1]"…"[n]" link to its n references
        self.render_count = 0  # renders done (full or one streaming frame): for tests and tuning
        self._fit_height()

    # -- loading: refuse everything -----------------------------------------------------------

    def loadResource(self, type: int, name: QUrl | str) -> Any:  # noqa: A002 - Qt's signature
        return None

    # -- content -------------------------------------------------------------------------------

    @property
    def streaming(self) -> bool:
        return self._stream is not None

    @property
    def stream_text(self) -> str | None:
        return self._stream.text if self._stream is not None else None

    def set_renderer(self, renderer: MarkdownRenderer) -> None:
        self._renderer = renderer
        self.document().setDefaultStyleSheet(renderer.style_sheet())

    def set_plain(self, text: str) -> None:
        self._reset()
        self._markdown = False
        self.document().setPlainText(text)
        self.render_count += 1

    def set_markdown(self, text: str) -> None:
        """Render `text` once, in full."""
        self._reset()
        cold: set[str] = set()
        self.document().setHtml(self._html(text, self._links.register, cold=cold))
        self.render_count += 1
        if cold:
            self._markdown_text = text
            self._await_lexers(cold)

    def set_rendered(self, rendered: RenderedBody) -> None:
        """Show HTML this renderer made earlier for the same text (render_snapshot.py)."""
        self._reset()
        self._links.adopt(rendered.nonce, rendered.codes)  # the copy links inside the HTML carry its nonce
        if _MATH_URL in rendered.html:
            self._watch_formulas()
        self.document().setHtml(rendered.html)
        self.render_count += 1

    @staticmethod
    def render_detached(renderer: MarkdownRenderer, text: str) -> RenderedBody:
        """`text` rendered as set_markdown would, for a later set_rendered. Any thread; code
        lexers not built yet are built now, on this thread."""
        links = CopyLinks()
        html = renderer.render(text, links.register)
        return RenderedBody(html, links.codes, links.nonce)

    def begin_stream(self, text: str = "") -> None:
        """Start incremental rendering; the text so far is rendered by the next `render_frame`."""
        self._reset()
        self.document().clear()
        from desktop_chat.ui.messages.stream_buffer import StreamBuffer

        self._stream = StreamBuffer(text)  # dirty when it has text: the next frame renders it

    def append(self, text: str) -> None:
        if self._stream is None:
            self.begin_stream()
        assert self._stream is not None
        self._stream.append(text)
        if text.strip() and self.document().isEmpty():
            self._show_first_text()

    def _show_first_text(self) -> None:
        """Render and paint now the first text of an answer that shows nothing yet.

        Later text waits for the view's next frame (coalesced, see message_view.py); the first
        words end the wait users notice most, and waiting for a frame slot, then for a paint
        event, added milliseconds while the engine read on. A later frame finds nothing new.
        """
        self.render_frame(time.perf_counter() + _FIRST_FRAME_BUDGET_S)
        self.viewport().repaint()

    def needs_frame(self) -> bool:
        return self._stream is not None and self._stream.dirty

    def render_frame(self, deadline: float, *, wait_for_lexers: bool = True) -> bool:
        """Render what arrived since the last frame; True when finished blocks are still waiting.

        Finished blocks are rendered until `deadline` (a time.perf_counter() value) passes; the
        tail is rendered only once every finished block is in, so the view catches up in frames
        that each leave the event loop free again. A finished block with code whose lexer is not
        built yet stays in the tail (uncoloured) until it is, unless `wait_for_lexers` is False.
        """
        stream = self._stream
        if stream is None or not stream.dirty:
            return False
        self.render_count += 1
        document = self.document()
        cold: set[str] | None = set() if wait_for_lexers else None
        if not self._has_finished_blocks:
            # The document holds at most the old tail: replace it wholesale.
            first = self._take_finished(stream, wait_for_lexers)
            if not first:
                return self._render_tail_only(stream, cold)
            self._links.clear_tail()
            document.setHtml(self._html(first, self._links.register))
            self._has_finished_blocks = True
            self._tail_start = None
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        try:
            if self._tail_start is not None:
                self._remove_from(cursor, self._tail_start)
                self._tail_start = None
                self._links.clear_tail()
            while stream.has_finished():
                if time.perf_counter() >= deadline:
                    return True
                chunk = self._take_finished(stream, wait_for_lexers)
                if not chunk:
                    break  # its lexer is being built: it shows in the tail meanwhile
                self._append_html(cursor, self._html(chunk, self._links.register))
            stream.mark_clean()
            tail = stream.tail()
            if tail.strip():
                html = self._html(tail, self._links.register_tail, cold=cold)
                self._tail_start = self._append_html(cursor, html)
            if cold:
                self._await_lexers(cold)
            return False
        finally:
            cursor.endEditBlock()

    def finish_stream(self) -> None:
        """The answer ended with exactly the text that streamed: keep what is rendered.

        Rendering a long answer again from scratch would freeze the window for a visible moment
        (≈ 0.6 s for 200 KB) to produce the same document; only what is still pending is drawn.
        Copy links of the last code blocks stay valid (their code stays registered).
        """
        if self._stream is None:
            return
        self.render_frame(deadline=float("inf"), wait_for_lexers=False)
        self._stream = None
        self._tail_start = None

    def plain_text(self) -> str:
        return self.document().toPlainText()

    # -- internals -----------------------------------------------------------------------------

    def _html(self, text: str, register: Any, cold: set[str] | None = None) -> str:
        html = self._renderer.render(text, register, cold=cold, citations=self.citations)
        if _MATH_URL in html:
            self._watch_formulas()
        return html

    def _watch_formulas(self) -> None:
        """From the first formula on, image objects are drawn by math_render (imported only then)."""
        if self._formulas is not None:
            return
        from desktop_chat.ui.messages.math_render import FormulaObjects, formulas

        self._formulas = FormulaObjects(self.document())
        self.document().documentLayout().registerHandler(int(QTextFormat.ObjectTypes.ImageObject), self._formulas)
        formulas.ready.connect(self._formulas_ready)

    def _formulas_ready(self) -> None:
        if self._formulas is not None and self._formulas.pending:
            self._code.invalidate()  # formulas change heights without changing the text
            self._formulas.refresh()

    def formula_source_at(self, viewport_pos: QPoint) -> str | None:
        """The LaTeX source of the formula at a point of the viewport, if there is one."""
        if self._formulas is None:
            return None
        offset = QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        return self._formulas.point_source(QPointF(viewport_pos) + offset)

    def createStandardContextMenu(self, position: QPoint | None = None) -> QMenu:
        """Qt's Copy / Select All menu, round like the app's others (theme.round_menu)."""
        menu = super().createStandardContextMenu() if position is None else super().createStandardContextMenu(position)
        return round_menu(menu)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        source = self.formula_source_at(event.pos())
        if source is not None:
            action = menu.addAction(self.tr("Copy formula (LaTeX)"))
            action.setObjectName("copyFormulaAction")
            action.triggered.connect(lambda: QGuiApplication.clipboard().setText(source))
        menu.exec(event.globalPos())
        menu.deleteLater()

    def createMimeDataFromSelection(self) -> QMimeData:
        # A copied formula is its LaTeX source, not an object replacement character.
        text = self._formulas.selection_text(self.textCursor()) if self._formulas is not None else None
        if text is None:
            return super().createMimeDataFromSelection()
        data = QMimeData()
        data.setText(text)
        return data

    def _reset(self) -> None:
        self._stream = None
        self._has_finished_blocks = False
        self._tail_start = None
        self._links.clear()
        self._markdown = True
        self._cold.clear()
        self._markdown_text = None

    def _render_tail_only(self, stream: StreamBuffer, cold: set[str] | None) -> bool:
        stream.mark_clean()
        self._links.clear_tail()
        tail = stream.tail()
        if tail.strip():
            self.document().setHtml(self._html(tail, self._links.register_tail, cold=cold))
        else:
            self.document().clear()
        if cold:
            self._await_lexers(cold)
        return False

    def _take_finished(self, stream: StreamBuffer, wait_for_lexers: bool) -> str:
        """The next finished chunk, or "" when its code needs a lexer that is not built yet."""
        if wait_for_lexers:
            chunk = stream.peek_finished(_CHUNK_CHARS)
            missing = {language for language in code_languages(chunk) if not lexer_ready(language)}
            if missing:
                self._await_lexers(missing)
                return ""
        return stream.take_finished(_CHUNK_CHARS)

    def _await_lexers(self, languages: set[str]) -> None:
        self._cold |= languages
        if not self._listening:
            self._listening = True
            lexers.ready.connect(self._lexer_built)
        lexers.request(languages)

    def _lexer_built(self, _language: str) -> None:
        if not self._cold or not all(lexer_ready(language) for language in self._cold):
            return
        self._cold.clear()
        if self._stream is not None:
            self._stream.mark_dirty()
            self.renderWanted.emit()
        elif self._markdown_text is not None:
            self.set_markdown(self._markdown_text)

    @staticmethod
    def _append_html(cursor: QTextCursor, html: str) -> int:
        """Append a fragment after the last block; return the position where it starts."""
        cursor.movePosition(QTextCursor.MoveOperation.End)
        start = cursor.position()
        cursor.insertHtml(_SENTINEL_HTML + html)
        cursor.setPosition(start)
        cursor.setPosition(start + 1, QTextCursor.MoveMode.KeepAnchor)
        if cursor.selectedText() == _SENTINEL:
            cursor.removeSelectedText()
        return start

    @staticmethod
    def _remove_from(cursor: QTextCursor, position: int) -> None:
        cursor.setPosition(position)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()

    def code_for_link(self, url: QUrl) -> str | None:
        """The raw code behind one of our "Copy" links, None for any other URL."""
        return self._links.code_for(url)

    def copy_links(self) -> list[QUrl]:
        """The "Copy" links in the document, in order (for tests and accessibility tools)."""
        return links_in(self.document())

    def _on_anchor(self, url: QUrl) -> None:
        code = self.code_for_link(url)
        if code is not None:
            QGuiApplication.clipboard().setText(code)
            self._relabel_link(url, QCoreApplication.translate("MarkdownRenderer", "Copied ✓"))
            QTimer.singleShot(COPIED_MS, self, lambda: self._relabel_link(
                url, QCoreApplication.translate("MarkdownRenderer", "Copy")))
            return
        if url.scheme() == COPY_SCHEME:
            return  # a forged or stale copy link: nothing to do
        self.linkActivated.emit(url)

    def _relabel_link(self, url: QUrl, label: str) -> None:
        start, grown = relabel(self.document(), url, label)
        if grown and self._tail_start is not None and start < self._tail_start:
            self._tail_start += grown  # the tail moved with it

    def _on_hover(self, url: QUrl) -> None:
        # Show where a link goes before it is clicked: the text of an untrusted link may lie.
        shown = "" if url.isEmpty() or url.scheme() in (COPY_SCHEME, "dc-cite") else url.toDisplayString()
        self.viewport().setToolTip(shown)

    def _fit_height(self, *_: Any) -> None:
        height = math.ceil(self.document().size().height()) + 2 * self.frameWidth()
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(max(height, 1))
        self._code.relayout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._code.relayout()

    def paintEvent(self, event: QPaintEvent) -> None:
        self._code.paint(event, super().paintEvent)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        # Never sideways as a whole (the code blocks' bars, children of the viewport, would move
        # with it): each block is drawn at its own offset.
        if dy:
            super().scrollContentsBy(0, dy)

    # Over a scrolled code block, the mouse acts on the characters drawn under it.
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._code.mapped(event.position().toPoint(), lambda: super(MessageBody, self).mousePressEvent(event))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._code.mapped(event.position().toPoint(), lambda: super(MessageBody, self).mouseMoveEvent(event))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._code.mapped(event.position().toPoint(), lambda: super(MessageBody, self).mouseReleaseEvent(event))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._code.mapped(event.position().toPoint(), lambda: super(MessageBody, self).mouseDoubleClickEvent(event))

    @property
    def code_scroll_bars(self) -> list[Any]:
        """The scroll bars of the code blocks wider than the body (for tests and accessibility tools)."""
        return self._code.scrolling

    def wheelEvent(self, event: QWheelEvent) -> None:
        # The conversation scrolls, not the message (except sideways, over a wide code block).
        # Hand the event to the enclosing scroll area explicitly: Qt propagates only spontaneous
        # wheel events to parents.
        if self._code.wheel(event):
            event.accept()
            return
        outer = self.parentWidget()
        while outer is not None and not isinstance(outer, QAbstractScrollArea):
            outer = outer.parentWidget()
        if outer is None:
            event.ignore()
            return
        viewport = outer.viewport()
        position = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
        forwarded = QWheelEvent(
            position, event.globalPosition(), event.pixelDelta(), event.angleDelta(),
            event.buttons(), event.modifiers(), event.phase(), event.inverted(), event.source(),
        )
        QApplication.sendEvent(viewport, forwarded)
        event.accept()
