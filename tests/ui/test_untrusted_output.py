"""Model output is untrusted: through the real window, a hostile answer loads nothing, runs nothing,
opens nothing on its own, and changes nothing outside its own message; huge or strange answers
render without hanging.

The hostile answer's images and pages point at the loopback fake that serves it, so "no request"
is counted where it would land; its local files are a FIFO (named pipe) whose writer only wakes up
if somebody opens the path for reading, which catches a read by Qt's C++ as well as by Python.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from pathlib import Path

import anthropic  # noqa: F401 - imported up front: the first import (≈ 0.7 s) is not what is measured
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QTextDocument
from PySide6.QtWidgets import QApplication

from desktop_chat.domain.messages import MessageStatus
from desktop_chat.ui.messages import message_view
from desktop_chat.ui.messages.markdown_render import is_openable_link
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure, view_text
from tests.ui.test_fault_matrix import _frozen_heap  # noqa: F401 - see there
from tests.ui.test_fault_matrix import ARTIFACTS, Ticker, last_answer, settled

COPY_SCHEME = "dc-copy"  # message_body's own "Copy" links for code blocks


class Tripwire:
    """A FIFO at `path`: `opened` is set if anything opens it for reading (then it gets a PNG)."""

    def __init__(self, path: Path, payload: bytes) -> None:
        os.mkfifo(path)
        self.path = path
        self.payload = payload
        self.opened = threading.Event()
        self._released = False
        self._thread = threading.Thread(target=self._wait, daemon=True, name="tripwire")
        self._thread.start()

    def _wait(self) -> None:
        with open(self.path, "wb") as pipe:  # blocks until a reader opens the FIFO
            if not self._released:
                self.opened.set()
                pipe.write(self.payload)

    def release(self) -> None:
        """Wake the waiting writer (with a reader of our own) and let it end."""
        self._released = True
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            self._thread.join(5)
        finally:
            os.close(fd)


def png_bytes() -> bytes:
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(0xFF0000)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def hostile_answer(base: str, secret: Path) -> str:
    file_url = QUrl.fromLocalFile(str(secret)).toString()
    data_png = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    https_base = base.replace("http://", "https://")
    return "\n".join([
        "# Totally normal answer",
        "",
        f"![remote]({base}/md-image.png) ![remote https]({https_base}/md-image-https.png) "
        f"![local]({file_url}) ![inline data]({data_png}) ![reference][pic]",
        "",
        f'<img src="{base}/img-tag.png"> <img src="{file_url}"> <img src="{data_png}">',
        "",
        f'<script>document.title = "pwned"; fetch("{base}/script");</script>',
        "",
        f'<iframe src="{base}/iframe"></iframe> <object data="{base}/object"></object>',
        "",
        "<style>* { color: red; background: red; font-size: 80px; } body { display: none }</style>",
        f'<link rel="stylesheet" href="{base}/style.css"> <svg onload="alert(1)"></svg>',
        "",
        f"[js link](javascript:alert(1)) [file link]({file_url}) "
        "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
        '<a href="javascript:alert(2)">raw js anchor</a> <javascript:alert(3)> '
        f"[VBScript](vbscript:msgbox) [ok link]({base}/clicked) <{base}/autolink>",
        "",
        "```html",
        f'<img src="{base}/in-code.png"><script>alert(4)</script>',
        "```",
        "",
        f"[pic]: {base}/reference.png",
        "",
    ])


def anchors(document: QTextDocument) -> list[str]:
    found = []
    block = document.begin()
    while block.isValid():
        for fragment in block:
            fmt = fragment.fragment().charFormat()
            if fmt.isAnchor():
                found.append(fmt.anchorHref())
        block = block.next()
    return found


def image_fragments(document: QTextDocument) -> int:
    count = 0
    block = document.begin()
    while block.isValid():
        for fragment in block:
            if fragment.fragment().charFormat().isImageFormat():
                count += 1
        block = block.next()
    return count


def ask(qtbot, window, text: str) -> None:  # noqa: ANN001
    window.composer.setFocus()
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)


def link_point(body, text: str):  # noqa: ANN001, ANN201
    cursor = body.document().find(text)
    assert not cursor.isNull(), text
    cursor.setPosition(cursor.selectionStart() + 1)
    return body.cursorRect(cursor).center()


def test_a_hostile_answer_loads_nothing_runs_nothing_and_stays_inside_its_message(windows, qtbot, fakes,
                                                                                  monkeypatch, tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("the local-file tripwire needs a FIFO (POSIX)")
    opened: list[QUrl] = []
    monkeypatch.setattr(message_view.QDesktopServices, "openUrl", lambda url: opened.append(QUrl(url)) or True)
    tripwire = Tripwire(tmp_path / "secret.png", png_bytes())
    try:
        fake = fakes("anthropic", Scenario(chunks=["A plain, **friendly** first answer."]))
        window = windows.new(configure("anthropic", fake))
        ask(qtbot, window, "first question")
        qtbot.waitUntil(lambda: settled(window, MessageStatus.COMPLETE), timeout=10_000)
        first = last_answer(window)
        first_body = window.view.message_widget(first.id).body
        before = (window.windowTitle(), window.styleSheet(), QApplication.instance().styleSheet(),
                  first_body.toHtml(), window.palette().color(window.backgroundRole()).name(),
                  QGuiApplication.clipboard().text())

        hostile = hostile_answer(fake.base_url, tripwire.path)
        fake.default = Scenario(chunks=[hostile[i:i + 97] for i in range(0, len(hostile), 97)])
        with Ticker() as ticker:
            ask(qtbot, window, "second question")
            qtbot.waitUntil(lambda: settled(window, MessageStatus.COMPLETE) and last_answer(window).id != first.id,
                            timeout=10_000)
            qtbot.waitUntil(lambda: not window.view.has_pending_render())
        answer = last_answer(window)
        assert answer.text == hostile  # stored exactly as it came
        body = window.view.message_widget(answer.id).body
        window.view.message_widget(answer.id).grab()  # lay out and paint it: where images would be fetched
        cid = window.current_conversation_id
        window.new_conversation()
        window.open_conversation(cid)  # rendered again in full, from the store
        body = window.view.message_widget(answer.id).body
        window.grab()
        QApplication.sendPostedEvents()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        window.view.message_widget(answer.id).grab().save(str(ARTIFACTS / "untrusted-output.png"))

        # -- no request, no local file ------------------------------------------------------------------
        assert [(r.method, r.path) for r in fake.requests] == [("POST", "/v1/messages")] * 2
        assert not tripwire.opened.is_set(), "a local file named by the answer was opened"
        document = body.document()
        assert image_fragments(document) == 0
        file_url = QUrl.fromLocalFile(str(tripwire.path))
        for url in (file_url, QUrl(f"{fake.base_url}/img-tag.png"), QUrl(f"{fake.base_url}/md-image.png")):
            assert document.loadResource(int(QTextDocument.ResourceType.ImageResource), url) is None
            assert body.loadResource(int(QTextDocument.ResourceType.ImageResource), url) is None
            resource = document.resource(int(QTextDocument.ResourceType.ImageResource), url)
            assert resource is None or not resource
        assert not tripwire.opened.is_set()

        # -- raw HTML is text; only http(s)/mailto (and our own copy links) are links ------------------
        shown = body.toPlainText()
        for literal in ("<script>document.title", "<iframe src=", "<style>* { color: red", "<img src=",
                        "javascript:alert(1)", '<a href="javascript:alert(2)">', "<svg onload="):
            assert literal in shown, literal
        hrefs = anchors(document)
        assert hrefs, "the answer's ordinary links are links"
        assert all(is_openable_link(h) or h.startswith(COPY_SCHEME + ":") for h in hrefs), hrefs
        assert f"{fake.base_url}/clicked" in hrefs and f"{fake.base_url}/autolink" in hrefs

        # -- nothing outside the message changed ---------------------------------------------------------
        first_body = window.view.message_widget(first.id).body
        assert (window.windowTitle(), window.styleSheet(), QApplication.instance().styleSheet(),
                first_body.toHtml(), window.palette().color(window.backgroundRole()).name(),
                QGuiApplication.clipboard().text()) == before
        assert "pwned" not in window.windowTitle()
        assert view_text(window.view, first.id) == first.text
        assert [m.text for m in window.store.list_messages(cid)] == [
            "first question", first.text, "second question", hostile]
        assert ticker.worst < 0.5, f"the event loop stalled for {ticker.worst:.3f} s"

        # -- clicking: a dangerous link does nothing; an ordinary one goes to the system browser --------
        qtbot.mouseClick(body.viewport(), Qt.MouseButton.LeftButton, pos=link_point(body, "javascript:alert(1)"))
        qtbot.mouseClick(body.viewport(), Qt.MouseButton.LeftButton, pos=link_point(body, "raw js anchor"))
        for url in ("javascript:alert(1)", file_url.toString(), "data:text/html,<script>alert(1)</script>",
                    "vbscript:msgbox", f"{COPY_SCHEME}:forged/0", "ftp://127.0.0.1/x"):
            body.anchorClicked.emit(QUrl(url))  # as if such an anchor had slipped into the document
        assert opened == []
        assert not tripwire.opened.is_set()
        qtbot.mouseClick(body.viewport(), Qt.MouseButton.LeftButton, pos=link_point(body, "ok link"))
        assert [u.toString() for u in opened] == [f"{fake.base_url}/clicked"]  # clicked: opened, not fetched
        assert [(r.method, r.path) for r in fake.requests] == [("POST", "/v1/messages")] * 2
        assert QGuiApplication.clipboard().text() == before[-1]
    finally:
        tripwire.release()


# -- huge and strange answers -------------------------------------------------------------------------

ONE_LINE = ("lorem ipsum dolor sit amet " * 40_000)[:1_000_000]
ONE_MB = "\n\n".join(f"Paragraph {i}: " + "word " * 190 + "**bold** `code`" for i in range(1_050))[:1_000_000]
DEEP_LIST = "\n".join("  " * depth + f"- level {depth}" for depth in range(500))
DEEP_QUOTE = "> " * 500 + "deep quote\n\n" + "[" * 2_000 + "brackets" + "]" * 2_000 + "\n\n" + "*" * 5_000
CONTROL = ("".join(chr(c) for c in range(0x20)) + " tab\there \u202eevil RTL override\u202c, "
           "\u2066isolate\u2069 \u200b\u200d zero-width \x7f DEL \ufeff BOM \ufffd \U0001F4A9 end")

HEAVY = [
    pytest.param(ONE_LINE, id="one line of 1 MB"),
    pytest.param(ONE_MB, id="1 MB answer"),
    pytest.param(DEEP_LIST, id="list nested 500 deep"),
    pytest.param(DEEP_QUOTE, id="quotes nested 500 deep, 2000 brackets"),
    pytest.param(CONTROL, id="control characters"),
]
HEAVY_DEADLINE = 30.0  # seconds: loose, it must finish, not be fast (benchmarks/ measures speed)
# The longest the window may freeze on one of these. Loose on purpose: laying out one paragraph of
# 1 MB is ≈ 1-2 s of Qt's own work here (reopening it: set_markdown, then the first paint).
HEAVY_STALL = 3.0


@pytest.mark.parametrize("text", HEAVY)
def test_huge_and_strange_answers_render_without_hanging(text, windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=[text[i:i + 65_536] for i in range(0, len(text), 65_536)]))
    window = windows.new(configure("anthropic", fake))
    started = time.perf_counter()
    with Ticker() as streaming:
        ask(qtbot, window, "say something odd")
        qtbot.keyClicks(window.composer, "still typing")
        qtbot.waitUntil(lambda: settled(window, MessageStatus.COMPLETE), timeout=int(HEAVY_DEADLINE * 1000))
        qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=int(HEAVY_DEADLINE * 1000))
        ticks = streaming.ticks
        qtbot.waitUntil(lambda: streaming.ticks > ticks + 2)  # the event loop went round: painted
    cid = window.current_conversation_id
    window.new_conversation()
    with Ticker() as reopening:
        window.open_conversation(cid)  # the whole answer rendered at once, from the store
        qtbot.waitUntil(lambda: reopening.ticks > 2, timeout=int(HEAVY_DEADLINE * 1000))
    assert time.perf_counter() - started < HEAVY_DEADLINE
    for phase, ticker in (("streaming", streaming), ("reopening", reopening)):
        assert ticker.worst < HEAVY_STALL, f"{phase}: the event loop stalled for {ticker.worst:.3f} s"
    answer = last_answer(window)
    assert answer.text == text  # stored exactly, NULs and overrides included
    assert view_text(window.view, answer.id) == text
    assert not window.view.message_widget(answer.id).grab().isNull()
    assert window.composer.toPlainText() == "still typing"
    assert window.windowTitle() == "say something odd — Desktop Chat"
    assert [m.text for m in window.store.list_messages(cid)] == ["say something odd", text]
