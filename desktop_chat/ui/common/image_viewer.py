"""An attached image at full size: a non-modal window, fitted to it, that scrolls when it is larger.

The stored (clean) copy is read and decoded in a worker thread; only the finished QImage becomes a
pixmap here. When the stored copy is gone, the window says so instead.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
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
        self.label = QLabel(self)
        self.label.setObjectName("imageViewerImage")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
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
        width = min(max(image.width, 320) + 40, int(screen.width() * 0.85))
        height = min(max(image.height, 240) + 80, int(screen.height() * 0.85))
        self.resize(width, height)
        self._task: asyncio.Task[None] | None = runner.start(self._load(), name="image-viewer")

    async def _load(self) -> None:
        from desktop_chat.documents import DocumentError

        try:
            decoded = await self.runner.in_thread(load_image, self.library, self.image_part)
        except (DocumentError, ValueError, OSError):
            self.label.setText(self.tr("This image is no longer stored on this computer."))
            self.shown.emit(False)
            return
        self.label.setPixmap(QPixmap.fromImage(decoded))
        self.shown.emit(True)

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
