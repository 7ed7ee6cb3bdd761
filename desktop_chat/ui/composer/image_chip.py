"""One attached image in the composer: a square thumbnail chip with a remove button.

It appears the moment the image arrives (a grey square with a dotted frame while the image is
prepared in a worker), shows its thumbnail once ready, and a red frame with the sentence when the
image cannot be used. A click shows the image at full size.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QToolButton, QWidget

__all__ = ["IMAGE_CHIP_SIZE", "ImageChip", "ImageChipState"]

IMAGE_CHIP_SIZE = 58  # the height of a document chip: images and documents sit in rows of one height
RADIUS = 8.0


class ImageChipState(enum.Enum):
    PREPARING = "preparing"
    READY = "ready"
    FAILED = "failed"


class ImageChip(QFrame):
    """Emits removeRequested(key) and opened(key); the tray does the rest."""

    removeRequested = Signal(int)
    opened = Signal(int)

    def __init__(self, key: int, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.title = title
        self.state = ImageChipState.PREPARING
        self.error_text: str | None = None
        self.warning_text: str | None = None
        self.size_text = ""
        self._thumbnail: QPixmap | None = None
        self.setObjectName("imageChip")
        self.setFixedSize(IMAGE_CHIP_SIZE, IMAGE_CHIP_SIZE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove_button = QToolButton(self)
        self.remove_button.setObjectName("removeImageButton")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setText("×")
        self.remove_button.setFixedSize(18, 18)
        self.remove_button.move(IMAGE_CHIP_SIZE - 19, 1)
        self.remove_button.setStyleSheet(
            "QToolButton { background: rgba(0, 0, 0, 140); color: white; border-radius: 9px; font-weight: bold; }"
            "QToolButton:hover { background: rgba(0, 0, 0, 200); }")
        self.remove_button.clicked.connect(lambda: self.removeRequested.emit(self.key))
        self.retranslate()

    # -- state ---------------------------------------------------------------------------------

    def set_ready(self, thumbnail: QImage, size_text: str, warning: str | None = None) -> None:
        self.state = ImageChipState.READY
        self._thumbnail = QPixmap.fromImage(thumbnail)  # small (≤ 2 × the chip): cheap here
        self.size_text = size_text
        self.warning_text = warning
        self.retranslate()
        self.update()

    def set_preparing(self) -> None:
        self.state = ImageChipState.PREPARING
        self.retranslate()
        self.update()

    def set_failed(self, text: str) -> None:
        self.state = ImageChipState.FAILED
        self.error_text = text
        self.retranslate()
        self.update()

    @property
    def busy(self) -> bool:
        return self.state is ImageChipState.PREPARING

    # -- words -----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Image {name}").format(name=self.title))
        self.remove_button.setToolTip(self.tr("Remove this image"))
        self.remove_button.setAccessibleName(self.tr("Remove image {name}").format(name=self.title))
        if self.state is ImageChipState.PREPARING:
            tip = self.tr("{name}: preparing…").format(name=self.title)
        elif self.state is ImageChipState.FAILED:
            tip = self.error_text or self.title
        else:
            tip = self.tr("{name} ({size}): click to see it at full size").format(name=self.title, size=self.size_text)
            if self.warning_text:
                tip += "\n" + self.warning_text
        self.setToolTip(tip)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- drawing and clicks ----------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(IMAGE_CHIP_SIZE, IMAGE_CHIP_SIZE)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.state is ImageChipState.READY:
            self.opened.emit(self.key)
        super().mouseReleaseEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        path = QPainterPath()
        path.addRoundedRect(rect, RADIUS, RADIUS)
        palette = self.palette()
        base = palette.color(palette.ColorRole.Base)
        text = palette.color(palette.ColorRole.Text)
        painter.fillPath(path, _mix(base, text, 0.06))
        if self._thumbnail is not None and self.state is not ImageChipState.FAILED:
            painter.save()
            painter.setClipPath(path)
            # Cover the square (crop the longer side), as photo thumbnails do in every chat app.
            pixmap = self._thumbnail
            scale = max(rect.width() / max(1, pixmap.width()), rect.height() / max(1, pixmap.height()))
            width, height = pixmap.width() * scale, pixmap.height() * scale
            target = QRectF(rect.center().x() - width / 2, rect.center().y() - height / 2, width, height)
            painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
            painter.restore()
        elif self.state is ImageChipState.FAILED:
            painter.setPen(QColor("#d93025"))
            font = painter.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.6)
            painter.setFont(font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "!")
        else:
            painter.setPen(_mix(base, text, 0.45))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "···")
        if self.state is ImageChipState.FAILED:
            pen = QPen(QColor("#d93025"), 1.6)
        elif self.state is ImageChipState.PREPARING:
            pen = QPen(_mix(base, text, 0.35), 1.0, Qt.PenStyle.DashLine)
        else:
            pen = QPen(_mix(base, text, 0.18), 1.0)
        painter.setPen(pen)
        painter.drawPath(path)
        painter.end()


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(int(a.red() + (b.red() - a.red()) * t), int(a.green() + (b.green() - a.green()) * t),
                  int(a.blue() + (b.blue() - a.blue()) * t))
