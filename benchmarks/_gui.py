"""Measure inside the real app: `run_gui`'s own start-up, qasync loop, collector and shutdown.

`run_in_app(body)` starts the app exactly as `desktop-chat` does, through
`desktop_chat.ui.app.run_gui`, whose `_test_hooks(window)` call (made once the loop exists,
before `window.start()`) is the one seam used: it is replaced for the duration by a function that
schedules `body(window)` once the window is up, its set-up check done and the start-up objects
frozen for the collector, then closes the window the normal way. Whatever `body` returns is
returned; whatever it raises is re-raised as BenchmarkCrash.

Also here: a 1 ms heartbeat that measures how late the event loop runs it (the worst stall),
futures for Qt signals, and a watcher for "this widget has been painted".
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from benchmarks._common import BenchmarkCrash

# run_gui moves the start-up objects out of the collector's sight 1.5 s after the window shows;
# measuring earlier would pay for one full collection of them.
SETTLE_S = 1.8


def run_in_app(body: Callable[[Any], Awaitable[Any]], *, settle: float = SETTLE_S) -> Any:
    from desktop_chat.ui import app as app_module

    outcome: dict[str, Any] = {}
    original = app_module._test_hooks

    def hooks(window: Any) -> None:
        checked = signal_future(window.setupChecked)

        async def main() -> None:
            try:
                await asyncio.wait_for(checked, 30)
                await asyncio.sleep(settle)
                outcome["result"] = await body(window)
            except BaseException:  # noqa: BLE001 - reported to the parent, which fails the figure
                outcome["error"] = traceback.format_exc()
            finally:
                window.close()

        outcome["task"] = asyncio.ensure_future(main())

    app_module._test_hooks = hooks
    try:
        code = app_module.run_gui([])
    finally:
        app_module._test_hooks = original
    if "error" in outcome:
        raise BenchmarkCrash(outcome["error"])
    if code != 0 or "result" not in outcome:
        raise BenchmarkCrash(f"the app exited with {code} and no result")
    return outcome["result"]


def signal_future(signal: Any) -> asyncio.Future[tuple[Any, ...]]:
    """A future resolved with the arguments of the signal's next emission."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_event_loop().create_future()

    def slot(*args: Any) -> None:
        if not future.done():
            future.set_result(args)
        try:
            signal.disconnect(slot)
        except (RuntimeError, TypeError):
            pass

    signal.connect(slot)
    return future


async def until(predicate: Callable[[], bool], timeout: float = 30.0, interval: float = 0.002) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise BenchmarkCrash(f"timed out after {timeout} s waiting for {predicate}")
        await asyncio.sleep(interval)


async def idle(seconds: float = 0.2) -> None:
    """Let the window settle between runs (posted events, deferred deletes, the collector)."""
    await asyncio.sleep(seconds)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def press_enter(widget: QWidget) -> None:
    """What the Enter key does (the same events the app's own screenshot hook sends)."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r"))


class Heartbeat(QObject):
    """A 1 ms precise timer on the GUI thread; `worst_ms` is the most it ever ran late.

    Lateness is the gap between two beats minus the interval: the longest time the event loop
    was unable to run a due timer (a stall the user would feel as a frozen window).
    """

    def __init__(self, interval_ms: int = 1) -> None:
        super().__init__()
        self.interval = interval_ms / 1000
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)
        self.worst_ms = 0.0
        self.gaps: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.worst_ms = 0.0
        self.gaps = []
        self._last = time.perf_counter()
        self._timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        late_ms = (now - self._last - self.interval) * 1000
        self._last = now
        if late_ms > 5:
            self.gaps.append(late_ms)
        if late_ms > self.worst_ms:
            self.worst_ms = late_ms

    def stop(self) -> float:
        self._beat()  # a stall that lasts until the end counts too
        self._timer.stop()
        return self.worst_ms

    def top(self, count: int = 5) -> list[float]:
        return [round(g, 1) for g in sorted(self.gaps, reverse=True)[:count]]


class PaintWatch(QObject):
    """Resolves `future` with the perf_counter time at which `widget` has been painted, once
    `ready()` holds: the moment the event loop is back after delivering the widget's first
    Paint event (so the frame that shows it has been drawn)."""

    def __init__(self, widget: QWidget, ready: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self.widget = widget
        self.ready = ready
        self.future: asyncio.Future[float] = asyncio.get_event_loop().create_future()
        self.paint_seen_at: float | None = None
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and event.type() == QEvent.Type.Paint and self.paint_seen_at is None:
            if self.ready is None or self.ready():
                self.paint_seen_at = time.perf_counter()
                self.widget.removeEventFilter(self)
                QTimer.singleShot(0, self._done)
        return False

    def _done(self) -> None:
        if not self.future.done():
            self.future.set_result(time.perf_counter())
