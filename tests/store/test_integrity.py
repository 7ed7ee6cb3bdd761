"""A damaged history file at start: moved aside (kept, timestamped), a fresh one created, never a crash loop."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import Store, StoreError, integrity


def make_history(path: Path, conversations: int = 30) -> None:
    """A real database with enough rows to span many pages."""
    with Store(path) as store:
        for i in range(conversations):
            c = store.create_conversation(f"conversation {i}")
            store.add_message(c.id, "user", f"question {i} " + "words " * 200)
            store.add_message(c.id, "assistant", f"answer {i} " + "more words " * 200)


def scribble_over_a_table_page(path: Path) -> None:
    """Overwrite the middle of a b-tree page of `messages` with garbage: a real bit-rot-like damage."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'messages'").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 8:start + page_size - 8] = b"\xa5" * (page_size - 16)
    path.write_bytes(bytes(data))


def copies(folder: Path) -> list[Path]:
    """The damaged files moved aside (their -wal/-shm companions not counted)."""
    return [p for p in folder.glob("chat.sqlite3.damaged-*") if not p.name.endswith(("-wal", "-shm"))]


def open_checked(path: Path) -> Store:
    return Store(path, check_integrity=True)


@pytest.mark.parametrize("damage", ["not_a_database", "truncated", "scribbled_page", "garbage_header"])
def test_a_damaged_file_is_moved_aside_and_a_fresh_one_starts(tmp_path, damage):
    path = tmp_path / "chat.sqlite3"
    if damage == "not_a_database":
        path.write_bytes(b"this is not sqlite at all " * 400)
    else:
        make_history(path)
        if damage == "truncated":
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = path.stat().st_size
            with open(path, "r+b") as f:
                f.truncate(size // 3)
        elif damage == "scribbled_page":
            scribble_over_a_table_page(path)
        else:
            with open(path, "r+b") as f:
                f.write(b"GARBAGE GARBAGE!")  # the 16-byte magic string
    original = path.read_bytes()

    with open_checked(path) as store:
        assert store.moved_aside is not None
        assert store.moved_aside.parent == tmp_path
        assert store.moved_aside.name.startswith("chat.sqlite3.damaged-")
        assert store.moved_aside.read_bytes() == original  # kept exactly as it was, not deleted
        # What could still be read came back into the fresh database (salvage.py).
        back = store.salvaged
        assert back is not None and store.count_conversations() == back.conversation_count
        if damage == "not_a_database":
            assert (back.conversation_count, back.message_count) == (0, 0)
        elif damage == "truncated":  # the first third of the pages survive
            assert 0 < back.message_count < 60
        else:  # a damaged interior page or header hides nothing from a page-by-page read
            assert (back.conversation_count, back.message_count) == (30, 60)
        before = store.count_conversations()
        c = store.create_conversation("after the damage")
        store.add_message(c.id, "user", "still works")

    with open_checked(path) as again:  # the next start is a normal start: no second move, no loop
        assert again.moved_aside is None and again.salvaged is None
        assert again.count_conversations() == before + 1
        assert again.list_conversations()[0].title == "after the damage"
    assert len(copies(tmp_path)) == 1


def test_the_wal_goes_aside_with_its_database(tmp_path):
    path = tmp_path / "chat.sqlite3"
    make_history(path, conversations=3)
    # A process that committed and then died: its last writes are only in the WAL.
    subprocess.run([sys.executable, "-c", (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1])\n"
        "conn.execute(\"INSERT INTO conversations (id, title, options, created_at, updated_at) "
        "VALUES ('w', 'only in the WAL', '{}', 0, 0)\")\n"
        "conn.commit()\n"
        "os._exit(0)\n"), str(path)], check=True)
    assert Path(f"{path}-wal").exists() and Path(f"{path}-wal").stat().st_size > 0
    header = path.read_bytes()[:100]
    with open(path, "r+b") as f:  # damage the main file's header only
        f.write(b"\0" * 16)

    with open_checked(path) as store:
        moved = store.moved_aside
    assert moved is not None and Path(f"{moved}-wal").exists()
    with open(moved, "r+b") as f:  # repaired by hand, the pair opens with any SQLite tool
        f.write(header[:16])
    with sqlite3.connect(moved) as conn:
        titles = {t for (t,) in conn.execute("SELECT title FROM conversations")}
    assert "only in the WAL" in titles


def test_a_healthy_file_is_left_alone_and_crash_recovery_still_runs(tmp_path):
    path = tmp_path / "chat.sqlite3"
    make_history(path, conversations=2)
    with Store(path) as store:
        c = store.create_conversation()
        answer = store.add_message(c.id, "assistant", "half", status=MessageStatus.STREAMING)
    with open_checked(path) as store:
        assert store.moved_aside is None and store.recovered == 1
        assert store.get_message(answer.id).status is MessageStatus.INTERRUPTED
    assert list(tmp_path.glob("*.damaged-*")) == []


def test_a_big_file_gets_the_full_check_only_after_an_unclean_end(tmp_path, monkeypatch):
    from desktop_chat.store import database

    path = tmp_path / "chat.sqlite3"
    make_history(path)
    scribble_over_a_table_page(path)  # the header and schema still read fine
    monkeypatch.setattr(database, "FULL_CHECK_MAX_BYTES", 0)  # as if the history were huge
    marker = Path(f"{path}.in-use")
    assert not marker.exists()  # the last session closed the database
    with pytest.raises(StoreError):  # only the cheap check ran; the damage shows when it is read
        with open_checked(path) as store:
            assert store.moved_aside is None
            store.list_messages(store.list_conversations()[0].id)
            store.search("words")
            with store._lock:
                store._conn.execute("SELECT count(*), sum(length(text)) FROM messages").fetchone()
    assert marker.exists()  # a query met the damage: the next start checks the whole file
    with open_checked(path) as store:
        assert store.moved_aside is not None


def test_a_killed_session_leaves_the_marker_that_asks_for_the_full_check(tmp_path, monkeypatch):
    from desktop_chat.store import database

    path = tmp_path / "chat.sqlite3"
    make_history(path)
    store = Store(path)
    assert Path(f"{path}.in-use").exists()
    store._presence.leave()  # what the OS does to a killed process's lock; the marker stays
    store._presence = None
    scribble_over_a_table_page(path)
    monkeypatch.setattr(database, "FULL_CHECK_MAX_BYTES", 0)
    with open_checked(path) as fresh:
        assert fresh.moved_aside is not None


def test_a_locked_file_is_not_mistaken_for_a_damaged_one(tmp_path):
    path = tmp_path / "chat.sqlite3"
    make_history(path, conversations=1)
    other = sqlite3.connect(path, timeout=0)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as caught:
            Store(path, check_integrity=True)
    finally:
        other.rollback()
        other.close()
    assert caught.value.kind == "busy"
    assert list(tmp_path.glob("*.damaged-*")) == []
    assert path.exists()


def test_move_aside_never_overwrites_an_earlier_copy(tmp_path):
    path = tmp_path / "chat.sqlite3"
    first, second = b"first damaged file", b"second damaged file"
    path.write_bytes(first)
    one = integrity.move_aside(path, now=1_700_000_000)
    path.write_bytes(second)
    two = integrity.move_aside(path, now=1_700_000_000)  # the same second
    assert one != two and one.read_bytes() == first and two.read_bytes() == second
