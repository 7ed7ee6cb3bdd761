"""An upgrade says how far it is (for the window's start-up), and saying so changes nothing in the result."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from desktop_chat.store import MIGRATIONS, Store, applied_migrations, pending_upgrade
from desktop_chat.store import migrations as migrations_module
from tests.store.v4_history import make_v4_history


def tree(path: Path) -> list[tuple[str, str | None]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT id, parent_id FROM messages ORDER BY num").fetchall()


def test_pending_upgrade_names_what_opening_would_apply_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    assert pending_upgrade(path) == []  # no file yet: a new history is quick to make
    make_v4_history(path, conversations=2, messages_each=4)
    assert pending_upgrade(path) == [m.name for m in MIGRATIONS[4:]]
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert applied_migrations(conn) == [m.name for m in MIGRATIONS[:4]]
    Store(path).close()
    assert pending_upgrade(path) == []


def test_pending_upgrade_of_an_unreadable_file_is_left_to_opening_it(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    assert pending_upgrade(path) == []


def test_the_tree_migration_reports_its_progress_in_order_up_to_the_end(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(migrations_module, "_TREE_CHUNK", 7)  # several runs of rows from a small file
    quiet, told = tmp_path / "quiet.sqlite3", tmp_path / "told.sqlite3"
    for path in (quiet, told):
        make_v4_history(path, conversations=5, messages_each=9)
    Store(quiet).close()
    heard: list[float] = []
    Store(told, progress=heard.append).close()
    assert heard[0] == 0.0 and heard[-1] == 1.0
    assert heard == sorted(heard)
    assert len({round(f, 3) for f in heard}) >= 8  # the backup and each run of rows moved the bar
    assert tree(told) == tree(quiet)  # chunks or not, every message has the same parent
    assert tree(told)[:3] == [("v4-m0-1", None), ("v4-m0-2", "v4-m0-1"), ("v4-m0-3", "v4-m0-2")]
    assert Path(f"{told}.before-0005_message_tree.bak").exists()


def test_quick_migrations_report_only_the_start_and_the_end(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        migrations_module.migrate(conn, MIGRATIONS[:2])
        heard: list[float] = []
        assert migrations_module.migrate(conn, MIGRATIONS[:4], progress=heard.append) == [
            m.name for m in MIGRATIONS[2:4]]
    assert heard[0] == 0.0 and heard[-1] == 1.0 and heard == sorted(heard)
