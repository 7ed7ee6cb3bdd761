"""The last screen's answers are kept rendered at shutdown and shown from there at the next start
(render_snapshot.py): the same HTML and working Copy links, never for a changed message or theme."""

from __future__ import annotations

import json
import time

from PySide6.QtGui import QGuiApplication

from desktop_chat.config import data_dir, database_path
from desktop_chat.domain.messages import Conversation, Message, MessageStatus, linked
from desktop_chat.store import Store
from desktop_chat.ui.messages import render_snapshot
from desktop_chat.ui.messages.markdown_render import MarkdownRenderer
from desktop_chat.ui.messages.message_body import MessageBody

CODE = "for item in items:\n    print(item)"
ANSWER = f"Here is a loop:\n\n```python\n{CODE}\n```\n\nIt prints **each** item."


def _conversation_with_an_answer(text: str = ANSWER) -> str:
    now = time.time()
    store = Store(database_path())
    try:
        conversation = Conversation(id="c1", title="Loops", created_at=now, updated_at=now,
                                    provider="local", model="m")
        messages = [
            Message(id="q1", conversation_id="c1", role="user", text="How do I loop?", status=MessageStatus.COMPLETE,
                    seq=1, created_at=now, updated_at=now),
            Message(id="a1", conversation_id="c1", role="assistant", text=text, status=MessageStatus.COMPLETE,
                    seq=2, created_at=now, updated_at=now, provider="local", model="m"),
        ]
        store.import_conversations([(conversation, linked(messages))])
    finally:
        store.close()
    return "c1"


def _reopening(windows, conversation_id: str):  # noqa: ANN001, ANN202
    settings = windows.settings()
    settings.ui_state = {"last_conversation": conversation_id}
    return windows.new(settings)


def _snapshot_file():  # noqa: ANN202
    return data_dir() / render_snapshot.FILE_NAME


def test_shutdown_writes_the_answers_on_screen_and_the_next_start_shows_them_unrendered(windows, qtbot,
                                                                                          monkeypatch):
    cid = _conversation_with_an_answer()
    first = _reopening(windows, cid)
    fresh_text = first.view.message_widget("a1").body.plain_text()
    windows.close(first)
    saved = json.loads(_snapshot_file().read_text(encoding="ascii"))
    assert [b["key"].split("|")[0] for b in saved["bodies"]] == ["a1"]  # the answer, not the question

    rendered: list[str] = []
    real_render = MarkdownRenderer.render
    monkeypatch.setattr(MarkdownRenderer, "render",
                        lambda self, text, *a, **k: rendered.append(text) or real_render(self, text, *a, **k))
    again = _reopening(windows, cid)
    body = again.view.message_widget("a1").body
    assert body.plain_text() == fresh_text  # the same document as a fresh render
    assert rendered == []  # shown from the snapshot: no markdown was rendered
    links = body.copy_links()
    assert len(links) == 1
    body._on_anchor(links[0])  # the Copy link in the snapshot's HTML still copies the code
    assert QGuiApplication.clipboard().text() == CODE


def test_a_changed_answer_is_rendered_again(windows, qtbot):
    cid = _conversation_with_an_answer()
    windows.close(_reopening(windows, cid))
    store = Store(database_path())
    try:
        store.update_message("a1", text="A new answer, *edited*.")
    finally:
        store.close()
    again = _reopening(windows, cid)
    assert again.view.message_widget("a1").body.plain_text() == "A new answer, edited."


def test_another_renderer_or_a_damaged_file_is_ignored(tmp_path):
    path = tmp_path / render_snapshot.FILE_NAME
    body = MessageBody.render_detached(MarkdownRenderer(), ANSWER)
    render_snapshot.save(path, "renderer-1", {"a1|1.0|x": body})
    assert render_snapshot.load(path, "renderer-1") == {"a1|1.0|x": body}
    assert render_snapshot.load(path, "renderer-2") == {}  # another theme, language or version
    path.write_bytes(b'{"renderer": "renderer-1", "bodies": [{"key": 1}]')  # cut off
    assert render_snapshot.load(path, "renderer-1") == {}
    path.write_text('{"renderer": "renderer-1", "bodies": [{"key": "k", "html": "", "codes": [1], "nonce": "n"}]}')
    assert render_snapshot.load(path, "renderer-1") == {}
    assert render_snapshot.load(tmp_path / "missing.json", "renderer-1") == {}


def test_the_key_changes_with_the_message_text_and_update_time():
    base = Message(id="a1", conversation_id="c", role="assistant", text="one", status=MessageStatus.COMPLETE,
                   seq=2, created_at=1.0, updated_at=1.0)
    import dataclasses

    keys = {render_snapshot.message_key(base),
            render_snapshot.message_key(dataclasses.replace(base, text="two")),
            render_snapshot.message_key(dataclasses.replace(base, updated_at=2.0))}
    assert len(keys) == 3
