"""The window's start with a history that needs an upgrade: a progress window, then the window.

The history is a small v4 file (schema 0001–0004, from before message trees) made in the test; the
progress window is observed through the application's events (it is shown, its bar painted and
moved), as a user would see it, and the window then lists and opens the upgraded conversations.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QListView, QWidget

from desktop_chat import config
from desktop_chat.store import MIGRATIONS, Migration, StoreError, applied_migrations
from desktop_chat.store import migrations as migrations_module
from desktop_chat.ui.app import open_history
from tests.store.v4_history import make_v4_history
from tests.ui.conftest import view_text


class ProgressWatch(QObject):
    """Records what the application shows of the progress window: shown, painted, bar values."""

    def __init__(self) -> None:
        super().__init__()
        self.shown = 0
        self.painted: list[int] = []
        self.text = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QWidget) and watched.objectName() == "migrationProgress":
            if event.type() == QEvent.Type.Show:
                self.shown += 1
                self.text = watched.findChild(QWidget, "migrationProgressText").text()
            elif event.type() == QEvent.Type.Paint:
                self.painted.append(watched.findChild(QWidget, "migrationProgressBar").value())
        return False


@pytest.fixture
def watch(qapp):  # noqa: ANN001, ANN201
    watch = ProgressWatch()
    qapp.installEventFilter(watch)
    yield watch
    qapp.removeEventFilter(watch)


def progress_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == "migrationProgress" and w.isVisible()]


def test_an_older_history_is_upgraded_behind_a_progress_window_then_the_window_shows_it(windows, watch, qtbot,
                                                                                          monkeypatch):
    monkeypatch.setattr(migrations_module, "_TREE_CHUNK", 5)  # a small file still moves the bar in steps
    path = config.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    make_v4_history(path, conversations=3, messages_each=6)

    window = windows.new()

    assert watch.shown == 1
    assert watch.text == "Updating your conversation history… (one time)"
    assert watch.painted, "the progress window never painted"
    assert progress_windows() == []  # gone once the history is open
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert applied_migrations(conn) == [m.name for m in MIGRATIONS]
    assert Path(f"{path}.before-0005_message_tree.bak").exists()
    model = window.findChild(QListView, "conversationList").model()
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    assert sorted(model.data(model.index(r)) for r in range(3)) == [f"Conversation {i}" for i in range(3)]
    window.open_conversation("v4-c1")
    qtbot.waitUntil(lambda: len(window.view.message_ids()) == 6)
    assert view_text(window.view, "v4-m1-6") == "Message 6 of conversation 1: 一些中文 and some words to index."
    assert [m.parent_id for m in window.store.list_messages("v4-c1")][:2] == [None, "v4-m1-1"]


def test_the_usual_start_shows_no_progress_window(windows, watch):
    first = windows.new()  # a new history: made on the spot
    windows.close(first)
    again = windows.new()  # an up-to-date one: nothing to apply
    assert watch.shown == 0
    assert again.store.count_conversations() == 0


def test_a_failed_upgrade_closes_the_progress_window_and_raises_the_store_error(qapp, watch, data_home, qtbot,
                                                                                monkeypatch):
    path = config.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    make_v4_history(path, conversations=2, messages_each=4)

    def broken(conn: sqlite3.Connection, progress) -> None:  # noqa: ANN001
        progress(0.5)
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    failing = Migration("0005_message_tree", broken, report=broken)
    monkeypatch.setattr(migrations_module, "MIGRATIONS", (*MIGRATIONS[:4], failing))
    from desktop_chat.store import database

    monkeypatch.setattr(database, "MIGRATIONS", (*MIGRATIONS[:4], failing))

    with pytest.raises(StoreError) as raised:
        open_history(path)

    assert raised.value.kind == "migration_failed" and raised.value.step == "0005_message_tree"
    assert watch.shown == 1
    assert progress_windows() == []
    with contextlib.closing(sqlite3.connect(path)) as conn:  # put back as it was
        assert applied_migrations(conn) == [m.name for m in MIGRATIONS[:4]]
        assert conn.execute("SELECT count(*) FROM messages").fetchone() == (8,)
