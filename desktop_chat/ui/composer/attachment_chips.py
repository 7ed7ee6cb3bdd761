"""The composer's attachment chips: one per file, from the moment it is dropped until it is sent.

A chip goes queued → reading (page counter) → ready (pages, size, ≈ tokens, how to send it) or
failed (a sentence naming the file). A password-protected PDF asks for its password in a small
dialog, again after a wrong one; Cancel removes the chip. × removes a chip at any time and, while
the file is being read, stops the extraction.

The tray that holds them above the editor, and that the window asks, is attachment_tray.py.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QFontMetrics,
    QIcon,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.documents import ExtractedDocument, TextQuality
from desktop_chat.domain.messages import Attachment
from desktop_chat.ui.composer.document_errors import quality_text, warning_text
from desktop_chat.ui.common import icons
from desktop_chat.ui.common.theme import current_tokens, round_menu
from desktop_chat.ui.common.units import format_bytes, format_count

__all__ = ["AttachmentChip", "ChipState", "ReadyItem"]

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
        menu = round_menu(QMenu(self.mode_button))
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

        self.remove_button = icons.icon_button(self, "close", "removeAttachmentButton", role="muted", size=22)
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
        self._attachment = self._attachment._replace(override=value)  # type: ignore[arg-type]
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
        self.icon.setPixmap(self._icon().pixmap(18, 18))
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

    def _icon(self) -> QIcon:
        """The file's kind, or what is wrong with it, in the one icon family."""
        if self.state == ChipState.FAILED:
            return icons.icon("warning", "danger")
        if self.state == ChipState.PASSWORD:
            return icons.icon("lock", "accent")
        if self.state == ChipState.READY and self._has_warning():
            return icons.icon("warning", "accent")
        suffix = Path(self.title).suffix.lower()
        return icons.icon("file-pdf" if suffix == ".pdf" else "file-text" if suffix in (".txt", ".md") else "file",
                          "accent")

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
        # Painted in the design tokens' colours (dark and light both follow); a failed file in the danger colour.
        tokens = current_tokens()
        c = tokens.colors
        fill, border = QColor(c.surface_alt), QColor(c.border)
        if self.state == ChipState.FAILED:
            danger = QColor(c.danger)
            fill, border = _mix(fill, danger, 0.10), _mix(fill, danger, 0.55)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(border, 1))
        painter.setBrush(fill)
        radius = tokens.radius.m
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        painter.end()
        super().paintEvent(event)
