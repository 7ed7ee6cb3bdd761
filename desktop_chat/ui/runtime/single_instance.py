"""One window per data folder: a second start hands its files to the running window.

The window lock (desktop_chat/instance_lock.py) says *whether* a window already runs on a data
folder; this module is how a second start *talks* to it. The running window listens on a
QLocalServer (a Unix socket in the temp folder, a named pipe on Windows) whose name is derived from
the data folder and the user, so two data folders are two independent apps. A second start
connects, sends one line of JSON and waits (≈ 2 s) for one line back:

    → {"app": "desktop-chat", "version": 1, "files": ["/abs/a.pdf", …], "activation_token": "…"}
    ← {"version": 1, "ok": true}          (or "ok": false with an "error" sentence, in English, for logs)

The first window then opens a new conversation with the files attached and comes to the front;
with no files it only comes to the front. A window that does not answer in time is hung: the
second start says so instead of waiting for ever. Only the lock's holder listens, so a socket
file found at start-up is a crash's leftover and is removed first (QLocalServer.removeServer).

`activation_token` carries the launcher's focus permission (Wayland's XDG_ACTIVATION_TOKEN) to the
window that will come to the front: compositors that prevent focus stealing only raise a window
that presents one. (Not tried here: these machines have no Wayland compositor.)
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QObject, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["APP_TAG", "PROTOCOL_VERSION", "HandOver", "HandOverResult", "InstanceServer", "Request", "bring_to_front",
           "encode_request", "hand_over", "not_answering_box", "parse_request", "serve_window", "server_name"]

log = logging.getLogger(__name__)

APP_TAG = "desktop-chat"
PROTOCOL_VERSION = 1
ANSWER_TIMEOUT_S = 2.0  # a running window answers within milliseconds; longer than this, it is hung
MAX_MESSAGE_BYTES = 1 << 20  # ≈ thousands of paths: anything longer is not one of ours
_WAIT_STEP_MS = 50
_TOKEN_ENV = "XDG_ACTIVATION_TOKEN"


def server_name(data_dir: Path) -> str:
    """The local server's name for `data_dir`: the same for every start on that folder by this user,
    different for another folder (or user). Short, so the Unix socket path stays under its limit."""
    try:
        folder = str(Path(data_dir).resolve())
    except OSError:
        folder = os.path.abspath(data_dir)
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    digest = hashlib.sha256(f"{user}\0{folder}".encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return f"{APP_TAG}-{digest}"


# -- the message -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    files: tuple[Path, ...] = ()
    activation_token: str = ""


def encode_request(files: Sequence[Path], activation_token: str = "") -> bytes:
    message = {"app": APP_TAG, "version": PROTOCOL_VERSION, "files": [str(p) for p in files]}
    if activation_token:
        message["activation_token"] = activation_token
    return json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"


def parse_request(line: bytes) -> Request:
    """A request from its JSON line; ValueError (with the reason) for anything that is not one.
    Newer minor versions may add fields: unknown ones are ignored, a missing `files` is not."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a JSON message: {exc}") from None
    if not isinstance(message, dict) or message.get("app") != APP_TAG:
        raise ValueError("not a Desktop Chat message")
    version = message.get("version")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"unknown protocol version {version!r}")
    files = message.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
        raise ValueError("'files' must be a list of paths")
    paths = tuple(Path(f) for f in files)
    relative = [str(p) for p in paths if not p.is_absolute()]
    if relative:
        raise ValueError(f"paths must be absolute: {', '.join(relative)}")
    token = message.get("activation_token", "")
    return Request(paths, token if isinstance(token, str) else "")


def _answer(ok: bool, error: str = "") -> bytes:
    reply: dict[str, object] = {"version": PROTOCOL_VERSION, "ok": ok}
    if error:
        reply["error"] = error
    return json.dumps(reply).encode("utf-8") + b"\n"


# -- the running window's side ---------------------------------------------------------------------------

class InstanceServer(QObject):
    """Listens for later starts on the same data folder; emits what they ask for.

    Reading is event-driven (readyRead), so a slow or silent client never blocks the GUI thread.
    """

    requested = Signal(object)  # Request: files (maybe none) and the launcher's activation token

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        # Owner-only socket: another user on the machine cannot hand files to this window.
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    def listen(self) -> bool:
        """Start listening. Call only while holding the window lock: a socket file already there is
        then a crashed window's leftover, removed first. False (and a log line) if it cannot."""
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            log.info("listening for other starts as %s", self.name)
            return True
        log.warning("cannot listen for other starts (%s): %s", self.name, self._server.errorString())
        return False

    def is_listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        self._server.close()  # also removes the Unix socket file

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        if b"\n" not in buffer:
            if len(buffer) > MAX_MESSAGE_BYTES:
                self._reply(socket, _answer(False, "message too long"))
            return
        line = bytes(buffer[:buffer.index(b"\n")])
        try:
            request = parse_request(line)
        except ValueError as exc:
            log.warning("ignored a message from another start: %s", exc)
            self._reply(socket, _answer(False, str(exc)))
            return
        log.info("another start handed over %d file(s)", len(request.files))
        self._reply(socket, _answer(True))  # acknowledged before acting: the other start can exit now
        self.requested.emit(request)

    def _reply(self, socket: QLocalSocket, data: bytes) -> None:
        self._buffers.pop(socket, None)
        socket.write(QByteArray(data))
        socket.flush()
        socket.disconnectFromServer()  # after the write has gone out

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()


