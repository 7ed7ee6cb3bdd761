"""The message widget's and view's hooks for a message's reasoning (thinking_block.py draws it).

Apart from the block itself so that a start whose messages have no reasoning never loads the
block's module (its widget class and Qt's text-cursor types): `show_stored` runs for every
message shown, and it returns at once when there is nothing to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_chat.domain.messages import Message, MessageStatus

if TYPE_CHECKING:  # parts load with the first message that has any (start-up speed)
    from desktop_chat.domain.parts import ThinkingPart
    from desktop_chat.ui.messages.message_widget import MessageWidget
    from desktop_chat.ui.messages.thinking_block import ThinkingBlock

__all__ = ["answer_started", "append", "block_for", "show_stored"]


def block_for(widget: MessageWidget, *, create: bool = True) -> ThinkingBlock | None:
    """The message's block, made (at the top of its extras) on first need."""
    block: ThinkingBlock | None = getattr(widget, "_thinking_block", None)
    if block is None and create:
        from desktop_chat.ui.messages.thinking_block import ThinkingBlock

        block = ThinkingBlock(widget)
        widget.extras.insertWidget(0, block)
        widget._thinking_block = block  # type: ignore[attr-defined]
    return block


def append(widget: MessageWidget, text: str) -> None:
    """Streaming reasoning for this message."""
    block = block_for(widget)
    assert block is not None
    block.append(text)


def answer_started(widget: MessageWidget) -> None:
    block = block_for(widget, create=False)
    if block is not None:
        block.answer_started()


def show_stored(widget: MessageWidget, message: Message) -> None:
    """The message's stored reasoning (a new state of it, or a message shown from history)."""
    parts = _thinking_parts(message.parts)
    block = block_for(widget, create=bool(parts))
    if block is not None and parts:
        block.show_parts(parts, streaming=message.status == MessageStatus.STREAMING)


def _thinking_parts(raw: list[dict[str, Any]]) -> list[ThinkingPart]:
    if not raw or not any(isinstance(p, dict) and p.get("type") == "thinking" for p in raw):
        return []  # the common case, without parsing anything
    from desktop_chat.domain.parts import ThinkingPart, parts_from_list

    return [p for p in parts_from_list(raw) if isinstance(p, ThinkingPart)]
