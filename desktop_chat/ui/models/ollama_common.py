"""What the Ollama dialogs share besides their labels (ui/common/labels.py): dialog-owned tasks."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from desktop_chat.ui.runtime.async_runner import AsyncRunner


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