def serve_window(window: QWidget, server: InstanceServer) -> None:
    """What a request does to the window: files → a new conversation with them attached; then the
    window comes to the front (restored if minimised)."""

    def handle(request: Request) -> None:
        if request.files:
            if window.current_conversation_id is not None:  # type: ignore[attr-defined]
                window.new_conversation()  # type: ignore[attr-defined]  # (a new draft is kept as it is)
            window.open_files(list(request.files))  # type: ignore[attr-defined]
        bring_to_front(window, request.activation_token)

    server.requested.connect(handle)


def bring_to_front(window: QWidget, activation_token: str = "") -> None:
    if activation_token:
        # Qt's Wayland plugin presents this token with the activation request (then forgets it).
        os.environ[_TOKEN_ENV] = activation_token
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


# -- the second start's side -----------------------------------------------------------------------------

class HandOver(enum.Enum):
    DELIVERED = "delivered"  # the running window acknowledged: this start can exit
    NO_ANSWER = "no answer"  # a window holds the lock but did not answer in time (hung, or refused)


@dataclass
class HandOverResult:
    outcome: HandOver
    detail: str = ""  # for the log
    elapsed_s: float = field(default=0.0)


def hand_over(name: str, files: Sequence[Path], *, timeout_s: float = ANSWER_TIMEOUT_S) -> HandOverResult:
    """Send `files` (absolute paths) to the window listening as `name` and wait for its answer.

    Blocking, with a deadline: it runs in a start that has no window and no event loop (tests call
    it from a worker thread). Connecting is retried until the deadline because the first window
    holds its lock a moment before it listens.
    """
    started = time.monotonic()
    deadline = started + timeout_s

    def left_ms() -> int:
        return max(0, int((deadline - time.monotonic()) * 1000))

    if sys.platform == "win32":  # pragma: no cover - Windows only
        _allow_foreground_windows()
    token = os.environ.get(_TOKEN_ENV, "")
    socket = QLocalSocket()
    try:
        while True:
            socket.connectToServer(name)
            if socket.waitForConnected(min(_WAIT_STEP_MS, left_ms())):
                break
            socket.abort()
            if left_ms() == 0:
                return HandOverResult(HandOver.NO_ANSWER, f"cannot connect: {socket.errorString()}",
                                      time.monotonic() - started)
            time.sleep(0.05)  # the first window is starting: it listens in a moment
        socket.write(QByteArray(encode_request(files, token)))
        if not socket.waitForBytesWritten(left_ms()):
            return HandOverResult(HandOver.NO_ANSWER, f"cannot send: {socket.errorString()}",
                                  time.monotonic() - started)
        reply = bytearray()
        while b"\n" not in reply:
            if left_ms() == 0:
                return HandOverResult(HandOver.NO_ANSWER, "no answer in time", time.monotonic() - started)
            # Short waits: PySide keeps the GIL during waitFor…(), so a server in this same
            # process (the tests) could not answer during one long wait.
            if socket.waitForReadyRead(min(_WAIT_STEP_MS, left_ms())) or socket.bytesAvailable():
                reply += bytes(socket.readAll().data())
            elif socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
                return HandOverResult(HandOver.NO_ANSWER, "closed without an answer", time.monotonic() - started)
        try:
            answer = json.loads(bytes(reply[:reply.index(b"\n")]).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return HandOverResult(HandOver.NO_ANSWER, "unreadable answer", time.monotonic() - started)
        if not isinstance(answer, dict) or answer.get("ok") is not True:
            detail = answer.get("error", "refused") if isinstance(answer, dict) else "refused"
            return HandOverResult(HandOver.NO_ANSWER, f"refused: {detail}", time.monotonic() - started)
        return HandOverResult(HandOver.DELIVERED, "", time.monotonic() - started)
    finally:
        socket.abort()  # (no deleteLater: this thread may have no event loop; Python frees it)


def _allow_foreground_windows() -> None:  # pragma: no cover - Windows only
    """Windows lets only the foreground process give the foreground away: this start is the one
    the user just launched, so it allows the running window to come to the front."""
    try:
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(-1)  # type: ignore[attr-defined]  # ASFW_ANY
    except (AttributeError, OSError):
        pass


def not_answering_box(data_dir: Path, parent: QWidget | None = None) -> QMessageBox:
    """Said by a second start when the running window did not answer (it is busy or hung)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("SingleInstance", "Desktop Chat is not responding"),
        QCoreApplication.translate(
            "SingleInstance",
            "Desktop Chat is already running with this data folder ({folder}) but did not answer; "
            "close it and try again.").format(folder=str(data_dir)),
        QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("notAnswering")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box
