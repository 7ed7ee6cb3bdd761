"""Reasoning written into the answer's text as ``<think>…</think>``, split out as it streams.

DeepSeek R1 and its distillations, Qwen3 / QwQ and many local models served by llama.cpp,
vLLM, LM Studio or an Ollama without its `think` option write their reasoning at the start of
the answer between these tags. A family whose models may do so declares it
(Capabilities.think_tags) and the engine passes its stream through `split_think_tags`.

Only a block that opens the answer (after blank space) is reasoning: a ``<think>`` later in an
answer (a model explaining the tag, a code sample) stays text. The tags may be cut anywhere
across deltas — "<thi" + "nk>" — so a possible beginning of a tag is held back until the next
delta settles it; nothing else is delayed. The blank lines between ``</think>`` and the answer
are dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from desktop_chat.domain.events import ProviderEvent, TextDelta, ThinkingDelta

__all__ = ["ThinkTagSplitter", "split_think_tags"]

OPEN = "<think>"
CLOSE = "</think>"

_START, _THINKING, _AFTER, _TEXT = range(4)


class ThinkTagSplitter:
    """Feed it the answer's text deltas in order; it returns (reasoning, answer) pieces."""

    def __init__(self) -> None:
        self._state = _START
        self._held = ""  # text that may still turn out to be (part of) a tag

    @property
    def thinking(self) -> bool:
        """True while inside the reasoning block."""
        return self._state == _THINKING

    def feed(self, text: str) -> tuple[str, str]:
        """The reasoning and the answer text in *text* (either may be "")."""
        if self._state == _TEXT:  # the common case once the reasoning is over: no work at all
            return "", text
        data = self._held + text
        self._held = ""
        thinking = answer = ""
        if self._state == _START:
            stripped = data.lstrip()
            if stripped.startswith(OPEN):
                self._state = _THINKING
                data = stripped[len(OPEN):]
            elif OPEN.startswith(stripped):  # blank space, or a beginning of the tag: wait
                self._held = data
                return "", ""
            else:
                self._state = _TEXT
                return "", data
        if self._state == _THINKING:
            end = data.find(CLOSE)
            if end < 0:
                keep = _partial_suffix(data, CLOSE)
                self._held = data[len(data) - keep:] if keep else ""
                return data[:len(data) - keep], ""
            thinking = data[:end]
            data = data[end + len(CLOSE):]
            self._state = _AFTER
        if self._state == _AFTER:
            data = data.lstrip()
            if not data:
                return thinking, ""
            self._state = _TEXT
            answer = data
        return thinking, answer

    def flush(self) -> tuple[str, str]:
        """What was held back when the stream ends: an unfinished tag is what it looks like."""
        held, self._held = self._held, ""
        if self._state == _THINKING:
            return held, ""
        if self._state == _START:
            return "", held
        return "", ""


def _partial_suffix(text: str, tag: str) -> int:
    """How many characters at the end of *text* are a beginning of *tag* (0 if none)."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0


async def split_think_tags(events: AsyncIterator[ProviderEvent]) -> AsyncIterator[ProviderEvent]:
    """*events* with the reasoning in TextDeltas turned into ThinkingDeltas; the rest unchanged.

    Closing this generator closes *events* (the HTTP stream), as the provider contract asks.
    """
    splitter = ThinkTagSplitter()
    try:
        async for event in events:
            if isinstance(event, TextDelta):
                thinking, answer = splitter.feed(event.text)
                if thinking:
                    yield ThinkingDelta(thinking)
                if answer:
                    yield TextDelta(answer)
                continue
            thinking, answer = splitter.flush() if not isinstance(event, ThinkingDelta) else ("", "")
            if thinking:
                yield ThinkingDelta(thinking)
            if answer:
                yield TextDelta(answer)
            yield event
    finally:
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()
