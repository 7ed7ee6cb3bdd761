"""Fuzzing the answer renderer with arbitrary text: no exception, nothing loaded, no live markup.

- ui/messages/markdown_render.py: any text renders to HTML without raising; the HTML carries no tag that
  loads or runs something (img, script, iframe, style, …) and no link but http(s)/mailto (and
  the message body's own copy links), however the markdown is mangled;
- ui/messages/stream_buffer.py: any text, appended in any pieces and taken in any portions, comes out
  exactly once, in order;
- ui/messages/message_body.py: streaming any text in any pieces into the real widget, then finishing it,
  raises nothing, lays out in bounded time, and leaves no image and no unsafe link in the document.

Hypothesis runs derandomized (the same examples on every run) with a modest number of examples.
"""

from __future__ import annotations

import html
import re
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop_chat.ui.messages.markdown_render import MarkdownRenderer
from desktop_chat.ui.messages.stream_buffer import StreamBuffer

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SAFE_SCHEMES = {"http", "https", "mailto", "dc-copy", "dc-math", "dc-cite"}
# Formulas are the one image: <img src="dc-math:…"> drawn by math_render from its own typesetting.
FORMULA_IMG = re.compile(r'<img src="dc-math:[id]/#[0-9a-f]{6}/[A-Za-z0-9%._~-]*" align="middle" '
                         r'style="vertical-align: middle;" />')
LIVE_TAG = re.compile(r"<\s*(img|script|iframe|frame|style|object|embed|link|svg|math|meta|form|input|video|audio|"
                      r"source|base)\b", re.IGNORECASE)
HREF = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)

MD_TOKENS = [
    "#", "# ", "###### ", "*", "**", "_", "__", "`", "``", "```", "```python\n", "```html\n", "~~~", "~~", "[", "]",
    "(", ")", "![", "](", "<", ">", "> ", "- ", "* ", "+ ", "1. ", "1) ", "|", "| --- |", "---", "***", "\n",
    "\n\n", "  ", "    ", "\t", "\\", "&amp;", "&#x0;", "&#106;avascript:", "&lt;", "http://127.0.0.1/x",
    "https://example.com/a?b=c&d", "javascript:alert(1)", "JaVaScRiPt:x", "java\nscript:x", "file:///etc/passwd",
    "data:image/png;base64,AAAA", "vbscript:x", "mailto:a@b.c", "<img src=x onerror=alert(1)>", "<script>",
    "</script>", "<style>*{}</style>", '<a href="javascript:x">', "<iframe src=//x>", "<!--", "-->",
    "<http://a.b/c>", "<javascript:x>", "[r]: javascript:x", "[r]: http://y", "[r]", "a", "word ", "中文",
    "👍", "\u202e", "\x00", "\u200b", "\r", "\r\n", "\x85", "\u2028", ":", "'", '"',
    "$", "$$", "$x$", "\\(", "\\)", "\\[", "\\]", "\\frac{", "}", "{", "\\text{中", "[1]", "[2](", "$5 ",
]
MARKDOWN = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(MD_TOKENS), max_size=80).map("".join),
)
PIECES = st.lists(st.integers(1, 40), min_size=1, max_size=5)


def cut(text: str, sizes: list[int]) -> list[str]:
    out, start, turn = [], 0, 0
    while start < len(text):
        size = sizes[turn % len(sizes)]
        out.append(text[start:start + size])
        start += size
        turn += 1
    return out


def assert_inert(rendered: str) -> None:
    rendered = FORMULA_IMG.sub("", rendered)
    assert not LIVE_TAG.search(rendered), LIVE_TAG.search(rendered)
    for target in HREF.findall(rendered):
        scheme = html.unescape(target).partition(":")[0].strip().lower()
        assert scheme in SAFE_SCHEMES, target


RENDERER = MarkdownRenderer()


@FUZZ
@given(text=MARKDOWN)
@example(text='[x](javascript:alert(1)) ![y](file:///etc/passwd) <img src="http://127.0.0.1/p.png">')
@example(text="> " * 40 + "deep\n\n" + "[" * 500 + "*" * 500)
def test_the_renderer_takes_any_text_and_emits_nothing_live(text: str) -> None:
    rendered = RENDERER.render(text, lambda code: "dc-copy:fuzz/0", citations=2)
    assert isinstance(rendered, str)
    assert_inert(rendered)


@FUZZ
@given(text=MARKDOWN, sizes=PIECES, portions=st.lists(st.one_of(st.none(), st.integers(1, 200)), max_size=6))
def test_the_stream_buffer_hands_out_any_text_exactly_once(text: str, sizes: list[int],
                                                           portions: list[int | None]) -> None:
    buffer = StreamBuffer()
    taken: list[str] = []
    for index, piece in enumerate(cut(text, sizes)):
        buffer.append(piece)
        if portions:
            limit = portions[index % len(portions)]
            if buffer.has_finished():
                taken.append(buffer.take_finished(limit))
        assert "".join(taken) + buffer.tail() == buffer.text
    while buffer.has_finished():
        taken.append(buffer.take_finished())
    assert buffer.text == text
    assert "".join(taken) + buffer.tail() == text
    buffer.mark_clean()
    assert not buffer.dirty


@pytest.fixture
def body(qapp):  # noqa: ANN001, ANN201
    from desktop_chat.ui.messages.message_body import MessageBody

    widget = MessageBody(MarkdownRenderer())
    widget.resize(600, 200)
    yield widget
    widget.deleteLater()


@FUZZ
@given(text=MARKDOWN, sizes=PIECES)
@example(text="> " * 30 + "quoted\n```py\nx = 1\n```", sizes=[3])
def test_the_message_body_streams_any_text(body, text: str, sizes: list[int]) -> None:  # noqa: ANN001
    started = time.perf_counter()
    body.begin_stream()
    for piece in cut(text, sizes):
        body.append(piece)
        body.render_frame(deadline=time.perf_counter() + 0.008)
    assert body.stream_text == text
    body.finish_stream()
    body.document().size()  # lay it out
    assert time.perf_counter() - started < 5.0  # loose: it must not blow up (nested tables once took minutes)
    assert_document_inert(body.document())
    body.set_markdown(text)  # the same answer reopened: rendered in one go
    assert_document_inert(body.document())


def assert_document_inert(document) -> None:  # noqa: ANN001
    """No image object but our formulas, and no anchor to anything but http(s)/mailto/our links."""
    block = document.begin()
    while block.isValid():
        for fragment in block:
            fmt = fragment.fragment().charFormat()
            assert not fmt.isImageFormat() or fmt.toImageFormat().name().startswith("dc-math:")
            if fmt.isAnchor():
                assert fmt.anchorHref().partition(":")[0].lower() in SAFE_SCHEMES, fmt.anchorHref()
        block = block.next()
