"""A database made by the release before message trees (fixtures/v4.sqlite3.gz) migrates without
losing a row, and each conversation's branch is the list it was.

The fixture was built by fixtures/make_v4_db.py with that release's code (see its docstring).
"""

from __future__ import annotations

import contextlib
import gzip
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import MIGRATIONS, Store, applied_migrations

FIXTURE = Path(__file__).parent / "fixtures" / "v4.sqlite3.gz"
V4_MESSAGE_COLUMNS = (
    "num, id, conversation_id, seq, role, text, attachments, status, provider, model, input_tokens, "
    "output_tokens, error, created_at, updated_at, ttft_ms, duration_ms, stop_reason, error_text"
)
V4_CONVERSATION_COLUMNS = "id, title, provider, model, system_prompt, options, created_at, updated_at"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixture's rows before, the database after its upgrade (opened once: 10,000 messages)."""
    path = tmp_path_factory.mktemp("v4") / "chat.sqlite3"
    with gzip.open(FIXTURE, "rb") as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        before = {
            "applied": applied_migrations(conn),
            "messages": conn.execute(f"SELECT {V4_MESSAGE_COLUMNS} FROM messages ORDER BY num").fetchall(),
            "conversations": conn.execute(
                f"SELECT {V4_CONVERSATION_COLUMNS} FROM conversations ORDER BY id").fetchall(),
        }
    store = Store(path)
    try:
        assert store._conn is not None
        after = {
            "applied": applied_migrations(store._conn),
            "messages": store._conn.execute(f"SELECT {V4_MESSAGE_COLUMNS} FROM messages ORDER BY num").fetchall(),
            "conversations": store._conn.execute(
                f"SELECT {V4_CONVERSATION_COLUMNS} FROM conversations ORDER BY id").fetchall(),
        }
        yield {"before": before, "after": after, "store": store, "path": path}
    finally:
        store.close()


def test_the_fixture_is_a_database_of_the_previous_release(migrated: dict[str, Any]) -> None:
    assert migrated["before"]["applied"] == [m.name for m in MIGRATIONS[:4]]
    assert migrated["after"]["applied"] == [m.name for m in MIGRATIONS]
    assert "0005_message_tree" in migrated["after"]["applied"]
    assert Path(f"{migrated['path']}.before-0005_message_tree.bak").exists()  # the copy made first


def test_every_row_survives_unchanged(migrated: dict[str, Any]) -> None:
    before, after = migrated["before"], migrated["after"]
    assert len(before["messages"]) > 10_000 and len(before["conversations"]) == 6
    assert after["messages"] == before["messages"]
    assert after["conversations"] == before["conversations"]


def test_each_conversation_is_one_branch_holding_its_old_list(migrated: dict[str, Any]) -> None:
    store: Store = migrated["store"]
    by_conversation: dict[str, list[str]] = {}
    for row in migrated["before"]["messages"]:
        by_conversation.setdefault(row[2], []).append((row[3], row[1]))  # (seq, id)
    for conversation in store.list_conversations():
        old = [mid for _seq, mid in sorted(by_conversation.get(conversation.id, []))]
        branch = store.list_messages(conversation.id)
        assert [m.id for m in branch] == old, conversation.title
        assert [m.parent_id for m in branch] == [None, *old[:-1]][:len(old)]
        assert conversation.current_leaf == (old[-1] if old else None)
        assert store.count_messages(conversation.id) == len(old)
        assert all(m.parts == [] for m in branch)


def test_statuses_errors_attachments_and_sources_survive(migrated: dict[str, Any]) -> None:
    store: Store = migrated["store"]
    titles = {c.title: c.id for c in store.list_conversations()}
    failed = store.list_messages(titles["出错的对话"])
    assert [m.status for m in failed] == [MessageStatus.COMPLETE, MessageStatus.ERROR,
                                         MessageStatus.COMPLETE, MessageStatus.STOPPED]
    assert failed[1].error == "The server failed (500)." and failed[1].error_text is not None
    assert [m.status for m in store.list_messages(titles["Interrupted"])][-1] is MessageStatus.INTERRUPTED
    question, answer = store.list_messages(titles["Report"])
    assert [d.file_name for d in question.documents] == ["报告.pdf"]
    delivery = answer.delivery
    assert delivery is not None and [s.excerpt for s in delivery.sources] == ["revenue grew"]
    walrus = store.list_messages(titles["Walruses"])[-1]
    assert (walrus.input_tokens, walrus.output_tokens, walrus.ttft_ms) == (10, 6, 120.5)
    assert store.list_messages(titles["Empty"]) == []


def test_search_still_finds_chinese_and_english(migrated: dict[str, Any]) -> None:
    store: Store = migrated["store"]
    assert [h.plain_snippet for h in store.search("学习")] == ["我喜欢机器学习和自然语言处理"]
    assert [h.plain_snippet for h in store.search("walrus")] == ["What is a walrus?"]
    assert [h.plain_snippet for h in store.search("m9999")] == ["m9999"]


def test_the_big_conversation_opens_on_its_newest_messages(migrated: dict[str, Any]) -> None:
    store: Store = migrated["store"]
    big = next(c for c in store.list_conversations() if c.title == "Big")
    page = store.list_messages(big.id, limit=50)
    assert [m.text for m in page] == [f"m{i}" for i in range(9950, 10_000)]
    # a regenerate on the migrated history adds a version beside the last answer
    question = page[-2]
    store.add_message(big.id, "assistant", "another answer", parent_id=question.id)
    assert [m.text for m in store.versions(page[-1].id)] == ["m9999", "another answer"]
