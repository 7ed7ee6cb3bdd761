"""Closing the window: stop the answers (saved as stopped), the local server and every task,
close the engine and the store, then let the window close.

Why apart from MainWindow: the order is the contract (the server's answers are turns of the same
engine; the snapshot is saved after the answers stopped; the store closes last) and it is the one
place that must finish even when a step fails.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from desktop_chat.ui.window import window_state

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["shut_down"]

log = logging.getLogger(__name__)


async def shut_down(window: MainWindow) -> None:
    """Everything the window runs, stopped and closed in order (the window's flags are its own)."""
    window_state.save_ui_state(window)
    if window.local_server is not None:  # its answers first: they are turns of this engine too
        await window.local_server.stop()
    if window.built_turns is not None:  # (no turn ever ran: nothing to stop)
        await window.built_turns.stop_all()
    await window_state.save_snapshot(window)
    window.attachments.cancel_all()  # extractions stop at their next page
    current = asyncio.current_task()
    others = [t for t in window.runner.tasks if t is not current]
    for task in others:
        task.cancel()
    if others:
        await asyncio.wait(others, timeout=2)
    try:
        if window.built_engine is not None:
            await window.built_engine.aclose()
    except Exception:
        log.exception("closing the providers failed")
    await window.attachments.aclose()  # the shared DocumentLibrary (the engine does not own it)
    window.store.close()
