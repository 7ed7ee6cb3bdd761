"""Where the parts of one MessageWidget sit: building its layout, the width of a question's
bubble, and where an answer's figures go in a narrow column.

Why apart from MessageWidget: the widget's job is the message's state (text, status, edits,
translations); this module only places things, and the placing is long (a question and an answer
are laid out differently). build_parts assigns the widget's public parts (role_label, body, the
slots, the action buttons, ...) and returns the few the widget keeps to itself (HiddenParts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from desktop_chat.ui.messages.cards import BUBBLE_RADIUS, Badge, Card
from desktop_chat.ui.messages.message_actions import ActionBar
from desktop_chat.ui.messages.message_body import MessageBody
from desktop_chat.ui.messages.relative_time import TimeLabel

if TYPE_CHECKING:
    from PySide6.QtGui import QFontMetrics

    from desktop_chat.ui.messages.markdown_render import MarkdownRenderer
    from desktop_chat.ui.messages.message_widget import MessageWidget

__all__ = ["BUBBLE_SHARE", "HiddenParts", "build_parts", "bubble_width", "footer_beside", "notice_label"]

FOOTER_BESIDE_PX = 640  # narrower: an answer's figures go under its buttons
BUBBLE_SHARE = 0.8  # a user's bubble is at most this part of the column's width
BUBBLE_PADDING = (14, 9, 14, 9)
_MEASURED_LINES = 400  # lines measured for a bubble's natural width (a huge paste wraps anyway)


class HiddenParts(NamedTuple):
    """What the widget keeps to itself: the bubble (questions only) and the slots of the parts
    built on first use (the inline editor, the notice, the error card), in the order they appear."""

    bubble: Card | None
    editor_slot: QVBoxLayout
    notice_slot: QVBoxLayout
    error_slot: QVBoxLayout


def _slot(layout: QVBoxLayout) -> QVBoxLayout:
    slot = QVBoxLayout()
    slot.setContentsMargins(0, 0, 0, 0)
    layout.addLayout(slot)
    return slot


def build_parts(widget: MessageWidget, renderer: MarkdownRenderer) -> HiddenParts:
    """Lay out `widget` (see message_widget.py's docstring for the order); no texts, no signals."""
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 4, 0, 4)
    layout.setSpacing(4)
    user = widget.is_user

    widget.role_label = QLabel(widget)
    widget.role_label.setObjectName("roleLabel")
    font = widget.role_label.font()
    font.setWeight(font.Weight.DemiBold)
    widget.role_label.setFont(font)
    widget.time_label = TimeLabel(widget)
    widget.time_label.setObjectName("timeLabel")
    widget.status_badge = Badge(widget)
    widget.status_badge.setObjectName("statusBadge")
    widget.status_badge.hide()
    if user:  # the bubble on the right says who wrote it; the name stays for screen readers
        widget.role_label.hide()
        widget.status_badge.hide()
    else:
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(widget.role_label)
        header.addWidget(widget.time_label)
        header.addWidget(widget.status_badge)
        header.addStretch(1)
        layout.addLayout(header)

    widget.reasoning_slot = _slot(layout)
    widget.body = MessageBody(renderer, widget)
    # Documents on a question, how they were sent and the sources on an answer (sources_view.py).
    widget.extras = QVBoxLayout()
    widget.extras.setContentsMargins(0, 0, 0, 0)
    bubble: Card | None = None
    if user:
        bubble = Card("user", BUBBLE_RADIUS, widget)
        bubble.setObjectName("userBubble")
        bubble_layout = QVBoxLayout(bubble)
        bubble_layout.setContentsMargins(*BUBBLE_PADDING)
        bubble_layout.addWidget(widget.body)
        column = QVBoxLayout()
        column.setSpacing(4)
        column.addLayout(widget.extras)
        column.addWidget(bubble, 0, Qt.AlignmentFlag.AlignRight)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(column)
        layout.addLayout(row)
    else:
        layout.addLayout(widget.extras)
        layout.addWidget(widget.body)
    widget.tools_slot = _slot(layout)
    widget.images_slot = _slot(layout)
    widget.references_slot = _slot(layout)

    hidden = HiddenParts(bubble, _slot(layout), _slot(layout), _slot(layout))
    # Continue sits in the error card for errors, in this row for stopped/interrupted answers.
    widget.continue_row = QHBoxLayout()
    widget.continue_row.addStretch(1)
    layout.addLayout(widget.continue_row)

    widget.footer_label = QLabel(widget)
    widget.footer_label.setObjectName("footerLabel")
    widget.footer_label.setWordWrap(True)
    widget.footer_label.hide()
    small = widget.footer_label.font()
    small.setPointSizeF(small.pointSizeF() * 0.88)
    widget.footer_label.setFont(small)
    widget.time_label.setFont(small)

    bar = widget.action_bar = ActionBar(widget)
    widget.copy_button = bar.add("copyButton", "copy")
    widget.edit_button = bar.add("editButton", "edit")
    widget.regenerate_button = bar.add("regenerateButton", "regenerate")
    widget.fork_button = bar.add("forkButton", "fork")
    widget.delete_button = bar.add("deleteButton", "delete")
    # The action row: an answer's buttons on the left and its figures on the right; a
    # question's time, versions and buttons on the right, under its bubble.
    widget.action_row = QHBoxLayout()
    widget.action_row.setSpacing(6)
    if user:
        widget.action_row.addStretch(1)
        widget.action_row.addWidget(bar)
        widget.action_row.addWidget(widget.time_label)
        layout.addLayout(widget.action_row)
        layout.addWidget(widget.footer_label, 0, Qt.AlignmentFlag.AlignRight)
    else:
        widget.action_row.addWidget(bar)
        widget.action_row.addStretch(1)
        widget.footer_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(widget.action_row)
        widget.footer_row = QHBoxLayout()  # the figures' own line, in a narrow column (footer_beside)
        layout.addLayout(widget.footer_row)
    return hidden


