"""Maths in answers: where it is (math_syntax), typesetting (math_render), and in a message body
(rendered, streamed, copied as source, drawn in both themes)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QGuiApplication, QImage, QTextCursor, QTextFormat

from desktop_chat.ui.messages import math_render
from desktop_chat.ui.messages.markdown_render import MarkdownRenderer, RenderTheme
from desktop_chat.ui.messages.math_render import FAILED, Formula, FormulaKey, formulas, typeset
from desktop_chat.ui.messages.math_syntax import top_level_text
from desktop_chat.ui.messages.message_body import MessageBody

LIGHT = RenderTheme()
DARK = RenderTheme(dark=True, text="#e6e6e6")

# -- where maths is --------------------------------------------------------------------------------


@pytest.fixture
def renderer(qapp) -> MarkdownRenderer:  # noqa: ANN001
    return MarkdownRenderer(LIGHT)


def _formulas_in(html: str) -> list[str]:
    from urllib.parse import unquote

    out = []
    for part in html.split('src="dc-math:')[1:]:
        url = part.split('"', 1)[0]
        out.append(unquote(url.split("/", 2)[2]))
    return out


@pytest.mark.parametrize(("markdown", "found"), [
    ("Euler: $e^{i\\pi} + 1 = 0$.", ["e^{i\\pi} + 1 = 0"]),
    ("a \\(x^2\\) b", ["x^2"]),
    ("inline display $$\\sum_i i$$ here", ["\\sum_i i"]),
    ("a \\[y\\] b", ["y"]),
    ("$$\n\\frac{a}{b}\n$$", ["\\frac{a}{b}"]),
    ("\\[\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n\\]",
     ["\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}"]),
    ("$$x = 1$$", ["x = 1"]),
    ("It costs $5 and $10.", []),
    ("Between $5 and $10, say $x$ dollars.", ["x"]),
    ("$5, $x$", ["x"]),
    ("not maths: $ x$ and $x $.", []),
    ("followed by a digit: $x$5 stays", []),
    ("escaped: \\$x\\$", []),
    ("code `$x$` keeps its dollars", []),
    ("```\n$x$\n```", []),
    ("unclosed $x^2 while streaming", []),
    ("unclosed display\n\n$$\n\\frac{a}{b}\n", []),
])
def test_which_dollars_are_maths(renderer, markdown, found):
    assert _formulas_in(renderer.render(markdown)) == found


def test_prices_stay_text_in_the_html(renderer):
    html = renderer.render("Apples cost $5 and pears $10; a basket $15.")
    assert "dc-math" not in html
    assert "$5 and pears $10; a basket $15." in html


def test_display_maths_is_a_centred_paragraph(renderer):
    html = renderer.render("Before.\n\n$$\nE = mc^2\n$$\n\nAfter.")
    assert '<p align="center"><img src="dc-math:d/' in html
    assert "<p>Before.</p>" in html and "<p>After.</p>" in html


def test_chinese_in_a_top_level_text_is_written_between_the_pieces(renderer):
    html = renderer.render("$\\text{速度} = \\frac{d}{t}$")
    assert "速度<img" in html and _formulas_in(html) == [" = \\frac{d}{t}"]
    # Nested inside a fraction it is typeset with the formula (math_cjk.py: Qt draws the words).
    nested = renderer.render("$\\frac{\\text{距离}}{t}$")
    assert _formulas_in(nested) == ["\\frac{\\text{距离}}{t}"]


def test_top_level_text_cuts():
    assert top_level_text("a \\text{b} c") == [(False, "a "), (True, "b"), (False, " c")]
    assert top_level_text("\\frac{\\text{b}}{c}") is None
    assert top_level_text("\\text{b") is None


# -- typesetting -----------------------------------------------------------------------------------

TABLE = {
    "fraction": "\\frac{a+b}{c-d}",
    "sum": "\\sum_{i=1}^{n} i^2 = \\frac{n(n+1)(2n+1)}{6}",
    "integral": "\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}",
    "matrix": "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
    "greek": "\\alpha + \\beta = \\Gamma(\\theta)",
    "subscripts": "x_{i,j}^{2} + a_1",
    "text": "v = \\frac{d}{t} \\quad \\text{for all } t > 0",
    "aligned": "\\begin{aligned} a &= b + c \\\\ d &= e - f \\end{aligned}",
    "cases": "f(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}",
    "chinese text": "v = \\frac{\\text{距离}}{t}",
    "chinese text in a subscript": "\\sum_{\\text{所有人}} x_i = \\text{总数 } n",
    "chinese": "速度 = \\frac{d}{t}",
}


def _ink(image: QImage) -> int:
    """Pixels with any opacity: how much was drawn."""
    small = image.scaled(image.width() // 2, image.height() // 2)
    return sum(1 for y in range(small.height()) for x in range(small.width()) if small.pixelColor(x, y).alpha() > 40)


@pytest.mark.parametrize("name", sorted(TABLE))
@pytest.mark.parametrize("display", [False, True])
def test_the_table_of_formulas_typesets(qapp, name, display):  # noqa: ANN001
    formula = typeset(FormulaKey(TABLE[name], display, 16, "#1f2328"))
    assert isinstance(formula, Formula), name
    # Plausible sizes for 16 px text: wider than a letter, not taller than a few lines.
    assert 12 < formula.width < 600 and 10 < formula.height < 200, (name, formula.width, formula.height)
    assert formula.image.width() == pytest.approx(formula.width * math_render.SCALE, abs=1)
    assert _ink(formula.image) > 30, f"{name} drew (almost) nothing"


def test_the_baseline_is_the_middle_so_inline_maths_sits_on_the_line(qapp):  # noqa: ANN001
    # x_1 hangs below the baseline less than it rises above: the image is padded at the bottom.
    formula = typeset(FormulaKey("x_1", False, 16, "#000000"))
    assert isinstance(formula, Formula)
    image = formula.image
    rows = [y for y in range(image.height()) if any(image.pixelColor(x, y).alpha() > 40 for x in range(image.width()))]
    middle = image.height() / 2
    assert rows[0] < middle < rows[-1]
    assert middle - rows[0] > rows[-1] - middle  # more ink above the baseline than below


def test_chinese_in_a_formula_is_drawn_where_the_typesetter_left_room(qapp):  # noqa: ANN001
    from desktop_chat.ui.messages.math_cjk import with_placeholders

    # A rule stands in for each run, its \\text{…} closed around it; none where one cannot stand.
    assert with_placeholders("\\frac{\\text{距离}}{t}", [1.0]) == "\\frac{\\rule{1.0em}{0.6em}}{t}"
    assert with_placeholders("\\text{a 中 b}", [1.0]) == "\\text{a }\\rule{1.0em}{0.6em}\\text{ b}"
    assert with_placeholders("\\mbox{中}", [1.0]) is None
    with_words = typeset(FormulaKey("\\frac{\\text{距离}}{t}", True, 16, "#1f2328"))
    with_room = typeset(FormulaKey("\\frac{\\phantom{MMM}}{t}", True, 16, "#1f2328"))
    assert isinstance(with_words, Formula) and isinstance(with_room, Formula)
    # The words are drawn (more ink than the bar and the t), in the text's size (about two letters wide).
    assert _ink(with_words.image) > _ink(with_room.image) + 40
    assert 24 < with_words.width < 60


def test_colour_follows_the_theme(qapp):  # noqa: ANN001
    light = typeset(FormulaKey("x+y", False, 16, "#1f2328"))
    dark = typeset(FormulaKey("x+y", False, 16, "#e6e6e6"))
    assert isinstance(light, Formula) and isinstance(dark, Formula)

    def darkest(image: QImage) -> float:
        return min(image.pixelColor(x, y).lightnessF() for y in range(image.height()) for x in range(image.width())
                   if image.pixelColor(x, y).alpha() > 200)

    assert darkest(light.image) < 0.3 < 0.7 < darkest(dark.image)


@pytest.mark.parametrize("latex", ["\\frac{a", "\\begin{aligned} x", "\\left( x", "a & b", "\\sqrt[3{x}",
                                   "\\mathrm{中文}", "\\text{a {中文}}", "x" * 5000, "   "])
def test_malformed_formulas_are_not_typeset(qapp, latex):  # noqa: ANN001
    assert typeset(FormulaKey(latex, False, 16, "#000000")) is None


def test_typesetting_happens_in_the_worker_and_failures_fall_back_to_source(qtbot, renderer):  # noqa: ANN001
    threads: list[str] = []
    original = math_render.typeset

    def spy(key: FormulaKey, process=None) -> Formula | None:  # noqa: ANN001
        threads.append(threading.current_thread().name)
        return original(key, process)

    good = FormulaKey("a^2 + b^2 = c^2", False, 15, "#1f2328")
    bad = FormulaKey("\\left( broken", False, 15, "#1f2328")
    math_render.typeset = spy  # a spy that counts, not a stand-in: the real typesetting runs
    try:
        with qtbot.waitSignal(formulas.ready, timeout=20_000):
            formulas.request([good, bad])
        qtbot.waitUntil(lambda: formulas.lookup(good) is not None and formulas.lookup(bad) is not None, timeout=20_000)
    finally:
        math_render.typeset = original
    assert threads and set(threads) == {"maths"}
    assert formulas._process is not None and formulas._process_failures == 0  # ziamath ran in its process
    assert isinstance(formulas.lookup(good), Formula)
    assert formulas.lookup(bad) is FAILED
    html = renderer.render("See $\\left( broken$ here.")
    assert "dc-math" not in html and "$\\left( broken$" in html


# -- in a message body -----------------------------------------------------------------------------


def _objects(body: MessageBody) -> list[tuple[int, str]]:
    """(position, name) of the image objects in the body's document."""
    out = []
    block = body.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().isImageFormat():
                out.append((fragment.position(), fragment.charFormat().toImageFormat().name()))
            iterator += 1
        block = block.next()
    return out


