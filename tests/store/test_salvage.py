"""Salvage: the rows that can still be read from a damaged history come back, and only those."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import Store
from desktop_chat.store.salvage import salvage
from tests.store.test_integrity import make_history, scribble_over_a_table_page

LONG_CHINESE = "长文本测试：" + "这是一段很长的中文回答，用来检查溢出页。" * 400  # ≈ 20 kB: spans overflow pages


def test_rows_under_a_damaged_interior_page_come_back_whole(tmp_path):
    path = tmp_path / "chat.sqlite3"
    make_history(path)
    with Store(path) as store:
        c = store.create_conversation("长对话", system_prompt="用中文回答")
        question = store.add_message(c.id, "user", "问一个问题", attachments=[{"type": "document", "name": "a.pdf",
                                                                             "sha256": "ab" * 32}])
        answer = store.add_message(c.id, "assistant", LONG_CHINESE, status=MessageStatus.ERROR, model="m1",
                                   provider="openai")
        store.update_message(answer.id, error="Quota exceeded", input_tokens=12, output_tokens=3400)
    with sqlite3.connect(path) as conn:  # the damage must really stop SQLite from reading the rows
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    scribble_over_a_table_page(path)
    with sqlite3.connect(path) as conn:
        try:
            readable = len(conn.execute("SELECT text FROM messages").fetchall())
        except sqlite3.DatabaseError:
            readable = 0
    assert readable < 62

    result = salvage(path)

    assert (result.conversation_count, result.message_count) == (31, 62)
    conversation, (q, a) = next((c, ms) for c, ms in result.conversations if c.title == "长对话")
    assert conversation.system_prompt == "用中文回答"
    assert (q.id, q.text, q.attachments[0]["name"]) == (question.id, "问一个问题", "a.pdf")
    assert a.text == LONG_CHINESE
    assert (a.status, a.error, a.model, a.provider, a.input_tokens, a.output_tokens) == (
        MessageStatus.ERROR, "Quota exceeded", "m1", "openai", 12, 3400)


def test_deleted_conversations_stay_deleted(tmp_path):
    path = tmp_path / "chat.sqlite3"
    make_history(path, conversations=40)
    with Store(path) as store:
        doomed = [c.id for c in store.list_conversations()[::2]]
        for cid in doomed:
            store.delete_conversation(cid)
    result = salvage(path)
    found = {c.id for c, _ in result.conversations}
    assert found and not found & set(doomed)
    assert result.message_count == 40


def test_rows_only_in_the_write_ahead_log_come_back_and_a_half_written_answer_is_interrupted(tmp_path):
    path = tmp_path / "chat.sqlite3"
    copy = tmp_path / "crashed" / "chat.sqlite3"
    copy.parent.mkdir()
    with Store(path) as store:
        c = store.create_conversation("in the log")
        store.add_message(c.id, "user", "written just before the crash")
        store.add_message(c.id, "assistant", "half an ans", status=MessageStatus.STREAMING)
        # A crash now: the file and its WAL as they are on disk, never checkpointed.
        shutil.copy2(path, copy)
        shutil.copy2(Path(f"{path}-wal"), Path(f"{copy}-wal"))

    ((conversation, messages),) = salvage(copy).conversations
    assert conversation.title == "in the log"
    assert [(m.text, m.status) for m in messages] == [
        ("written just before the crash", MessageStatus.COMPLETE), ("half an ans", MessageStatus.INTERRUPTED)]


def test_messages_whose_conversation_was_lost_come_back_in_a_conversation_of_their_own(tmp_path):
    path = tmp_path / "chat.sqlite3"
    with Store(path) as store:
        c = store.create_conversation("lost header")
        store.add_message(c.id, "user", "orphan question")
    with sqlite3.connect(path) as conn:  # the conversation row gone, its messages left
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM conversations")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    ((conversation, (message,)),) = salvage(path).conversations
    assert conversation.id == c.id and conversation.title == "Recovered conversation"
    assert message.text == "orphan question"


def test_anything_that_is_not_a_database_gives_nothing_and_raises_nothing(tmp_path):
    for name, data in [("empty", b""), ("text", b"hello " * 5000), ("random", bytes(range(256)) * 300)]:
        path = tmp_path / name
        path.write_bytes(data)
        assert salvage(path).conversations == []
    assert salvage(tmp_path / "missing").conversations == []


def test_versions_and_branches_come_back_with_their_parents(tmp_path):
    path = tmp_path / "chat.sqlite3"
    with Store(path) as store:
        c = store.create_conversation("versions")
        q = store.add_message(c.id, "user", "question")
        first = store.add_message(c.id, "assistant", "first answer")
        store.add_message(c.id, "assistant", "second answer", parent_id=q.id)
        store.switch_to(first.id)
        follow = store.add_message(c.id, "user", "follow-up")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    ((conversation, messages),) = salvage(path).conversations
    assert [(m.text, m.parent_id) for m in messages] == [
        ("question", None), ("first answer", q.id), ("second answer", q.id), ("follow-up", first.id)]
    assert conversation.current_leaf == follow.id
    restored = tmp_path / "restored.sqlite3"
    with Store(restored) as store:
        store.import_conversations([(conversation, messages)])
        assert [m.text for m in store.list_messages(c.id)] == ["question", "first answer", "follow-up"]
        assert [m.text for m in store.versions(first.id)] == ["first answer", "second answer"]


def test_a_file_from_before_message_trees_comes_back_as_one_branch(tmp_path):
    import gzip

    path = tmp_path / "chat.sqlite3"
    with gzip.open(Path(__file__).parent / "fixtures" / "v4.sqlite3.gz", "rb") as src:
        path.write_bytes(src.read())
    result = salvage(path)
    by_title = {c.title: ms for c, ms in result.conversations}
    big = by_title["Big"]
    assert len(big) == 10_000
    assert big[0].parent_id is None and all(m.parent_id == p.id for p, m in zip(big, big[1:]))
    assert [m.parent_id for m in by_title["Walruses"]][1] == by_title["Walruses"][0].id
