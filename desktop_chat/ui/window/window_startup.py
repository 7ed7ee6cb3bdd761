"""The window's start-up: what it shows first (the last conversation, from its rendered
snapshot), and the background work that waits until the window has been painted.

Why apart from MainWindow: the order matters for the time to the first frame and is easy to
break. Nothing here runs before the window's first paint except _restore's quick store reads:
code colours are held back until then (lexers.pause), and the keyring probe, the Ollama check
and the local server start only after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

from desktop_chat.chat.readiness import Readiness
from desktop_chat.ui.messages import render_snapshot
from desktop_chat.ui.messages.markdown_render import lexers
from desktop_chat.ui.window import window_state

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["WindowStartUp", "check_setup"]


class WindowStartUp(QObject):
    """Watches for the window's first paint, then starts the background work once."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._painted = False
        self._start_pending = False
        self._started = False
        window.installEventFilter(self)
        lexers.pause()  # code colours come after the first frame (resumed by start_now)

    def restore(self) -> None:
        """The window's layout and the conversation it showed last (or a new one)."""
        w = self._window
        window_state.restore_layout(w)
        state = w.settings.ui_state or {}
        w.choice.fill_endpoints()
        w.panel.reload()
        last = state.get("last_conversation")
        if w.files_to_open:
            w.new_conversation()  # files from the command line start a new conversation
        elif isinstance(last, str) and w.conversations.exists(last):
            # Its answers as rendered at the last shutdown, when unchanged: no markdown at start.
            w.view.use_snapshot(render_snapshot.load(window_state.snapshot_path(), w.view.snapshot_key()))
            w.open_conversation(last)
        else:
            w.new_conversation()
        w.composer.setFocus()  # takes effect when the window is first activated

    def start(self) -> None:
        """Background work, once the loop runs and the window has been painted.

        Waiting for the first paint keeps the keyring probe (and its imports, in a worker thread
        that still competes for the GIL) from delaying the first frame.
        """
        if self._window.isVisible() and not self._painted:
            self._start_pending = True
            QTimer.singleShot(2000, self.start_now)  # in case no paint ever comes (minimised…)
            return
        self.start_now()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self._window.removeEventFilter(self)
            if self._start_pending:
                QTimer.singleShot(0, self.start_now)
        return False

    def start_now(self) -> None:
        if self._started:
            return
        self._started = True
        w = self._window
        lexers.resume()
        if w.files_to_open:
            w.open_files(w.files_to_open)
        w.runner.start(w.check_setup(), name="check-setup")
        w.ollama.check()  # in the background: nothing waits for it
        w.readiness.check()
        if w.settings.server_enabled:
            w.runner.start(w.server_host().start(), name="local-server")


async def check_setup(window: MainWindow) -> None:
    """When no provider is set up, the welcome offers the ways to chat (an online service's key,
    a local Ollama, the built-in model); once one is, it goes."""
    try:
        # The readiness marks' check looks up every key once, off the GUI thread (a key with a
        # host problem counts as set up: the first answer explains it).
        keys = await window.readiness.checked_keys()
        configured = [endpoint_id for endpoint_id, state in keys.items() if state is Readiness.READY]
        builtin = None if configured else await window.builtin.offer()
        if configured or window.builtin.ready(builtin):
            window.welcome.set_needed(False)
        else:
            window.welcome.offer(builtin)  # it looks for Ollama itself
    finally:
        window.setupChecked.emit()