def footer_beside(widget: MessageWidget, was_beside: bool | None) -> bool:
    """An answer's figures beside its buttons, or on a line of their own when the column is too
    narrow for both (wrapped over three lines beside the buttons, they read badly). Moves the
    figures if that changed; returns where they are now."""
    beside = widget.width() >= FOOTER_BESIDE_PX
    if beside != was_beside:
        source, target = ((widget.footer_row, widget.action_row) if beside
                          else (widget.action_row, widget.footer_row))
        source.removeWidget(widget.footer_label)
        target.addWidget(widget.footer_label, 1)
    return beside


def natural_width(text: str, metrics: QFontMetrics, limit: int, margin: int) -> int:
    """The width a question's text needs unwrapped (its longest line; measuring stops at limit),
    plus the document's margins and the cursor's width, so that the longest line does not wrap."""
    widest = 0
    for line in text.splitlines()[:_MEASURED_LINES] or [""]:
        widest = max(widest, metrics.horizontalAdvance(line))
        if widest >= limit:
            break
    return widest + 2 * margin + 4


def bubble_width(column_width: int, natural: int) -> int:
    """A question's bubble is as wide as its longest line, at most BUBBLE_SHARE of the column."""
    left, _, right, _ = BUBBLE_PADDING
    return max(48, min(int(column_width * BUBBLE_SHARE), natural + left + right))


def notice_label(widget: MessageWidget, slot: QVBoxLayout) -> QLabel:
    """The notice line of a message (built the first time one shows): italic, wrapping, hidden."""
    label = QLabel(widget)
    label.setObjectName("noticeLabel")
    label.setWordWrap(True)
    notice_font = label.font()
    notice_font.setItalic(True)
    label.setFont(notice_font)
    label.hide()
    slot.addWidget(label)
    return label
