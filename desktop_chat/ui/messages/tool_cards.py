"""Tool calls in an answer: one compact card per call, expandable.

Collapsed, a card is one line: ▸ server · tool, and how it went (running…, the duration, error,
denied). Expanded: the arguments (indented JSON) and the result, cut to a preview with
"Show all". Everything is plain text: tool results are data from outside, never rendered as
rich text, never loading anything.

One renderer for a live turn (ToolCallStarted / ToolCallFinished events) and for a reopened
conversation (the answer's stored parts: calls and results paired by call id), placed in the
message widget's ``extras`` slot above the answer text, like the sources panel.

    show_tool_parts(widget, message)   the stored calls of an answer (cheap when there are none)
    tool_event(widget, event)          a live call starting or finishing
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from desktop_chat.chat.events import ToolCallFinished, ToolCallStarted
from desktop_chat.domain.messages import Message
from desktop_chat.domain.parts import ToolCallPart, ToolResultPart
from desktop_chat.tools.naming import split_display

__all__ = ["ToolCard", "ToolCards", "show_tool_parts", "tool_event"]

PREVIEW_CHARS = 600  # of a result, before "Show all"
DENIED = "The user denied this tool call."


class ToolCard(QFrame):
    def __init__(self, call: ToolCallPart, server: str, tool: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolCard")
        self.call = call
        self.result: ToolResultPart | None = None
        self.server, self.tool = server, tool
        self.expanded = False
        self.show_all = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(4)

        header = QHBoxLayout()
        header.setSpacing(6)
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("toolCardToggle")
        self.toggle.setAutoRaise(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.clicked.connect(self.toggle_expanded)
        self.title = QLabel(self)
        self.title.setObjectName("toolCardTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.state = QLabel(self)
        self.state.setObjectName("toolCardState")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        header.addWidget(self.toggle)
        header.addWidget(self.title, 1)
        header.addWidget(self.state)
        layout.addLayout(header)

        self.details = QWidget(self)
        details = QVBoxLayout(self.details)
        details.setContentsMargins(24, 0, 0, 4)
        details.setSpacing(2)
        self.arguments_caption = QLabel(self.details)
        self.arguments = self._mono_label("toolCardArguments")
        self.result_caption = QLabel(self.details)
        self.result_label = self._mono_label("toolCardResult")
        self.show_all_button = QPushButton(self.details)
        self.show_all_button.setObjectName("toolCardShowAll")
        self.show_all_button.setFlat(True)
        self.show_all_button.clicked.connect(self._show_all)
        for widget in (self.arguments_caption, self.arguments, self.result_caption, self.result_label):
            details.addWidget(widget)
        details.addWidget(self.show_all_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details)
        self.details.hide()
        self.retranslate()

    def _mono_label(self, name: str) -> QLabel:
        label = QLabel(self.details)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)  # untrusted: never rich text
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        return label

    def set_result(self, result: ToolResultPart) -> None:
        self.result = result
        self.retranslate()

    def toggle_expanded(self) -> None:
        self.expanded = not self.expanded
        self.details.setVisible(self.expanded)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if self.expanded else Qt.ArrowType.RightArrow)
        self.retranslate()

    def _show_all(self) -> None:
        self.show_all = True
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(f"{self.server} · {self.tool}" if self.server else self.tool)
        self.toggle.setAccessibleName(self.tr("Show the call's details"))
        self.setAccessibleName(self.tr("Tool call {tool}").format(tool=self.tool))
        self.arguments_caption.setText(self.tr("Arguments"))
        self.arguments.setText(json.dumps(self.call.arguments, ensure_ascii=False, indent=2))
        self.result_caption.setText(self.tr("Result"))
        result = self.result
        if result is None:
            self.state.setText(self.tr("running…"))
            self.result_label.setText(self.tr("(no result yet)"))
            self.show_all_button.hide()
            self._color(None)
            return
        if result.content == DENIED:
            self.state.setText(self.tr("denied"))
        elif result.is_error:
            self.state.setText(self.tr("error") + _duration(result))
        else:
            self.state.setText(self.tr("done") + _duration(result))
        self._color("error" if result.is_error else "ok")
        content = result.content
        cut = len(content) > PREVIEW_CHARS and not self.show_all
        self.result_label.setText(content[:PREVIEW_CHARS] + "…" if cut else content)
        self.show_all_button.setText(self.tr("Show all ({count} characters)").format(count=len(content)))
        self.show_all_button.setAccessibleName(self.show_all_button.text())
        self.show_all_button.setVisible(cut)

    def _color(self, kind: str | None) -> None:
        # A style sheet, not the palette: the application's style sheet wins over a palette.
        color = {"error": "#dc3545", "ok": "#28a05a"}.get(kind or "")
        self.state.setStyleSheet(f"color: {color};" if color else "")


def _duration(result: ToolResultPart) -> str:
    if result.duration_ms is None:
        return ""
    ms = result.duration_ms
    return f" · {ms:.0f} ms" if ms < 1000 else f" · {ms / 1000:.1f} s"


class ToolCards(QWidget):
    """The cards of one answer, in call order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolCards")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 2)
        layout.setSpacing(4)
        self.cards: dict[str, ToolCard] = {}

    def card(self, call: ToolCallPart, server: str, tool: str) -> ToolCard:
        card = self.cards.get(call.call_id)
        if card is None:
            card = ToolCard(call, server, tool, self)
            self.cards[call.call_id] = card
            layout = self.layout()
            assert layout is not None
            layout.addWidget(card)
        return card

    def set_parts(self, parts: list[Any]) -> None:
        results = {p.call_id: p for p in parts if isinstance(p, ToolResultPart)}
        for part in parts:
            if isinstance(part, ToolCallPart):
                server, tool = split_display(part.name)
                card = self.card(part, server, tool)
                if part.call_id in results:
                    card.set_result(results[part.call_id])


def _cards(widget: Any) -> ToolCards:
    cards = widget.findChild(ToolCards, "toolCards")
    if not isinstance(cards, ToolCards):
        cards = ToolCards()
        widget.extras.addWidget(cards)
    return cards


def show_tool_parts(widget: Any, message: Message) -> None:
    if message.role != "assistant" or not message.parts:
        return
    parts = message.typed_parts
    if any(isinstance(p, ToolCallPart) for p in parts):
        _cards(widget).set_parts(parts)


def tool_event(widget: Any, event: ToolCallStarted | ToolCallFinished) -> None:
    card = _cards(widget).card(event.call, event.server, event.tool)
    if isinstance(event, ToolCallFinished):
        card.set_result(event.result)
