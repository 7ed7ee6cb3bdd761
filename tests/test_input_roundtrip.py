"""Input limits and text that must come back unchanged.

- An empty or whitespace-only message cannot be sent: Send is disabled and Enter does nothing
  (nothing stored, nothing sent), in the composer and in edit-and-resend.
- Emoji (ZWJ sequences, skin tones, flags, keycaps), Chinese (with a supplementary-plane
  character), Arabic and Hebrew (with bidi marks and isolates) and combining sequences come back
  byte for byte: typed in the window and answered by the model (in pieces cut inside grapheme
  clusters), in the store, reopened, in the JSON export and after importing it elsewhere, and in
  the Markdown export; through the CLI too. Each provider's stream decoding keeps them when the
  server sends raw UTF-8 cut inside characters.
"""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_chat import cli, config
from desktop_chat.domain.events import Finished, TextDelta
from desktop_chat.domain.messages import ChatMessage, MessageStatus
from desktop_chat.providers import ChatRequest, ProviderConfig, Timeouts, create_provider
from desktop_chat.store import Store, exchange
from tests.fakes.loopback import Scenario
from tests.fakes.raw_body import CONTENT_TYPE, WIRE, RawBodyServer
from tests.ui.test_fault_matrix import _frozen_heap  # noqa: F401 - see there
from tests.ui.conftest import (  # noqa: F401 - the window fixtures, for the window tests here
    _no_local_ollama,
    configure,
    fakes,
    qloop,
    view_text,
    windows,
)

SAMPLES = {
    "emoji": "Family 👨‍👩‍👧‍👦, waves 👋🏽 👋🏿, flags 🇺🇳 🏳️‍🌈, keycap 1️⃣, ❤️‍🔥, coder 🧑🏾‍💻.",
    "chinese": "你好，世界！「引号」、《书名》……汉字𠀀（扩展 B 区）与全角　空格。",
    "arabic": "مرحبا بالعالم! هذا نص عربي مع أرقام ١٢٣ و 456، وعلامة استفهام؟",
    "hebrew": "שלום עולם — טקסט בעברית עם ניקוד: שָׁלוֹם.",
    "bidi": "English, العربية, עברית, 中文 — RLM\u200f LRM\u200e isolate \u2067(rtl)\u2069 end.",
    "french": "«\u00a0Bonjour\u00a0», dit-elle\u202f; 10\u00a0km, 5\u202f%.",
    "combining": "e\u0301 \u00e9, A\u030a \u00c5, \ud55c\u1100\u1161, Z\u0351\u0352a\u0353l\u0354g\u0355o.",
}
TEXT = "Round trip 🌍\n" + "\n".join(SAMPLES.values())


def pieces(text: str, size: int = 3) -> list[str]:
    """The text in pieces of `size` code points: cuts inside ZWJ sequences, flags and combining marks."""
    return [text[i:i + size] for i in range(0, len(text), size)]


def same_bytes(a: str, b: str) -> bool:
    return a.encode("utf-8") == b.encode("utf-8")


# -- empty messages ------------------------------------------------------------------------------------

@pytest.mark.parametrize("blank", ["", " ", "   \n  \n", "\u3000\u00a0\u2003", "\n\n\n"])
def test_an_empty_or_blank_message_cannot_be_sent(blank, windows, qtbot, fakes):  # noqa: F811
    fake = fakes("anthropic")
    window = windows.new(configure("anthropic", fake))
    window.composer.setFocus()
    window.composer.setPlainText(blank)
    send = window.composer_bar.send_button
    assert not send.isEnabled()
    qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    qtbot.keyClick(window.composer, Qt.Key.Key_Enter)
    assert window.composer.toPlainText() == blank  # left as it was, not sent, not cleared
    assert window.current_conversation_id is None
    assert window.store.list_conversations() == []
    assert fake.requests == []
    # …and the same words with something in them do go
    qtbot.keyClicks(window.composer, "x")
    assert send.isEnabled()


