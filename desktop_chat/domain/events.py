"""The events a streaming turn produces.

Providers yield TextDelta (ThinkingDelta and ToolCallDelta once they ask for reasoning or offer
tools), Usage and Finished. The engine adds Started and Retrying and owns everything about timing,
persistence and retry policy. chat/events.py joins these with the engine's own events into
TurnEvent, the one union a front end dispatches on with ``match``.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text


@dataclass(frozen=True)
class Started:
    """The request went out (sent once per attempt)."""

    provider: str
    model: str
    attempt: int


@dataclass(frozen=True)
class TextDelta:
    """A piece of the answer's text, as it streams in."""

    text: str


@dataclass(frozen=True)
class ThinkingDelta:
    """A piece of the model's reasoning. ``signature`` is a piece of the provider's proof of it
    (Anthropic's signature_delta), to be stored with the reasoning and sent back unchanged.

    A block of reasoning ends with its signature: text after one starts the next block. A
    ``redacted`` delta is one whole block of the provider's opaque data (Anthropic's
    redacted_thinking), kept as it came and never shown.
    """

    text: str
    signature: str = ""
    redacted: bool = False


@dataclass(frozen=True)
class ToolCallDelta:
    """A piece of a tool call the model is making: the first piece of call ``index`` carries its
    ``call_id`` and ``name``, later ones add to ``arguments`` (JSON text, complete only at the end).

    No provider offers tools yet (issue 16), so none yields these today.
    """

    index: int
    arguments: str = ""
    call_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Usage:
    """Tokens the provider counted for the request and the answer (None: not reported)."""

    input_tokens: int | None
    output_tokens: int | None
    reasoning_tokens: int | None = None  # of output_tokens, those spent reasoning (where reported)


@dataclass(frozen=True)
class Retrying:
    """The engine will try again after `delay` seconds; nothing has been shown yet."""

    attempt: int  # the attempt about to be made, 2..max_attempts
    max_attempts: int
    delay: float
    reason_text: Text  # the error's Text cut to its first sentence: "Rate limited by Anthropic (429)."

    @property
    def reason(self) -> str:
        """The reason in English."""
        return self.reason_text.english()

    @property
    def text(self) -> Text:
        """The whole notice, translatable (describe() is its English)."""
        return Text.of(
            QT_TRANSLATE_NOOP("engine", "{reason} Retrying in {delay:.0f} s (attempt {attempt} of {max_attempts})."),
            reason=self.reason_text, delay=self.delay, attempt=self.attempt, max_attempts=self.max_attempts,
        )

    def describe(self) -> str:
        return self.text.english()


@dataclass(frozen=True)
class Finished:
    """The provider ended the answer normally, with its own stop reason."""

    stop_reason: str


ProviderEvent = TextDelta | ThinkingDelta | ToolCallDelta | Usage | Finished
"""What a provider's stream() yields."""
StreamEvent = Started | Retrying | ProviderEvent
"""What the engine passes on while requesting and streaming: the provider's events and its own."""