def _object_width(body: MessageBody, pos: int) -> float:
    cursor = QTextCursor(body.document())
    cursor.setPosition(pos + 1)
    fmt = cursor.charFormat()
    return body._formulas.intrinsicSize(body.document(), pos, fmt).width()  # type: ignore[union-attr]


def _typeset_all(qtbot, body: MessageBody) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: body._formulas is not None and not body._formulas.pending, timeout=20_000)


ANSWER = ("The identity $e^{i\\pi} + 1 = 0$ links five constants; it costs $5 and $10 to print.\n\n"
          "$$\n\\sum_{k=0}^{\\infty} \\frac{x^k}{k!} = e^x\n$$\n\nDone.")


def test_a_body_draws_formulas_and_copies_their_source(qtbot):  # noqa: ANN001
    body = MessageBody(MarkdownRenderer(LIGHT))
    qtbot.addWidget(body)
    body.resize(600, 100)
    body.show()
    body.set_markdown(ANSWER)
    objects = _objects(body)
    assert len(objects) == 2
    _typeset_all(qtbot, body)
    qtbot.waitUntil(lambda: _object_width(body, objects[1][0]) > 40)
    assert "$5 and $10" in body.plain_text()

    # Selecting everything and copying gives the LaTeX, delimiters included.
    body.selectAll()
    copied = body.createMimeDataFromSelection().text()
    assert "$e^{i\\pi} + 1 = 0$" in copied and "\\frac{x^k}{k!}" in copied
    assert "\ufffc" not in copied

    # The formula under the pointer has a "Copy formula" source.
    pos = objects[0][0]
    rect = body.document().documentLayout().blockBoundingRect(body.document().findBlock(pos))
    line = body.document().findBlock(pos).layout().lineForTextPosition(pos - body.document().findBlock(pos).position())
    x = line.cursorToX(pos - body.document().findBlock(pos).position())[0]
    point = QPoint(int(rect.x() + x + 4), int(rect.y() + line.y() + line.height() / 2))
    assert body.formula_source_at(point) == "$e^{i\\pi} + 1 = 0$"
    assert body.formula_source_at(QPoint(2, 2)) is None


