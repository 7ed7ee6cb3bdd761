"""<think>…</think> split out of streamed text wherever the stream cuts it: at every byte of its
UTF-8 encoding (decoded incrementally, as an SSE or NDJSON reader does) and at random cuts."""

from __future__ import annotations

import codecs

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_chat.domain.events import Finished, TextDelta, ThinkingDelta, Usage
from desktop_chat.providers.think_tags import ThinkTagSplitter, split_think_tags

TEXT = st.text(alphabet=st.sampled_from(list("ab <>/thinké中\n")), max_size=40)


def _split(pieces: list[str]) -> tuple[str, str]:
    splitter = ThinkTagSplitter()
    thinking, answer = [], []
    for piece in pieces:
        t, a = splitter.feed(piece)
        thinking.append(t)
        answer.append(a)
    t, a = splitter.flush()
    return "".join(thinking) + t, "".join(answer) + a


def _cut_at_every_byte(text: str) -> list[list[str]]:
    """For each byte offset, the text as two deltas cut there (decoded as a stream reader would)."""
    raw = text.encode()
    cuts = []
    for at in range(len(raw) + 1):
        decoder = codecs.getincrementaldecoder("utf-8")()
        cuts.append([decoder.decode(raw[:at]), decoder.decode(raw[at:], final=True)])
    return cuts


def test_every_byte_boundary_of_a_real_answer():
    text = "\n<think>Le client écrit en français. 用中文?</think>\n\nBonjour ! <think> reste du texte."
    for pieces in _cut_at_every_byte(text):
        assert _split(pieces) == ("Le client écrit en français. 用中文?", "Bonjour ! <think> reste du texte.")


def test_one_character_at_a_time():
    text = "<think>a</thin</think>b"
    assert _split(list(text)) == ("a</thin", "b")


@settings(max_examples=300, deadline=None)
@given(reasoning=TEXT.filter(lambda s: "</think>" not in s), answer=TEXT, lead=st.sampled_from(["", " ", "\n\n"]),
       cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=12))
def test_any_cuts_give_the_reasoning_and_the_answer(reasoning, answer, lead, cuts):
    text = f"{lead}<think>{reasoning}</think>\n{answer}"
    raw = text.encode()
    decoder = codecs.getincrementaldecoder("utf-8")()
    pieces, start = [], 0
    for at in sorted({min(c, len(raw)) for c in cuts}):
        pieces.append(decoder.decode(raw[start:at]))
        start = at
    pieces.append(decoder.decode(raw[start:], final=True))
    assert _split(pieces) == (reasoning, answer.lstrip())


@settings(max_examples=200, deadline=None)
@given(text=TEXT, cut=st.integers(min_value=0, max_value=60))
def test_text_that_does_not_open_with_a_think_tag_is_untouched(text, cut):
    if text.lstrip().startswith("<think>"):
        return
    assert _split([text[:cut], text[cut:]]) == ("", text)


def test_an_unfinished_tag_at_the_end_is_what_it_looks_like():
    assert _split(["<thi"]) == ("", "<thi")
    assert _split(["<think>still thinking</thi"]) == ("still thinking</thi", "")


async def test_the_stream_wrapper_turns_text_into_reasoning_and_passes_the_rest_on():
    async def events():
        for event in (TextDelta("<think>x"), TextDelta("y</think>"), TextDelta("\n\nz"), Usage(1, 2), Finished("stop")):
            yield event

    out = [e async for e in split_think_tags(events())]
    assert out == [ThinkingDelta("x"), ThinkingDelta("y"), TextDelta("z"), Usage(1, 2), Finished("stop")]
