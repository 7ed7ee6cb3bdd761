"""An attached image at full size: a non-modal window that shows it whole (scaled down to fit when it
is larger than the window); a click on it toggles the actual size, which scrolls.

The stored (clean) copy is read and decoded in a worker thread; only the finished QImage becomes a
pixmap here. When the stored copy is gone, the window says so instead.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop_chat.domain.parts import ImagePart
from desktop_chat.ui.runtime.async_runner import AsyncRunner

if TYPE_CHECKING:
    from desktop_chat.documents import DocumentLibrary

__all__ = ["ImageViewer", "load_image"]


def load_image(library: DocumentLibrary, image: ImagePart) -> QImage:
    """Worker thread: the stored image, decoded. Raises DocumentError (FileMissing) or ValueError."""
    decoded = QImage.fromData(library.original(image.sha256))
    if decoded.isNull():
        raise ValueError("the stored image could not be decoded")
    return decoded


class _ClickableLabel(QLabel):
    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class ImageViewer(QDialog):
    """Shows one image. Deletes itself when closed."""

    shown = Signal(bool)  # True: the image is on screen; False: it could not be read

    def __init__(self, library: DocumentLibrary, runner: AsyncRunner, image: ImagePart,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.image_part = image
        self.library = library
        self.runner = runner
        self.label = _ClickableLabel(self)
        self.label.setObjectName("imageViewerImage")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.clicked.connect(self._toggle_fit)
        self.pixmap: QPixmap | None = None
        self.fitted = True  # whole in the window; False: actual size, scrolling
        self.area = QScrollArea(self)
        self.area.setWidgetResizable(True)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area.setWidget(self.label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.area, 1)
        column.addWidget(buttons)
        self.retranslate()
        self.label.setText(self.tr("Loading…"))
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        # The image's own size, or scaled down (keeping its shape) to most of the screen; room for the button.
        size = QSize(max(image.width, 320), max(image.height, 240))
        room = QSize(int(screen.width() * 0.85) - 40, int(screen.height() * 0.85) - 80)
        if size.width() > room.width() or size.height() > room.height():
            size = size.scaled(room, Qt.AspectRatioMode.KeepAspectRatio)
        self.resize(size.width() + 40, size.height() + 80)
        self._task: asyncio.Task[None] | None = runner.start(self._load(), name="image-viewer")

    async def _load(self) -> None:
        from desktop_chat.documents import DocumentError

        try:
            decoded = await self.runner.in_thread(load_image, self.library, self.image_part)
        except (DocumentError, ValueError, OSError):
            self.label.setText(self.tr("This image is no longer stored on this computer."))
            self.shown.emit(False)
            return
        self.pixmap = QPixmap.fromImage(decoded)
        self.label.setCursor(Qt.CursorShape.PointingHandCursor)
        self._show_pixmap()
        self.shown.emit(True)

    def _show_pixmap(self) -> None:
        if self.pixmap is None:
            return
        room = self.area.viewport().size()
        larger = self.pixmap.width() > room.width() or self.pixmap.height() > room.height()
        self.area.setWidgetResizable(self.fitted)
        if self.fitted and larger:
            self.label.setPixmap(self.pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                                    Qt.TransformationMode.SmoothTransformation))
        else:
            self.label.setPixmap(self.pixmap)
            self.label.adjustSize()

    def _toggle_fit(self) -> None:
        if self.pixmap is not None:
            self.fitted = not self.fitted
            self._show_pixmap()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fitted:
            self._show_pixmap()

    def retranslate(self) -> None:
        name = self.image_part.file_name or self.tr("Image")
        self.setWindowTitle(self.tr("{name} ({width} × {height})").format(
            name=name, width=self.image_part.width, height=self.image_part.height))
        self.label.setAccessibleName(self.tr("Image {name}").format(name=name))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def done(self, result: int) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        super().done(result)
