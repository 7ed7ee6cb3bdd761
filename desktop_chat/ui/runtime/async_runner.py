"""How the window starts asyncio work on the qasync loop, and keeps it alive.

asyncio holds only weak references to tasks, so a fire-and-forget task can be garbage
collected mid-flight; the runner keeps each one until it ends. Failures are routed to a
callback instead of vanishing into "Task exception was never retrieved".
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class AsyncRunner:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        name: str | None = None,
    ) -> asyncio.Task[T]:
        task = asyncio.ensure_future(coro)
        if name:
            task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(functools.partial(self._finished, on_done=on_done, on_error=on_error))
        return task

    def _finished(self, task: asyncio.Task[Any], *, on_done: Callable[[Any], None] | None,
                  on_error: Callable[[BaseException], None] | None) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            if on_error is not None:
                on_error(error)
            else:
                log.error("background task %s failed", task.get_name(), exc_info=error)
            return
        if on_done is not None:
            on_done(task.result())

    @property
    def tasks(self) -> frozenset[asyncio.Task[Any]]:
        return frozenset(self._tasks)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking call (keyring, large disk read, PDF) off the GUI thread."""
        return await asyncio.to_thread(fn, *args)
