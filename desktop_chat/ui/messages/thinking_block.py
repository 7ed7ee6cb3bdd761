"""The model's reasoning above its answer: a quiet, collapsible block.

While the model thinks, the block is open and its reasoning streams in under "Thinking… 4 s"; when
the answer starts, it folds to one line, "Thought for 12 s", that opens again on a click. Its
own Copy copies the reasoning; the message's Copy keeps copying the answer only. Muted text, a
thin rule on the left, no card: it reads as a note beside the answer, not as the answer.

Streaming keeps the GUI budget: pieces are appended (never re-rendered) as plain text, once per
frame (coalesced like the answer's text), into a QPlainTextEdit whose height stops growing at a
few lines (it scrolls inside, following the end while it streams).

A MessageWidget gets its block on first need (thinking_hooks.block_for), at the top of its extras,
above the answer and its sources; the message widget and view reach it only through those hooks,
so this module loads with the first message that has reasoning.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPainter, QPaintEvent, QPalette, QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

if TYPE_CHECKING:  # parts load with the first message that has any (start-up speed)
    from desktop_chat.domain.parts import ThinkingPart

__all__ = ["ThinkingBlock"]

FRAME_MS = 16  # pieces are appended at most once per frame
MAX_LINES = 12  # the block's height stops growing here; the rest scrolls inside it


class ThinkingBlock(QFrame):
    """Reasoning: streaming ("Thinking…"), then folded ("Thought for N s"), opened on a click."""

    toggled = Signal(bool)  # open

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thinkingBlock")
        self._pending: list[str] = []
        self._text_parts: list[str] = []  # everything shown, for Copy and for comparing with what is stored
        self._started: float | None = None  # when the first piece arrived (live timing)
        self._seconds: float | None = None  # time spent thinking, once known
        self._tokens: int | None = None
        self._redacted = False
        self._thinking = False  # streaming reasoning and no answer yet
        self._open = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush)
        self._ticker = QTimer(self)  # "Thinking… 4 s": the seconds go on while the model thinks
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._retranslate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 0, 0, 2)  # room for the rule on the left
        layout.setSpacing(2)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(4)
        self.toggle_button = QToolButton(self)
        self.toggle_button.setObjectName("thinkingToggle")
        self.toggle_button.setAutoRaise(True)
        self.toggle_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.toggle_button.clicked.connect(lambda: self.set_open(not self._open))
        self.copy_button = QToolButton(self)
        self.copy_button.setObjectName("thinkingCopy")
        self.copy_button.setAutoRaise(True)
        self.copy_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.copy_button.clicked.connect(self._copy)
        header.addWidget(self.toggle_button)
        header.addStretch(1)
        header.addWidget(self.copy_button)
        layout.addLayout(header)

        self.text_view = QPlainTextEdit(self)
        self.text_view.setObjectName("thinkingText")
        self.text_view.setReadOnly(True)
        self.text_view.setFrameShape(QFrame.Shape.NoFrame)
        self.text_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.text_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                               | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text_view.document().setDocumentMargin(2)
        self.text_view.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self.text_view.hide()
        layout.addWidget(self.text_view)
        self._apply_palette()
        self._retranslate()

    # -- what it shows ---------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The reasoning shown (and what is still waiting for the next frame)."""
        return "".join(self._text_parts) + "".join(self._pending)

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def thinking(self) -> bool:
        """True while the model is thinking and has not started its answer."""
        return self._thinking

    def append(self, text: str) -> None:
        """A piece of streaming reasoning, shown at the next frame."""
        if not text:
            return
        if self._started is None:
            self._started = time.monotonic()
        if not self._thinking and not self._text_parts and not self._pending:
            self._thinking = True
            self._ticker.start()
            self.set_open(True)
            self._retranslate()
        self._pending.append(text)
        if not self._flush_timer.isActive():
            self._flush_timer.start(FRAME_MS)

    def answer_started(self) -> None:
        """The answer began: fold the reasoning to its one line."""
        if not self._thinking:
            return
        self._thinking = False
        self._ticker.stop()
        self._flush()
        if self._seconds is None and self._started is not None:
            self._seconds = time.monotonic() - self._started
        self.set_open(False)
        self._retranslate()

    def show_parts(self, parts: list[ThinkingPart], *, streaming: bool) -> None:
        """The reasoning as stored; the text is replaced only if it differs from what streamed."""
        shown = [p for p in parts if not p.redacted]
        self._redacted = any(p.redacted for p in parts)
        first = parts[0] if parts else None
        if first is not None and first.duration_ms is not None:
            self._seconds = first.duration_ms / 1000
        if first is not None and first.tokens is not None:
            self._tokens = first.tokens
        stored = "\n\n".join(p.text for p in shown)
        if stored != self.text and not (streaming and self.text.startswith(stored)):
            self._pending.clear()
            self._text_parts = [stored]
            self.text_view.setPlainText(stored)
        if not streaming and self._thinking:  # stopped or failed while thinking
            self._thinking = False
            self._ticker.stop()
        self._retranslate()

    def set_open(self, open_: bool) -> None:
        if open_ == self._open and self.text_view.isVisible() == open_:
            return
        self._open = open_
        self.text_view.setVisible(open_)
        self._retranslate()
        if open_:
            self._fit_height()
        self.toggled.emit(open_)

    # -- frames ----------------------------------------------------------------------------------

    def _flush(self) -> None:
        self._flush_timer.stop()
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        self._text_parts.append(text)
        bar = self.text_view.verticalScrollBar()
        following = bar.value() >= bar.maximum() - 2
        cursor = QTextCursor(self.text_view.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)  # appended as it is: O(piece), no re-layout of what was shown
        if following:
            bar.setValue(bar.maximum())
        if self._open and self.copy_button.isHidden() and text.strip():
            self._retranslate()  # the first words: Copy appears

    def _fit_height(self) -> None:
        if not self.text_view.isVisible():
            return
        # A plain-text document's size is counted in visual lines (wrapped ones included).
        lines = min(MAX_LINES, max(1.0, self.text_view.document().size().height()))
        height = int(lines * self.text_view.fontMetrics().lineSpacing()) + 10
        if self.text_view.height() != height:
            self.text_view.setFixedHeight(height)

    # -- chrome ----------------------------------------------------------------------------------

    def _retranslate(self) -> None:
        if self._thinking:
            elapsed = round(time.monotonic() - self._started) if self._started is not None else 0
            title = self.tr("Thinking… {seconds} s").format(seconds=QLocale().toString(elapsed)) if elapsed \
                else self.tr("Thinking…")
        elif self._seconds is not None:
            seconds = max(1, round(self._seconds))
            title = self.tr("Thought for {seconds} s").format(seconds=QLocale().toString(seconds))
        else:
            title = self.tr("Reasoning")
        if self._tokens:
            title = self.tr("{title} · {count} tokens").format(title=title, count=QLocale().toString(self._tokens))
        if self._redacted and not self.text.strip():
            title = self.tr("Reasoning (encrypted by the provider, not shown)")
        self.toggle_button.setText(title)
        self.toggle_button.setEnabled(bool(self.text.strip()) or self._thinking)
        self.toggle_button.setAccessibleName(self.tr("Show or hide the model's reasoning"))
        self.toggle_button.setToolTip(self.tr("Show or hide the model's reasoning"))
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setAccessibleName(self.tr("Copy the reasoning"))
        self.copy_button.setToolTip(self.tr("Copy the reasoning"))
        self.copy_button.setVisible(self._open and bool(self.text.strip()))  # folded: one quiet line
        self.text_view.setAccessibleName(self.tr("The model's reasoning"))
        self._update_arrow()

    def _update_arrow(self) -> None:
        self.toggle_button.setArrowType(Qt.ArrowType.DownArrow if self._open else Qt.ArrowType.RightArrow)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
        self.copy_button.setText(self.tr("Copied"))
        QTimer.singleShot(1500, self, lambda: self.copy_button.setText(self.tr("Copy")))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        elif event.type() == QEvent.Type.LanguageChange:
            self._retranslate()

    def _apply_palette(self) -> None:
        """Muted text from the inherited palette (no style sheets: see message_widget.card_colors)."""
        from desktop_chat.ui.messages.message_widget import mix

        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        base = palette.color(QPalette.ColorRole.Base)
        muted = mix(text, base, 0.38)
        quiet = QPalette(palette)
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
            quiet.setColor(role, muted)
        quiet.setColor(QPalette.ColorRole.Base, base)
        for widget in (self.toggle_button, self.copy_button, self.text_view):
            widget.setPalette(quiet)
        self.text_view.viewport().setAutoFillBackground(False)
        self._rule = mix(text, base, 0.78)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.fillRect(1, 4, 2, max(0, self.height() - 8), getattr(self, "_rule", self.palette().mid().color()))
