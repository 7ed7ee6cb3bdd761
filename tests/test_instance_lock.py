"""Two processes on one data folder, for real: a second window refuses politely, `ask` and `export`
run beside a window, and nobody marks another process's live answer as interrupted."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_chat import config
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.instance_lock import InstanceLock, SharedLock
from desktop_chat.store import Store
from tests.fakes.loopback import Scenario
from tests.wiring import fake_for, settings_for

ROOT = Path(__file__).resolve().parent.parent


def child_env(data_home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DESKTOP_CHAT_HOME": str(data_home), "PYTHONUNBUFFERED": "1",
            "QT_QPA_PLATFORM": "offscreen", "OLLAMA_HOST": "http://127.0.0.1:9",
            "PYTHON_KEYRING_BACKEND": "tests.fakes.memory_keyring.MemoryKeyring", **extra}


def app(data_home: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "desktop_chat", *args], cwd=ROOT, env=child_env(data_home, **env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=10)


# -- the locks themselves ------------------------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from desktop_chat.instance_lock import InstanceLock, SharedLock
kind, where = sys.argv[1], Path(sys.argv[2])
if kind == "window":
    assert InstanceLock(where).acquire()
else:
    lock = SharedLock(where / "chat.sqlite3.lock")
    print("alone" if lock.enter() else "not alone", flush=True)
    lock.share()
print("holding", flush=True)
time.sleep(120)
"""


def hold(kind: str, folder: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, kind, str(folder)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    lines = []
    while not lines or lines[-1] != "holding":
        lines.append(proc.stdout.readline().strip())
    proc.lines = lines  # type: ignore[attr-defined]
    return proc


def test_the_window_lock_is_held_until_the_process_dies_even_by_sigkill(tmp_path):
    holder = hold("window", tmp_path)
    try:
        mine = InstanceLock(tmp_path)
        assert mine.held_elsewhere() and not mine.acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        assert mine.acquire()
        assert InstanceLock(tmp_path).held_elsewhere()  # now we hold it
        mine.release()
        assert not InstanceLock(tmp_path).held_elsewhere()
    finally:
        stop(holder)


def test_the_database_lock_tells_each_process_whether_it_is_alone(tmp_path):
    first = hold("store", tmp_path)
    try:
        assert first.lines[0] == "alone"
        second = hold("store", tmp_path)
        try:
            assert second.lines[0] == "not alone"
            mine = SharedLock(tmp_path / "chat.sqlite3.lock")
            assert mine.enter() is False
            mine.share()
            first.kill()
            first.wait(timeout=10)
            assert mine.last_one_out() is False  # the second still holds it
        finally:
            stop(second)
        assert mine.last_one_out() is True
        mine.leave()
    finally:
        stop(first)


# -- two real processes on one database -----------------------------------------------------------------

def test_opening_the_store_while_ask_streams_does_not_interrupt_its_answer(data_home):
    chunks = [f"w{i} " for i in range(150)]
    with fake_for("local", Scenario(chunks=chunks, chunk_delay=0.02)) as fake:
        config.save_settings(settings_for("local", fake))
        asker = app(data_home, "ask", "count slowly")
        try:
            assert asker.stdout.read(3) == "w0 "  # streaming, its answer stored as "streaming"
            # What a window does when it starts: check the file, migrate, recover crashed answers.
            with Store(config.database_path(), check_integrity=True) as store:
                assert store.moved_aside is None and store.recovered == 0
                conversation = store.list_conversations()[0]
                answer = store.list_messages(conversation.id)[-1]
                assert answer.status is MessageStatus.STREAMING  # not "interrupted": it is alive
            rest, err = asker.communicate(timeout=60)
        finally:
            stop(asker)
    assert asker.returncode == 0, err
    with Store(config.database_path()) as store:
        answer = store.get_message(answer.id)
    assert answer.status is MessageStatus.COMPLETE and answer.text == "".join(chunks)


def test_a_second_start_on_the_same_folder_brings_the_first_back_and_leaves_it_alone(data_home):
    with fake_for("local", Scenario(chunks=["fine"])) as fake:
        config.save_settings(settings_for("local", fake))
        first = app(data_home)
        try:
            wait_for(lambda: InstanceLock(data_home).held_elsewhere() and config.database_path().exists()
                     or first.poll() is not None, what="the first window")
            assert first.poll() is None, first.communicate()

            # No files: the first window is asked to come to the front, the second exits at once.
            second = app(data_home, DESKTOP_CHAT_TEST_NO_DIALOGS="1")
            out, err = second.communicate(timeout=60)
            assert second.returncode == 0, err
            assert out == "handed-over 0\n", out
            assert "Traceback" not in err

            # Commands that only read, and `ask`, run beside the window.
            exported = subprocess.run([sys.executable, "-m", "desktop_chat", "export"], cwd=ROOT,
                                      env=child_env(data_home), capture_output=True, text=True, timeout=60)
            assert exported.returncode == 0 and json.loads(exported.stdout)["conversations"] == []
            asked = subprocess.run([sys.executable, "-m", "desktop_chat", "ask", "hello"], cwd=ROOT,
                                   env=child_env(data_home), capture_output=True, text=True, timeout=60)
            assert (asked.returncode, asked.stdout) == (0, "fine\n"), asked.stderr

            assert first.poll() is None  # the first window is untouched
            first.send_signal(signal.SIGTERM)  # closes the window the normal way
            _, err = first.communicate(timeout=30)
            assert first.returncode == 0, err
        finally:
            stop(first)
    assert not InstanceLock(data_home).held_elsewhere()
    with sqlite3.connect(config.database_path()) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 2


def test_a_second_start_hands_its_file_to_the_running_window(data_home, tmp_path):
    """The desktop entry's "Open with" while the app runs: `desktop-chat FILE` gives FILE to the
    window already open on that data folder (a new conversation with it attached) and exits."""
    notes = tmp_path / "harbour notes.txt"
    notes.write_text("The harbour opens at six.", encoding="utf-8")
    first = app(data_home, DESKTOP_CHAT_TEST_REPORT_HANDOVER="1")
    try:
        wait_for(lambda: InstanceLock(data_home).held_elsewhere() and config.database_path().exists()
                 or first.poll() is not None, what="the first window")
        assert first.poll() is None, first.communicate()

        second = subprocess.run([sys.executable, "-m", "desktop_chat", notes.name], cwd=tmp_path,  # a relative path
                                env={**child_env(data_home, DESKTOP_CHAT_TEST_NO_DIALOGS="1"),
                                     "PYTHONPATH": str(ROOT)},
                                capture_output=True, text=True, timeout=60)
        assert (second.returncode, second.stdout) == (0, "handed-over 1\n"), second.stderr

        assert first.stdout.readline() == "handover-received 1 conversation=None\n"
        assert first.stdout.readline() == "handover-attached harbour notes.txt:ready\n"
        assert first.poll() is None
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=30)
        assert first.returncode == 0, err
        assert "Traceback" not in err
    finally:
        stop(first)
    assert not InstanceLock(data_home).held_elsewhere()


