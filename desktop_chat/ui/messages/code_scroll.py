"""Each code block of a message scrolls sideways on its own; the prose around it keeps wrapping.

A message is one QTextDocument (message_body.py): its prose wraps at the body's width, while a code
block's table grows as wide as its longest line (markdown_render: `white-space: pre`, no wrapping
mid-token). A QTextEdit has one horizontal scroll for the whole document, so a long line used to
give the whole message a scroll bar, under the message, moving the prose too.

Here the document stays one (selection, copy, find, streaming all work as before) and is drawn
at offset 0, then each code block that is scrolled again at its own offset, clipped to its own
rectangle. Each such block gets a thin scroll bar of its own (a real
QScrollBar, styled by the theme's sheet) in its bottom padding; a sideways wheel or trackpad
swipe over a block scrolls that block. Mouse events over a block are mapped with its offset, so
selecting and clicking inside scrolled code hit the right characters.

The code tables are found by their one cell's `<pre>` (Qt marks such blocks nonBreakableLines);
the header above each (language, Copy) is a table of its own at the text's width: it stays put.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QRectF, Qt

from desktop_chat.ui.messages.markdown_render import CODE_BOTTOM_PADDING

if TYPE_CHECKING:  # (Qt classes are loaded where first used: this module loads before the first frame)
    from PySide6.QtGui import QPaintEvent, QTextDocument, QWheelEvent
    from PySide6.QtWidgets import QScrollBar, QTextEdit

__all__ = ["CodeScroller"]

BAR_HEIGHT = 10  # fits the code cell's bottom padding (markdown_render.CODE_BOTTOM_PADDING)
BAR_INSET = 4


class _Block:
    """One code block: its box in document coordinates, how much wider than the visible part it
    is (0: no scrolling), its offset and its bar. (A plain class: a dataclass costs ≈ 1 ms to
    define, and this module loads before the first frame.)"""

    __slots__ = ("bar", "end", "offset", "overflow", "rect")

    def __init__(self, rect: QRect, overflow: int, offset: int = 0, end: int = 0) -> None:
        self.rect = rect
        self.overflow = overflow
        self.offset = offset
        self.end = end  # the table's last position in the document
        self.bar: QScrollBar | None = None


class CodeScroller:
    """Per-code-block sideways scrolling for one QTextEdit (the message body)."""

    def __init__(self, edit: QTextEdit) -> None:
        self._edit = edit
        self._blocks: list[_Block] = []
        self._bars: list[QScrollBar] = []  # made on demand, reused in order
        # The blocks that end before this position are where the last relayout found them: the
        # document has not changed before it since (contentsChange) and the width is the same.
        # A streamed answer only grows at its end, so each frame looks again at its last blocks
        # only; a scan of the whole document made every frame cost more as the answer grew.
        self._valid_before: int | None = None
        self._width = -1
        self._document: Any = None

    # -- where the blocks are -------------------------------------------------------------------

    def relayout(self) -> None:
        """Find the code blocks again (the document or the width changed); offsets kept in order.
        Only the part of the document that changed since the last time is looked at again."""
        edit = self._edit
        document = edit.document()
        if document is not self._document:
            self._document = document
            document.contentsChange.connect(self._changed)
            self._valid_before = None
        visible = edit.viewport().width()
        since = self._valid_before if visible == self._width else None
        layout = document.documentLayout()
        old = self._blocks
        blocks = [block for block in old if block.end < since] if since is not None else []
        kept = len(blocks)
        for table in _code_tables(document, since or 0):
            # The box (its background) from the code's lines and the cell's padding: the frame's
            # bounding rectangle holds its margins and is not where the box is drawn.
            first = layout.blockBoundingRect(document.findBlock(table.firstPosition()))
            last = layout.blockBoundingRect(document.findBlock(table.lastPosition()))
            padding = table.format().cellPadding()
            rect = QRectF(first.left() - padding, first.top() - padding, first.width() + 2 * padding,
                          last.bottom() + CODE_BOTTOM_PADDING - first.top() + padding).toAlignedRect()
            overflow = max(0, rect.right() + 1 - visible)
            offset = min(old[len(blocks)].offset, overflow) if len(blocks) < len(old) else 0
            blocks.append(_Block(rect, overflow, offset, table.lastPosition()))
        self._blocks = blocks
        self._width = visible
        self._valid_before = document.characterCount()
        self._place_bars(kept)

    def invalidate(self) -> None:
        """The next relayout looks at the whole document (a change that moved things without
        changing the text: formulas typeset in place)."""
        self._valid_before = None

    def _changed(self, position: int, _removed: int, _added: int) -> None:
        if self._valid_before is not None:
            self._valid_before = min(self._valid_before, position)

    def _place_bars(self, kept: int = 0) -> None:
        """Give each block that scrolls a bar, in order; the first `kept` blocks are unchanged
        since the last time, and so are their bars."""
        scrolling = [block for block in self._blocks if block.overflow > 0]
        if not scrolling and not self._bars:
            return  # (the edit's scroll bars are not even asked for: see python_viewport.py on why)
        unchanged = sum(1 for block in self._blocks[:kept] if block.overflow > 0)
        while len(self._bars) < len(scrolling):
            from PySide6.QtWidgets import QScrollBar  # (≈ 2 ms to load: not before the first frame)

            bar = QScrollBar(Qt.Orientation.Horizontal, self._edit.viewport())
            bar.setObjectName("codeScrollBar")
            bar.setAccessibleName(QCoreApplication.translate("MessageBody", "Scroll the code sideways"))
            bar.setCursor(Qt.CursorShape.ArrowCursor)
            bar.valueChanged.connect(lambda value, bar=bar: self._bar_moved(bar, value))
            self._bars.append(bar)
        y_offset = self._edit.verticalScrollBar().value()
        visible = self._edit.viewport().width()
        for index, (block, bar) in enumerate(zip(scrolling, self._bars)):
            if index < unchanged and block.bar is bar and not bar.isHidden():
                continue
            block.bar = bar
            width = min(block.rect.width(), visible - block.rect.left())
            bar.blockSignals(True)
            bar.setRange(0, block.overflow)
            bar.setPageStep(max(1, width))
            bar.setSingleStep(20)
            bar.setValue(block.offset)
            bar.blockSignals(False)
            bar.setGeometry(block.rect.left() + BAR_INSET, block.rect.bottom() - y_offset - BAR_HEIGHT - 2,
                            max(0, width - 2 * BAR_INSET), BAR_HEIGHT)
            if bar.isHidden():
                bar.show()
        for bar in self._bars[len(scrolling):]:
            bar.hide()

    def _bar_moved(self, bar: QScrollBar, value: int) -> None:
        for block in self._blocks:
            if block.bar is bar:
                block.offset = value
                self._edit.viewport().update(self._visible(block))
                return

    def _visible(self, block: _Block) -> QRect:
        """A block's rectangle in viewport coordinates, cut at the body's right edge."""
        rect = block.rect.translated(0, -self._edit.verticalScrollBar().value())
        return rect.intersected(QRect(0, rect.top(), self._edit.viewport().width(), rect.height()))

    @property
    def scrolling(self) -> list[QScrollBar]:
        """The bars of the blocks that scroll (for tests and accessibility tools)."""
        return [block.bar for block in self._blocks if block.overflow > 0 and block.bar is not None]

    def offset_at(self, pos: QPoint) -> int:
        """The sideways offset of what is drawn at `pos` (viewport coordinates)."""
        for block in self._blocks:
            if block.overflow and self._visible(block).contains(pos):
                return block.offset
        return 0

    # -- drawing and events ---------------------------------------------------------------------

    def paint(self, event: QPaintEvent, paint: Callable[[QPaintEvent], None]) -> None:
        """Draw everything unscrolled, then each scrolling block again at its offset, clipped to
        its box (its opaque background covers the first drawing); `paint` is the text edit's own
        paintEvent, which draws at the horizontal scroll bar's value, clipped to the event's
        rectangle. One pass per block on screen: cutting the prose around the blocks instead
        made dozens of thin rectangles, each a pass over the document."""
        if not any(block.overflow for block in self._blocks):
            paint(event)  # nothing wider than the body: its scroll bar (not even asked for) stays at 0
            return
        with _scrolled(self._edit, 0):  # (QTextEdit may scroll itself, e.g. to show its cursor)
            paint(event)
        from PySide6.QtGui import QPaintEvent

        region = event.region()
        for block in self._blocks:
            if block.overflow and block.offset:
                clip = region.intersected(self._visible(block)).boundingRect()
                if not clip.isEmpty():
                    with _scrolled(self._edit, block.offset):
                        paint(QPaintEvent(clip))

    def wheel(self, event: QWheelEvent) -> bool:
        """A sideways wheel over a scrolling block scrolls it; True when it did."""
        delta = event.pixelDelta().x() or event.angleDelta().x()
        if not delta or abs(event.angleDelta().x()) < abs(event.angleDelta().y()):
            return False
        pos = event.position().toPoint()
        for block in self._blocks:
            if block.overflow and block.bar is not None and self._visible(block).contains(pos):
                step = delta if event.pixelDelta().x() else delta // 120 * 3 * block.bar.singleStep()
                block.bar.setValue(block.bar.value() - step)
                return True
        return False

    def mapped(self, pos: QPoint, handle: Callable[[], None]) -> None:
        """Run a mouse handler of the text edit as if the content under `pos` were unscrolled."""
        if not any(block.overflow for block in self._blocks):
            handle()
            return
        with _scrolled(self._edit, self.offset_at(pos)):
            handle()


class _scrolled:  # noqa: N801 - used as a `with` statement
    """The edit's horizontal scroll value set to `offset` for a moment, without it scrolling."""

    def __init__(self, edit: QTextEdit, offset: int) -> None:
        self._bar = edit.horizontalScrollBar()
        self._offset = offset

    def __enter__(self) -> None:
        self._bar.blockSignals(True)  # its valueChanged would scroll the viewport's pixels
        self._bar.setValue(self._offset)

    def __exit__(self, *_: object) -> None:
        self._bar.setValue(0)
        self._bar.blockSignals(False)


def _code_tables(document: QTextDocument, since: int = 0) -> list[Any]:
    """The code tables (a one-cell table whose lines do not break: a `<pre>`) that end at or after
    `since`, in document order, wherever they are (also inside lists and quotes). Only the blocks
    from `since` on are looked at: a streamed frame's new end, not the whole answer again."""
    from PySide6.QtGui import QTextCursor

    found: list[Any] = []
    starts: set[int] = set()
    block = document.findBlock(since) if since else document.begin()
    while block.isValid():
        if block.blockFormat().nonBreakableLines():
            table = QTextCursor(block).currentTable()
            if table is not None and table.rows() == 1 and table.columns() == 1:
                start = table.firstPosition()
                if start not in starts and document.findBlock(start).blockFormat().nonBreakableLines():
                    starts.add(start)
                    found.append(table)
        block = block.next()
    return found
