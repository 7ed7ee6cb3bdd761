"""What the engine tells its caller during a turn, beyond the provider's stream events.

``TurnEvent`` is everything a turn's ``on_event`` sink receives: one union, so that a front end
dispatches on it with ``match`` and a new kind of event is one more case, not one more callback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop_chat.domain.errors import ChatError
from desktop_chat.domain.events import StreamEvent
from desktop_chat.domain.messages import Delivery, Message
from desktop_chat.domain.parts import ToolCallPart, ToolResultPart
from desktop_chat.domain.texts import Text

if TYPE_CHECKING:
    from desktop_chat.documents import Source


@dataclass(frozen=True)
class TurnStarted:
    """Both messages are stored; the request is about to go out."""

    conversation_id: str
    user_message: Message
    assistant_message: Message


@dataclass(frozen=True)
class SourcesFound:
    """How the conversation's attached documents are being sent, before the answer streams.

    Sent once per turn that has documents (after TurnStarted, before the first Started), also
    when nothing could be sent: ``plan_explanation`` always says what the model gets, e.g.
    "Sending the whole document (12,400 tokens of 128,000)." ``sources`` are the passages sent
    (retrieval), best first, with their text; empty when documents go whole or as PDFs.
    ``delivery`` is the same as stored with the answer (``Message.delivery``), so a window can
    draw a live turn and a reopened one with the same code.
    """

    conversation_id: str
    message_id: str  # the answer
    plan_explanation: Text
    sources: list[Source] = field(default_factory=list)
    delivery: Delivery | None = None


@dataclass(frozen=True)
class SaveFailed:
    """The answer could not be written to the database (the disk is full, the folder read-only…).

    Its text is kept in memory (and stays on screen); the engine tries again on the next delta
    and, once the turn is over, every few seconds until it works (then ``SaveResumed``). Sent
    once when saving starts failing, and again only if the reason changes. May arrive after the
    turn ended.
    """

    conversation_id: str
    message_id: str
    reason: Text  # what to tell the user, e.g. "Could not save this answer: the disk is full. …"


@dataclass(frozen=True)
class SaveResumed:
    """A save that had failed worked: the answer's whole text is in the database again."""

    conversation_id: str
    message_id: str


@dataclass(frozen=True)
class ToolCallStarted:
    """A tool the model called is about to run (the user allowed it, or always allows it)."""

    conversation_id: str
    message_id: str  # the answer
    call: ToolCallPart
    server: str
    tool: str


@dataclass(frozen=True)
class ToolCallFinished:
    """A tool call's result (also for a call that was denied or could not run: ``is_error``)."""

    conversation_id: str
    message_id: str
    call: ToolCallPart
    result: ToolResultPart
    server: str
    tool: str


@dataclass(frozen=True)
class ToolNotice:
    """Something the user should know about the tools of this turn: a server that did not start
    (its reason in words), or a model that cannot call tools."""

    conversation_id: str
    message_id: str
    text: Text


@dataclass(frozen=True)
class TurnResult:
    """How a turn ended: `message` is the stored answer with its final status."""

    message: Message
    error: ChatError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


TurnEvent = (TurnStarted | SourcesFound | SaveFailed | SaveResumed | ToolCallStarted | ToolCallFinished | ToolNotice
             | StreamEvent)
"""Everything a turn reports while it runs, in the order it happens: TurnStarted, then
SourcesFound (with documents), then per attempt Started, the provider's deltas, Usage and
Finished, with Retrying between attempts; SaveFailed / SaveResumed whenever saving fails or
works again (also after the turn). How it ended is the TurnResult the call returns."""
