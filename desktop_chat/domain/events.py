"""The events a streaming turn produces.

Providers yield TextDelta, Usage and Finished. The engine adds Started and Retrying and owns
everything about timing, persistence and retry policy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Started:
    """The request went out (sent once per attempt)."""

    provider: str
    model: str
    attempt: int


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Usage:
    input_tokens: int | None
    output_tokens: int | None


@dataclass(frozen=True)
class Retrying:
    """The engine will try again after `delay` seconds; nothing has been shown yet."""

    attempt: int  # the attempt about to be made, 2..max_attempts
    max_attempts: int
    delay: float
    reason: str  # user-facing, e.g. "Rate limited by Anthropic."

    def describe(self) -> str:
        return f"{self.reason} Retrying in {self.delay:.0f} s (attempt {self.attempt} of {self.max_attempts})."


@dataclass(frozen=True)
class Finished:
    """The provider ended the answer normally, with its own stop reason."""

    stop_reason: str


StreamEvent = Started | TextDelta | Usage | Retrying | Finished
ProviderEvent = TextDelta | Usage | Finished
