"""Fuzzing the stream decoding of every provider: whatever bytes come back, only our errors escape.

Each example is a real HTTP answer from a loopback server (tests/fakes/raw_body.py) to the real
provider class: the SDKs' SSE decoding for Anthropic and OpenAI, our own NDJSON reader for
Ollama. Two properties:

- any body (random bytes, or lines that look like the wire format with garbage in them), any
  status, any cut into TCP pieces: the stream yields our events and either ends with Finished or
  raises a ChatError; nothing else escapes (base.py's contract);
- any valid answer, with any text (every Unicode character, line separators included) and cut
  anywhere: the text comes out exactly, then Finished.

Hypothesis runs derandomized (the same examples on every run) with a modest number of examples.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop_chat.domain.errors import ChatError
from desktop_chat.domain.events import Finished, TextDelta, Usage
from desktop_chat.domain.messages import ChatMessage
from desktop_chat.providers import ChatRequest, ProviderConfig, Timeouts, create_provider
from tests.fakes.raw_body import CONTENT_TYPE, WIRE, RawBodyServer

FAMILIES = ("anthropic", "openai", "ollama")
# Each example is a real request over loopback (≈ 20-40 ms): 3 families × 2 properties × these.
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
REQUEST = ChatRequest("m", [ChatMessage.of("user", "fuzz")])


class Rig:
    """One loop, one server and one provider for all of a test's examples (building an SDK
    client takes a few hundred milliseconds)."""

    def __init__(self, family: str) -> None:
        self.family = family
        self.loop = asyncio.new_event_loop()
        self.server = RawBodyServer().__enter__()
        base = self.server.base_url + ("/v1" if family == "openai" else "")
        config = ProviderConfig(family, family, base, api_key="k", timeouts=Timeouts(connect=2, read=5))
        self.provider = create_provider(family, config)

    def answer(self, body: bytes, *, status: int = 200, content_type: str | None = None,
               pieces: tuple[int, ...] = (4096,)) -> tuple[list[Any], BaseException | None]:
        self.server.status = status
        self.server.content_type = content_type or CONTENT_TYPE[self.family]
        self.server.body = body
        self.server.pieces = pieces
        return self.loop.run_until_complete(self._collect())

    async def _collect(self) -> tuple[list[Any], BaseException | None]:
        events: list[Any] = []
        try:
            async for event in self.provider.stream(REQUEST):
                events.append(event)
        except ChatError as error:
            return events, error
        return events, None

    def close(self) -> None:
        self.loop.run_until_complete(self.provider.aclose())
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()
        self.server.__exit__(None, None, None)


@pytest.fixture(params=FAMILIES)
def rig(request) -> Iterator[Rig]:  # noqa: ANN001
    made = Rig(request.param)
    try:
        yield made
    finally:
        made.close()


def check_contract(events: list[Any], error: BaseException | None) -> None:
    """base.py: TextDelta* then at most one Usage then exactly one Finished, or a ChatError."""
    kinds = [type(e) for e in events]
    assert all(k in (TextDelta, Usage, Finished) for k in kinds), kinds
    if error is None:
        assert kinds and kinds[-1] is Finished and kinds.count(Finished) == 1, kinds
        assert kinds.count(Usage) <= 1
    else:
        assert Finished not in kinds
        assert str(error) and "Traceback" not in str(error)


# -- strategies -----------------------------------------------------------------------------------

JUNK_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "delta", "text", "choices", "message", "content", "done", "error", "index",
                         "stop_reason", "finish_reason", "usage", "done_reason", "event", "data"]),
        inner, max_size=5),
    max_leaves=12,
)
WIRE_WORDS = ["event: ", "data: ", "data:", "\n", "\r\n", "\r", "\n\n", ": ping", "[DONE]", "id: 1", "retry: 5",
              "message_start", "content_block_delta", "message_delta", "message_stop", "error", '{"type":',
              '"text_delta"', '"done":true', '"done":false', '{"error":"x"}', "{", "}", '"', "\\u0000", "\\ud800",
              "\x00", "\x85", "\u2028", "\ufeff", "\xff", "é", "🌍", "[" * 3000, '{"error":' * 3000]


@st.composite
def wireish(draw) -> bytes:  # noqa: ANN001
    """Lines that look like SSE or NDJSON: real event names and keys around junk JSON and raw bytes."""
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(draw(st.sampled_from(WIRE_WORDS)).encode("utf-8", "surrogatepass"))
        elif kind == 1:
            payload = json.dumps(draw(JUNK_JSON), ensure_ascii=draw(st.booleans()))
            parts.append(("data: " + payload + "\n\n").encode("utf-8", "surrogatepass"))
        elif kind == 2:
            parts.append((json.dumps(draw(JUNK_JSON)) + "\n").encode("utf-8", "surrogatepass"))
        else:
            parts.append(draw(st.binary(max_size=40)))
    return b"".join(parts)


BODIES = st.one_of(st.binary(max_size=600), wireish())
STATUSES = st.sampled_from([200, 200, 200, 200, 400, 401, 404, 429, 500, 503, 529])
CONTENT_TYPES = st.sampled_from([None, None, None, "application/json", "text/html", "text/plain", ""])
PIECES = st.lists(st.integers(1, 64), min_size=1, max_size=4).map(tuple)


# -- the properties ---------------------------------------------------------------------------------

@FUZZ
@given(body=BODIES, status=STATUSES, content_type=CONTENT_TYPES, pieces=PIECES)
@example(body=b"[" * 5000, status=500, content_type="application/json", pieces=(4096,))  # deeper than json goes
@example(body=b'data: {"a":' * 3000 + b"\n\n", status=200, content_type=None, pieces=(7,))
def test_any_answer_gives_our_events_or_our_errors(rig: Rig, body: bytes, status: int, content_type: str | None,
                                                    pieces: tuple[int, ...]) -> None:
    events, error = rig.answer(body, status=status, content_type=content_type, pieces=pieces)
    check_contract(events, error)
    if status != 200:
        assert error is not None and not events


# Every character a model may send, surrogates aside (JSON cannot carry lone ones as text), with
# a good share of the ones some line splitters take for line ends (str.splitlines() does).
LINE_BREAKERS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
TEXT = st.text(st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(LINE_BREAKERS + "\ufeff\x00")),
               max_size=40)


@FUZZ
@given(chunks=st.lists(TEXT, min_size=1, max_size=8), pieces=PIECES)
def test_any_valid_answer_comes_out_exactly(rig: Rig, chunks: list[str], pieces: tuple[int, ...]) -> None:
    events, error = rig.answer(WIRE[rig.family](chunks), pieces=pieces)
    assert error is None, error
    check_contract(events, error)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "".join(chunks)
