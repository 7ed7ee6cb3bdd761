"""Messages and conversations as the engine and the store see them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["user", "assistant"]


class MessageStatus(str, enum.Enum):
    """Where an assistant answer stands. User messages are always COMPLETE."""

    COMPLETE = "complete"
    STREAMING = "streaming"
    STOPPED = "stopped"  # the user pressed Stop; text so far is kept
    ERROR = "error"  # the provider failed; text so far (if any) is kept
    INTERRUPTED = "interrupted"  # the app died while streaming; found at the next start


@dataclass(frozen=True)
class ChatMessage:
    """One turn as sent to a provider: no ids, no bookkeeping."""

    role: Role
    text: str


@dataclass
class Message:
    """One stored message."""

    id: str
    conversation_id: str
    role: Role
    text: str
    status: MessageStatus = MessageStatus.COMPLETE
    seq: int = 0  # position in its conversation; increases with each message
    created_at: float = 0.0
    updated_at: float = 0.0
    provider: str | None = None
    model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    ttft_ms: float | None = None  # time to first token
    duration_ms: float | None = None
    stop_reason: str | None = None
    error: str | None = None  # the user-facing error message when status is ERROR, in English
    attachments: list[dict[str, Any]] = field(default_factory=list)
    # The same error as a Text's to_dict() (template + parameters, see domain/texts.py), so that it
    # can be shown translated; None for answers stored before it existed, or without an error.
    error_text: dict[str, Any] | None = None


@dataclass
class Conversation:
    """A conversation's header; its messages are loaded separately."""

    id: str
    title: str
    created_at: float
    updated_at: float
    provider: str | None = None
    model: str | None = None
    system_prompt: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
