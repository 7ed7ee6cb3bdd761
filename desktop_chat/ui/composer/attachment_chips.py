"""The composer's attachment chips: one per file, from the moment it is dropped until it is sent.

A chip goes queued → reading (page counter) → ready (pages, size, ≈ tokens, how to send it) or
failed (a sentence naming the file). A password-protected PDF asks for its password in a small
dialog, again after a wrong one; Cancel removes the chip. × removes a chip at any time and, while
the file is being read, stops the extraction.

`AttachmentTray` holds the chips above the editor (a wrapping row that scrolls past a few rows)
and is what the window asks: `attachments()` for the ready ones (with the user's "whole
document / passages / automatic" choice), `busy()` while any is still being read.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.documents import DocumentError, ExtractedDocument, PasswordRequired, TextQuality, WrongPassword
from desktop_chat.domain.messages import Attachment
from desktop_chat.ui.composer.attachment_loader import AttachmentLoader
from desktop_chat.ui.composer.document_errors import document_error_text, quality_text, warning_text
from desktop_chat.ui.common.units import format_bytes, format_count

__all__ = ["AttachmentChip", "AttachmentTray", "ChipState", "ReadyItem"]

CHIP_WIDTH = 264
CHIP_HEIGHT = 58
SPACING = 6
MAX_ROWS = 2.5  # rows shown before the tray scrolls (half a row says "there is more")


class ChipState(enum.Enum):
    QUEUED = "queued"
    READING = "reading"
    PASSWORD = "password"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class ReadyItem:
    """A ready attachment taken out of the tray (sent), to put back if the send fails."""

    attachment: Attachment
    document: ExtractedDocument
    title: str
    path: Path | None


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


class _ElidedLabel(QLabel):
    """One line of text, elided in the middle to the width it gets (file names keep their ending)."""

    def __init__(self, parent: QWidget | None = None, mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle):
        super().__init__(parent)
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def minimumSizeHint(self) -> QSize:
        return QSize(10, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.setFont(self.font())
        shown = QFontMetrics(self.font()).elidedText(self.text(), self._mode, self.contentsRect().width())
        painter.drawText(self.contentsRect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)
        painter.end()


class AttachmentChip(QFrame):
    """One attached file. Emits removeRequested(key); the tray does the rest."""

    removeRequested = Signal(int)
    overrideChanged = Signal(int)

    def __init__(self, key: int, title: str, *, path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.title = title
        self.path = path
        self.state = ChipState.QUEUED
        self.document: ExtractedDocument | None = None
        self._attachment: Attachment | None = None
        self.error_text: str | None = None
        self._done = 0
        self._total = 0
        self.setObjectName("attachmentChip")
        self.setFixedSize(CHIP_WIDTH, CHIP_HEIGHT)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._build()
        self.retranslate()

    def _build(self) -> None:
        self.icon = QLabel(self)
        self.icon.setObjectName("attachmentIcon")
        self.icon.setFixedSize(18, 18)
        self.name_label = _ElidedLabel(self)
        self.name_label.setObjectName("attachmentName")
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setText(self.title)
        self.detail_label = _ElidedLabel(self, Qt.TextElideMode.ElideRight)
        self.detail_label.setObjectName("attachmentDetails")
        small = self.detail_label.font()
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.9))
        self.detail_label.setFont(small)

        self.mode_button = QToolButton(self)
        self.mode_button.setObjectName("attachmentModeButton")
        self.mode_button.setAutoRaise(True)
        self.mode_button.setFont(small)
        # The menu pops up on click (not setMenu: its arrow reads as a full stop next to Chinese).
        self.mode_button.clicked.connect(self._show_mode_menu)
        menu = QMenu(self.mode_button)
        group = QActionGroup(menu)
        self.mode_actions: dict[str | None, QAction] = {}
        for value in (None, "whole", "retrieval"):
            action = QAction(menu)
            action.setCheckable(True)
            action.setData(value)
            action.triggered.connect(lambda _checked=False, v=value: self.set_override(v))
            group.addAction(action)
            menu.addAction(action)
            self.mode_actions[value] = action
        self.mode_actions[None].setChecked(True)
        self.mode_menu = menu
        self.mode_button.hide()

        self.remove_button = QToolButton(self)
        self.remove_button.setObjectName("removeAttachmentButton")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setText("×")
        self.remove_button.clicked.connect(lambda: self.removeRequested.emit(self.key))

        self.progress = QProgressBar(self)
        self.progress.setObjectName("attachmentProgress")
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        self.progress.setRange(0, 0)  # busy until the first page count arrives

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(4)
        top.addWidget(self.icon)
        top.addWidget(self.name_label, 1)
        top.addWidget(self.mode_button)
        top.addWidget(self.remove_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 4, 5)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.detail_label)
        column.addWidget(self.progress)

    # -- state ---------------------------------------------------------------------------------

    @property
    def attachment(self) -> Attachment | None:
        return self._attachment

    @property
    def override(self) -> str | None:
        return self._attachment.override if self._attachment is not None else None

    def set_override(self, value: str | None) -> None:
        """The user's "whole document / passages / automatic" choice for this file."""
        if self._attachment is None or self._attachment.override == value:
            return
        self._attachment = dataclasses.replace(self._attachment, override=value)  # type: ignore[arg-type]
        self.mode_actions[value].setChecked(True)
        self._show()
        self.overrideChanged.emit(self.key)

    def _show_mode_menu(self) -> None:
        self.mode_menu.popup(self.mode_button.mapToGlobal(self.mode_button.rect().bottomLeft()))

    def set_queued(self) -> None:
        self.state = ChipState.QUEUED
        self._show()

    def set_reading(self, done: int = 0, total: int = 0) -> None:
        self.state = ChipState.READING
        self._done, self._total = done, total
        self._show()

    def set_password(self) -> None:
        self.state = ChipState.PASSWORD
        self._show()

    def set_ready(self, document: ExtractedDocument, override: str | None = None) -> None:
        self.state = ChipState.READY
        self.document = document
        self._attachment = Attachment.from_document(document, override=override)  # type: ignore[arg-type]
        self.mode_actions[override].setChecked(True)
        self._show()

    def set_failed(self, text: str) -> None:
        self.state = ChipState.FAILED
        self.error_text = text
        self._show()

    @property
    def busy(self) -> bool:
        return self.state in (ChipState.QUEUED, ChipState.READING, ChipState.PASSWORD)

    # -- showing -------------------------------------------------------------------------------

    def _show(self) -> None:
        state = self.state
        style = self.style()
        icon = {
            ChipState.FAILED: QStyle.StandardPixmap.SP_MessageBoxCritical,
            ChipState.PASSWORD: QStyle.StandardPixmap.SP_MessageBoxQuestion,
        }.get(state, QStyle.StandardPixmap.SP_FileIcon)
        if state == ChipState.READY and self._has_warning():
            icon = QStyle.StandardPixmap.SP_MessageBoxWarning
        self.icon.setPixmap(style.standardIcon(icon).pixmap(16, 16))
        self.progress.setVisible(state in (ChipState.QUEUED, ChipState.READING))
        if state == ChipState.READING and self._total:
            self.progress.setRange(0, self._total)
            self.progress.setValue(self._done)
        else:
            self.progress.setRange(0, 0)
        self.mode_button.setVisible(state == ChipState.READY)
        self.detail_label.setText(self._detail())
        self.setToolTip(self._tooltip())
        self.mode_button.setText(self._mode_label(self.override) + " ▾")
        self.setAccessibleName(self.tr("{name}: {state}").format(name=self.title, state=self._detail()))
        self.update()

    def _has_warning(self) -> bool:
        doc = self.document
        return doc is not None and (bool(doc.warnings) or doc.quality is not TextQuality.OK)

    def _detail(self) -> str:
        state = self.state
        if state == ChipState.QUEUED:
            return self.tr("Waiting to be read…")
        if state == ChipState.READING:
            if self._total > 1:
                return self.tr("Reading page {done} of {total}…").format(done=format_count(self._done),
                                                                        total=format_count(self._total))
            return self.tr("Reading…")
        if state == ChipState.PASSWORD:
            return self.tr("Needs its password")
        if state == ChipState.FAILED:
            return self.error_text or ""
        doc = self.document
        assert doc is not None
        parts = []
        if doc.kind == "pdf":
            parts.append(self.tr("1 page") if doc.page_count == 1
                         else self.tr("{count} pages").format(count=format_count(doc.page_count)))
        parts.append(format_bytes(doc.size_bytes))
        if doc.quality is TextQuality.NONE:
            parts.append(self.tr("no extractable text"))
        else:
            parts.append(self.tr("≈ {tokens} tokens").format(tokens=format_count(doc.whole_text_tokens)))
        return " · ".join(parts)

    def _tooltip(self) -> str:
        lines = [self.title]
        if self.path is not None:
            lines[0] = str(self.path)
        if self.state == ChipState.FAILED and self.error_text:
            lines.append(self.error_text)
        elif self.state == ChipState.READY and self.document is not None:
            lines.append(self._detail())
            note = quality_text(self.document.quality)
            if note:
                lines.append(note)
            lines.extend(warning_text(w) for w in self.document.warnings)
            lines.append(self._mode_help(self.override))
        elif self.state == ChipState.PASSWORD:
            lines.append(self.tr("This PDF is protected by a password."))
        return "\n".join(lines)

    def _mode_label(self, value: str | None) -> str:
        return {None: self.tr("Auto"), "whole": self.tr("Whole"), "retrieval": self.tr("Passages")}[value]

    def _mode_help(self, value: str | None) -> str:
        return {
            None: self.tr("Sent automatically: whole when it fits the model's context, else the passages "
                          "that match each question."),
            "whole": self.tr("Sent whole (if it does not fit the model's context, the best passages are sent)."),
            "retrieval": self.tr("Only the passages that match each question are sent."),
        }[value]

    def retranslate(self) -> None:
        self.remove_button.setToolTip(self.tr("Remove {name}").format(name=self.title))
        self.remove_button.setAccessibleName(self.tr("Remove {name}").format(name=self.title))
        self.mode_button.setAccessibleName(self.tr("How to send {name}").format(name=self.title))
        self.mode_button.setToolTip(self.tr("How this file reaches the model"))
        self.mode_actions[None].setText(self.tr("Automatic (whole if it fits, else passages)"))
        self.mode_actions["whole"].setText(self.tr("Whole document"))
        self.mode_actions["retrieval"].setText(self.tr("Only the passages that match the question"))
        self.progress.setAccessibleName(self.tr("Reading progress"))
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        # Painted from the palette, not a style sheet: dark and light themes both follow.
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        dark = base.lightnessF() < 0.5
        accent = QColor(220, 53, 69) if self.state == ChipState.FAILED else palette.color(QPalette.ColorRole.Highlight)
        fill = _mix(base, accent, 0.16 if dark else 0.07)
        border = _mix(base, accent if self.state == ChipState.FAILED else palette.color(QPalette.ColorRole.Text),
                      0.55 if self.state == ChipState.FAILED else 0.22)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(border, 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 7, 7)
        painter.end()
        super().paintEvent(event)


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
