"""The images a sent message carries: a row of thumbnails above its text; a click shows one at full size.

The thumbnails come from the stored (clean) copies in the data dir, read and decoded at their small
size in a worker thread by a `Thumbnails` source the window shares between messages (and keeps
a few hundred of); the GUI thread only turns each into a pixmap. Until a thumbnail arrives its
place is a grey rounded box of the right shape (the ImagePart knows the size), so nothing moves
when it comes. A copy that is gone shows as a box that says so.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (QColor, QImage, QImageReader, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPixmap,
                           QResizeEvent)
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_chat.domain.messages import Message
from desktop_chat.domain.parts import ImagePart
from desktop_chat.ui.runtime.async_runner import AsyncRunner

if TYPE_CHECKING:
    from desktop_chat.documents import DocumentLibrary

__all__ = ["ImageStrip", "Thumbnails", "show_images"]

log = logging.getLogger(__name__)

HEIGHT = 132  # px of a thumbnail in a message
SPACING = 6
MAX_WIDTH = 260  # a panorama is cropped to this
CACHE = 300  # thumbnails kept (≈ 130 KB each at 2×)


class Thumbnails:
    """Small images of stored images, loaded in a worker, cached by hash."""

    def __init__(self, library: DocumentLibrary, runner: AsyncRunner) -> None:
        self.library = library
        self.runner = runner
        self._cache: OrderedDict[str, QImage | None] = OrderedDict()  # None: not stored any more
        self._waiting: dict[str, list[Callable[[QImage | None], None]]] = {}

    def request(self, image: ImagePart, done: Callable[[QImage | None], None]) -> None:
        """Call *done* with the thumbnail (None if the image is gone): now if known, else later."""
        if image.sha256 in self._cache:
            self._cache.move_to_end(image.sha256)
            done(self._cache[image.sha256])
            return
        waiting = self._waiting.setdefault(image.sha256, [])
        waiting.append(done)
        if len(waiting) == 1:
            self.runner.start(self._load(image), name="thumbnail")

    async def _load(self, image: ImagePart) -> None:
        try:
            result: QImage | None = await self.runner.in_thread(_thumbnail, self.library, image.sha256)
        except Exception as exc:  # noqa: BLE001 - gone, damaged: the box says so
            log.info("no thumbnail for %s: %s", image.sha256[:12], type(exc).__name__)
            result = None
        self._cache[image.sha256] = result
        while len(self._cache) > CACHE:
            self._cache.popitem(last=False)
        for done in self._waiting.pop(image.sha256, []):
            done(result)


def _thumbnail(library: DocumentLibrary, sha256: str) -> QImage | None:
    buffer = QBuffer()
    buffer.setData(QByteArray(library.original(sha256)))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if size.isValid() and size.height() > 2 * HEIGHT:
        reader.setScaledSize(size.scaled(QSize(10 * MAX_WIDTH, 2 * HEIGHT), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


class _Thumb(QWidget):
    clicked = Signal(object)  # ImagePart

    def __init__(self, image: ImagePart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = image
        self.pixmap: QPixmap | None = None
        self.missing = False
        self.setObjectName("messageImage")
        ratio = image.width / image.height if image.width > 0 and image.height > 0 else 4 / 3
        self.setFixedSize(max(48, min(MAX_WIDTH, round(HEIGHT * ratio))), HEIGHT)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.retranslate()

    def set_thumbnail(self, thumbnail: QImage | None) -> None:
        if thumbnail is None:
            self.missing = True
            self.setCursor(Qt.CursorShape.ArrowCursor)
        else:
            self.pixmap = QPixmap.fromImage(thumbnail)
        self.retranslate()
        self.update()

    def retranslate(self) -> None:
        name = self.image.file_name or self.tr("Image")
        self.setAccessibleName(self.tr("Image {name}").format(name=name))
        self.setToolTip(self.tr("{name} is no longer stored on this computer").format(name=name) if self.missing
                        else self.tr("{name} ({width} × {height}): click to see it at full size").format(
                            name=name, width=self.image.width, height=self.image.height))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self.missing:
            self.clicked.emit(self.image)
        super().mouseReleaseEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = QRectF(self.rect())
        path = QPainterPath()
        path.addRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
        palette = self.palette()
        base, text = palette.color(palette.ColorRole.Base), palette.color(palette.ColorRole.Text)
        painter.fillPath(path, _mix(base, text, 0.07))
        if self.pixmap is not None:
            painter.setClipPath(path)
            pixmap = self.pixmap
            scale = max(rect.width() / max(1, pixmap.width()), rect.height() / max(1, pixmap.height()))
            width, height = pixmap.width() * scale, pixmap.height() * scale
            target = QRectF(rect.center().x() - width / 2, rect.center().y() - height / 2, width, height)
            painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
            painter.setClipping(False)
        elif self.missing:
            painter.setPen(_mix(base, text, 0.55))
            painter.drawText(rect.adjusted(6, 6, -6, -6), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.tr("Image no longer stored"))
        painter.setPen(_mix(base, text, 0.15))
        painter.drawPath(path)
        painter.end()


class ImageStrip(QWidget):
    """A message's images, left to right, wrapping onto more rows in a narrow window (never wider
    than the message). Emits activated(ImagePart) for a click."""

    activated = Signal(object)

    def __init__(self, thumbnails: Thumbnails | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageImages")
        self.thumbnails = thumbnails
        self.thumbs: list[_Thumb] = []
        self.align_right = False  # a question's images sit at the right, above its bubble
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _rows(self, width: int) -> list[list[_Thumb]]:
        rows: list[list[_Thumb]] = [[]]
        used = 0
        for thumb in self.thumbs:
            if rows[-1] and used + SPACING + thumb.width() > width:
                rows.append([])
                used = 0
            used += (SPACING if rows[-1] else 0) + thumb.width()
            rows[-1].append(thumb)
        return rows if self.thumbs else []

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        rows = len(self._rows(width))
        return rows * HEIGHT + max(0, rows - 1) * SPACING

    def sizeHint(self) -> QSize:
        return QSize(min(MAX_WIDTH, sum(t.width() for t in self.thumbs)), self.heightForWidth(self.width() or MAX_WIDTH))

    def minimumSizeHint(self) -> QSize:
        return QSize(min((t.width() for t in self.thumbs), default=0), HEIGHT if self.thumbs else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def _relayout(self) -> None:
        y = 0
        for row in self._rows(self.width()):
            used = sum(t.width() for t in row) + SPACING * (len(row) - 1)
            x = max(0, self.width() - used) if self.align_right else 0
            for thumb in row:
                thumb.move(x, y)
                x += thumb.width() + SPACING
            y += HEIGHT + SPACING
        self.updateGeometry()

    def set_images(self, images: list[ImagePart]) -> None:
        if [t.image for t in self.thumbs] == images:
            return
        for thumb in self.thumbs:
            thumb.setParent(None)
            thumb.deleteLater()
        self.thumbs = []
        for image in images:
            thumb = _Thumb(image, self)
            thumb.clicked.connect(self.activated)
            thumb.show()
            self.thumbs.append(thumb)
            if self.thumbnails is not None:
                self.thumbnails.request(image, _deliver_to(thumb))
        self._relayout()


def _deliver_to(thumb: _Thumb) -> Callable[[QImage | None], None]:
    def deliver(thumbnail: QImage | None) -> None:
        try:
            thumb.set_thumbnail(thumbnail)
        except RuntimeError:  # the message was closed meanwhile: its widget is gone
            pass
    return deliver


def show_images(widget: Any, message: Message, view: Any, on_image: Callable[[object], None]) -> None:
    """The message's images, in its widget (a MessageWidget: above its text; nothing when it has
    none). The view's ``image_source`` (the window's DocumentLibrary and AsyncRunner, set when
    the window is built) becomes its shared Thumbnails on the first image, not at start-up."""
    images = [part for part in message.typed_parts if isinstance(part, ImagePart)]
    thumbnails = getattr(view, "thumbnails", None)
    source = getattr(view, "image_source", None)
    if images and thumbnails is None and source is not None:
        thumbnails = view.thumbnails = Thumbnails(*source)
    strip = widget.findChild(ImageStrip, "messageImages")
    if not images:
        if isinstance(strip, ImageStrip):
            strip.set_images([])
        return
    if not isinstance(strip, ImageStrip):
        strip = ImageStrip(thumbnails)
        strip.align_right = message.role == "user"
        strip.activated.connect(on_image)
        widget.extras.insertWidget(0, strip)
    strip.set_images(images)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(int(a.red() + (b.red() - a.red()) * t), int(a.green() + (b.green() - a.green()) * t),
                  int(a.blue() + (b.blue() - a.blue()) * t))
