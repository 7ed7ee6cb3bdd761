"""The one refusal for a message part a provider cannot put on its wire.

A provider never drops a part it cannot send (a conversation would silently lose an image or a
tool result): it raises this instead, before anything goes out.
"""

from __future__ import annotations

from desktop_chat.domain.errors import RequestRejectedError
from desktop_chat.domain.messages import DocumentPart
from desktop_chat.domain.parts import InlineImage, RequestPart, ThinkingPart, ToolCallPart, ToolResultPart
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text


def cannot_send(provider: str, part: RequestPart, *, named: Text | None = None) -> RequestRejectedError:
    """The error for *part*, which *provider* (its label) cannot receive; *named* as for
    http_errors.broken_stream."""
    return RequestRejectedError(Text.of(QT_TRANSLATE_NOOP(
        "engine", "{provider} cannot receive {kind} in a conversation, so nothing was sent. "
                  "Continue this conversation with a provider that can."),
        provider=named or provider, kind=_kind(part)), provider=provider)


def _kind(part: RequestPart) -> Text:
    match part:
        case DocumentPart():
            return Text.of(QT_TRANSLATE_NOOP("engine", "documents as files"))
        case InlineImage():
            return Text.of(QT_TRANSLATE_NOOP("engine", "images"))
        case ThinkingPart():
            return Text.of(QT_TRANSLATE_NOOP("engine", "a model's earlier reasoning"))
        case ToolCallPart():
            return Text.of(QT_TRANSLATE_NOOP("engine", "tool calls"))
        case ToolResultPart():
            return Text.of(QT_TRANSLATE_NOOP("engine", "tool results"))
        case _:
            return Text.of(QT_TRANSLATE_NOOP("engine", "this kind of content"))
