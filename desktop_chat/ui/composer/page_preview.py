"""The page a source came from: rendered from the stored copy of the PDF, in a worker thread.

Opened by clicking a source under an answer (or a document on a user's message). The PDF is read
from the data dir by hash (`DocumentLibrary.original`), so it works after the file has moved;
MuPDF renders the page and Qt decodes the PNG in the worker thread too, so the GUI thread only
shows the finished image. A text attachment shows its text instead. When the stored copy is gone
(FileMissing) or the PDF needs its password, the dialog says so.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.documents import DocumentError, DocumentLibrary, FileMissing, PasswordRequired, render_page_png
from desktop_chat.domain.messages import SourceRef
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.composer.document_errors import document_error_text

__all__ = ["PageContent", "PagePreviewDialog", "load_page"]

log = logging.getLogger(__name__)

ZOOM = 2.0  # × 72 dpi: sharp when scaled down to the dialog's width (and on a high-DPI screen)


@dataclass(frozen=True)
class PageContent:
    page: int
    page_count: int
    image: QImage | None = None  # a PDF page
    text: str | None = None  # a text attachment


def load_page(library: DocumentLibrary, sha256: str, page: int, file_name: str, page_count: int = 0,
              highlight: str = "") -> PageContent:
    """Worker thread: the page as an image (PDF) or its text. Raises DocumentError, ValueError.

    *page_count*, when known, saves reading the document's text just to count its pages;
    *highlight*, the cited passage's excerpt, is marked on a PDF page where it is found."""
    data = library.original(sha256)
    if data.find(b"%PDF-", 0, 1024) < 0:
        document = library.document(sha256, file_name)
        page = min(max(1, page), document.page_count)
        return PageContent(page, document.page_count, text=document.page_text(page))
    count = page_count or library.document(sha256, file_name).page_count
    page = min(max(1, page), max(1, count))
    image = QImage.fromData(render_page_png(data, page, ZOOM, highlight=highlight))
    if image.isNull():
        raise ValueError("the page image could not be decoded")
    return PageContent(page, count, image=image)


class PagePreviewDialog(QDialog):
    """One source's page, with Previous / Next. Non-modal; deletes itself when closed."""

    pageShown = Signal(int)  # the page now on screen (or the failure shown: 0)

    def __init__(self, library: DocumentLibrary, runner: AsyncRunner, source: SourceRef,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pagePreviewDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.library = library
        self.runner = runner
        self.source = source
        self.page = max(1, source.page)
        self.page_count = 0
        self._loading: asyncio.Task[PageContent] | None = None
        self._page_pixmap: QPixmap | None = None
        self._build()
        self.retranslate()
        self.resize(760, 860)

    def _build(self) -> None:
        self.status = QLabel(self)
        self.status.setObjectName("pagePreviewStatus")
        self.status.setWordWrap(True)
        self.excerpt = QLabel(self)
        self.excerpt.setObjectName("pagePreviewExcerpt")
        self.excerpt.setWordWrap(True)
        self.excerpt.setTextFormat(Qt.TextFormat.PlainText)
        self.excerpt.setVisible(bool(self.source.excerpt))
        self.image = QLabel()
        self.image.setObjectName("pagePreviewImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        # Not `self.scroll`: that would hide QWidget.scroll().
        self.page_area = QScrollArea(self)
        self.page_area.setWidgetResizable(True)
        self.page_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # fitted to the width
        self.page_area.setWidget(self.image)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("pagePreviewText")
        self.text.setReadOnly(True)
        self.text.hide()
        self.previous_button = QPushButton(self)
        self.previous_button.setObjectName("previousPageButton")
        self.previous_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button = QPushButton(self)
        self.next_button.setObjectName("nextPageButton")
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addStretch(1)
        row.addWidget(buttons)
        column = QVBoxLayout(self)
        column.addWidget(self.status)
        column.addWidget(self.excerpt)
        column.addWidget(self.page_area, 1)
        column.addWidget(self.text, 1)
        column.addLayout(row)

    # -- pages -----------------------------------------------------------------------------------

    def open(self) -> None:
        super().open()
        self.show_page(self.page)

    def show_page(self, page: int) -> None:
        if page < 1 or (self.page_count and page > self.page_count):
            return
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()  # the thread finishes; its result is not shown
        self.status.setText(self.tr("Showing page {page} of “{file}”…").format(page=page, file=self.source.file_name))
        self.previous_button.setEnabled(False)
        self.next_button.setEnabled(False)
        self._loading = self.runner.start(
            self.runner.in_thread(load_page, self.library, self.source.sha256, page, self.source.file_name,
                                  self.page_count, self._highlight(page)),
            on_done=self._shown, on_error=self._failed, name="page-preview")

    def _highlight(self, page: int) -> str:
        """The cited passage, to mark on the pages it spans (a document's chip has no excerpt)."""
        first = self.source.first_page or self.source.page
        last = self.source.last_page or self.source.page
        return self.source.excerpt if first <= page <= last else ""

    def _shown(self, content: PageContent) -> None:
        if not shiboken6.isValid(self):  # closed with its parent while the page was rendering
            return
        self.page, self.page_count = content.page, content.page_count
        if content.image is not None:
            self._page_pixmap = QPixmap.fromImage(content.image)
            self._fit()
            self.page_area.show()
            self.text.hide()
        else:
            self.text.setPlainText(content.text or "")
            self.text.show()
            self.page_area.hide()
        self._update_title()
        self.pageShown.emit(self.page)

    def _fit(self) -> None:
        """The page as wide as the dialog (never wider than rendered): no sideways scrolling."""
        if self._page_pixmap is None:
            return
        width = self.page_area.viewport().width() - 4
        pixmap = self._page_pixmap
        if 0 < width < pixmap.width():
            pixmap = pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        name = self.source.file_name
        if isinstance(error, FileMissing):
            text = self.tr("The stored copy of “{file}” is gone, so its pages cannot be shown. "
                           "Attach the file again to see them.").format(file=name)
        elif isinstance(error, PasswordRequired):
            text = self.tr("“{file}” is protected by a password, so its pages cannot be shown here.").format(file=name)
        elif isinstance(error, DocumentError):
            text = document_error_text(error)
        else:
            log.warning("page preview failed: %s", type(error).__name__)
            text = self.tr("Page {page} of “{file}” cannot be shown.").format(page=self.page, file=name)
        self.status.setText(text)
        self._page_pixmap = None
        self.image.clear()
        self._update_buttons()
        self.pageShown.emit(0)

    def _update_title(self) -> None:
        name = self.source.file_name
        if self.page_count:
            self.status.setText(self.tr("Page {page} of {count}").format(page=self.page, count=self.page_count))
        self.setWindowTitle(self.tr("{file} — page {page}").format(file=name, page=self.page))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.previous_button.setEnabled(self.page > 1 and self.page_count > 0)
        self.next_button.setEnabled(0 < self.page < self.page_count)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("{file} — page {page}").format(file=self.source.file_name, page=self.page))
        self.setAccessibleName(self.tr("Page preview"))
        self.previous_button.setText(self.tr("Previous page"))
        self.next_button.setText(self.tr("Next page"))
        self.image.setAccessibleName(self.tr("Page image"))
        if self.source.excerpt:
            self.excerpt.setText(self.tr("Passage: “{excerpt}”").format(excerpt=" ".join(self.source.excerpt.split())))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self.page_count:
                self._update_title()
        super().changeEvent(event)

    def done(self, result: int) -> None:
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()
        super().done(result)
