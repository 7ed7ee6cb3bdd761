"""Named migrations: upgrade of an old database with data, backup, restore on failure."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

import pytest

from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import MIGRATIONS, Migration, Store, StoreError, applied_migrations, migrate

FIRST = MIGRATIONS[0].name
SECOND = MIGRATIONS[1].name


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def build_v1_database(path: Path) -> None:
    """A database as the first released version left it: only 0001 applied, with rows."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        assert migrate(conn, MIGRATIONS[:1]) == [FIRST]
        now = time.time()
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO conversations (id, title, provider, model, options, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [("c1", "Old English", "openai", "gpt-4o", '{"temperature": 1}', now, now),
             ("c2", "旧的中文", None, None, "{}", now + 1, now + 1)],
        )
        conn.executemany(
            "INSERT INTO messages (id, conversation_id, seq, role, text, status, input_tokens, "
            "output_tokens, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [("m1", "c1", 1, "user", "What is a walrus?", "complete", None, None, now, now),
             ("m2", "c1", 2, "assistant", "A large marine mammal.", "complete", 10, 6, now, now),
             ("m3", "c2", 1, "user", "我喜欢机器学习和自然语言处理", "complete", None, None, now, now),
             ("m4", "c2", 2, "assistant", "被打断的回答", "streaming", None, None, now, now)],
        )
        conn.execute("COMMIT")


def test_fresh_database_gets_every_migration_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    with Store(path) as store:
        assert store._conn is not None
        assert applied_migrations(store._conn) == [m.name for m in MIGRATIONS]
    assert list(tmp_path.glob("*.bak")) == []


def test_reopening_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    Store(path).close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert migrate(conn) == []


def test_upgrade_keeps_rows_and_makes_them_searchable(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    build_v1_database(path)

    with Store(path) as store:
        assert store._conn is not None
        assert applied_migrations(store._conn) == [m.name for m in MIGRATIONS]
        assert {"ttft_ms", "duration_ms", "stop_reason"} <= columns(store._conn, "messages")
        assert [c.title for c in store.list_conversations()] == ["旧的中文", "Old English"]
        old = store.get_conversation("c1")
        assert old is not None and old.options == {"temperature": 1} and old.model == "gpt-4o"
        assert [m.text for m in store.list_messages("c1")] == ["What is a walrus?", "A large marine mammal."]
        assert store.conversation_totals("c1") == (10, 6)
        assert store.get_message("m2").ttft_ms is None  # type: ignore[union-attr]
        assert [h.message_id for h in store.search("walrus")] == ["m1"]
        assert [h.message_id for h in store.search("学习")] == ["m3"]
        # the answer left streaming was recovered after the upgrade, and indexed
        assert store.get_message("m4").status is MessageStatus.INTERRUPTED  # type: ignore[union-attr]
        assert [h.message_id for h in store.search("打断")] == ["m4"]
        # and the upgraded database takes new rows as usual
        new = store.add_message("c1", "user", "And a narwhal?")
        assert new.seq == 3

    backup = tmp_path / f"chat.sqlite3.before-{SECOND}.bak"
    assert backup.exists()
    with contextlib.closing(sqlite3.connect(backup)) as copy:
        assert applied_migrations(copy) == [FIRST]
        assert copy.execute("SELECT count(*) FROM messages").fetchone()[0] == 4


def test_failing_migration_restores_the_backup(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    build_v1_database(path)

    def boom(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM messages")
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("simulated failure")

    with pytest.raises(StoreError) as caught:
        Store(path, migrations=[*MIGRATIONS, Migration("0003_boom", boom)])
    backup = tmp_path / f"chat.sqlite3.before-{SECOND}.bak"
    message = str(caught.value)
    assert "0003_boom" in message and "simulated failure" in message
    assert "restored" in message and str(backup) in message
    assert backup.exists()

    # Back to exactly the state before the upgrade: 0002 (which had succeeded) is undone too.
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert applied_migrations(conn) == [FIRST]
        assert "ttft_ms" not in columns(conn, "messages")
        assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 4
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchone() is None
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # The next start with the real migrations upgrades it normally.
    with Store(path) as store:
        assert store.count_messages("c1") == 2
        assert [h.message_id for h in store.search("walrus")] == ["m1"]


def test_failing_migration_through_the_low_level_function(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    build_v1_database(path)

    def bad_sql(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE messages ADD COLUMN ttft_ms REAL")
        conn.execute("THIS IS NOT SQL")

    with contextlib.closing(sqlite3.connect(path)) as conn:
        with pytest.raises(StoreError, match="restored from the copy"):
            migrate(conn, [MIGRATIONS[0], Migration("0002_bad", bad_sql)])
        assert applied_migrations(conn) == [FIRST]
        assert "ttft_ms" not in columns(conn, "messages")
        assert not conn.in_transaction
    assert (tmp_path / "chat.sqlite3.before-0002_bad.bak").exists()


def test_failure_on_a_fresh_database_is_a_store_error(tmp_path: Path) -> None:
    def boom(conn: sqlite3.Connection) -> None:
        raise RuntimeError("nope")

    with pytest.raises(StoreError, match="nope"):
        Store(tmp_path / "chat.sqlite3", migrations=[Migration("0001_boom", boom)])
    assert list(tmp_path.glob("*.bak")) == []


def test_each_migration_is_recorded_in_order(tmp_path: Path) -> None:
    calls: list[str] = []

    def make(name: str) -> Migration:
        return Migration(name, lambda conn: calls.append(name))

    with contextlib.closing(sqlite3.connect(tmp_path / "x.sqlite3")) as conn:
        assert migrate(conn, [make("a"), make("b")]) == ["a", "b"]
        assert migrate(conn, [make("a"), make("b"), make("c")]) == ["c"]
        assert calls == ["a", "b", "c"]
        rows = conn.execute("SELECT name, applied_at FROM schema_migrations ORDER BY rowid").fetchall()
        assert [name for name, _ in rows] == ["a", "b", "c"]
        assert all(isinstance(at, float) for _, at in rows)
    assert (tmp_path / "x.sqlite3.before-c.bak").exists()


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    Store(path).close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES ('0099_from_the_future', 0)")
        conn.commit()
    with pytest.raises(StoreError, match="newer version"):
        Store(path)
