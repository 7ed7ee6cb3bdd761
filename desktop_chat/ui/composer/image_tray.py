"""The images attached to the message being written: a row of thumbnail chips above the editor.

An image arrives from a drop, the Attach dialog, the command line (a path), a paste of a file
(bytes) or a paste of a picture (a screenshot on the clipboard, an image copied from a browser: a
QImage, or the browser's encoded bytes). Its chip shows at once; everything else happens in a
worker thread (`AsyncRunner.in_thread`): reading the file, encoding a clipboard picture, cleaning
and storing it (documents/images.py through the shared DocumentLibrary) and decoding a small
thumbnail. The GUI thread only turns that thumbnail (≤ 2 × the chip) into a pixmap.

Sending takes the ready images (`take`) as ImageParts; a turn that did not start puts them back
(`restore`). Send waits while one is still being prepared (`busy`).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QScrollArea, QSizePolicy, QWidget

from desktop_chat.domain.parts import ImagePart
from desktop_chat.ui.composer.image_chip import IMAGE_CHIP_SIZE, ImageChip
from desktop_chat.ui.runtime.async_runner import AsyncRunner

if TYPE_CHECKING:
    from desktop_chat.documents import DocumentLibrary

__all__ = ["PASTED_IMAGE_NAME", "ImageTray", "ReadyImage", "encode_png", "thumbnail"]

log = logging.getLogger(__name__)

PASTED_IMAGE_NAME = "pasted-image.png"
THUMBNAIL_EDGE = 2 * IMAGE_CHIP_SIZE  # sharp on a 2× screen


@dataclass(frozen=True)
class ReadyImage:
    """A prepared image: what is sent, and what its chip shows."""

    part: ImagePart
    thumbnail: QImage
    size_text: str
    warning: str | None = None


class ImageTray(QWidget):
    """The image chips. Hidden while empty."""

    changed = Signal()  # a chip came, went or changed state (Send may have to follow)
    message = Signal(str)  # a sentence for the status bar
    openRequested = Signal(object)  # ImagePart: show it at full size
    textRead = Signal(str, str)  # file name for a text attachment, the text OCR read in an image

    def __init__(self, library: DocumentLibrary, runner: AsyncRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageTray")
        self.library = library
        self.runner = runner
        self._keys = itertools.count(1)
        self._chips: dict[int, ImageChip] = {}
        self._ready: dict[int, ReadyImage] = {}
        self._tasks: dict[int, Any] = {}
        self._row = QWidget()
        self._row.setAutoFillBackground(False)
        self._layout = QHBoxLayout(self._row)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self._scroll = QScrollArea(self)
        self._scroll.setObjectName("imageScroll")
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setWidgetResizable(True)
        self._scroll.setWidget(self._row)
        self._scroll.viewport().setAutoFillBackground(False)
        self._scroll.setFixedHeight(IMAGE_CHIP_SIZE + 2)
        # Offered when the model cannot see images and Tesseract is installed (documents/ocr.py).
        self.ocr_button = QPushButton(self._row)  # right after the chips (see _place)
        self.ocr_button.setObjectName("imageOcrButton")
        self.ocr_button.setAutoDefault(False)
        self.ocr_button.hide()
        self.ocr_button.clicked.connect(self.send_text_instead)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addWidget(self._scroll, 1)
        self._layout.insertWidget(0, self.ocr_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(IMAGE_CHIP_SIZE + 8)
        self.hide()
        self.retranslate()

    # -- adding --------------------------------------------------------------------------------

    def add_paths(self, paths: Iterable[Path]) -> list[ImageChip]:
        return [self._add(path.name, path) for path in paths]

    def add_bytes(self, data: bytes, file_name: str) -> ImageChip:
        return self._add(file_name, data)

    def add_qimage(self, image: QImage, file_name: str = PASTED_IMAGE_NAME) -> ImageChip:
        """A picture from the clipboard (no file, no bytes): encoded as PNG in the worker."""
        return self._add(file_name, image.copy())  # the clipboard's may change under us

    def _add(self, title: str, source: Path | bytes | QImage) -> ImageChip:
        key = next(self._keys)
        chip = ImageChip(key, title, self._row)
        chip.removeRequested.connect(self.remove)
        chip.opened.connect(self._open)
        self._chips[key] = chip
        self._place(chip)
        self.show()
        self.changed.emit()
        self._tasks[key] = self.runner.start(self._prepare(key, title, source), name=f"image-{key}")
        return chip

    async def _prepare(self, key: int, title: str, source: Path | bytes | QImage) -> None:
        from desktop_chat.documents import DocumentError

        try:
            ready = await self.runner.in_thread(_prepare_image, self.library, title, source)
        except DocumentError as exc:
            self._failed(key, _error_text(exc))
            return
        except Exception as exc:  # a bug must not leave a chip preparing forever
            log.exception("preparing image %s failed", title)
            self._failed(key, self.tr("“{name}” could not be read ({error}).").format(
                name=title, error=type(exc).__name__))
            return
        chip = self._chips.get(key)
        if chip is None:
            return  # removed meanwhile
        self._ready[key] = ready
        chip.set_ready(ready.thumbnail, ready.size_text, ready.warning)
        if ready.warning:
            self.message.emit(ready.warning)
        self.changed.emit()

    def _failed(self, key: int, text: str) -> None:
        chip = self._chips.get(key)
        if chip is None:
            return
        chip.set_failed(text)
        self.message.emit(text)
        self.changed.emit()

    # -- what the window asks ------------------------------------------------------------------

    def chips(self) -> list[ImageChip]:
        return [self._chips[key] for key in sorted(self._chips)]

    def parts(self) -> list[ImagePart]:
        return [self._ready[key].part for key in sorted(self._ready)]

    def busy(self) -> bool:
        return any(chip.busy for chip in self._chips.values())

    def busy_names(self) -> list[str]:
        return [chip.title for chip in self.chips() if chip.busy]

    def has_ready(self) -> bool:
        return bool(self._ready)

    def take(self) -> list[ReadyImage]:
        """Remove every chip; return the ready images (to restore if the message cannot be sent)."""
        items = [self._ready[key] for key in sorted(self._ready)]
        self.clear()
        return items

    def restore(self, items: Sequence[ReadyImage]) -> None:
        """Put back images taken by take()."""
        known = {ready.part.sha256 for ready in self._ready.values()}
        for item in items:
            if item.part.sha256 in known:
                continue
            key = next(self._keys)
            chip = ImageChip(key, item.part.file_name, self._row)
            chip.removeRequested.connect(self.remove)
            chip.opened.connect(self._open)
            self._chips[key] = chip
            self._ready[key] = item
            self._place(chip)
            chip.set_ready(item.thumbnail, item.size_text, item.warning)
        self.setVisible(bool(self._chips))
        self.changed.emit()

    def mark_failed(self, text: str) -> None:
        """The engine refused the images (e.g. too many for the provider): say so on each."""
        for key in self._ready:
            self._chips[key].set_failed(text)
        self._ready.clear()
        self.changed.emit()

    def clear(self) -> None:
        self.ocr_button.hide()
        for key in list(self._chips):
            self.remove(key, quiet=True)
        self.changed.emit()

    def remove(self, key: int, *, quiet: bool = False) -> None:
        chip = self._chips.pop(key, None)
        self._ready.pop(key, None)
        task = self._tasks.pop(key, None)
        if task is not None and not task.done():
            task.cancel()  # the worker finishes its image; nothing shows it
        if chip is None:
            return
        self._layout.removeWidget(chip)
        chip.hide()
        chip.setParent(None)
        chip.deleteLater()
        self.setVisible(bool(self._chips))
        if not quiet:
            self.changed.emit()

    # -- text instead of images (OCR) ------------------------------------------------------------

    def offer_ocr(self) -> None:
        """The model cannot see images: offer to send the text in them, where Tesseract is installed."""
        self.runner.start(self._offer_ocr(), name="ocr-available")

    async def _offer_ocr(self) -> None:
        from desktop_chat.documents import ocr

        installed: bool = await self.runner.in_thread(ocr.available)
        if installed and self._ready:
            self.ocr_button.show()

    def send_text_instead(self) -> None:
        """Read the text in each ready image (OCR, in a worker) and attach that instead of the image."""
        self.ocr_button.hide()
        for key in sorted(self._ready):
            self._chips[key].set_preparing()
            self._tasks[key] = self.runner.start(self._read_text(key, self._ready.pop(key)), name=f"ocr-{key}")
        self.changed.emit()

    async def _read_text(self, key: int, ready: ReadyImage) -> None:
        from desktop_chat.documents import DocumentError
        from desktop_chat.documents.ocr import read_image_text

        part = ready.part
        try:
            text = await self.runner.in_thread(
                lambda: read_image_text(self.library.original(part.sha256), part.file_name))
        except DocumentError as exc:
            self._failed(key, _error_text(exc))
            return
        stem = part.file_name.rsplit(".", 1)[0] if "." in part.file_name else part.file_name
        self.remove(key)
        self.textRead.emit(f"{stem or 'image'} (text).txt", text)

    def _place(self, chip: ImageChip) -> None:
        """A chip goes after the others, before the OCR offer and the stretch."""
        self._layout.insertWidget(self._layout.indexOf(self.ocr_button), chip)

    def _open(self, key: int) -> None:
        ready = self._ready.get(key)
        if ready is not None:
            self.openRequested.emit(ready.part)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Attached images"))
        self.ocr_button.setText(self.tr("Send their text instead"))
        self.ocr_button.setToolTip(self.tr("Read the text in the images (OCR) and attach it as text, for a model "
                                           "that cannot see images"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


# -- the worker's part -------------------------------------------------------------------------------

def _prepare_image(library: DocumentLibrary, title: str, source: Path | bytes | QImage) -> ReadyImage:
    """Worker thread: read or encode, clean and store, and a thumbnail. Raises DocumentError."""
    from desktop_chat.documents.extraction import read_file

    if isinstance(source, Path):
        data = read_file(source)
    elif isinstance(source, QImage):
        data = encode_png(source)
    else:
        data = source
    prepared = library.attach_image(data, title)
    part = ImagePart(prepared.sha256, prepared.media_type, prepared.width, prepared.height, title)
    warning = "; ".join(_localized(text) for text in prepared.warnings) or None
    return ReadyImage(part, thumbnail(prepared.data, THUMBNAIL_EDGE), f"{prepared.width} × {prepared.height}", warning)


def encode_png(image: QImage) -> bytes:
    """A QImage as PNG bytes (thread-safe: QImage is not a GUI object)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; PySide6 takes str
    return bytes(buffer.data().data())


def thumbnail(data: bytes, edge: int) -> QImage:
    """A small image of *data*, decoded at its small size where the format allows (JPEG)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)  # does not own the buffer: it stays referenced here
    size = reader.size()
    if size.isValid() and min(size.width(), size.height()) > edge:
        reader.setScaledSize(size.scaled(QSize(edge, edge), _keep_aspect()))
    image = reader.read()
    buffer.close()
    return image


def _keep_aspect() -> Any:
    from PySide6.QtCore import Qt

    return Qt.AspectRatioMode.KeepAspectRatioByExpanding


def _localized(text: Any) -> str:
    from desktop_chat.ui.common.error_text import localized

    return localized(text, text.english())


def _error_text(error: Exception) -> str:
    text = getattr(error, "text", None)
    if text is not None:
        return _localized(text)
    from desktop_chat.ui.composer.document_errors import document_error_text

    return document_error_text(error)  # type: ignore[arg-type]
