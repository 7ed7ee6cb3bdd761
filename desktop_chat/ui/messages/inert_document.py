"""A message's document that fetches nothing: no resource from anywhere, no image from a file.

Model output is untrusted (see markdown_render.py): whatever HTML reaches a message's document,
it loads no remote or local resource.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QRectF, QSizeF, QUrl
from PySide6.QtGui import QPainter, QPyTextObject, QTextDocument, QTextFormat

__all__ = ["InertDocument", "NoImages"]


class InertDocument(QTextDocument):
    """A document that loads no resource of any kind (images, style sheets), from anywhere."""

    def loadResource(self, type: int, name: QUrl | str) -> Any:  # noqa: A002 - Qt's signature
        return None


class NoImages(QPyTextObject):
    """Draws image objects as nothing.

    Refusing resources is not enough: when loadResource gives nothing, Qt's own image handler
    reads a local file named by <img src> itself. Our renderer never emits <img>; this makes
    sure that even HTML reaching the document by another path loads no local file.
    """

    def intrinsicSize(self, doc: QTextDocument, pos: int, format: QTextFormat) -> QSizeF:  # noqa: A002
        return QSizeF(0, 0)

    def drawObject(self, painter: QPainter, rect: QRectF | QRect, doc: QTextDocument, pos: int,
                   format: QTextFormat) -> None:  # noqa: A002
        return None