def test_an_edit_cannot_turn_a_message_blank(windows, qtbot, fakes):  # noqa: F811
    fake = fakes("anthropic")
    window = windows.new(configure("anthropic", fake))
    qtbot.keyClicks(window.composer, "a real question")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(fake.requests) == 1 and not window.controller.is_streaming(
        window.current_conversation_id), timeout=10_000)
    user = window.store.list_messages(window.current_conversation_id)[0]
    widget = window.view.message_widget(user.id)
    widget.start_edit()
    widget.editor.setPlainText("  \n\t ")
    assert not widget.resend_button.isEnabled()
    qtbot.keyClick(widget.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.store.get_message(user.id).text == "a real question"
    assert len(fake.requests) == 1


# -- Unicode through the window, the store and the exports ------------------------------------------

def test_unicode_round_trips_through_the_window_the_store_and_both_exports(windows, qtbot, fakes,  # noqa: F811
                                                                          tmp_path, monkeypatch):
    fake = fakes("anthropic", Scenario(chunks=pieces(TEXT)))
    window = windows.new(configure("anthropic", fake))
    window.composer.setFocus()
    window.composer.insertPlainText(TEXT)  # as a paste would
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_conversation_id is not None and any(
        m.role == "assistant" and m.status == MessageStatus.COMPLETE
        for m in window.store.list_messages(window.current_conversation_id)), timeout=10_000)
    cid = window.current_conversation_id
    user, answer = window.store.list_messages(cid)
    assert fake.requests[-1].json["messages"][-1]["content"] == TEXT  # what went to the model
    assert same_bytes(user.text, TEXT) and same_bytes(answer.text, TEXT)
    title = window.store.get_conversation(cid).title
    assert title.startswith("Round trip 🌍 Family 👨‍👩‍👧‍👦")
    qtbot.waitUntil(lambda: not window.view.has_pending_render())
    assert view_text(window.view, user.id) == TEXT and view_text(window.view, answer.id) == TEXT
    window.new_conversation()
    window.open_conversation(cid)  # reopened from the store
    assert view_text(window.view, user.id) == TEXT and view_text(window.view, answer.id) == TEXT
    windows.close(window)

    with Store(config.database_path()) as store:  # the database on disk, opened afresh
        assert [m.text for m in store.list_messages(cid)] == [TEXT, TEXT]
        exported = json.dumps(exchange.export_json(store), ensure_ascii=False).encode("utf-8")
        markdown = exchange.export_markdown(store).encode("utf-8")
    assert TEXT.encode("utf-8") in markdown
    assert f"# {title}".encode() in markdown

    with Store(tmp_path / "elsewhere.db") as other:
        assert exchange.import_json(other, json.loads(exported.decode("utf-8"))).imported == 1
        assert other.get_conversation(cid).title == title
        assert [(m.role, m.text) for m in other.list_messages(cid)] == [("user", TEXT), ("assistant", TEXT)]
        again = json.dumps(exchange.export_json(other), ensure_ascii=False).encode("utf-8")
    assert json.loads(again)["conversations"] == json.loads(exported)["conversations"]


def _utf8_stream(encoding: str) -> io.TextIOWrapper:
    """A stdout like a redirected one on a system whose locale encoding is `encoding`."""
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, newline="")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])  # cp1252: Windows, `desktop-chat export > file`
def test_unicode_round_trips_through_the_cli_export_and_import(encoding, tmp_path, monkeypatch):
    with Store(config.database_path()) as store:
        conversation = store.create_conversation(title="Round trip 🌍")
        store.add_message(conversation.id, "user", TEXT)
        store.add_message(conversation.id, "assistant", TEXT)

    for fmt in ("json", "markdown"):
        out, err = _utf8_stream(encoding), io.StringIO()
        assert cli.run(["export", "--format", fmt], stdout=out, stderr=err) == 0, err.getvalue()
        out.flush()
        data = out.buffer.getvalue()  # type: ignore[attr-defined]
        assert TEXT.encode("utf-8") in data or fmt == "json"
        (tmp_path / f"export.{fmt}").write_bytes(data)
    exported = json.loads((tmp_path / "export.json").read_bytes().decode("utf-8"))
    assert [m["text"] for m in exported["conversations"][0]["messages"]] == [TEXT, TEXT]

    monkeypatch.setenv("DESKTOP_CHAT_HOME", str(tmp_path / "second-home"))
    (tmp_path / "second-home").mkdir()
    err = io.StringIO()
    assert cli.run(["import", str(tmp_path / "export.json")], stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
    with Store(config.database_path()) as store:
        assert store.get_conversation(conversation.id).title == "Round trip 🌍"
        assert [m.text for m in store.list_messages(conversation.id)] == [TEXT, TEXT]


# -- each provider's decoding, with raw UTF-8 cut inside characters ------------------------------------

@pytest.mark.parametrize("family", ["anthropic", "openai", "ollama"])
def test_each_provider_keeps_unicode_cut_anywhere_on_the_wire(family):
    async def collect(provider) -> list:  # noqa: ANN001
        request = ChatRequest("m", [ChatMessage.of("user", "echo")])
        return [event async for event in provider.stream(request)]

    async def run() -> None:
        with RawBodyServer() as server:
            server.content_type = CONTENT_TYPE[family]
            server.body = WIRE[family](pieces(TEXT, 5))
            assert any(byte >= 0x80 for byte in server.body)  # raw UTF-8, not \u escapes
            for cut in ((1,), (2, 3), (5, 7, 11)):  # every byte alone; then cuts that fall inside characters
                server.pieces = cut
                base = server.base_url + ("/v1" if family == "openai" else "")
                provider = create_provider(family, ProviderConfig(family, family, base, api_key="k",
                                                                  timeouts=Timeouts(connect=2, read=5)))
                try:
                    events = await collect(provider)
                finally:
                    await provider.aclose()
                text = "".join(e.text for e in events if isinstance(e, TextDelta))
                assert same_bytes(text, TEXT), cut
                assert isinstance(events[-1], Finished)

    asyncio.run(run())


def test_round_trip_samples_are_what_they_claim() -> None:
    """Guard the fixtures: the samples hold what the test is about (not normalised by an editor)."""
    assert "\u200d" in SAMPLES["emoji"] and "\U0001F3FD" in SAMPLES["emoji"] and "\U0001F1FA" in SAMPLES["emoji"]
    assert "\U00020000" in SAMPLES["chinese"]
    assert "e\u0301" in SAMPLES["combining"] and "\u00e9" in SAMPLES["combining"]
    assert "A\u030a" in SAMPLES["combining"] and "\u00c5" in SAMPLES["combining"]
    assert Path(__file__).read_text(encoding="utf-8").count("\u200d") >= 1