def test_a_streaming_formula_stays_text_until_it_closes(qtbot):  # noqa: ANN001
    import time

    body = MessageBody(MarkdownRenderer(LIGHT))
    qtbot.addWidget(body)
    body.resize(600, 100)
    body.begin_stream()
    body.append("The area is $\\pi r")
    body.render_frame(time.perf_counter() + 1)
    assert _objects(body) == [] and "$\\pi r" in body.plain_text()
    body.append("^2$ exactly.\n\nNext paragraph with $x_1$.\n\nAnd more")
    body.render_frame(time.perf_counter() + 1)
    assert len(_objects(body)) == 2
    body.append(" text.")
    body.finish_stream()
    _typeset_all(qtbot, body)
    assert len(_objects(body)) == 2


def test_a_message_copy_is_the_source(qtbot):  # noqa: ANN001
    body = MessageBody(MarkdownRenderer(LIGHT))
    qtbot.addWidget(body)
    body.set_markdown("Only $x^2$.")
    body.selectAll()
    body.copy()
    assert QGuiApplication.clipboard().text() == "Only $x^2$."


def test_an_image_that_is_not_a_formula_is_still_never_drawn(qtbot):  # noqa: ANN001
    body = MessageBody(MarkdownRenderer(LIGHT))
    qtbot.addWidget(body)
    body.set_markdown("$x$")  # the formula handler is in place now
    cursor = QTextCursor(body.document())
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertHtml('<img src="/etc/hosts" width="50" height="50" />')
    fmt = QTextCursor(body.document())
    fmt.movePosition(QTextCursor.MoveOperation.End)
    image_format = fmt.charFormat()
    assert image_format.isImageFormat()
    size = body._formulas.intrinsicSize(body.document(), 0, image_format)  # type: ignore[union-attr]
    assert size.width() == 0 and size.height() == 0
    assert int(QTextFormat.ObjectTypes.ImageObject) > 0


