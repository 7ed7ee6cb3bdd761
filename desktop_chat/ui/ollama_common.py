"""Small pieces the Ollama dialogs share: status-line colours, plain labels, dialog-owned tasks."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop_chat.ui import theme
from desktop_chat.ui.async_runner import AsyncRunner


def tone_colour(tone: str) -> str | None:
    dark = theme.is_dark()
    return {"error": "#ff8a80" if dark else "#b3261e", "ok": "#7bd88f" if dark else "#1e7b34",
            "muted": "#a0a0a0" if dark else "#6b6b6b"}.get(tone)


def set_tone(label: QLabel, tone: str) -> None:
    colour = tone_colour(tone)
    label.setProperty("tone", tone)
    label.setStyleSheet(f"color: {colour};" if colour else "")


def plain_label(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # Ollama's words and model names: never rich text
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class DialogTasks:
    """Tasks a dialog started; all cancelled when it closes, so none touches a deleted widget."""

    def __init__(self, runner: AsyncRunner) -> None:
        self.runner = runner
        self.live: set[asyncio.Task[Any]] = set()

    def start(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = self.runner.start(coro, name=name)
        self.live.add(task)
        task.add_done_callback(self.live.discard)
        return task

    def cancel(self) -> None:
        for task in list(self.live):
            task.cancel()
