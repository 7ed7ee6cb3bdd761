"""What the window keeps between runs: its geometry, the sidebar's width, the last conversation,
and a rendered snapshot of that conversation's answers (render_snapshot.py) so that the next start
shows them without running Markdown."""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_chat.config import data_dir
from desktop_chat.ui.messages import render_snapshot

if TYPE_CHECKING:
    from PySide6.QtCore import QByteArray  # only what saveGeometry/saveState return

    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["restore_layout", "save_snapshot", "save_ui_state", "snapshot_path"]

log = logging.getLogger(__name__)


def restore_layout(window: MainWindow) -> None:
    """Geometry, dock/toolbar state and the splitter as the last run left them."""
    state = window.settings.ui_state or {}
    geometry = _decode(state.get("geometry"))
    if geometry is not None:
        window.restoreGeometry(geometry)
    window_state = _decode(state.get("window_state"))
    if window_state is not None:
        window.restoreState(window_state)
    splitter = _decode(state.get("splitter"))
    if splitter is not None:
        window.splitter.restoreState(splitter)


def save_ui_state(window: MainWindow) -> None:
    window.settings.ui_state = dict(window.settings.ui_state or {})
    window.settings.ui_state.update(
        geometry=_encode(window.saveGeometry()),
        window_state=_encode(window.saveState()),
        splitter=_encode(window.splitter.saveState()),
        last_conversation=window.current_conversation_id,
    )
    window.choice.save_settings()


def snapshot_path() -> Path:
    return data_dir() / render_snapshot.FILE_NAME


async def save_snapshot(window: MainWindow) -> None:
    """The answers on screen, rendered for the next start (render_snapshot.py)."""
    view = window.view
    messages = view.snapshot_messages() if window.current_conversation_id is not None else []
    renderer, key, path = view.renderer, view.snapshot_key(), snapshot_path()

    def render_and_save() -> None:  # worker thread: markdown, code lexers and the disk
        from desktop_chat.ui.messages.message_body import MessageBody

        render_snapshot.save(path, key, {render_snapshot.message_key(m): MessageBody.render_detached(renderer, m.text)
                                         for m in messages})

    try:
        await window.runner.in_thread(render_and_save)
    except Exception:  # noqa: BLE001 - a start-up shortcut: closing must go on without it
        log.exception("could not save the last screen's snapshot")



def _encode(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _decode(value: Any) -> bytes | None:
    """Saved window state, for restoreGeometry/restoreState (which take bytes as a QByteArray)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        return None