def test_a_hung_window_is_reported_by_the_second_start_in_one_dialog(data_home, tmp_path):
    first = app(data_home)
    try:
        wait_for(lambda: InstanceLock(data_home).held_elsewhere() and config.database_path().exists()
                 or first.poll() is not None, what="the first window")
        assert first.poll() is None, first.communicate()
        first.send_signal(signal.SIGSTOP)  # hung: it holds the lock and the socket, and answers nothing
        try:
            started = time.monotonic()
            second = app(data_home, str(tmp_path / "a.pdf"), DESKTOP_CHAT_TEST_NO_DIALOGS="1")
            out, err = second.communicate(timeout=60)
            took = time.monotonic() - started
        finally:
            first.send_signal(signal.SIGCONT)
        assert second.returncode == 1, err
        assert out == (f"dialog notAnswering: Desktop Chat is already running with this data folder ({data_home}) "
                       "but did not answer; close it and try again.\n")
        assert took < 20  # ≈ 2 s of waiting plus the start itself, not for ever
        # Running again, it answers the next start (its loop runs, so its SIGTERM handler is in place).
        again = app(data_home, DESKTOP_CHAT_TEST_NO_DIALOGS="1")
        assert again.communicate(timeout=60)[0] == "handed-over 0\n"
        first.send_signal(signal.SIGTERM)  # closes the window the normal way
        _, err = first.communicate(timeout=30)
        assert first.returncode == 0, err
    finally:
        stop(first)
