"""The attachment tray: the chips above the composer's text, in a wrapping row that scrolls past a
few rows, and what the window asks of them (`attachments()` for the ready ones with the user's
"whole document / passages / automatic" choice, `busy()` while any is still being read).

Each chip is an AttachmentChip (attachment_chips.py); the tray reads the files with the
AttachmentLoader and asks for a PDF's password when it needs one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QInputDialog, QLineEdit, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from desktop_chat.documents import DocumentError, ExtractedDocument, PasswordRequired, WrongPassword
from desktop_chat.domain.messages import Attachment
from desktop_chat.ui.composer.attachment_chips import (CHIP_HEIGHT, CHIP_WIDTH, MAX_ROWS, SPACING, AttachmentChip,
                                                       ChipState, ReadyItem)
from desktop_chat.ui.composer.attachment_loader import AttachmentLoader
from desktop_chat.ui.composer.document_errors import document_error_text

__all__ = ["AttachmentTray"]


class _ChipFlow(QWidget):
    """Lays out same-sized chips left to right, wrapping; its height follows its width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips: list[AttachmentChip] = []
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def columns(self, width: int) -> int:
        return max(1, (width + SPACING) // (CHIP_WIDTH + SPACING))

    def heightForWidth(self, width: int) -> int:
        if not self.chips:
            return 0
        rows = -(-len(self.chips) // self.columns(width))
        return rows * CHIP_HEIGHT + (rows - 1) * SPACING

    def hasHeightForWidth(self) -> bool:
        return True

    def sizeHint(self) -> QSize:
        return QSize(CHIP_WIDTH, self.heightForWidth(self.width() or CHIP_WIDTH))

    def relayout(self) -> None:
        columns = self.columns(self.width())
        for index, chip in enumerate(self.chips):
            row, column = divmod(index, columns)
            chip.setGeometry(QRect(column * (CHIP_WIDTH + SPACING), row * (CHIP_HEIGHT + SPACING),
                                   CHIP_WIDTH, CHIP_HEIGHT))
        self.setMinimumHeight(self.heightForWidth(self.width()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.relayout()


class AttachmentTray(QWidget):
    """The chips above the editor. Hidden while empty."""

    changed = Signal()  # a chip came, went, or changed state (Send may have to follow)
    message = Signal(str)  # a sentence for the status bar

    def __init__(self, loader: AttachmentLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentTray")
        self.loader = loader
        self._chips: dict[int, AttachmentChip] = {}
        self._password_queue: list[int] = []
        self._password_dialog: QInputDialog | None = None
        self._password_key: int | None = None
        self._restored_keys = itertools.count(-1, -1)  # chips put back after a failed send (no job)

        self._flow = _ChipFlow()
        self._scroll = QScrollArea(self)
        self._scroll.setObjectName("attachmentScroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._flow)
        self._scroll.viewport().setAutoFillBackground(False)
        self._flow.setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self._scroll)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.hide()

        loader.started.connect(self._started)
        loader.progressed.connect(self._progressed)
        loader.finished.connect(self._finished)
        loader.failed.connect(self._failed)
        self.setAccessibleName(self.tr("Attachments"))

    # -- adding --------------------------------------------------------------------------------

    def add_paths(self, paths: Iterable[Path]) -> list[AttachmentChip]:
        added = []
        for path in paths:
            key = self.loader.add_path(path)
            added.append(self._add_chip(key, path.name, path=path))
        return added

    def add_bytes(self, data: bytes, file_name: str, *, title: str | None = None) -> AttachmentChip:
        key = self.loader.add_bytes(data, file_name)
        return self._add_chip(key, title or file_name)

    def _add_chip(self, key: int, title: str, *, path: Path | None = None) -> AttachmentChip:
        chip = AttachmentChip(key, title, path=path, parent=self._flow)
        chip.removeRequested.connect(self.remove)
        chip.overrideChanged.connect(lambda _key: self.changed.emit())
        if key in self._chips:  # the loader finished synchronously? never: it always queues
            self._chips[key].deleteLater()
        self._chips[key] = chip
        self._flow.chips.append(chip)
        chip.show()
        self._refit()
        self.changed.emit()
        return chip

    # -- what the window asks ------------------------------------------------------------------

    def chips(self) -> list[AttachmentChip]:
        return list(self._flow.chips)

    def attachments(self) -> list[Attachment]:
        return [c.attachment for c in self._flow.chips if c.state == ChipState.READY and c.attachment is not None]

    def busy(self) -> bool:
        return any(c.busy for c in self._flow.chips)

    def busy_names(self) -> list[str]:
        return [c.title for c in self._flow.chips if c.busy]

    def take(self) -> list[ReadyItem]:
        """Remove every chip; return the ready ones (to restore if the message cannot be sent)."""
        items = [ReadyItem(c.attachment, c.document, c.title, c.path) for c in self._flow.chips
                 if c.state == ChipState.READY and c.attachment is not None and c.document is not None]
        self.clear()
        return items

    def restore(self, items: Sequence[ReadyItem]) -> None:
        """Put back chips taken by take(), ahead of any added since."""
        known = {c.attachment.sha256 for c in self._flow.chips if c.attachment is not None}
        position = 0
        for item in items:
            if item.attachment.sha256 in known:
                continue
            chip = self._add_chip(next(self._restored_keys), item.title, path=item.path)
            chip.set_ready(item.document, item.attachment.override)
            self._flow.chips.remove(chip)
            self._flow.chips.insert(position, chip)
            position += 1
        self._refit()
        self.changed.emit()

    def mark_failed(self, file_name: str, text: str) -> bool:
        """Show *text* on the ready chip of *file_name* (the engine could not use it)."""
        for chip in self._flow.chips:
            if chip.attachment is not None and chip.attachment.file_name == file_name:
                chip.set_failed(text)
                self.changed.emit()
                return True
        return False

    def clear(self) -> None:
        for key in list(self._chips):
            self.remove(key, quiet=True)
        self.changed.emit()

    def remove(self, key: int, *, quiet: bool = False) -> None:
        chip = self._chips.pop(key, None)
        if chip is None:
            return
        self.loader.cancel(key)
        if key in self._password_queue:
            self._password_queue.remove(key)
        if self._password_key == key and self._password_dialog is not None:
            self._password_key = None
            self._password_dialog.reject()
        self._flow.chips.remove(chip)
        chip.hide()
        chip.setParent(None)
        chip.deleteLater()
        self._refit()
        if not quiet:
            self.changed.emit()

    def cancel_all(self) -> None:
        self.loader.cancel_all()

    # -- the loader's reports ------------------------------------------------------------------

    def _started(self, key: int) -> None:
        chip = self._chips.get(key)
        if chip is not None:
            chip.set_reading()

    def _progressed(self, key: int, done: int, total: int) -> None:
        chip = self._chips.get(key)
        if chip is not None and chip.state != ChipState.READY:
            chip.set_reading(done, total)

    def _finished(self, key: int, document: ExtractedDocument) -> None:
        chip = self._chips.get(key)
        if chip is None:
            return
        twin = next((c for c in self._flow.chips if c is not chip and c.state == ChipState.READY
                     and c.attachment is not None and c.attachment.sha256 == document.sha256), None)
        if twin is not None:
            self.remove(key)
            self.message.emit(self.tr("“{name}” is already attached.").format(name=twin.title))
            return
        chip.set_ready(document)
        self.changed.emit()

    def _failed(self, key: int, error: DocumentError) -> None:
        chip = self._chips.get(key)
        if chip is None:
            return
        if isinstance(error, PasswordRequired):
            chip.set_password()
            if isinstance(error, WrongPassword):
                self.message.emit(document_error_text(error))
            self._ask_password(key, wrong=isinstance(error, WrongPassword))
            self.changed.emit()
            return
        text = document_error_text(error)
        chip.set_failed(text)
        self.message.emit(text)
        self.changed.emit()

    # -- passwords -----------------------------------------------------------------------------

    def _ask_password(self, key: int, *, wrong: bool) -> None:
        if self._password_key is not None:  # one dialog at a time; the others wait their turn
            if key not in self._password_queue and key != self._password_key:
                self._password_queue.append(key)
            if key != self._password_key:
                return
        chip = self._chips[key]
        dialog = QInputDialog(self.window())
        dialog.setObjectName("pdfPasswordDialog")
        dialog.setWindowTitle(self.tr("Password for {name}").format(name=chip.title))
        if wrong:
            label = self.tr("The password for “{name}” is not correct. Try again:").format(name=chip.title)
        else:
            label = self.tr("“{name}” is protected by a password. Enter it to attach the file:").format(
                name=chip.title)
        dialog.setLabelText(label)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setOkButtonText(self.tr("Open"))
        dialog.setCancelButtonText(self.tr("Remove file"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._password_dialog = dialog
        self._password_key = key
        dialog.textValueSelected.connect(lambda text, k=key: self._password_given(k, text))
        dialog.rejected.connect(lambda k=key: self._password_refused(k))
        dialog.open()

    def _password_given(self, key: int, password: str) -> None:
        self._password_done()
        if key in self._chips:
            self._chips[key].set_reading()
            self.loader.retry(key, password)
            self.changed.emit()
        self._next_password()

    def _password_refused(self, key: int) -> None:
        self._password_done()
        self.remove(key)
        self._next_password()

    def _password_done(self) -> None:
        self._password_dialog = None
        self._password_key = None

    def _next_password(self) -> None:
        if self._password_key is None and self._password_queue:
            self._ask_password(self._password_queue.pop(0), wrong=False)

    # -- size ----------------------------------------------------------------------------------

    def _refit(self) -> None:
        self.setVisible(bool(self._flow.chips))
        self._flow.relayout()
        width = self._scroll.viewport().width() or self.width()
        needed = self._flow.heightForWidth(width)
        cap = int(MAX_ROWS * CHIP_HEIGHT + 2 * SPACING)
        self._scroll.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if needed > cap else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setFixedHeight(min(needed, cap) + 2)
        self.setFixedHeight(self._scroll.height() + 4 if self._flow.chips else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.setAccessibleName(self.tr("Attachments"))
        super().changeEvent(event)
