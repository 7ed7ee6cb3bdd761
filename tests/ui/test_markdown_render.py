"""Markdown → Qt HTML, link policy, and the streaming block splitter."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QPalette, QTextDocument, QTextTable

from desktop_chat.ui.common.html_text import escape_html
from desktop_chat.ui.messages.markdown_render import (
    CODE_STYLE_COLOURS,
    MarkdownRenderer,
    RenderTheme,
    is_openable_link,
    theme_from_palette,
)
from desktop_chat.ui.messages.stream_buffer import StreamBuffer

# -- rendering -------------------------------------------------------------------------------------


@pytest.fixture
def renderer(qapp) -> MarkdownRenderer:
    return MarkdownRenderer(RenderTheme())


def _document(renderer: MarkdownRenderer, html: str) -> QTextDocument:
    document = QTextDocument()
    document.setDefaultStyleSheet(renderer.style_sheet())
    document.setHtml(html)
    return document


def test_headings_lists_and_inline_markup(renderer):
    html = renderer.render("# Title\n\n## Sub\n\n- one\n- two\n\n1. first\n2. second\n\n*em* **b** `x<y`")
    assert "<h1>Title</h1>" in html and "<h2>Sub</h2>" in html
    assert html.count("<li>") == 4
    assert "<em>em</em>" in html and "<strong>b</strong>" in html
    assert "<code>x&lt;y</code>" in html
    document = _document(renderer, html)
    levels = []
    list_items = 0
    block = document.begin()
    while block.isValid():
        levels.append(block.blockFormat().headingLevel())
        list_items += block.textList() is not None
        block = block.next()
    assert 1 in levels and 2 in levels
    assert list_items == 4


def test_table_cells(renderer):
    html = renderer.render("| a | b |\n|---|--:|\n| 1 | 2 |\n| 3 | 4 |\n")
    document = _document(renderer, html)
    tables = [f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert len(tables) == 1
    table = tables[0]
    assert (table.rows(), table.columns()) == (3, 2)
    cells = [
        [table.cellAt(r, c).firstCursorPosition().block().text() for c in range(2)] for r in range(3)
    ]
    assert cells == [["a", "b"], ["1", "2"], ["3", "4"]]


def test_code_block_is_highlighted_with_inline_styles_and_a_copy_link(renderer):
    registered: list[str] = []

    def register(code: str) -> str:
        registered.append(code)
        return f"dc-copy:n/{len(registered) - 1}"

    source = "def f(x):\n    return x < 2  # <b>not bold</b>\n"
    html = renderer.render(f"```python\n{source}```\n", register)
    assert registered == [source.rstrip("\n")]
    assert '<span style="color:' in html  # pygments, noclasses
    assert 'class="' not in html
    assert '<a href="dc-copy:n/0"' in html and ">Copy</a>" in html
    assert "<b>not bold</b>" not in html and "&lt;b&gt;not bold&lt;/b&gt;" in html
    text = _document(renderer, html).toPlainText()
    assert "def f(x):" in text and "return x < 2  # <b>not bold</b>" in text


def test_unknown_language_and_indented_code_are_plain_escaped(renderer):
    html = renderer.render("```nosuchlang\n<i>x</i>\n```\n\n    <b>y</b>\n")
    assert "<i>" not in html and "<b>" not in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html and "&lt;b&gt;y&lt;/b&gt;" in html


def test_raw_html_is_shown_as_text(renderer):
    model_text = (
        '<img src="http://127.0.0.1:9/x"> <script>alert(1)</script>\n\n'
        '<div onclick="x()">block html</div>\n\ninline <b>bold</b> <iframe src="https://e.x"></iframe>\n'
    )
    html = renderer.render(model_text)
    for tag in ("<img", "<script", "<div", "<b>", "<iframe"):
        assert tag not in html
    text = _document(renderer, html).toPlainText()
    assert '<img src="http://127.0.0.1:9/x">' in text
    assert "<script>alert(1)</script>" in text
    assert '<div onclick="x()">block html</div>' in text
    assert "<b>bold</b>" in text


def test_markdown_images_become_links_never_img(renderer):
    html = renderer.render("![a cat](https://example.com/cat.png) ![](http://127.0.0.1:9/y.png)")
    assert "<img" not in html
    assert '<a href="https://example.com/cat.png">[Image: a cat]</a>' in html
    assert '<a href="http://127.0.0.1:9/y.png">[Image]</a>' in html
    local = renderer.render("![x](file:///etc/passwd) ![y](/etc/passwd)")
    assert "<img" not in local and "<a " not in local


def test_only_http_https_mailto_become_links(renderer):
    html = renderer.render(
        "[ok](https://example.com) [mail](mailto:a@b.c) [js](javascript:alert(1)) "
        "[file](file:///etc/passwd) [data](data:text/html;base64,AAAA) [rel](foo.html) "
        "[custom](dc-copy:abc/0) <https://auto.example>"
    )
    assert html.count("<a ") == 3
    assert 'href="https://example.com"' in html and 'href="mailto:a@b.c"' in html
    assert 'href="https://auto.example"' in html
    for bad in ("javascript:", "file:", "data:", "dc-copy:", "foo.html"):
        assert f'href="{bad}' not in html


@pytest.mark.parametrize(
    ("url", "openable"),
    [
        ("https://example.com/a?b=c", True),
        ("http://example.com", True),
        ("mailto:someone@example.com", True),
        ("HTTPS://EXAMPLE.COM", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("dc-copy:abc/1", False),
        ("ftp://example.com", False),
        ("http://", False),
        ("relative/path", False),
        ("", False),
    ],
)
def test_is_openable_link(url, openable):
    assert is_openable_link(url) is openable
    assert is_openable_link(QUrl(url)) is openable


def test_theme_follows_palette_lightness(qapp):
    light = QPalette()
    light.setColor(QPalette.ColorRole.Base, "#ffffff")
    light.setColor(QPalette.ColorRole.Text, "#000000")
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Base, "#1e1e1e")
    dark.setColor(QPalette.ColorRole.Text, "#e6e6e6")
    light_theme, dark_theme = theme_from_palette(light), theme_from_palette(dark)
    assert not light_theme.dark and dark_theme.dark
    assert light_theme.pygments_style != dark_theme.pygments_style
    assert dark_theme.text == "#e6e6e6"
    assert dark_theme.code_bg == "#282c34" and dark_theme.code_fg == "#abb2bf"


def test_escape_html_is_the_standard_librarys():
    import html

    rng = random.Random(5)
    alphabet = "a<>&\"'é\u200b\n "
    samples = ["", "plain", "<a href=\"x\">'&amp;'</a>"] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(300)
    ]
    for text in samples:
        assert escape_html(text) == html.escape(text)
        assert escape_html(text, quote=False) == html.escape(text, quote=False)


@pytest.mark.parametrize("style_name", sorted(CODE_STYLE_COLOURS))
def test_code_style_colours_are_pygments_own(style_name):
    """The theme keeps each code style's colours itself (no pygments before the first frame);
    they must stay what the installed pygments paints the code with."""
    from pygments.styles import get_style_by_name
    from pygments.token import Token

    style = get_style_by_name(style_name)
    text = style.style_for_token(Token.Text)["color"]
    background, foreground = CODE_STYLE_COLOURS[style_name]
    assert background.lower() == style.background_color.lower()
    assert (foreground or "").lower() == (f"#{text}" if text else "").lower()


# -- StreamBuffer ----------------------------------------------------------------------------------


def test_finished_blocks_end_at_blank_lines():
    buffer = StreamBuffer()
    buffer.append("Para one\nstill one\n\nPara t")
    assert buffer.take_finished() == "Para one\nstill one\n\n"
    assert buffer.tail() == "Para t"
    buffer.append("wo\n\n")
    assert buffer.take_finished() == ""  # the blank line waits for the next line's first char
    buffer.append("# Next")
    assert buffer.take_finished() == "Para two\n\n"
    assert buffer.tail() == "# Next"
    assert buffer.text == "Para one\nstill one\n\nPara two\n\n# Next"


def test_blank_lines_inside_fences_do_not_split():
    buffer = StreamBuffer("Intro\n\n```python\na = 1\n\n\nb = 2\n")
    assert buffer.take_finished() == "Intro\n\n"
    buffer.append("~~~\nnot a close\n\n``\n```not a close either\nstill code\n\n")
    assert buffer.take_finished() == ""
    buffer.append("````\n\nAfter\n")
    assert buffer.take_finished() == (
        "```python\na = 1\n\n\nb = 2\n~~~\nnot a close\n\n``\n```not a close either\n"
        "still code\n\n````\n\n"
    )
    assert buffer.tail() == "After\n"


def test_longer_and_tilde_fences_close_only_on_a_matching_fence():
    buffer = StreamBuffer("~~~~\n```\n\n~~~\n\n~~~~\n\nx")
    assert buffer.take_finished() == "~~~~\n```\n\n~~~\n\n~~~~\n\n"
    assert buffer.tail() == "x"


def test_fences_inside_list_items_and_quotes():
    buffer = StreamBuffer("1. step\n\n   ```sh\n   ls\n\n   pwd\n   ```\n\n2. next\n\n> ```\n> a\n\n")
    chunks = buffer.take_finished()
    # the indented continuation keeps item 1 and its fence together; the quoted fence stays open
    assert chunks == "1. step\n\n   ```sh\n   ls\n\n   pwd\n   ```\n\n2. next\n\n"
    assert buffer.tail() == "> ```\n> a\n\n"


def test_indented_continuations_stay_with_their_block():
    buffer = StreamBuffer("- item\n\n  more of the item\n\n    code\n\nNext para\n")
    assert buffer.take_finished() == "- item\n\n  more of the item\n\n    code\n\n"
    assert buffer.tail() == "Next para\n"


def test_max_chars_takes_whole_blocks_over_several_calls():
    text = "".join(f"Paragraph {i} " + "x" * 50 + "\n\n" for i in range(20)) + "tail"
    buffer = StreamBuffer(text)
    pieces = []
    while buffer.has_finished():
        piece = buffer.take_finished(max_chars=200)
        assert piece.endswith("\n\n")
        assert len(piece) <= 200 or piece.count("\n\n") == 1
        pieces.append(piece)
    assert len(pieces) > 5
    assert "".join(pieces) + buffer.tail() == text
    assert buffer.tail() == "tail"


def test_dirty_tracks_new_text():
    buffer = StreamBuffer()
    assert not buffer.dirty
    buffer.append("a")
    assert buffer.dirty
    buffer.mark_clean()
    assert not buffer.dirty
    buffer.append("")
    assert not buffer.dirty


SAMPLE = (
    "# Title\n\nIntro paragraph with *emphasis*.\n\n- a\n- b\n\n  continued\n\n"
    "```python\ndef f():\n\n    return 1\n```\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n"
    "> quote\n>\n> more\n\n~~~\ncode ~~~ here\n\n~~~\n\n1. one\n\n2. two\n\nlast line"
)


@pytest.mark.parametrize("seed", range(8))
def test_chunking_does_not_change_what_is_finished(seed):
    """However the text is cut into deltas, the finished blocks and the tail come out the same."""
    reference = StreamBuffer(SAMPLE)
    expected = reference.take_finished()
    rng = random.Random(seed)
    buffer = StreamBuffer()
    taken = []
    position = 0
    while position < len(SAMPLE):
        step = rng.randint(1, 12)
        buffer.append(SAMPLE[position : position + step])
        position += step
        if rng.random() < 0.5:
            taken.append(buffer.take_finished())
    taken.append(buffer.take_finished())
    assert "".join(taken) == expected
    assert buffer.tail() == reference.tail()
    assert expected + reference.tail() == SAMPLE
