"""MessageView: rendering safety, streaming, actions, paging and scrolling (pytest-qt, offscreen)."""

from __future__ import annotations

import random
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QEvent, QLocale, QPoint, QPointF, Qt, QTime, QUrl
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QHelpEvent,
    QImage,
    QPalette,
    QTextDocument,
    QTextTable,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractButton, QApplication, QPlainTextEdit, QTextBrowser, QWidget

from desktop_chat.domain.messages import Message, MessageStatus
from desktop_chat.ui.messages.message_view import MessageView

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def msg(
    message_id: str,
    role: str = "assistant",
    text: str = "",
    status: MessageStatus = MessageStatus.COMPLETE,
    seq: int = 0,
    **fields,
) -> Message:
    return Message(
        id=message_id, conversation_id="c1", role=role, text=text, status=status, seq=seq, **fields
    )


@pytest.fixture
def opened() -> list[QUrl]:
    return []


@pytest.fixture
def view(qtbot, opened) -> MessageView:
    widget = MessageView(open_url=opened.append)
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def settle(qtbot, view: MessageView) -> None:
    qtbot.waitUntil(lambda: not view.has_pending_render(), timeout=30_000)


def long_page(prefix: str, count: int, first_seq: int = 0) -> list[Message]:
    return [
        msg(
            f"{prefix}{i}",
            role="user" if i % 2 == 0 else "assistant",
            text=f"{prefix} message {i}\n\n" + "Some line of text.\n\n" * 4,
            seq=first_seq + i,
        )
        for i in range(count)
    ]


# -- untrusted content -------------------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[tuple[int, list[str]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.hits  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_model_html_and_images_are_text_and_fetch_nothing(view, qtbot, loopback):
    port, hits = loopback
    base = f"http://127.0.0.1:{port}"
    model_text = (
        f'Look: <img src="{base}/raw-img"> and <script src="{base}/s.js">alert(1)</script>\n\n'
        f"![chart]({base}/md-img.png)\n\n"
        f'<link rel="stylesheet" href="{base}/css">\n\n'
        f"<style>@import url({base}/import.css);</style>\n\n"
        f'<iframe src="{base}/frame"></iframe>\n'
    )
    view.set_messages(
        [
            msg("u", role="user", text=f'<img src="{base}/user-img">', seq=0),
            msg("a", text=model_text, seq=1),
        ],
        has_older=False,
    )
    view.add_message(msg("s", status=MessageStatus.STREAMING, seq=2))
    for piece in model_text.split(" "):
        view.append_text("s", piece + " ")
    settle(qtbot, view)
    qtbot.wait(300)  # give any (wrong) fetch time to reach the server

    for message_id in ("a", "s"):
        text = view.message_widget(message_id).body.plain_text()
        assert f'<img src="{base}/raw-img">' in text
        assert f'<script src="{base}/s.js">alert(1)</script>' in text
        assert "[Image: chart]" in text
        assert f'<iframe src="{base}/frame"></iframe>' in text
    assert f'<img src="{base}/user-img">' in view.message_widget("u").body.plain_text()
    assert hits == []

    # The widget and its document refuse every resource outright.
    body = view.message_widget("a").body
    for url in (f"{base}/direct.png", "file:///etc/hostname", "data:image/png;base64,AAAA"):
        assert body.loadResource(int(QTextDocument.ResourceType.ImageResource), QUrl(url)) is None
        assert body.document().loadResource(int(QTextDocument.ResourceType.ImageResource), QUrl(url)) is None
    assert hits == []

    # The server does answer: nothing above reached it because nothing asked.
    urllib.request.urlopen(f"{base}/probe", timeout=5).read()
    assert hits == ["/probe"]


def test_document_loads_no_local_image_even_if_given_img_html(view, tmp_path, qtbot):
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    path = tmp_path / "secret.png"
    image.save(str(path))
    html = f'<img src="{QUrl.fromLocalFile(str(path)).toString()}">'
    plain = QTextDocument()
    plain.setHtml(html)
    plain.size()  # lay out: Qt loads images here
    url = QUrl.fromLocalFile(str(path))
    assert plain.resource(int(QTextDocument.ResourceType.ImageResource), url) is not None  # sanity

    view.set_messages([msg("a", text="x")], has_older=False)
    document = view.message_widget("a").body.document()
    document.setHtml(html)  # bypassing the renderer on purpose
    document.size()
    assert document.resource(int(QTextDocument.ResourceType.ImageResource), url) is None


