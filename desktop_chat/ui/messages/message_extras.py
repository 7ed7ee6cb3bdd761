"""What a message shows besides its text: tool calls as cards, images, the documents it was sent
with and their sources. Each kind's widgets are imported on first use (the start-up needs none)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop_chat.domain.messages import Message
    from desktop_chat.ui.messages.message_widget import MessageWidget

__all__ = ["show_extras"]


def show_extras(widget: MessageWidget, message: Message, view: QWidget, *,
                on_image: Callable[..., Any], on_source: Callable[..., Any]) -> None:
    """Give `widget` the cards, images and sources of `message` (`view`: the message view, the
    image viewer's parent; `on_image`/`on_source`: what a click on one of them does)."""
    if message.parts and message.role == "assistant":  # tool calls, as cards
        from desktop_chat.ui.messages.tool_cards import show_tool_parts

        show_tool_parts(widget, message)
    if message.parts:  # images
        from desktop_chat.ui.messages.image_strip import show_images

        show_images(widget, message, view, on_image)
    if message.attachments:  # documents and their sources
        from desktop_chat.ui.messages.sources_view import show_documents

        show_documents(widget, message, on_source)
