"""A second start hands its files to the running window (in-process: the window's server, the
second start's client function in a worker thread, as a second process would block in it)."""

from __future__ import annotations

import json
import socket
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, Qt
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop_chat.ui.composer.attachment_chips import ChipState
from desktop_chat.ui.runtime.single_instance import (
    HandOver,
    InstanceServer,
    encode_request,
    hand_over,
    not_answering_box,
    parse_request,
    serve_window,
    server_name,
)
from tests.ui.test_screenshot_xvfb import save


def in_thread(qtbot, function):  # noqa: ANN001, ANN201
    """Run a blocking client call off the GUI thread, processing Qt events until it returns."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(function()), daemon=True)
    thread.start()
    qtbot.waitUntil(lambda: bool(result), timeout=10_000)
    thread.join(timeout=5)
    return result[0]


def serving(window, data_home: Path) -> InstanceServer:  # noqa: ANN001
    server = InstanceServer(server_name(data_home), window)
    assert server.listen()
    serve_window(window, server)
    return server


# -- the name and the message --------------------------------------------------------------------------

def test_the_server_name_belongs_to_the_data_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, again, other = server_name(tmp_path / "a"), server_name(tmp_path / "a" / ".." / "a"), server_name(tmp_path / "b")
    assert first == again != other
    assert first.startswith("desktop-chat-") and len(first) <= 40  # a Unix socket path has ≈ 100 bytes


def test_a_request_round_trips_and_bad_ones_say_why(tmp_path):
    files = [tmp_path / "report 2025.pdf", tmp_path / "笔记.md"]
    request = parse_request(encode_request(files, "token-1").rstrip(b"\n"))
    assert request.files == tuple(files) and request.activation_token == "token-1"
    newer = {"app": "desktop-chat", "version": 2, "files": [str(files[0])], "window": "new"}
    assert parse_request(json.dumps(newer).encode()).files == (files[0],)  # unknown fields are ignored

    for line, reason in [(b"\xff\xfe", "not a JSON message"), (b"[1, 2]", "not a Desktop Chat message"),
                         (b'{"app": "other", "version": 1, "files": []}', "not a Desktop Chat message"),
                         (b'{"app": "desktop-chat", "version": 0, "files": []}', "unknown protocol version 0"),
                         (b'{"app": "desktop-chat", "version": 1}', "'files' must be a list of paths"),
                         (b'{"app": "desktop-chat", "version": 1, "files": ["a.pdf"]}', "paths must be absolute: a.pdf")]:
        with pytest.raises(ValueError, match=reason):
            parse_request(line)


# -- the running window --------------------------------------------------------------------------------

def test_files_from_a_second_start_open_a_new_conversation_with_them_attached(windows, qtbot, data_home, tmp_path):
    window = windows.new()
    conversation = window.store.create_conversation(title="An older chat")
    window.open_conversation(conversation.id)
    assert window.current_conversation_id == conversation.id
    serving(window, data_home)
    notes = tmp_path / "notes.txt"
    notes.write_text("The harbour opens at six.", encoding="utf-8")
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)

    result = in_thread(qtbot, lambda: hand_over(server_name(data_home), [notes]))

    assert result.outcome is HandOver.DELIVERED, result.detail
    chips = window.attachments.tray.chips
    qtbot.waitUntil(lambda: [(c.title, c.state) for c in chips()] == [("notes.txt", ChipState.READY)], timeout=20_000)
    assert window.current_conversation_id is None  # a new conversation, the older one left as it was
    assert window.top_bar.title.full_text() == "New conversation"
    assert not window.isMinimized()
    window.resize(900, 600)
    qtbot.wait(30)
    save(window, "handover-new-conversation.png")  # to look at: the file's chip, ready in the composer


def test_a_second_start_without_files_only_brings_the_window_back(windows, qtbot, data_home):
    window = windows.new()
    serving(window, data_home)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)

    result = in_thread(qtbot, lambda: hand_over(server_name(data_home), []))

    assert result.outcome is HandOver.DELIVERED, result.detail
    qtbot.waitUntil(lambda: not window.isMinimized())
    assert window.attachments._tray is None  # nothing attached, no chips built


def test_a_garbled_message_is_refused_and_changes_nothing(windows, qtbot, data_home):
    window = windows.new()
    server = serving(window, data_home)
    seen: list[object] = []
    server.requested.connect(seen.append)

    def garbled() -> bytes:
        client = QLocalSocket()
        client.connectToServer(server.name)
        assert client.waitForConnected(2000)
        client.write(b'{"app": "desktop-chat", "version": 1, "files": ["relative.pdf"]}\n')
        client.waitForBytesWritten(2000)
        reply = b""
        for _ in range(100):  # short waits: PySide holds the GIL in waitFor…(), and the server is in this process
            if b"\n" in reply:
                break
            client.waitForReadyRead(50)
            reply += bytes(client.readAll().data())
        return reply

    reply = json.loads(in_thread(qtbot, garbled))
    assert reply == {"version": 1, "ok": False, "error": "paths must be absolute: relative.pdf"}
    assert seen == [] and window.attachments._tray is None


def test_a_window_that_does_not_answer_is_reported_after_the_timeout(qtbot, tmp_path):
    # Listening but never reading: what a hung window looks like from outside.
    hung = QLocalServer()
    name = server_name(tmp_path)
    QLocalServer.removeServer(name)
    assert hung.listen(name)
    try:
        result = in_thread(qtbot, lambda: hand_over(name, [tmp_path / "a.pdf"], timeout_s=0.6))
    finally:
        hung.close()
    assert result.outcome is HandOver.NO_ANSWER and result.detail == "no answer in time"
    assert 0.5 <= result.elapsed_s < 2.0


def test_nobody_listening_is_no_answer_within_the_deadline(qtbot, tmp_path):
    result = in_thread(qtbot, lambda: hand_over(server_name(tmp_path), [], timeout_s=0.4))
    assert result.outcome is HandOver.NO_ANSWER and result.detail.startswith("cannot connect")
    assert result.elapsed_s < 1.5


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave no file behind")
def test_a_socket_file_left_by_a_crash_does_not_block_the_next_window(qtbot, tmp_path):
    name = server_name(tmp_path)
    path = Path(QDir.tempPath()) / name
    QLocalServer.removeServer(name)
    crashed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    crashed.bind(str(path))  # bound, then the process "dies": the file stays, nobody listens
    crashed.close()
    try:
        assert path.exists()
        plain = QLocalServer()
        assert not plain.listen(name)  # what a window without the clean-up would hit
        server = InstanceServer(name)
        assert server.listen()
        received: list[object] = []
        server.requested.connect(received.append)
        result = in_thread(qtbot, lambda: hand_over(name, []))
        assert result.outcome is HandOver.DELIVERED
        qtbot.waitUntil(lambda: len(received) == 1)
        server.close()
    finally:
        path.unlink(missing_ok=True)


def test_the_not_answering_dialog_names_the_folder(qapp, tmp_path):
    box = not_answering_box(tmp_path)
    assert box.objectName() == "notAnswering"
    assert box.text() == (f"Desktop Chat is already running with this data folder ({tmp_path}) but did not "
                          "answer; close it and try again.")
    assert box.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    box.deleteLater()


# -- the start-up's side (ui/app.py) ---------------------------------------------------------------------

class FreedLock:
    """An InstanceLock whose holder went away (or not) while the second start waited."""

    def __init__(self, free: bool) -> None:
        self.free = free

    def acquire(self) -> bool:
        return self.free


def test_a_window_that_closed_meanwhile_lets_this_start_open_the_window(qtbot, data_home, tmp_path, monkeypatch, capsys):
    from desktop_chat.ui.app import NO_DIALOGS_ENV, _hand_over_to_running_window

    monkeypatch.setenv(NO_DIALOGS_ENV, "1")
    # Nobody listens (the window closed its server when it began to close) and its lock is free now.
    assert _hand_over_to_running_window([str(tmp_path / "a.pdf")], FreedLock(True)) is None
    assert capsys.readouterr().out == ""  # no dialog: this start goes on to open the window
    # Still held: the window is there but does not answer.
    assert _hand_over_to_running_window([], FreedLock(False)) == 1
    assert capsys.readouterr().out.startswith("dialog notAnswering: Desktop Chat is already running")


def test_a_closing_window_stops_listening_at_once(windows, qtbot, data_home):
    from desktop_chat.ui.app import _OtherStarts

    window = windows.new()
    other_starts = _OtherStarts(window)
    window.update()
    qtbot.waitUntil(lambda: other_starts.server is not None and other_starts.server.is_listening())
    assert in_thread(qtbot, lambda: hand_over(server_name(data_home), [])).outcome is HandOver.DELIVERED
    windows.close(window)
    assert not other_starts.server.is_listening()
    result = in_thread(qtbot, lambda: hand_over(server_name(data_home), [], timeout_s=0.3))
    assert result.outcome is HandOver.NO_ANSWER and result.detail.startswith("cannot connect")
