"""Pinned conversations: listed apart, most recently pinned first; a pin changes nothing else."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_chat.chat.conversations import ConversationService
from desktop_chat.store import Store, applied_migrations
from tests.store.v4_history import make_v4_history


class _Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "chat.sqlite3")
    store._now = _Clock()  # type: ignore[method-assign]  # strictly increasing times
    yield store
    store.close()


def test_pinning_lists_it_apart_without_touching_its_date(store: Store) -> None:
    service = ConversationService(store)
    a, b, c = (store.create_conversation(title) for title in "abc")
    before = store.get_conversation(a.id)
    assert service.set_pinned(a.id, True) and service.set_pinned(c.id, True)
    assert [x.id for x in service.pinned()] == [c.id, a.id]  # the latest pin first
    assert service.pinned_ids() == {a.id, c.id}
    assert [x.id for x in service.newest_unpinned()] == [b.id]
    assert service.count_unpinned() == 1
    assert store.get_conversation(a.id) == before  # updated_at and the rest untouched
    assert [x.id for x in service.newest()] == [c.id, b.id, a.id]  # every other listing as before

    assert service.set_pinned(c.id, False)
    assert [x.id for x in service.pinned()] == [a.id]
    assert [x.id for x in service.newest_unpinned()] == [c.id, b.id]
    assert not service.set_pinned("no-such-conversation", True)


def test_a_deleted_pinned_conversation_leaves_the_pins(store: Store) -> None:
    a = store.create_conversation("a")
    store.set_pinned(a.id, True)
    store.delete_conversation(a.id)
    assert store.pinned_conversations() == [] and store.pinned_ids() == set()


def test_an_older_history_gains_the_column_with_nothing_pinned(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    make_v4_history(path, conversations=3, messages_each=2)
    store = Store(path)
    try:
        assert store._conn is not None
        assert "0006_pinned_conversations" in applied_migrations(store._conn)
        assert store.pinned_conversations() == [] and store.count_unpinned_conversations() == 3
    finally:
        store.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(conversations)")]
        indexes = [row[1] for row in conn.execute("PRAGMA index_list(conversations)")]
    assert "pinned_at" in columns and "conversations_pinned" in indexes
