"""The Store's CRUD, ordering, paging, recovery, pragmas and thread safety, on real SQLite files."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_chat.domain.messages import Conversation, Message, MessageStatus
from desktop_chat.store import Store, StoreError


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "folders" / "chat.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as s:
        yield s


# -- opening -------------------------------------------------------------------------------


def test_creates_parent_folders_and_uses_wal(db_path: Path, store: Store) -> None:
    assert db_path.exists()
    with sqlite3.connect(db_path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn = store._conn
    assert conn is not None
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_closed_store_refuses_work(db_path: Path) -> None:
    s = Store(db_path)
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        s.list_conversations()


def test_context_manager_closes(db_path: Path) -> None:
    with Store(db_path) as s:
        s.create_conversation("kept")
    with pytest.raises(StoreError):
        s.count_conversations()
    with Store(db_path) as again:
        assert [c.title for c in again.list_conversations()] == ["kept"]


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be read"):
        Store(path)


# -- conversations -------------------------------------------------------------------------


def test_conversation_crud(store: Store) -> None:
    c = store.create_conversation(
        "Trip", provider="anthropic", model="claude", system_prompt="Be brief.", options={"temperature": 0.2}
    )
    assert len(c.id) == 32 and int(c.id, 16) >= 0
    assert c.created_at == c.updated_at > 0
    assert store.get_conversation(c.id) == c
    assert store.get_conversation("missing") is None
    assert store.count_conversations() == 1

    updated = store.update_conversation(c.id, title="Trip to Kyoto")
    assert updated is not None
    assert updated.title == "Trip to Kyoto"
    assert (updated.provider, updated.model, updated.system_prompt, updated.options) == (
        "anthropic", "claude", "Be brief.", {"temperature": 0.2})
    assert updated.updated_at > c.updated_at
    assert updated.created_at == c.created_at

    assert store.delete_conversation(c.id) is True
    assert store.delete_conversation(c.id) is False
    assert store.get_conversation(c.id) is None
    assert store.count_conversations() == 0


def test_create_conversation_defaults(store: Store) -> None:
    c = store.create_conversation()
    assert (c.title, c.provider, c.model, c.system_prompt, c.options) == ("New conversation", None, None, None, {})
    assert store.get_conversation(c.id) == c


def test_update_conversation_sentinel_sets_none_and_leaves_the_rest(store: Store) -> None:
    c = store.create_conversation("T", provider="openai", model="gpt", system_prompt="sys", options={"a": 1})
    store.update_conversation(c.id, system_prompt=None, model=None)
    got = store.get_conversation(c.id)
    assert got is not None
    assert (got.title, got.provider, got.model, got.system_prompt, got.options) == ("T", "openai", None, None, {"a": 1})
    store.update_conversation(c.id, options=None)
    assert store.get_conversation(c.id).options == {}  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        store.update_conversation(c.id, title=None)  # type: ignore[arg-type]
    assert store.update_conversation("missing", title="x") is None


def test_update_conversation_with_no_fields_touches_it(store: Store) -> None:
    a = store.create_conversation("a")
    store.create_conversation("b")
    store.update_conversation(a.id)
    assert [c.title for c in store.list_conversations()] == ["a", "b"]


def test_conversations_listed_newest_updated_first_with_paging(store: Store) -> None:
    made = [store.create_conversation(f"c{i}") for i in range(5)]
    assert [c.title for c in store.list_conversations()] == ["c4", "c3", "c2", "c1", "c0"]
    store.add_message(made[1].id, "user", "bump")
    assert [c.title for c in store.list_conversations()] == ["c1", "c4", "c3", "c2", "c0"]
    assert [c.title for c in store.list_conversations(limit=2)] == ["c1", "c4"]
    assert [c.title for c in store.list_conversations(limit=2, offset=2)] == ["c3", "c2"]
    assert [c.title for c in store.list_conversations(offset=4)] == ["c0"]
    assert store.count_conversations() == 5


def test_options_and_attachments_keep_unicode_and_structure(store: Store) -> None:
    options = {"temperature": 0.7, "stop": ["\n\n"], "nested": {"中文": True}}
    c = store.create_conversation("选项", options=options)
    attachments = [{"name": "论文.pdf", "pages": 3, "text": "…"}]
    m = store.add_message(c.id, "user", "see attached", attachments=attachments)
    assert store.get_conversation(c.id).options == options  # type: ignore[union-attr]
    assert store.get_message(m.id).attachments == attachments  # type: ignore[union-attr]


# -- messages ------------------------------------------------------------------------------


def test_message_crud(store: Store) -> None:
    c = store.create_conversation()
    before = store.get_conversation(c.id)
    assert before is not None
    u = store.add_message(c.id, "user", "Hello")
    a = store.add_message(c.id, "assistant", "", status=MessageStatus.STREAMING, provider="ollama", model="llama3")
    assert (u.seq, a.seq) == (1, 2)
    assert u.status is MessageStatus.COMPLETE
    assert store.get_message(u.id) == u
    assert store.get_message(a.id) == a
    assert store.get_conversation(c.id).updated_at > before.updated_at  # type: ignore[union-attr]

    done = store.update_message(
        a.id, text="Hi there", status=MessageStatus.COMPLETE, input_tokens=12, output_tokens=3,
        ttft_ms=210.5, duration_ms=900.0, stop_reason="end_turn",
    )
    assert isinstance(done, Message)
    assert (done.text, done.status, done.input_tokens, done.output_tokens, done.ttft_ms, done.duration_ms,
            done.stop_reason, done.provider, done.model) == (
        "Hi there", MessageStatus.COMPLETE, 12, 3, 210.5, 900.0, "end_turn", "ollama", "llama3")
    assert done.updated_at > a.updated_at
    assert store.get_message(a.id) == done
    assert store.count_messages(c.id) == 2

    assert store.delete_message(u.id) is True
    assert store.delete_message(u.id) is False
    assert [m.id for m in store.list_messages(c.id)] == [a.id]
    assert store.get_message("missing") is None
    assert store.update_message("missing", text="x") is None


def test_update_message_only_changes_given_fields(store: Store) -> None:
    c = store.create_conversation()
    m = store.add_message(c.id, "assistant", "partial", status=MessageStatus.STREAMING)
    store.update_message(m.id, status=MessageStatus.ERROR, error="Overloaded: try again")
    got = store.get_message(m.id)
    assert got is not None
    assert (got.text, got.status, got.error) == ("partial", MessageStatus.ERROR, "Overloaded: try again")
    store.update_message(m.id, error=None)
    assert store.get_message(m.id).error is None  # type: ignore[union-attr]


def test_add_message_validates(store: Store) -> None:
    c = store.create_conversation()
    with pytest.raises(ValueError, match="role"):
        store.add_message(c.id, "system", "x")
    with pytest.raises(KeyError):
        store.add_message("no-such-conversation", "user", "x")
    assert store.count_messages(c.id) == 0


def test_seq_increases_per_conversation(store: Store) -> None:
    a, b = store.create_conversation(), store.create_conversation()
    assert [store.add_message(a.id, "user", str(i)).seq for i in range(3)] == [1, 2, 3]
    assert store.add_message(b.id, "user", "x").seq == 1
    store.delete_message(store.list_messages(a.id)[-1].id)
    assert store.add_message(a.id, "user", "again").seq == 3


def test_delete_message_and_after_on_a_linear_conversation(store: Store) -> None:
    c = store.create_conversation()
    other = store.create_conversation()
    ids = [store.add_message(c.id, "user" if i % 2 == 0 else "assistant", f"m{i}").id for i in range(6)]
    store.add_message(other.id, "user", "m-other")
    assert store.delete_message_and_after(ids[2]) == 4
    assert [m.text for m in store.list_messages(c.id)] == ["m0", "m1"]
    assert [m.text for m in store.list_messages(other.id)] == ["m-other"]
    assert store.search("m4") == []


def test_cascade_delete_removes_messages_and_search_entries(store: Store) -> None:
    c = store.create_conversation()
    keep = store.create_conversation()
    m = store.add_message(c.id, "user", "ephemeral zebra")
    store.add_message(keep.id, "user", "lasting zebra")
    store.delete_conversation(c.id)
    assert store.get_message(m.id) is None
    assert store.count_messages(c.id) == 0
    assert [h.conversation_id for h in store.search("zebra")] == [keep.id]
    conn = store._conn
    assert conn is not None
    assert conn.execute("SELECT count(*) FROM messages_fts").fetchone()[0] == 1


def test_paging_a_long_conversation(store: Store) -> None:
    c = store.create_conversation()
    for i in range(1000):
        store.add_message(c.id, "user" if i % 2 == 0 else "assistant", f"message {i}")
    assert store.count_messages(c.id) == 1000
    everything = store.list_messages(c.id)
    assert [m.seq for m in everything] == list(range(1, 1001))

    newest = store.list_messages(c.id, limit=50)
    assert [m.seq for m in newest] == list(range(951, 1001))

    seen: list[int] = []
    page = newest
    while page:
        seen = [m.seq for m in page] + seen
        page = store.list_messages(c.id, limit=50, before_seq=page[0].seq)
    assert seen == list(range(1, 1001))

    assert [m.seq for m in store.list_messages(c.id, limit=3, before_seq=3)] == [1, 2]
    assert [m.seq for m in store.list_messages(c.id, before_seq=4)] == [1, 2, 3]
    assert store.list_messages(c.id, limit=10, before_seq=1) == []
    assert store.list_messages("missing") == []


def test_conversation_totals(store: Store) -> None:
    c = store.create_conversation()
    assert store.conversation_totals(c.id) == (0, 0)
    store.add_message(c.id, "user", "q")
    a1 = store.add_message(c.id, "assistant", "a")
    a2 = store.add_message(c.id, "assistant", "b")
    store.update_message(a1.id, input_tokens=10, output_tokens=5)
    store.update_message(a2.id, input_tokens=20, output_tokens=7)
    assert store.conversation_totals(c.id) == (30, 12)


# -- recovery ------------------------------------------------------------------------------


def test_streaming_answers_become_interrupted_on_reopen(db_path: Path) -> None:
    s = Store(db_path)
    c = s.create_conversation()
    s.add_message(c.id, "user", "Tell me about otters")
    a = s.add_message(c.id, "assistant", "", status=MessageStatus.STREAMING)
    s.update_message(a.id, text="Otters are semiaquatic mammals")
    assert s.search("semiaquatic") == []  # not indexed while streaming
    s.close()  # as good as a crash: nothing marked it finished

    with Store(db_path) as reopened:
        got = reopened.get_message(a.id)
        assert got is not None
        assert got.status is MessageStatus.INTERRUPTED
        assert got.text == "Otters are semiaquatic mammals"
        assert [h.message_id for h in reopened.search("semiaquatic")] == [a.id]
        assert reopened.recover_interrupted() == 0


def test_recover_interrupted_counts(store: Store) -> None:
    c = store.create_conversation()
    for _ in range(3):
        store.add_message(c.id, "assistant", "half an answer", status=MessageStatus.STREAMING)
    store.add_message(c.id, "assistant", "whole", status=MessageStatus.COMPLETE)
    assert store.recover_interrupted() == 3
    statuses = [m.status for m in store.list_messages(c.id)]
    assert statuses == [MessageStatus.INTERRUPTED] * 3 + [MessageStatus.COMPLETE]
    assert len(store.search("answer")) == 3


# -- threads -------------------------------------------------------------------------------


def test_two_threads_writing_concurrently(store: Store) -> None:
    shared = store.create_conversation("shared")
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            start.wait()
            own = store.create_conversation(name)
            for i in range(150):
                store.add_message(shared.id, "user", f"{name} shared {i}")
                m = store.add_message(own.id, "assistant", "", status=MessageStatus.STREAMING)
                store.update_message(m.id, text=f"{name} own {i}", status=MessageStatus.COMPLETE)
                store.list_messages(shared.id, limit=5)
                store.search(name)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("alpha", "bravo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    messages = store.list_messages(shared.id)
    assert [m.seq for m in messages] == list(range(1, 301))
    assert sorted(m.text for m in messages) == sorted(
        f"{n} shared {i}" for n in ("alpha", "bravo") for i in range(150))
    assert store.count_conversations() == 3
    assert len(store.search("alpha", limit=1000)) == 300
    conn = store._conn
    assert conn is not None
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")


def test_two_stores_on_one_file(db_path: Path) -> None:
    """Two connections (as two processes would have) wait for each other instead of failing."""
    with Store(db_path) as first, Store(db_path) as second:
        c = first.create_conversation()
        errors: list[BaseException] = []

        def writer(s: Store, name: str) -> None:
            try:
                for i in range(100):
                    s.add_message(c.id, "user", f"{name} {i}")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(s, n)) for s, n in ((first, "one"), (second, "two"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert [m.seq for m in second.list_messages(c.id)] == list(range(1, 201))


def test_domain_types_come_back(store: Store) -> None:
    c = store.create_conversation()
    m = store.add_message(c.id, "user", "x")
    assert isinstance(store.list_conversations()[0], Conversation)
    assert isinstance(store.list_messages(c.id)[0], Message)
    assert store.list_messages(c.id)[0] == m
