"""Code colours never freeze the window: a lexer not built yet means plain code first, colours after.

Each test uses a language no other test renders, so that its pygments lexer is not built yet
in this process (the lexers are process-wide).
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextDocument

from desktop_chat.domain.messages import Message, MessageStatus
from desktop_chat.ui.messages import markdown_render
from desktop_chat.ui.messages.markdown_render import MarkdownRenderer, code_languages, lexer_ready, lexers
from desktop_chat.ui.messages.message_view import MessageView


def _forget(language: str) -> None:
    """Make `language` look never built (the lexer class keeps its compiled tables; no matter)."""
    markdown_render._built.pop(language, None)
    lexers._asked.discard(language)


def _colours(document: QTextDocument) -> set[str]:
    found = set()
    block = document.begin()
    while block.isValid():
        for piece in block:
            found.add(piece.fragment().charFormat().foreground().color().name())
        block = block.next()
    return found


@pytest.fixture
def view(qtbot) -> MessageView:
    widget = MessageView()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def answer(text: str, status: MessageStatus = MessageStatus.COMPLETE) -> Message:
    return Message(id="a", conversation_id="c1", role="assistant", text=text, status=status, seq=1)


def test_code_languages_are_read_from_fences():
    text = "x\n\n```Python\na\n```\n\n- ~~~ rust\n  b\n  ~~~\n\n> ```js\n> c\n> ```\n\n```\nplain\n```\n"
    assert code_languages(text) == {"python", "rust", "js"}
    assert code_languages("no code here") == set()


def test_render_leaves_a_cold_language_plain_and_says_so(qapp, qtbot):
    _forget("ocaml")
    renderer = MarkdownRenderer()
    cold: set[str] = set()
    with qtbot.waitSignal(lexers.ready, timeout=10_000, check_params_cb=lambda language: language == "ocaml"):
        html = renderer.render("```ocaml\nlet x = 1\n```\n", cold=cold)
        assert cold == {"ocaml"}
        assert "let x = 1</pre>" in html  # the same box, uncoloured
    assert lexer_ready("ocaml")
    assert "let x = 1</pre>" not in renderer.render("```ocaml\nlet x = 1\n```\n", cold=set())


def test_a_shown_answer_gets_its_colours_once_the_lexer_is_built(view, qtbot):
    _forget("haskell")
    view.set_messages([answer("Here:\n\n```haskell\nmain = putStrLn \"hi\"\n```\n")], has_older=False)
    body = view.message_widget("a").body
    plain = _colours(body.document())
    rendered = body.render_count
    qtbot.waitUntil(lambda: body.render_count > rendered, timeout=10_000)
    assert len(_colours(body.document())) > len(plain)
    assert 'main = putStrLn "hi"' in body.plain_text()


def test_a_streamed_block_waits_in_the_tail_for_its_lexer_and_is_rendered_once_coloured(view, qtbot):
    _forget("erlang")
    view.add_message(answer("", MessageStatus.STREAMING))
    code = "```erlang\n-module(hi).\nhello() -> ok.\n```\n\nAfter the code.\n\nMore text "
    view.append_text("a", code)
    widget = view.message_widget("a")
    qtbot.waitUntil(lambda: lexer_ready("erlang"), timeout=10_000)
    qtbot.waitUntil(lambda: len(_colours(widget.body.document())) > 3, timeout=10_000)
    view.append_text("a", "and the end.")
    final = code + "and the end."
    view.update_message(answer(final))
    assert widget.body.plain_text().count("-module(hi).") == 1
    assert "After the code." in widget.body.plain_text() and widget.body.plain_text().endswith("and the end.")
    assert len(_colours(widget.body.document())) > 3


def test_finishing_a_stream_never_leaves_code_uncoloured(view, qtbot):
    _forget("fortran")
    view.add_message(answer("", MessageStatus.STREAMING))
    text = "```fortran\nprogram hi\nend program hi\n```\n\nDone."
    view.append_text("a", text)
    view.update_message(answer(text))  # ends before any frame: the lexer is built there and then
    body = view.message_widget("a").body
    assert not body.streaming
    assert len(_colours(body.document())) > 3