def test_both_themes_draw_formulas_in_their_text_colour(qtbot):  # noqa: ANN001
    for theme, background in ((LIGHT, "#ffffff"), (DARK, "#1e1e1e")):
        body = MessageBody(MarkdownRenderer(theme))
        qtbot.addWidget(body)
        body.resize(300, 60)
        body.setStyleSheet(f"background: {background};")
        body.show()
        body.set_markdown("$$\n\\frac{1}{2}\n$$")
        _typeset_all(qtbot, body)
        qtbot.wait(20)
        image = body.grab().toImage()
        ink = [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())
               if image.pixelColor(x, y) != QColor(background)]
        assert ink, theme
        target = QColor(theme.text)
        closest = min(abs(c.lightnessF() - target.lightnessF()) for c in ink)
        assert closest < 0.15, theme


def test_the_typesetting_process_answers_and_survives_bad_input(qapp):  # noqa: ANN001
    from desktop_chat.ui.messages.math_process import SvgProcess

    process = SvgProcess()
    try:
        svg = process.svg("\\frac{a}{b}", True, 16, "#112233")
        assert svg is not None and svg.startswith("<svg") and "#112233" in svg
        assert process.svg("\\left( x", False, 16, "#000000") is None  # ziamath's error: no SVG
        formula = typeset(FormulaKey("x^2", False, 16, "#000000"), process)
        assert isinstance(formula, Formula) and formula.width > 5
    finally:
        process.close()
    # A closed process starts again on the next formula.
    try:
        assert process.svg("y", False, 16, "#000000") is not None
    finally:
        process.close()
