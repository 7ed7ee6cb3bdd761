"""One daemon thread that works through a queue, one item at a time, for a GUI-side owner.

Used by the code-lexer builder (markdown_render.lexers) and the maths typesetter
(math_render.formulas). The thread starts when work arrives and ends when the queue runs dry, so
nothing runs while there is nothing to do; `pause` holds new work back (the window's start-up: a
worker holding the GIL would slow the first frame down). `close` is called once the event loop has
ended: no more work, and the item in progress is waited for, because a worker emitting a Qt signal
while Qt tears the application down crashed the process at exit.

The owner's bookkeeping shares `lock`: `wanted` (which items to queue) and `done` (what to do with
a result: store it, emit a signal) run under it, and `done` never runs after `close`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

__all__ = ["SerialWorker"]

T = TypeVar("T")
R = TypeVar("R")


class SerialWorker(Generic[T, R]):
    def __init__(self, name: str, work: Callable[[T], R], done: Callable[[T, R, bool], None]) -> None:
        """*work(item)* runs in the thread, without the lock, and must not raise; *done(item,
        result, last)* runs under the lock after it (*last*: the queue is empty now)."""
        self.lock = threading.Lock()
        self._name = name
        self._work = work
        self._done = done
        self._queue: queue.SimpleQueue[T] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._paused = False
        self._closed = False

    def put(self, items: Iterable[T], wanted: Callable[[T], bool]) -> None:
        """Queue the *items* that are *wanted* (asked under the lock) and start the thread if needed."""
        with self.lock:
            if self._closed:
                return
            for item in items:
                if wanted(item):
                    self._queue.put(item)
            if self._thread is None and not self._paused and not self._queue.empty():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        self.put((), lambda _item: False)  # starts the thread for what was held back

    def close(self, timeout_s: float = 2.0) -> None:
        with self.lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            with self.lock:
                try:
                    if self._closed:
                        raise queue.Empty
                    item = self._queue.get_nowait()
                except queue.Empty:
                    self._thread = None
                    return
            result = self._work(item)
            with self.lock:
                if self._closed:
                    self._thread = None
                    return
                self._done(item, result, self._queue.empty())  # under the lock: close() cannot pass between