def test_link_policy_opens_only_http_https_mailto(view, opened):
    assert view.handle_link(QUrl("https://example.com/a")) is True
    assert view.handle_link(QUrl("http://example.com")) is True
    assert view.handle_link(QUrl("mailto:a@example.com")) is True
    for bad in (
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "myapp://do-something",
        "ftp://example.com/x",
    ):
        assert view.handle_link(QUrl(bad)) is False
    assert [u.toString() for u in opened] == [
        "https://example.com/a",
        "http://example.com",
        "mailto:a@example.com",
    ]


def test_clicking_links_in_a_message_goes_through_the_policy(view, qtbot, opened):
    view.set_messages(
        [msg("a", text="[site](https://example.com/x) and [bad](javascript:alert(1))")],
        has_older=False,
    )
    body = view.message_widget("a").body
    assert body.openLinks() is False and body.openExternalLinks() is False
    body.anchorClicked.emit(QUrl("https://example.com/x"))
    body.anchorClicked.emit(QUrl("javascript:alert(1)"))
    body.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert [u.toString() for u in opened] == ["https://example.com/x"]
    # a real mouse click on the rendered link
    qtbot.waitUntil(lambda: body.height() > 10)
    cursor = body.document().find("site")
    rect = body.cursorRect(cursor)
    qtbot.mouseClick(body.viewport(), Qt.MouseButton.LeftButton, pos=rect.center() - QPoint(8, 0))
    qtbot.waitUntil(lambda: len(opened) == 2)
    assert opened[1].toString() == "https://example.com/x"
    assert "[bad](javascript:alert(1))" in body.plain_text()  # not a link: shown as written


# -- rendering -----------------------------------------------------------------------------------


def _tables(document: QTextDocument) -> list[QTextTable]:
    found = []
    stack = [document.rootFrame()]
    while stack:
        frame = stack.pop()
        if isinstance(frame, QTextTable):
            found.append(frame)
        stack.extend(frame.childFrames())
    return found


def test_markdown_features_render(view):
    text = (
        "# Heading\n\n- apple\n- pear\n\n| k | v |\n|---|---|\n| a | 1 |\n\n"
        "```python\nprint('hi')\n```\n\n> quoted\n"
    )
    view.set_messages([msg("a", text=text)], has_older=False)
    body = view.message_widget("a").body
    document = body.document()
    plain = body.plain_text()
    for piece in ("Heading", "apple", "pear", "print('hi')", "quoted", "Copy"):
        assert piece in plain
    assert document.begin().blockFormat().headingLevel() == 1
    html = document.toHtml()
    assert "font-weight" in html and "color:#" in html  # highlighted spans survived the import
    cells = {
        t.cellAt(r, c).firstCursorPosition().block().text()
        for t in _tables(document)
        for r in range(t.rows())
        for c in range(t.columns())
    }
    assert {"k", "v", "a", "1"} <= cells


def test_code_block_copy_link_copies_raw_code(view, qtbot):
    code = "def f(x):\n    return x < 2  # <tag> & stuff"
    view.set_messages([msg("a", text=f"Intro\n\n```python\n{code}\n```\n\n```\nsecond\n```\n")], has_older=False)
    body = view.message_widget("a").body
    links = body.copy_links()
    assert len(links) == 2
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("before")
    body.anchorClicked.emit(links[0])
    assert clipboard.text() == code
    body.anchorClicked.emit(links[1])
    assert clipboard.text() == "second"
    # a copy link the model wrote itself (it cannot know the nonce) does nothing
    clipboard.setText("before")
    body.anchorClicked.emit(QUrl("dc-copy:0000/0"))
    assert clipboard.text() == "before"


def test_code_copy_works_while_streaming(view, qtbot):
    view.add_message(msg("s", status=MessageStatus.STREAMING))
    view.append_text("s", "Intro\n\n```sh\nls -la\n```\n\nmore")
    settle(qtbot, view)
    body = view.message_widget("s").body
    links = body.copy_links()
    assert len(links) == 1
    body.anchorClicked.emit(links[0])
    assert QGuiApplication.clipboard().text() == "ls -la"


