"""The model's reasoning in a turn: which setting goes to the provider, and what is kept.

- A conversation may set ``thinking_budget`` (tokens) or ``reasoning_effort`` (low, medium,
  high) in its options. Only the one the model takes (Capabilities.reasoning_control) goes to
  the provider; `unsupported` words why the other one does not, for a front end to say so.
- ReasoningAccumulator joins a turn's ThinkingDeltas into ThinkingParts the way the provider
  cut them (a signature closes a block; a redacted block stands alone), and times the thinking:
  from its first piece to the first piece of the answer.
- Reasoning is kept as its own part of the answer and never re-sent by the engine, except where
  the provider requires it (Capabilities.resend_thinking_with_tools: Anthropic, within the tool
  rounds of one answer); `resendable` picks those parts.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from desktop_chat.domain.events import ThinkingDelta
from desktop_chat.domain.parts import ThinkingPart
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers.capabilities import EFFORTS, REASONING_EFFORT, THINKING_BUDGET, Capabilities
from desktop_chat.providers.thinking_wire import MIN_ANTHROPIC_BUDGET

__all__ = ["EFFORTS", "MIN_BUDGET", "REASONING_EFFORT", "THINKING_BUDGET", "ReasoningAccumulator",
           "applicable", "resendable", "unsupported", "unsupported_for"]

MIN_BUDGET = MIN_ANTHROPIC_BUDGET
_SETTINGS = {THINKING_BUDGET: "budget", REASONING_EFFORT: "effort"}


def applicable(options: Mapping[str, Any], caps: Capabilities) -> dict[str, Any]:
    """*options* without the reasoning settings this model does not take."""
    return {key: value for key, value in options.items()
            if key not in _SETTINGS or _SETTINGS[key] == caps.reasoning_control}


def unsupported(options: Mapping[str, Any], caps: Capabilities, model: str, provider: str) -> Text | None:
    """Why a reasoning setting in *options* will not be sent (None: every one will be)."""
    for key, control in _SETTINGS.items():
        if options.get(key) is None or control == caps.reasoning_control:
            continue
        if caps.reasoning_control == "effort":
            return Text.of(QT_TRANSLATE_NOOP(
                "engine", "{model} on {provider} takes a reasoning effort (low, medium, high), not a thinking "
                          "budget; the budget was not sent."), model=model, provider=provider)
        if caps.reasoning_control == "budget":
            return Text.of(QT_TRANSLATE_NOOP(
                "engine", "{model} on {provider} takes a thinking budget in tokens, not a reasoning effort; "
                          "the effort was not sent."), model=model, provider=provider)
        return Text.of(QT_TRANSLATE_NOOP(
            "engine", "{model} on {provider} takes no reasoning setting; it was not sent."),
            model=model, provider=provider)
    return None


def unsupported_for(kind: str, model: str, provider: str, options: Mapping[str, Any]) -> Text | None:
    """`unsupported` for an endpoint kind and model, for a front end."""
    from desktop_chat.providers import capabilities

    return unsupported(options, capabilities(kind, model), model, provider)


def resendable(parts: Iterable[Any], caps: Capabilities) -> list[ThinkingPart]:
    """The reasoning parts a provider needs back with a tool round: signed or redacted ones,
    unchanged, and only where the provider requires them; none elsewhere."""
    if not caps.resend_thinking_with_tools:
        return []
    return [p for p in parts if isinstance(p, ThinkingPart) and (p.redacted or p.signature)]


class ReasoningAccumulator:
    """A turn's reasoning as it streams in, and its parts once it ends."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._blocks: list[dict[str, Any]] = []  # {"text": [str], "signature": [str], "redacted": bool}
        self.started: float | None = None
        self.ended: float | None = None

    @property
    def any(self) -> bool:
        return bool(self._blocks)

    def add(self, delta: ThinkingDelta) -> None:
        now = self._clock()
        if self.started is None:
            self.started = now
        self.ended = None  # thinking again (a tool round): the time runs on
        if delta.redacted:
            self._blocks.append({"text": [delta.text], "signature": [], "redacted": True})
            return
        current = self._blocks[-1] if self._blocks else None
        if current is None or current["redacted"] or (current["signature"] and delta.text):
            current = {"text": [], "signature": [], "redacted": False}
            self._blocks.append(current)
        if delta.text:
            current["text"].append(delta.text)
        if delta.signature:
            current["signature"].append(delta.signature)

    def answer_started(self) -> None:
        """The answer's text began: the thinking time stops (if it was running)."""
        if self.started is not None and self.ended is None:
            self.ended = self._clock()

    def duration_ms(self) -> float | None:
        if self.started is None:
            return None
        end = self.ended if self.ended is not None else self._clock()
        return (end - self.started) * 1000

    def parts(self, reasoning_tokens: int | None = None) -> list[ThinkingPart]:
        """The reasoning as ThinkingParts; the first carries the time spent and the token count."""
        parts = [ThinkingPart("".join(b["text"]), signature="".join(b["signature"]) or None, redacted=b["redacted"])
                 for b in self._blocks]
        if parts:
            first = parts[0]
            parts[0] = ThinkingPart(first.text, first.signature, first.redacted,
                                    duration_ms=self.duration_ms(), tokens=reasoning_tokens)
        return parts
