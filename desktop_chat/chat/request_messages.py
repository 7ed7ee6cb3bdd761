"""A conversation's branch as one request: the messages providers take (user first, roles
alternating, documents, passages and images in their places), and how much of the context window
the rest of the request needs beside the documents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from desktop_chat.chat.context import ContextWindow
from desktop_chat.chat.attachments import WRAPPER_TOKENS, PreparedDocuments, estimate_tokens
from desktop_chat.domain.messages import ChatMessage, Conversation, Message
from desktop_chat.domain.parts import InlineImage, RequestPart, TextPart
from desktop_chat.providers import capabilities

__all__ = ["request_messages", "reserved_tokens"]


def reserved_tokens(conversation: Conversation, history: Sequence[Message], max_tokens: int,
                     window: ContextWindow, kind: str, documents: int) -> int:
    """Room the rest of the request needs beside the documents: the system prompt, the
    conversation, the wrapping of each document, and the answer.

    A cloud API refuses a request whose input and max_tokens together exceed the context, so the
    whole max_tokens is reserved there; Ollama just stops early, so a quarter of a small context
    is enough for it.
    """
    answer = max_tokens if capabilities(kind).answer_counts_against_context else min(max_tokens, window.tokens // 4)
    conversation_tokens = estimate_tokens(conversation.system_prompt or "") + sum(
        estimate_tokens(m.text) + 8 for m in history)
    return answer + conversation_tokens + WRAPPER_TOKENS * (documents + 1)


def request_messages(history: Sequence[Message], documents: PreparedDocuments | None = None,
                      images: Mapping[str, Sequence[InlineImage]] | None = None) -> list[ChatMessage]:
    """The conversation as providers want it: user first, roles alternating, no empty turns.

    Failed answers with no text are dropped; consecutive messages of one role (a question that
    failed, then asked again) are joined, since some APIs reject two user turns in a row.

    With *documents*, each user turn that carried attachments gets their parts (PDFs as they are,
    whole texts and notes as text parts) before its words, and the last user turn gets the
    passages found for it. Joined turns keep every part in order; a provider joins adjacent text
    parts into one text (domain/parts.py text_runs). *images* (by message id) go before the words.
    """
    images = images or {}
    last_user = next((m.id for m in reversed(history) if m.role == "user"), None)
    out: list[ChatMessage] = []
    for message in history:
        if not message.text.strip() and message.id not in images:
            continue
        if not out and message.role != "user":
            continue
        parts: list[RequestPart] = []
        if documents is not None and message.role == "user":
            parts += documents.parts.get(message.id, ())
            if message.id == last_user and documents.passages is not None:
                parts.append(documents.passages)
        parts += images.get(message.id, ())
        if message.text.strip() or not parts:
            parts.append(TextPart(message.text))
        if out and out[-1].role == message.role:
            out[-1] = ChatMessage(message.role, (*out[-1].parts, *parts))
        else:
            out.append(ChatMessage(message.role, tuple(parts)))
    if out and out[-1].role == "assistant":
        # Continuing an answer: a trailing assistant turn is a prefill, which must not end in whitespace.
        out[-1] = ChatMessage.of("assistant", out[-1].text.rstrip())
    return out
