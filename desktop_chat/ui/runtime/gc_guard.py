"""Run Python's cyclic garbage collector on the GUI thread only.

The collector runs in whichever thread happens to allocate when a threshold is crossed; in this
app that is often a worker thread (SDK imports, keyring calls and searches run in threads). If
a cycle it frees holds the last reference to a Qt object, the C++ object is destroyed in that
worker thread: its timers and socket notifiers cannot be unregistered from there, and Qt later
delivers an event to freed memory (seen here as a segmentation fault in
QTimerInfoList::activateTimers). With automatic collection off and a timer on the GUI thread
collecting when the thresholds say so, Qt objects only ever die on their own thread.

What lives as long as the app is kept out of the collector's sight (gc.freeze): the start-up
objects once the first frames are out, and what a later import brings (a provider's SDK is
≈ 80,000 objects: the next collection of its generation took 30 ms, a full one 40 ms, on the
GUI thread, whenever a threshold happened to be crossed, streaming or not).
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, QTimer

# Often enough that a burst of streaming never lets tens of thousands of young objects pile up
# (measured with 20,000 deltas: every 500 ms gave 15-70 ms pauses, every 100 ms at most ≈ 30 ms,
# automatic collection 80-120 ms full collections); rare enough to cost nothing when idle.
INTERVAL_MS = 100
# Modules imported since the last freeze that make the next check freeze what is alive instead
# of collecting (gc.freeze costs nothing; a cycle that is garbage at that moment stays uncollected,
# which a few hundred objects per large import can afford).
FREEZE_AFTER_MODULES = 40


class GuiThreadCollector(QObject):
    """`checking=False`: no collection at all until freeze_startup_objects (the app's start-up,
    whose objects all live as long as the app; the freeze collects once, then checks begin)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS, *,
                 checking: bool = True) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._modules_at_freeze = len(sys.modules)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        if checking:
            self._timer.start()

    def check(self) -> None:
        """Collect the generations whose thresholds were crossed, as automatic collection would."""
        if len(sys.modules) - self._modules_at_freeze >= FREEZE_AFTER_MODULES:
            self._modules_at_freeze = len(sys.modules)
            gc.freeze()
            return
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return

    def freeze_startup_objects(self) -> None:
        """Move everything alive now (modules, widgets) out of the collector's sight: they live
        as long as the app, and full collections no longer have to walk them."""
        gc.collect()
        gc.freeze()
        self._modules_at_freeze = len(sys.modules)
        if not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