def test_copy_button_copies_message_text(view, qtbot):
    view.set_messages([msg("a", text="**raw** markdown")], has_older=False)
    widget = view.message_widget("a")
    qtbot.mouseClick(widget.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "**raw** markdown"


# -- streaming ---------------------------------------------------------------------------------


def test_appends_are_coalesced_into_few_renders(view, qtbot):
    view.add_message(msg("s", status=MessageStatus.STREAMING))
    settle(qtbot, view)
    body = view.message_widget("s").body
    frames_before, renders_before = view.render_count, body.render_count
    for i in range(1000):
        view.append_text("s", f"tok{i} ")
    assert view.render_count == frames_before  # nothing rendered inside append_text
    settle(qtbot, view)
    assert view.render_count - frames_before <= 2
    assert body.render_count - renders_before <= 2
    assert body.plain_text().rstrip().endswith("tok999")


def _mixed_markdown(size: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    i = 0
    while total < size:
        kind = i % 8
        i += 1
        if kind == 0:
            part = f"## Section {i}\n\nText with **bold**, *em*, `code` and a [link](https://example.com/{i}). "
            part += "Lorem ipsum dolor sit amet. " * rng.randint(3, 20) + "\n\n"
        elif kind == 1:
            part = "".join(f"- item {j} with *emphasis*\n" for j in range(rng.randint(2, 6))) + "\n"
        elif kind == 2:
            body = "".join(f"def f{j}(x):\n    return x * {j}  # <b>\n\n" for j in range(rng.randint(1, 5)))
            part = f"```python\n{body}```\n\n"
        elif kind == 3:
            rows = "".join(f"| {j} | {j * j} | cell {j} |\n" for j in range(rng.randint(1, 5)))
            part = "| n | square | note |\n|---|---:|---|\n" + rows + "\n"
        elif kind == 4:
            part = "> quoted line\n> 你好，世界，引用。\n\n"
        elif kind == 5:
            part = "1. first\n2. second\n\n   indented continuation\n\n3. third\n\n"
        elif kind == 6:
            part = "~~~\nplain fence\n\n~~~\n\n<div>raw html</div>\n\n"
        else:
            part = "中文段落：" + "你好，世界。" * rng.randint(2, 10) + "\n\n***\n\n"
        parts.append(part)
        total += len(part)
    return "".join(parts)


def _structure(document: QTextDocument) -> list[int]:
    levels = []
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel():
            levels.append(block.blockFormat().headingLevel())
        block = block.next()
    return levels


def test_incremental_render_equals_one_shot_render(view, qtbot):
    text = _mixed_markdown(200_000)
    view.add_message(msg("s", status=MessageStatus.STREAMING))
    body = view.message_widget("s").body
    reference = MessageView()
    qtbot.addWidget(reference)
    reference.set_messages([msg("r", text="")], has_older=False)
    one_shot = reference.message_widget("r").body.document()
    rng = random.Random(11)
    position = 0
    calls = 0
    while position < len(text):
        step = rng.randint(1, 16)
        view.append_text("s", text[position : position + step])
        position += step
        calls += 1
        if calls % 1500 == 0:
            qtbot.wait(20)  # let frames run mid-stream, as the event loop would
        if calls % 7000 == 0:  # mid-stream, with an unfinished tail, the text is right too
            settle(qtbot, view)
            reference.update_message(msg("r", text=text[:position]))
            assert body.plain_text() == one_shot.toPlainText()
    settle(qtbot, view)
    assert calls > 10_000 and body.render_count > 5  # it really went the incremental way
    assert body.streaming

    reference.update_message(msg("r", text=text))
    assert body.plain_text() == one_shot.toPlainText()
    assert _structure(body.document()) == _structure(one_shot)
    assert len(_tables(body.document())) == len(_tables(one_shot))

    # finalising with the text that streamed keeps the rendered document (no second full render,
    # which froze the window for ≈ 0.6 s on this 200 KB answer) and it is still the same document
    renders_before = body.render_count
    view.update_message(msg("s", text=text, status=MessageStatus.COMPLETE, output_tokens=5))
    assert not body.streaming
    assert body.render_count <= renders_before + 1
    assert body.plain_text() == one_shot.toPlainText()
    assert _structure(body.document()) == _structure(one_shot)

    # a final text that differs from the stream is rendered in full
    view.update_message(msg("s", text="# Replaced", status=MessageStatus.COMPLETE))
    assert body.plain_text() == "Replaced"


def test_live_answer_passed_to_set_messages_keeps_streaming(view, qtbot):
    view.set_messages([msg("s", text="Part one.\n\nPart", status=MessageStatus.STREAMING)], has_older=False)
    view.append_text("s", " two.")
    settle(qtbot, view)
    assert view.message_widget("s").body.plain_text() == "Part one.\nPart two."
    # an update carrying the store's (older, shorter) text does not drop what streamed since
    view.update_message(msg("s", text="Part one.", status=MessageStatus.STREAMING))
    settle(qtbot, view)
    assert view.message_widget("s").current_text() == "Part one.\n\nPart two."


# -- messages in and out ---------------------------------------------------------------------------


def test_set_prepend_add_update_remove(view, qtbot):
    view.set_messages([msg("u1", "user", "hi", seq=10), msg("a1", text="hello", seq=11)], has_older=True)
    assert view.message_ids() == ["u1", "a1"]
    assert view.findChild(type(view.message_widget("u1")), "message-u1") is view.message_widget("u1")

    view.prepend_messages([msg("u0", "user", "old", seq=8), msg("a0", text="older answer", seq=9)], has_older=False)
    assert view.message_ids() == ["u0", "a0", "u1", "a1"]

    view.add_message(msg("u2", "user", "again", seq=12))
    view.add_message(msg("a2", status=MessageStatus.STREAMING, seq=13))
    assert view.message_ids()[-2:] == ["u2", "a2"]
    view.append_text("a2", "partial")
    settle(qtbot, view)
    widget = view.message_widget("a2")
    assert widget.status_badge.isVisible()

    view.update_message(msg("a2", text="final **answer**", seq=13, model="m1", output_tokens=3))
    assert widget.body.plain_text() == "final answer"
    assert widget.status_badge.isHidden()
    assert "m1" in widget.footer_label.text()

    view.add_message(msg("a2", text="same id again", seq=13))  # an existing id updates in place
    assert view.message_ids().count("a2") == 1
    assert widget.body.plain_text() == "same id again"

    view.remove_messages_from(11)
    assert view.message_ids() == ["u0", "a0", "u1"]
    view.remove_message("a0")
    assert view.message_ids() == ["u0", "u1"]
    view.append_text("a2", "late delta for a removed message")  # ignored, no error
    view.update_message(msg("gone", text="x"))  # ignored, no error
    view.clear()
    assert view.message_ids() == []
    settle(qtbot, view)


def test_user_messages_show_their_text_verbatim(view):
    view.set_messages([msg("u", "user", "# not a heading\n<b>x</b>")], has_older=False)
    assert view.message_widget("u").body.plain_text() == "# not a heading\n<b>x</b>"


def test_footer_metrics(view):
    answer = msg(
        "a", text="ok", model="claude-x", ttft_ms=420.0, duration_ms=2420.0, input_tokens=1234, output_tokens=100
    )
    view.set_messages([answer], has_older=False)
    footer = view.message_widget("a").footer_label
    locale = QLocale()
    assert footer.isVisible()
    text = footer.text()
    assert "claude-x" in text
    assert locale.toString(0.42, "f", 2) in text
    assert f"{locale.toString(50.0, 'f', 1)} tok/s" in text  # 100 tokens / (2.42 s - 0.42 s)
    assert f"{locale.toString(1234)} in" in text and "100 out" in text


def test_time_shows_short_and_its_tooltip_the_long_form(view):
    written = QDateTime(QDate(2024, 3, 9), QTime(14, 5))
    view.set_messages([msg("a", text="ok", created_at=written.toMSecsSinceEpoch() / 1000)], has_older=False)
    label = view.message_widget("a").time_label
    assert label.isVisible() and label.text()
    assert label.toolTip() == ""  # made when wanted (QLocale's long form is slow)
    QApplication.sendEvent(label, QHelpEvent(QEvent.Type.ToolTip, QPoint(1, 1), label.mapToGlobal(QPoint(1, 1))))
    assert label.toolTip() == QLocale().toString(written, QLocale.FormatType.LongFormat)
    assert "2024" in label.toolTip()


def test_notice_line(view):
    view.set_messages([msg("a", text="x")], has_older=False)
    label = view.message_widget("a").notice_label
    assert label.isHidden()
    view.set_notice("a", "Rate limited by Anthropic (429). Retrying in 4 s (attempt 2 of 4).")
    assert label.isVisible() and "Retrying in 4 s" in label.text()
    view.set_notice("a", None)
    assert label.isHidden()
    view.set_notice("unknown", "ignored")


# -- actions -----------------------------------------------------------------------------------------


def test_regenerate_and_delete_signals(view, qtbot):
    view.set_messages([msg("u", "user", "q"), msg("a", text="answer")], has_older=False)
    answer = view.message_widget("a")
    assert view.message_widget("u").regenerate_button.isHidden()
    with qtbot.waitSignal(view.regenerateRequested) as blocker:
        qtbot.mouseClick(answer.regenerate_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["a"]
    with qtbot.waitSignal(view.deleteRequested) as blocker:
        qtbot.mouseClick(view.message_widget("u").delete_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["u"]


def test_streaming_answer_cannot_be_regenerated_or_deleted(view):
    view.set_messages([msg("s", status=MessageStatus.STREAMING)], has_older=False)
    widget = view.message_widget("s")
    assert not widget.regenerate_button.isEnabled()
    assert not widget.delete_button.isEnabled()


def test_edit_resend_and_cancel(view, qtbot):
    view.set_messages([msg("u", "user", "first version"), msg("a", text="answer")], has_older=False)
    widget = view.message_widget("u")
    assert view.message_widget("a").edit_button.isHidden()
    qtbot.mouseClick(widget.edit_button, Qt.MouseButton.LeftButton)
    assert widget.editor_box.isVisible() and widget.body.isHidden()
    assert widget.editor.toPlainText() == "first version"
    with qtbot.assertNotEmitted(view.editResendRequested):
        qtbot.mouseClick(widget.cancel_edit_button, Qt.MouseButton.LeftButton)
    assert widget.editor_box.isHidden() and widget.body.isVisible()

    qtbot.mouseClick(widget.edit_button, Qt.MouseButton.LeftButton)
    widget.editor.setPlainText("")
    assert not widget.resend_button.isEnabled()
    widget.editor.setPlainText("second version")
    with qtbot.waitSignal(view.editResendRequested) as blocker:
        qtbot.mouseClick(widget.resend_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["u", "second version"]
    assert widget.editor_box.isHidden()


def test_error_card_with_retry_and_continue(view, qtbot):
    view.set_messages(
        [
            msg("e1", text="", status=MessageStatus.ERROR, error="No API key for Anthropic: add one in Settings."),
            msg("e2", text="Half an answer", status=MessageStatus.ERROR, error="Connection lost."),
        ],
        has_older=False,
    )
    first, second = view.message_widget("e1"), view.message_widget("e2")
    assert first.error_card.isVisible()
    assert first.error_label.text() == "No API key for Anthropic: add one in Settings."
    assert first.retry_button.isVisible()
    assert first.continue_button.isHidden()  # nothing to continue from
    assert first.status_badge.text() == "Error"
    with qtbot.waitSignal(view.retryRequested) as blocker:
        qtbot.mouseClick(first.retry_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["e1"]

    assert second.continue_button.isVisible()
    assert second.error_card.isAncestorOf(second.continue_button)
    with qtbot.waitSignal(view.continueRequested) as blocker:
        qtbot.mouseClick(second.continue_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["e2"]

    view.update_message(msg("e2", text="Half an answer, then whole", status=MessageStatus.COMPLETE))
    assert second.error_card.isHidden() and second.continue_button.isHidden()


@pytest.mark.parametrize("status", [MessageStatus.STOPPED, MessageStatus.INTERRUPTED])
def test_stopped_and_interrupted_answers_offer_continue(view, qtbot, status):
    view.set_messages([msg("a", text="Partial text", status=status), msg("b", text="", status=status)], has_older=False)
    widget = view.message_widget("a")
    assert widget.status_badge.isVisible()
    assert widget.continue_button.isVisible() and not widget.error_card.isAncestorOf(widget.continue_button)
    assert view.message_widget("b").continue_button.isHidden()
    with qtbot.waitSignal(view.continueRequested) as blocker:
        qtbot.mouseClick(widget.continue_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["a"]


def test_interactive_widgets_have_names(view):
    view.set_messages(
        [
            msg("u", "user", "q"),
            msg("a", text="x", status=MessageStatus.ERROR, error="boom"),
            msg("b", text="y", status=MessageStatus.STOPPED),
        ],
        has_older=False,
    )
    assert view.objectName() == "messageView" and view.accessibleName()
    view.message_widget("u").start_edit()  # the inline editor is built when first used
    widgets = view.findChildren(QAbstractButton) + view.findChildren(QTextBrowser)
    widgets += view.findChildren(QPlainTextEdit)
    assert len(widgets) > 10
    for widget in widgets:
        assert widget.objectName(), widget
        assert widget.accessibleName(), widget.objectName()
    names = {w.objectName() for w in widgets}
    assert {
        "copyButton", "regenerateButton", "editButton", "deleteButton", "retryButton",
        "continueButton", "resendButton", "cancelEditButton", "messageBody", "messageEditor",
    } <= names
    for message_id in ("u", "a", "b"):
        widget = view.message_widget(message_id)
        assert widget.objectName() == f"message-{message_id}" and widget.accessibleName()


# -- scrolling and paging ----------------------------------------------------------------------------


def test_scrolled_to_bottom_after_set_messages(view, qtbot):
    view.set_messages(long_page("m", 30), has_older=False)
    bar = view.scroll_bar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    assert view.following


def test_older_messages_wanted_once_at_the_top(view, qtbot):
    wanted: list[int] = []
    view.olderMessagesWanted.connect(lambda: wanted.append(1))
    view.set_messages(long_page("m", 30, first_seq=100), has_older=True)
    bar = view.scroll_bar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    assert wanted == []
    while view.held_ids():  # the page's own older messages come first, without asking
        bar.setValue(0)
        qtbot.wait(1)
    assert wanted == [] and len(view.message_ids()) == 30
    with qtbot.waitSignal(view.olderMessagesWanted):
        bar.setValue(0)
    bar.setValue(40)
    bar.setValue(0)
    assert wanted == [1]  # once, until the next prepend

    view.prepend_messages(long_page("o", 10, first_seq=90), has_older=False)
    qtbot.waitUntil(lambda: bar.value() > 0)
    bar.setValue(0)
    assert wanted == [1]  # nothing older left


def test_prepend_keeps_the_viewport_anchored(view, qtbot):
    view.set_messages(long_page("m", 30, first_seq=100), has_older=True)
    bar = view.scroll_bar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    bar.setValue(bar.maximum() // 2)  # the user reads somewhere in the middle
    anchor = next(
        view.message_widget(i) for i in view.message_ids()
        if view.message_widget(i).y() + view.message_widget(i).height() > bar.value()
    )
    offset = anchor.y() - bar.value()
    old_maximum = bar.maximum()

    view.prepend_messages(long_page("o", 20, first_seq=80), has_older=True)
    assert view.message_ids()[:2] == ["o0", "o1"]
    qtbot.waitUntil(lambda: bar.maximum() > old_maximum)
    qtbot.waitUntil(lambda: anchor.y() - bar.value() == offset)
    qtbot.wait(50)
    assert anchor.y() - bar.value() == offset
    assert not view.following


def test_auto_scroll_follows_until_the_user_scrolls_up(view, qtbot):
    view.set_messages(long_page("m", 20), has_older=False)
    bar = view.scroll_bar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    view.add_message(msg("s", status=MessageStatus.STREAMING, seq=100))

    def stream(lines: int) -> None:
        for i in range(lines):
            view.append_text("s", f"Streaming paragraph {i}.\n\n")

    maximum = bar.maximum()
    stream(20)
    qtbot.waitUntil(lambda: bar.maximum() > maximum and bar.value() == bar.maximum())
    assert view.following

    bar.setValue(bar.maximum() - 300)  # the user scrolls up
    assert not view.following
    held, maximum = bar.value(), bar.maximum()
    stream(20)
    qtbot.waitUntil(lambda: bar.maximum() > maximum)
    qtbot.wait(50)
    assert bar.value() == held

    bar.setValue(bar.maximum())  # back at the bottom: follow again
    assert view.following
    maximum = bar.maximum()
    stream(20)
    qtbot.waitUntil(lambda: bar.maximum() > maximum and bar.value() == bar.maximum())


def test_sending_a_message_scrolls_back_to_the_bottom(view, qtbot):
    view.set_messages(long_page("m", 20), has_older=False)
    bar = view.scroll_bar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    bar.setValue(0)
    view.add_message(msg("u", "user", "new question", seq=50))
    qtbot.waitUntil(lambda: bar.value() == bar.maximum() and bar.value() > 0)
    assert view.following


# -- theme and screenshots ---------------------------------------------------------------------------


def _palettes() -> dict[str, QPalette]:
    try:
        from desktop_chat.ui.common import theme

        return {"light": theme.light_palette(), "dark": theme.dark_palette()}
    except (ImportError, AttributeError):  # the theme module is someone else's: do without
        dark = QPalette()
        for role, colour in (
            (QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
            (QPalette.ColorRole.Base, "#1f1f1f"), (QPalette.ColorRole.AlternateBase, "#2a2a2a"),
            (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.Button, "#353535"),
            (QPalette.ColorRole.ButtonText, "#e6e6e6"), (QPalette.ColorRole.Highlight, "#3d6fd8"),
            (QPalette.ColorRole.Link, "#6ea8fe"),
        ):
            dark.setColor(role, QColor(colour))
        return {"light": QApplication.style().standardPalette(), "dark": dark}


def test_palette_change_rerenders_with_matching_colours(view, qtbot):
    view.set_messages([msg("a", text="```python\nx = 1\n```\n")], has_older=False)
    body = view.message_widget("a").body
    light_html = body.document().toHtml()
    view.setPalette(_palettes()["dark"])
    qtbot.waitUntil(lambda: body.document().toHtml() != light_html)
    assert "#282c34" in body.document().toHtml().lower()  # the dark code style's background


SCREENSHOT_CONVERSATION = [
    msg("u1", "user", "Compare Python and Go for a small CLI tool, with an example.", seq=1,
        created_at=1_760_000_000.0),
    msg(
        "a1",
        text=(
            "# Python vs Go for a CLI\n\nBoth work well. The short version:\n\n"
            "| Aspect | Python | Go |\n|---|---|---|\n| Start-up | ~50 ms | ~5 ms |\n"
            "| Distribution | needs an interpreter | one static binary |\n| Typing | optional | static |\n\n"
            "## A Python example\n\n```python\nimport argparse\n\n\ndef main() -> None:\n"
            "    parser = argparse.ArgumentParser(description=\"Greet someone\")\n"
            "    parser.add_argument(\"name\")\n    args = parser.parse_args()\n"
            "    print(f\"Hello, {args.name}!\")  # a friendly greeting\n\n\n"
            "if __name__ == \"__main__\":\n    main()\n```\n\n"
            "> Pick the language your team already knows: that matters more than start-up time.\n\n"
            "### 中文\n\n你好，世界！这是一个中文段落，用来检查中文字体与换行是否正常显示。\n\n"
            "See the [argparse docs](https://docs.python.org/3/library/argparse.html) and use `--help`."
        ),
        seq=2,
        model="claude-sonnet-4-5",
        ttft_ms=412.0,
        duration_ms=6412.0,
        input_tokens=1830,
        output_tokens=312,
        created_at=1_760_000_010.0,
    ),
    msg("u2", "user", "Now show the Go version.", seq=3, created_at=1_760_000_100.0),
    msg(
        "a2",
        text="",
        status=MessageStatus.ERROR,
        error="Rate limited by Anthropic (429): too many requests. Wait a minute, or add credit to your account.",
        seq=4,
        model="claude-sonnet-4-5",
        created_at=1_760_000_101.0,
    ),
    msg(
        "a3",
        text="Here is the Go version:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n    fmt.Println(\"Hello\")",
        status=MessageStatus.STOPPED,
        seq=5,
        model="gpt-4o",
        ttft_ms=380.0,
        duration_ms=1380.0,
        output_tokens=40,
        created_at=1_760_000_160.0,
    ),
]


@pytest.mark.parametrize("name", ["light", "dark"])
def test_screenshot(qtbot, name):
    ARTIFACTS.mkdir(exist_ok=True)
    view = MessageView()
    qtbot.addWidget(view)
    view.setPalette(_palettes()[name])
    view.resize(900, 700)
    view.set_messages(SCREENSHOT_CONVERSATION, has_older=False)
    view.set_notice("a2", "Retrying in 4 s (attempt 2 of 4).")
    view.show()
    qtbot.waitExposed(view)
    content = view.findChild(QWidget, "messageContainer")
    qtbot.waitUntil(lambda: content.sizeHint().height() > 700)
    view.resize(900, content.sizeHint().height() + 8)  # tall enough to show every message
    qtbot.wait(100)
    image = view.grab()
    assert not image.isNull()
    assert image.save(str(ARTIFACTS / f"message_view_{name}.png"))


def test_wheel_over_a_message_scrolls_the_conversation(view, qtbot):
    view.set_messages(long_page("m", 20), has_older=False)
    bar = view.scroll_bar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    body = view.message_widget("m19").body
    start = body.mapTo(view, QPoint(0, 0)).y()  # where the message shows (the bar's value moves when
    position = QPointF(body.viewport().rect().center())  # held messages are built above it)
    event = QWheelEvent(
        position, QPointF(body.viewport().mapToGlobal(position.toPoint())), QPoint(0, 120), QPoint(0, 120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )
    QApplication.sendEvent(body.viewport(), event)
    qtbot.waitUntil(lambda: body.mapTo(view, QPoint(0, 0)).y() > start)  # the conversation moved down
    assert not view.following


def test_language_change_retranslates(view, qtbot):
    view.set_messages([msg("a", text="```\ncode\n```\n")], has_older=False)
    widget = view.message_widget("a")
    renders = widget.body.render_count
    QApplication.sendEvent(view, QEvent(QEvent.Type.LanguageChange))
    QApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))
    assert widget.body.render_count > renders  # code blocks' "Copy" links are rendered HTML
    assert widget.copy_button.text() == "Copy"


# -- held messages: a long page is built from the newest end ---------------------------------------


def test_opening_builds_the_newest_messages_and_holds_the_rest(view, qtbot):
    page = long_page("m", 30, first_seq=1)
    view.set_messages(page, has_older=False)
    qtbot.wait(20)
    built, held = view.message_ids(), view.held_ids()
    assert built == [m.id for m in page[-len(built):]]  # the newest, in order
    assert held == [m.id for m in page[:len(held)]]  # the older ones, in order
    assert len(built) < 30 and len(built) + len(held) == 30
    assert view.scroll_bar().maximum() > 0  # a screen's worth or more: there is something to scroll


def test_short_messages_are_built_until_the_view_can_scroll(view, qtbot):
    view.resize(800, 1600)  # taller than eight one-word messages
    qtbot.wait(10)
    page = [msg(f"s{i}", role="user" if i % 2 == 0 else "assistant", text="ok", seq=i) for i in range(60)]
    view.set_messages(page, has_older=False)
    bar = view.scroll_bar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    assert len(view.message_ids()) > 8
    assert view.message_ids()[-1] == "s59"


def test_scrolling_up_builds_held_messages_and_keeps_the_reading_position(view, qtbot):
    view.set_messages(long_page("m", 30, first_seq=1), has_older=False)
    bar = view.scroll_bar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    held_before = len(view.held_ids())
    top = view.message_widget(view.message_ids()[0])
    on_screen = top.y()  # where it shows once scrolled to the top (below the view's margin)
    bar.setValue(bar.minimum())  # the user scrolls to the top of what is built
    assert len(view.held_ids()) < held_before  # more were built above
    qtbot.waitUntil(lambda: top.y() - bar.value() == on_screen)  # and it stays where the user sees it
    assert view.message_ids()[0] != top.message_id


def test_a_held_message_is_built_when_asked_for_and_updated_while_held(view, qtbot):
    page = long_page("m", 30, first_seq=1)
    view.set_messages(page, has_older=False)
    assert "m3" in view.held_ids()
    view.update_message(msg("m5", role="assistant", text="edited while held", seq=6))
    widget = view.message_widget("m5")  # builds m5 and everything newer than it
    assert widget is not None and "edited while held" in widget.body.plain_text()
    assert view.message_ids()[0] == "m5" and "m4" in view.held_ids()


def test_removing_and_clearing_include_held_messages(view, qtbot):
    view.set_messages(long_page("m", 30, first_seq=1), has_older=False)
    view.remove_message("m2")
    assert "m2" not in view.held_ids()
    view.remove_messages_from(4)  # seq 4 onwards: m3… (seq = index + 1)
    assert view.held_ids() == ["m0", "m1"] and view.message_ids() == []
    view.clear()
    assert view.held_ids() == [] and view.message_ids() == []


def test_the_first_text_of_an_answer_shows_at_once_and_later_text_at_the_next_frame(view, qtbot):
    view.add_message(msg("a", text="", status=MessageStatus.STREAMING, seq=1))
    view.append_text("a", "Hello")
    body = view.message_widget("a").body
    assert body.plain_text() == "Hello"  # rendered (and painted) without waiting for a frame
    view.append_text("a", " world")
    assert body.plain_text() == "Hello"  # later text is coalesced into the next frame
    qtbot.waitUntil(lambda: body.plain_text() == "Hello world")
