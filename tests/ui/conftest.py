"""Fixtures for window tests: a qasync loop driven by pytest-qt's waits, and windows against the fakes.

The qasync loop is created "already running": asyncio then treats Qt's event processing as the
loop, so every `qtbot.waitUntil` / `waitSignal` (which processes Qt events) also runs the asyncio
tasks the window started: the engine's turns, the real SDKs' HTTP, worker threads' results.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

import qasync  # noqa: I001 - after PySide6, as DESIGN.md asks
import shiboken6

from desktop_chat.config import Settings, load_settings, save_settings
from desktop_chat.ui.app import build_window, install_asyncgen_hooks
from desktop_chat.ui.runtime.gc_guard import GuiThreadCollector
from desktop_chat.ui.window.main_window import MainWindow
from tests import wiring


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    hooks = sys.get_asyncgen_hooks()
    collector = GuiThreadCollector()  # as the app does: Qt objects are freed on the GUI thread only
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    install_asyncgen_hooks(loop)
    try:
        yield loop
    finally:
        try:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                deadline = loop.time() + 5
                while any(not t.done() for t in pending) and loop.time() < deadline:
                    qapp.processEvents()
        finally:
            # Not loop.stop(): it calls QApplication.exit(), which with no exec() running leaves Qt's
            # "quit now" flag set, and every later QEventLoop.exec() (qtbot.wait) returns at once.
            loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
            asyncio.events._set_running_loop(None)
            loop.close()
            asyncio.set_event_loop(None)
            sys.set_asyncgen_hooks(*hooks)
            qapp.processEvents()
            shiboken6.delete(loop._timer)  # its Qt timers die here, on the GUI thread
            collector.stop()
            shiboken6.delete(collector)


class Windows:
    """Builds windows on the test's DESKTOP_CHAT_HOME and shuts them down at the end."""

    def __init__(self, qtbot, qloop) -> None:  # noqa: ANN001
        self.qtbot = qtbot
        self.qloop = qloop
        self.open: list[MainWindow] = []

    def settings(self) -> Settings:
        return load_settings()

    def new(self, settings: Settings | None = None, *, files: tuple[str, ...] = (), show: bool = True) -> MainWindow:
        settings = settings or load_settings()
        save_settings(settings)
        window = build_window(settings, files=files)
        self.open.append(window)
        if show:
            window.show()
            window.activateWindow()
            self.qtbot.waitExposed(window)
            self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        window.start()
        return window

    def close(self, window: MainWindow, timeout: int = 10_000) -> None:
        if window._shut_down:
            return
        with self.qtbot.waitSignal(window.shutdownFinished, timeout=timeout):
            window.close()

    def close_all(self) -> None:
        for window in self.open:
            if not window._shut_down:
                self.close(window)
        # Delete the windows here, on the GUI thread, rather than whenever (and wherever) the
        # garbage collector gets to them.
        for window in self.open:
            if shiboken6.isValid(window):
                window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.open.clear()


@pytest.fixture
def windows(qtbot, qloop) -> Iterator[Windows]:  # noqa: ANN001
    made = Windows(qtbot, qloop)
    yield made
    made.close_all()


@pytest.fixture
def fakes() -> Iterator[Callable[..., object]]:
    """`fakes("anthropic", scenario)` starts a loopback fake for the test's duration."""
    with ExitStack() as stack:
        def start(family: str, default=None):  # noqa: ANN001, ANN202
            return stack.enter_context(wiring.fake_for(family, default))

        yield start


@pytest.fixture(autouse=True)
def _no_local_ollama(monkeypatch, data_home) -> None:  # noqa: ANN001
    """Point the Ollama probe at a port nobody listens on, so a developer's Ollama is never asked."""
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")


def shown_text(widget) -> str:  # noqa: ANN001
    """All text the message view shows, whatever widgets it is built from."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocumentFragment
    from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit

    parts = []
    for child in widget.findChildren(QTextEdit) + widget.findChildren(QPlainTextEdit):
        parts.append(child.toPlainText())
    for label in widget.findChildren(QLabel):
        if label.textFormat() == Qt.TextFormat.RichText:  # an error card's text: what it reads as
            parts.append(QTextDocumentFragment.fromHtml(label.text()).toPlainText())
        else:
            parts.append(label.text())
    return "\n".join(parts)


def view_text(view, message_id: str) -> str | None:  # noqa: ANN001
    """The exact text the view holds for a message (including what streamed in), or None."""
    widget = view.message_widget(message_id)
    return None if widget is None else widget.current_text()


def configure(family: str, server, settings: Settings | None = None) -> Settings:  # noqa: ANN001
    """Settings with `family` pointing at `server` (key in the test keyring), as a user would set it."""
    return wiring.settings_for(family, server, settings or load_settings())
