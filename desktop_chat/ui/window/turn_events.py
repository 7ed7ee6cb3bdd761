"""What TurnController tells the window about a turn, through its one ``turnEvent`` signal.

The engine's own events pass through unchanged where the window needs nothing more (TurnStarted,
Started, SourcesFound); the rest are the controller's: text coalesced per frame rather than per
token, the retry countdown worded for the user, and how the turn ended. The window connects once
and dispatches with ``match``.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_chat.chat.events import SourcesFound, TurnResult, TurnStarted
from desktop_chat.domain.events import Started
from desktop_chat.domain.messages import Message


@dataclass(frozen=True)
class AnswerText:
    """Text that arrived for the streaming answer since the last announcement (once per frame)."""

    answer_id: str
    text: str


@dataclass(frozen=True)
class AnswerThinking:
    """The model's reasoning that arrived since the last announcement (once per frame, like text)."""

    answer_id: str
    text: str


@dataclass(frozen=True)
class MessageChanged:
    """The answer's stored state changed: its status, metrics, error."""

    message: Message


@dataclass(frozen=True)
class Notice:
    """What to show beside the answer (the retry countdown, translated), or None to clear it."""

    answer_id: str
    text: str | None


@dataclass(frozen=True)
class StreamingChanged:
    """A conversation started or stopped streaming an answer."""

    streaming: bool


@dataclass(frozen=True)
class SaveProblem:
    """Why the answer cannot be saved (translated), or None once it is saved again."""

    answer_id: str
    text: str | None


@dataclass(frozen=True)
class TurnEnded:
    """The turn is over: its result, or None when it was stopped."""

    result: TurnResult | None


@dataclass(frozen=True)
class TurnFailed:
    """The turn could not start or be stored (nothing was answered). ``message`` is translated;
    ``error`` is the exception when the engine refused the turn (an AttachmentError names its file)."""

    kind: str  # send | regenerate | edit | continue
    message: str
    error: BaseException | None = None


WindowTurnEvent = (TurnStarted | Started | SourcesFound | AnswerText | AnswerThinking | MessageChanged | Notice
                   | StreamingChanged | SaveProblem | TurnEnded | TurnFailed)
