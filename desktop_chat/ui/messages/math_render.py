"""Typeset formulas as images, off the GUI thread, and draw them inside a QTextDocument.

ziamath turns LaTeX into SVG (pure Python, ≈ 10-20 ms a formula, ≈ 0.3 s to import) in a
process of its own (math_process.py: in a thread it held the GIL the GUI thread needed); QtSvg
paints that SVG into a QImage in one worker thread (`formulas`, like the pygments lexers in
markdown_render.py). Nothing of it runs on the GUI thread.

How a formula reaches the screen: the markdown renderer emits `<img src="dc-math:…">` (see
`formula_url`); the URL carries the LaTeX, display or inline style and the colour, never a file
or a remote name. A message body registers a `FormulaObjects` handler for image objects that
answers Qt's layout with the typeset image's size and draws it. The pixel size is the font's at
that point of the document, so a formula in a heading is as large as the heading. A formula not
typeset yet is drawn as its source (quietly) while the worker typesets it; when it is ready the
handler marks its place dirty and Qt lays out that block again. A streaming answer therefore
never waits for maths, and nothing but the formula's own line moves when it arrives.

Inline formulas sit on the text's baseline: the image is padded so that its baseline is at its
vertical centre, and drawn with `vertical-align: middle` (Qt centres such an object on the
baseline). Formulas that ziamath cannot typeset (unbalanced braces, unknown commands, letters
its fonts lack) are remembered as failed; the renderer then writes their source as text.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QImage,
    QPainter,
    QPyTextObject,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from desktop_chat.ui.messages.math_cjk import cjk_runs, has_cjk, with_placeholders
from desktop_chat.ui.messages.math_words import CjkWords
from desktop_chat.ui.runtime.serial_worker import SerialWorker

if TYPE_CHECKING:
    from desktop_chat.ui.messages.math_process import SvgProcess

__all__ = [
    "SCHEME",
    "Formula",
    "FormulaKey",
    "FormulaObjects",
    "formula_url",
    "formulas",
    "has_cjk",
    "key_from_url",
    "typeset",
]

log = logging.getLogger(__name__)

SCHEME = "dc-math"
_IMAGE_NAME = int(QTextFormat.Property.ImageName)
_SIZE_ADJUSTMENT = int(QTextFormat.Property.FontSizeAdjustment)
_POINT_SIZE = int(QTextFormat.Property.FontPointSize)
_PIXEL_SIZE = int(QTextFormat.Property.FontPixelSize)
SCALE = 2.0  # images are made at twice their size: sharp on high-density screens, fine on others
CACHE_BYTES = 24 * 1024 * 1024  # typeset images kept (an inline formula is ≈ 20 KB)
MAX_LATEX = 4000  # longer "formulas" are not typeset (a runaway `$` in a long text): source
SOURCE_ALPHA = 0.6  # a formula still being typeset is drawn as its source, this opaque
# The maths font (STIX Two) has a smaller x-height than the usual UI sans: at the text's pixel
# size its letters looked a size smaller than the words around them.
SIZE_FACTOR = 1.15
SVG_PX_PER_POINT = 4 / 3  # ziamath's size is in points, its SVG in pixels
# The text's pixel size as a fraction of the maths font's em: CJK words in a formula (math_cjk.py)
# are drawn as large as the words around the formula.
TEXT_EM = 1 / (SIZE_FACTOR * SVG_PX_PER_POINT)


@dataclass(frozen=True)
class FormulaKey:
    """One typeset image: the same LaTeX in another size, style or colour is another image."""

    latex: str
    display: bool
    px: int
    colour: str


@dataclass(frozen=True)
class Formula:
    """A typeset formula: `image` at SCALE × (width, height); its baseline at height / 2."""

    image: QImage
    width: float
    height: float


class _Failed:
    pass


FAILED = _Failed()


# -- URLs ------------------------------------------------------------------------------------------


def formula_url(latex: str, display: bool, colour: str) -> str:
    """The <img src> of a formula (to be HTML-escaped by the caller)."""
    return f"{SCHEME}:{'d' if display else 'i'}/{colour}/{quote(latex, safe='')}"


@lru_cache(maxsize=2048)
def key_from_url(url: str, px: int) -> FormulaKey | None:
    """The key a formula URL names at `px`, or None when the URL is not one of ours."""
    scheme, colon, rest = url.partition(":")
    if scheme != SCHEME or not colon:
        return None
    style, _, rest = rest.partition("/")
    colour, _, latex = rest.partition("/")
    if style not in ("d", "i") or not QColor.isValidColorName(colour):
        return None
    return FormulaKey(unquote(latex), style == "d", px, colour)


# -- typesetting (worker thread) -------------------------------------------------------------------

_ziamath_lock = threading.Lock()  # ziamath keeps global state (config, loaded fonts): one at a time


def typeset(key: FormulaKey, process: SvgProcess | None = None) -> Formula | None:
    """The formula as an image, or None when it cannot be typeset. Blocking (≈ 10-20 ms): a
    worker thread's call, or a test's. With `process`, ziamath runs there (math_process.py);
    OSError when that process cannot be used."""
    if not key.latex.strip() or len(key.latex) > MAX_LATEX:
        return None
    size = key.px * SIZE_FACTOR
    latex, words = key.latex, None
    if has_cjk(latex):  # typeset around placeholders; Qt draws the words (math_cjk.py)
        words = CjkWords(cjk_runs(latex), key.colour, TEXT_EM)
        placed = with_placeholders(latex, words.widths_em())
        if placed is None:
            return None
        latex = placed
    if process is not None:
        svg = process.svg(latex, key.display, size, key.colour)
    else:
        from desktop_chat.ui.messages.math_process import typeset_svg

        with _ziamath_lock:
            try:
                svg = typeset_svg(latex, key.display, size, key.colour)
            except Exception as exc:  # noqa: BLE001 - any parse error of any formula: show its source
                log.debug("formula %r not typeset: %s", key.latex, exc)
                svg = None
    if svg is None:
        return None
    if words is not None:
        svg = words.take_placeholders(svg)
        if svg is None:
            return None
    return _paint(svg, words)


def _paint(svg: str, words: CjkWords | None = None) -> Formula | None:
    from PySide6.QtCore import QByteArray
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    box = renderer.viewBoxF()
    if not renderer.isValid() or box.width() <= 0 or box.height() <= 0:
        return None
    # The SVG's y = 0 is the baseline: ascent above it, descent below. Pad the shorter side so
    # that the baseline is the image's middle (see the module docstring).
    ascent, descent = max(0.0, -box.top()), max(0.0, box.bottom())
    if words is not None and words.boxes:
        above, below = words.extent()
        ascent, descent = max(ascent, above), max(descent, below)
    half = max(ascent, descent)
    width, height = box.width(), 2 * half
    image = QImage(math.ceil(width * SCALE), math.ceil(height * SCALE), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, (half + box.top()) * SCALE, width * SCALE, box.height() * SCALE))
    if words is not None and words.boxes:
        painter.scale(SCALE, SCALE)
        words.draw(painter, QPointF(-box.left(), half))
    painter.end()
    image.setDevicePixelRatio(SCALE)
    return Formula(image, width, height)


class _Typesetter(QObject):
    """The one worker typesetting formulas; `ready` fires on the GUI thread when some are done."""

    ready = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._done: OrderedDict[FormulaKey, Formula | _Failed] = OrderedDict()  # oldest first: evicted first
        self._bytes = 0
        self._failed: set[tuple[str, bool]] = set()  # (latex, display): fails at any size and colour
        self._asked: set[FormulaKey] = set()
        self._worker: SerialWorker[FormulaKey, Formula | None] = SerialWorker("maths", self._work, self._finished)
        self._process: SvgProcess | None = None  # made by the worker; None again once it failed twice
        self._process_failures = 0

    def lookup(self, key: FormulaKey) -> Formula | _Failed | None:
        """The formula, FAILED, or None (not typeset yet: `request` it). No lock: Qt asks for
        every formula on screen at every layout and paint, and a dict read is atomic."""
        found = self._done.get(key)
        if found is not None:
            return found
        return FAILED if (key.latex, key.display) in self._failed else None

    def failed(self, latex: str, display: bool) -> bool:
        with self._worker.lock:
            return (latex, display) in self._failed

    def request(self, keys: Iterable[FormulaKey]) -> None:
        self._worker.put(keys, self._wanted)

    def _wanted(self, key: FormulaKey) -> bool:
        if key in self._asked or key in self._done:
            return False
        self._asked.add(key)
        return True

    def close(self, timeout_s: float = 2.0) -> None:
        """No more typesetting; wait for the formula in progress (see runtime/serial_worker.py)."""
        self._worker.close(timeout_s)
        if self._process is not None:
            self._process.close()

    def _work(self, key: FormulaKey) -> Formula | None:
        try:
            return self._typeset(key)
        except Exception:  # noqa: BLE001 - a bug here must not kill the worker: the source shows
            log.exception("typesetting %r failed", key.latex)
            return None

    def _finished(self, key: FormulaKey, formula: Formula | None, last: bool) -> None:
        self._asked.discard(key)
        if formula is None:
            self._failed.add((key.latex, key.display))
            self._done[key] = FAILED
        else:
            self._done[key] = formula
            self._bytes += formula.image.sizeInBytes()
            self._evict()
        if last:  # one signal per burst of formulas, not one each
            self.ready.emit()

    def _typeset(self, key: FormulaKey) -> Formula | None:
        """Worker thread: in the typesetting process while it works, else in this thread."""
        if self._process_failures < 2:
            if self._process is None:
                from desktop_chat.ui.messages.math_process import SvgProcess

                self._process = SvgProcess()
            try:
                return typeset(key, self._process)
            except OSError as exc:
                self._process_failures += 1
                log.warning("typesetting maths in this process instead (%s)", exc)
        return typeset(key)

    def _evict(self) -> None:
        while self._bytes > CACHE_BYTES and len(self._done) > 1:
            _, old = self._done.popitem(last=False)
            if isinstance(old, Formula):
                self._bytes -= old.image.sizeInBytes()


formulas = _Typesetter()
"""The one typesetter: `formulas.request([...])`, `formulas.ready.connect(...)`."""


# -- inside a QTextDocument ------------------------------------------------------------------------


class FormulaObjects(QPyTextObject):
    """Sizes and draws the image objects of a message body: our formulas, and nothing else.

    Any other image (HTML reaching the document by another path) is drawn as nothing and takes no
    room: refusing resources is not enough, Qt's own image handler would read a local file named
    by <img src> itself. `on_pending()` is called when a formula is shown as its source while it
    is typeset; call `refresh()` when `formulas.ready` fires.
    """

    def __init__(self, document: QTextDocument, on_pending: Callable[[], None] | None = None) -> None:
        super().__init__(document)
        self._document = document
        self._on_pending = on_pending
        self._pending: dict[FormulaKey, set[int]] = {}
        self._fonts: dict[tuple[int, float, int, float], tuple[int, QFont]] = {}
        self._source_sizes: dict[FormulaKey, QSizeF] = {}  # a formula shown as its source, until typeset

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def _key(self, format: QTextFormat) -> FormulaKey | None:  # noqa: A002 - Qt's name
        name = format.stringProperty(_IMAGE_NAME)
        if not name.startswith(SCHEME + ":"):
            return None
        return key_from_url(name, self._font(format)[0])

    def _font(self, format: QTextFormat) -> tuple[int, QFont]:  # noqa: A002
        """(pixel size, font) at an object: asked of Qt once per size (the layout asks for every
        object on every pass, and resolving a font and its metrics cost ≈ 10 µs each)."""
        size = (format.intProperty(_SIZE_ADJUSTMENT), format.doubleProperty(_POINT_SIZE),
                format.intProperty(_PIXEL_SIZE), self._document.defaultFont().pointSizeF())
        found = self._fonts.get(size)
        if found is None:
            font = format.toCharFormat().font().resolve(self._document.defaultFont())
            found = self._fonts[size] = (max(6, QFontInfo(font).pixelSize()), font)
        return found

    def _source_size(self, key: FormulaKey, format: QTextFormat) -> QSizeF:  # noqa: A002
        size = self._source_sizes.get(key)
        if size is None:
            metrics = QFontMetricsF(self._font(format)[1])
            size = self._source_sizes[key] = QSizeF(metrics.horizontalAdvance(self._source(key)), metrics.height())
        return size

    def intrinsicSize(self, doc: QTextDocument, pos: int, format: QTextFormat) -> QSizeF:  # noqa: A002
        key = self._key(format)
        if key is None:
            return QSizeF(0, 0)
        found = formulas.lookup(key)
        if isinstance(found, Formula):
            return QSizeF(found.width, found.height)
        if found is None:
            positions = self._pending.get(key)
            if positions is None:
                positions = self._pending[key] = set()
                formulas.request([key])
                if self._on_pending is not None:
                    self._on_pending()
            positions.add(pos)
        return self._source_size(key, format)

    def drawObject(self, painter: QPainter, rect: QRectF | QRect, doc: QTextDocument, pos: int,
                   format: QTextFormat) -> None:  # noqa: A002
        key = self._key(format)
        if key is None:
            return
        found = formulas.lookup(key)
        target = QRectF(rect)
        if isinstance(found, Formula):
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, found.image)
            painter.restore()
            return
        painter.save()  # typesetting (or failed in a block rendered before it failed): its source
        painter.setFont(self._font(format)[1])
        colour = QColor(key.colour)
        colour.setAlphaF(SOURCE_ALPHA if found is None else 1.0)
        painter.setPen(colour)
        painter.drawText(target, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._source(key))
        painter.restore()

    @staticmethod
    def _source(key: FormulaKey) -> str:
        return f"$${key.latex}$$" if key.display else f"${key.latex}$"

    def refresh(self) -> bool:
        """Lay out again the places of formulas typeset since; True when some are still pending."""
        document = self._document
        size = document.characterCount()
        for key, positions in list(self._pending.items()):
            if formulas.lookup(key) is None:
                continue
            del self._pending[key]
            self._source_sizes.pop(key, None)
            for pos in positions:
                if 0 <= pos < size:
                    document.markContentsDirty(pos, 1)
        return bool(self._pending)

    def source_at(self, pos: int) -> str | None:
        """The LaTeX (with its delimiters) of the formula at document position `pos`, if one is there."""
        block = self._document.findBlock(pos)
        if not block.isValid():
            return None
        fragment_format = None
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.position() <= pos < fragment.position() + fragment.length():
                fragment_format = fragment.charFormat()
                break
            iterator += 1
        if fragment_format is None or not fragment_format.isImageFormat():
            return None
        name = fragment_format.toImageFormat().name()
        key = key_from_url(name, 0)
        return self._source(key) if key is not None else None

    def selection_text(self, cursor: QTextCursor) -> str | None:
        """The cursor's selection as plain text with each formula as its LaTeX source; None when
        the selection holds no object (the caller's usual copy is right then)."""
        text = cursor.selectedText()
        if "\ufffc" not in text:
            return None
        start = cursor.selectionStart()
        pieces = [(self.source_at(start + i) or "") if char == "\ufffc" else char for i, char in enumerate(text)]
        return "".join(pieces).replace("\u2029", "\n")

    def point_source(self, point: QPointF) -> str | None:
        """The formula's source under `point` (document coordinates), if any."""
        pos = self._document.documentLayout().hitTest(point, Qt.HitTestAccuracy.ExactHit)
        if pos < 0:
            return None
        return self.source_at(pos) or (self.source_at(pos - 1) if pos > 0 else None)
