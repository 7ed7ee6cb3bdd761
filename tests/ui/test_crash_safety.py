"""Crash and storage safety through the real window: a killed app, a damaged or un-upgradable history,
a disk that fills up or a folder that turns read-only while an answer streams.

Disk full is SQLite's own ``PRAGMA max_page_count`` capped at the database's size (every write that
needs a page fails with the real SQLITE_FULL, "database or disk is full"); read-only is
``PRAGMA query_only`` (SQLITE_READONLY). Both go through the real store, engine and window;
tests/chat/test_engine_saving.py also fills a real tmpfs where mounting is allowed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from desktop_chat import config
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import MIGRATIONS, Store, applied_migrations, migrate
from tests.fakes.loopback import FakeServer, Scenario
from tests.fakes.openai_server import FakeOpenAI
from tests.tiny_disk import fill, tiny_disk
from tests.ui.conftest import configure, view_text
from tests.wiring import settings_for
from tests.ui.window_actions import type_and_send

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "QT_QPA_PLATFORM": "offscreen",
            "PYTHON_KEYRING_BACKEND": "tests.fakes.memory_keyring.MemoryKeyring", **extra}


def badge(window, message_id: str) -> str:  # noqa: ANN001
    widget = window.view.message_widget(message_id).findChild(QWidget, "statusBadge")
    return widget.text() if widget is not None and widget.isVisible() else ""


def notice(window, message_id: str) -> str:  # noqa: ANN001
    label = window.view.message_widget(message_id).findChild(QLabel, "noticeLabel")
    return label.text() if label is not None and label.isVisible() else ""


def screenshot(widget: QWidget, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert widget.grab().save(str(path))
    return path


# -- SIGKILL mid-answer ----------------------------------------------------------------------------------

class TimedOpenAI(FakeOpenAI):
    """The OpenAI fake, noting when it sends each text chunk (the test's clock: same process)."""

    def __init__(self, default: Scenario | None = None) -> None:
        super().__init__(default)
        self.sent_at: list[float] = []

    async def pause(self, scenario: Scenario) -> None:  # runs right before each chunk is written
        await FakeServer.pause(scenario)
        self.sent_at.append(time.monotonic())


def test_killing_the_window_mid_answer_keeps_all_but_the_last_second_and_offers_continue(
        windows, qtbot, data_home):
    chunks = [f"tok{i} " for i in range(4000)]
    with TimedOpenAI(Scenario(chunks=chunks, chunk_delay=0.005)) as fake:
        config.save_settings(settings_for("local", fake))
        # The real app in its own process, offscreen; a test hook types "go" and presses Enter.
        app = subprocess.Popen([sys.executable, "-m", "desktop_chat"], cwd=ROOT,
                               env=child_env(DESKTOP_CHAT_TEST_PROMPT="go", OLLAMA_HOST="http://127.0.0.1:9"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while len(fake.sent_at) < 400 and app.poll() is None:  # two seconds of answer
                assert time.monotonic() < deadline, "the app never started answering"
                time.sleep(0.01)
            killed_at = time.monotonic()
            app.send_signal(signal.SIGKILL)
            app.wait(timeout=10)
        finally:
            if app.poll() is None:
                app.kill()
            err = app.communicate(timeout=10)[1]
        assert app.returncode == -signal.SIGKILL, err
        sent_before_the_last_second = sum(1 for t in fake.sent_at if t <= killed_at - 1.0)

        # The next start, on the same data folder: the real window.
        fake.enqueue(Scenario(chunks=["and the end."]))
        window = windows.new()  # the settings the killed app ran with
        (conversation,) = window.store.list_conversations()
        window.open_conversation(conversation.id)
        question, answer = window.store.list_messages(conversation.id)
        assert (question.role, question.text) == ("user", "go")
        assert answer.status is MessageStatus.INTERRUPTED
        assert "".join(chunks).startswith(answer.text)
        saved_chunks = answer.text.count(" ")
        assert saved_chunks >= sent_before_the_last_second, (saved_chunks, sent_before_the_last_second)

        assert view_text(window.view, answer.id) == answer.text
        assert badge(window, answer.id) == "Interrupted"
        continue_button = window.view.message_widget(answer.id).findChild(QPushButton, "continueButton")
        assert continue_button is not None and continue_button.isVisible()
        qtbot.mouseClick(continue_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.store.get_message(answer.id).status is MessageStatus.COMPLETE
                        and not window.controller.is_streaming(conversation.id), timeout=20_000)
    assert window.store.get_message(answer.id).text == answer.text + "and the end."


# -- the history file at start ------------------------------------------------------------------------

def test_a_damaged_history_is_moved_aside_and_the_window_says_where(windows, qtbot, data_home):
    config.database_path().write_bytes(b"SQLite format 2\0 - this is not the database it claims to be" * 50)
    window = windows.new()
    notice_bar = window.storage_notice
    assert notice_bar.isVisible()
    (moved,) = [p for p in data_home.glob("chat.sqlite3.damaged-*")]
    assert str(moved) in notice_bar.text and "damaged" in notice_bar.text
    assert window.findChild(QPushButton, "storageNoticeFolderButton").isVisible()
    screenshot(window, "integrity-moved-aside.png")
    # The window works on the fresh history, and the old file is kept as it was.
    assert window.store.count_conversations() == 0
    assert moved.read_bytes().startswith(b"SQLite format 2\0")
    qtbot.mouseClick(window.findChild(QPushButton, "storageNoticeDismissButton"), Qt.MouseButton.LeftButton)
    assert not notice_bar.isVisible()
    windows.close(window)

    again = windows.new()  # the next start is an ordinary one
    assert not again.storage_notice.isVisible()


def test_a_damaged_history_comes_back_as_far_as_it_can_be_read(windows, data_home):
    from tests.store.test_integrity import make_history, scribble_over_a_table_page

    make_history(config.database_path(), conversations=12)
    scribble_over_a_table_page(config.database_path())
    window = windows.new()
    assert window.storage_notice.isVisible()
    assert "brought back what could still be read: 12 conversation(s) with 24 message(s)" in window.storage_notice.text
    assert window.store.count_conversations() == 12
    screenshot(window, "integrity-salvaged.png")
    windows.close(window)


def test_a_failed_upgrade_is_undone_and_the_start_up_dialog_says_so(data_home):
    path = config.database_path()
    with contextlib.closing(sqlite3.connect(path)) as conn:  # a history from before 0003 …
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn, MIGRATIONS[:2])
        conn.execute("INSERT INTO conversations (id, title, options, created_at, updated_at) "
                     "VALUES ('c1', 'Kept', '{}', 1, 1)")
        conn.execute("INSERT INTO messages (id, conversation_id, seq, role, text, created_at, updated_at) "
                     "VALUES ('m1', 'c1', 1, 'user', 'still here', 1, 1)")
        conn.execute("ALTER TABLE messages ADD COLUMN error_text TEXT")  # … that 0003 cannot upgrade
        conn.commit()

    proc = subprocess.run([sys.executable, "-m", "desktop_chat"], cwd=ROOT, capture_output=True, text=True,
                          env=child_env(DESKTOP_CHAT_TEST_NO_DIALOGS="1"), timeout=60)
    backup = Path(f"{path}.before-{MIGRATIONS[2].name}.bak")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith(
        f"dialog startupProblem: Desktop Chat could not upgrade your conversation history to this version "
        f"(step {MIGRATIONS[2].name} failed: duplicate column name: error_text). Nothing was lost: the history "
        f"was put back exactly as it was, and a copy made before the upgrade is kept at {backup}."), proc.stdout
    assert backup.exists()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert applied_migrations(conn) == [m.name for m in MIGRATIONS[:2]]
        assert conn.execute("SELECT text FROM messages").fetchall() == [("still here",)]
    log = (data_home / "logs" / "desktop-chat.log").read_text(encoding="utf-8")
    assert "migration_failed" in log


def test_a_full_disk_at_start_is_said_in_words_and_the_app_exits(tmp_path):
    with tiny_disk(tmp_path / "disk", megabytes=1) as disk:
        home = disk / "home"
        home.mkdir()
        fill(disk)
        proc = subprocess.run([sys.executable, "-m", "desktop_chat"], cwd=ROOT, capture_output=True, text=True,
                              env=child_env(DESKTOP_CHAT_HOME=str(home), DESKTOP_CHAT_TEST_NO_DIALOGS="1"),
                              timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("dialog startupProblem: The disk is full: Desktop Chat cannot open its "
                                  f"conversation history ({home / 'chat.sqlite3'})."), proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "cannot write the log file" in proc.stderr  # said once, not a traceback per line


# -- the disk fills up, the folder turns read-only ----------------------------------------------------

def pragma(store: Store, sql: str) -> int | None:
    with store._lock:
        assert store._conn is not None
        row = store._conn.execute(sql).fetchone()
    return row[0] if row else None


def fast_saves(window) -> None:  # noqa: ANN001
    window.engine.save_interval = 0.05
    window.engine.save_retry_interval = 0.1


def test_a_full_disk_mid_answer_is_shown_and_saving_resumes(windows, qtbot, fakes):
    chunks = [f"{i:03d} " + "lorem ipsum dolor sit amet " * 14 + "\n\n" for i in range(300)]
    fake = fakes("local", Scenario(chunks=chunks, chunk_delay=0.01))
    window = windows.new(configure("local", fake))
    fast_saves(window)
    type_and_send(qtbot, window, "write a long text")
    qtbot.waitUntil(lambda: window.controller.live_answer(window.current_conversation_id or "") is not None)
    answer_id = window.controller.live_answer(window.current_conversation_id)[0]
    qtbot.waitUntil(lambda: window.store.get_message(answer_id).text != "")
    pragma(window.store, f"PRAGMA max_page_count = {pragma(window.store, 'PRAGMA page_count')}")  # disk full

    qtbot.waitUntil(lambda: "the disk is full" in notice(window, answer_id), timeout=10_000)
    assert window.storage_notice.isVisible() and "the disk is full" in window.storage_notice.text
    assert window.controller.is_streaming(window.current_conversation_id)  # the answer goes on
    widget = window.view.message_widget(answer_id)
    label = widget.findChild(QLabel, "noticeLabel")
    qtbot.waitUntil(lambda: label.geometry().top() >= widget.body.geometry().bottom())  # laid out
    screenshot(window, "could-not-save.png")

    pragma(window.store, "PRAGMA max_page_count = 1073741823")  # space again
    qtbot.waitUntil(lambda: not window.storage_notice.isVisible(), timeout=10_000)
    assert notice(window, answer_id) == ""
    assert "Saving works again" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.store.get_message(answer_id).status is MessageStatus.COMPLETE, timeout=30_000)
    assert window.store.get_message(answer_id).text == "".join(chunks)
    assert view_text(window.view, answer_id) == "".join(chunks)


def test_a_read_only_folder_at_the_end_keeps_the_answer_on_screen_until_it_is_saved(windows, qtbot, fakes):
    chunks = [f"part {i}. " for i in range(30)]
    fake = fakes("local", Scenario(chunks=chunks, chunk_delay=0.01))
    window = windows.new(configure("local", fake))
    fast_saves(window)
    type_and_send(qtbot, window, "answer me")
    qtbot.waitUntil(lambda: window.controller.live_answer(window.current_conversation_id or "") is not None)
    cid = window.current_conversation_id
    answer_id = window.controller.live_answer(cid)[0]
    pragma(window.store, "PRAGMA query_only = 1")  # the data folder turned read-only
    qtbot.waitUntil(lambda: not window.controller.is_streaming(cid), timeout=20_000)

    full = "".join(chunks)
    assert view_text(window.view, answer_id) == full
    assert "cannot be written to" in notice(window, answer_id)
    assert window.store.get_message(answer_id).text != full  # the disk does not have it yet
    window.new_conversation()
    window.open_conversation(cid)  # away and back: the answer is shown as it is, notice included
    assert view_text(window.view, answer_id) == full
    assert "cannot be written to" in notice(window, answer_id)

    pragma(window.store, "PRAGMA query_only = 0")
    qtbot.waitUntil(lambda: notice(window, answer_id) == "" and not window.storage_notice.isVisible(),
                    timeout=10_000)
    stored = window.store.get_message(answer_id)
    assert (stored.status, stored.text) == (MessageStatus.COMPLETE, full)


def test_a_question_that_cannot_be_stored_stays_in_the_composer(windows, qtbot, fakes):
    fake = fakes("local")
    window = windows.new(configure("local", fake))
    pragma(window.store, "PRAGMA query_only = 1")
    type_and_send(qtbot, window, "keep me")
    qtbot.waitUntil(lambda: "could not be saved" in window.statusBar().currentMessage())
    assert "cannot be written to" in window.statusBar().currentMessage()
    assert window.composer.toPlainText() == "keep me"
    assert fake.requests == []  # nothing was sent that history could not keep
    pragma(window.store, "PRAGMA query_only = 0")
    window.composer.clear()
    type_and_send(qtbot, window, "now it works")
    qtbot.waitUntil(lambda: any(m.text == "Hello, world!" for c in window.store.list_conversations()
                                for m in window.store.list_messages(c.id)), timeout=10_000)
