"""What the engine tells its caller during a turn, beyond the provider's stream events."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_chat.domain.errors import ChatError
from desktop_chat.domain.messages import Message


@dataclass(frozen=True)
class TurnStarted:
    """Both messages are stored; the request is about to go out."""

    conversation_id: str
    user_message: Message
    assistant_message: Message


@dataclass(frozen=True)
class TurnResult:
    """How a turn ended: `message` is the stored answer with its final status."""

    message: Message
    error: ChatError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
