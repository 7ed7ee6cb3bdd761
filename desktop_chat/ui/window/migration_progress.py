"""The window's start when the history needs an upgrade: a small progress window while it runs.

Upgrading a large history takes a while (the tree migration rewrites every message's parent:
≈ 0.5-1 s for 100,000 messages, its backup included), and before this the window simply did not
appear meanwhile. ``open_store_showing_progress`` opens the store in a worker thread, so the GUI
thread keeps painting a determinate bar fed by the migrations' progress, and returns the store
once it is open (or raises its StoreError, which the start-up path words as before).

Only imported when ``store.pending_upgrade`` says there is something to apply: the usual start
never loads this module.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

__all__ = ["MigrationProgress", "open_store_showing_progress"]

log = logging.getLogger(__name__)

# The bar's range: fine enough that a 100,000-message upgrade moves it smoothly.
_STEPS = 1000


class MigrationProgress(QWidget):
    """The small window shown while the history is upgraded (objectName ``migrationProgress``).
    It cannot be closed: the upgrade must finish (or fail and be undone) either way."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint
                         | Qt.WindowType.WindowTitleHint)
        self.setObjectName("migrationProgress")
        self.setWindowTitle(self.tr("Desktop Chat"))
        self.label = QLabel(self.tr("Updating your conversation history… (one time)"), self)
        self.label.setObjectName("migrationProgressText")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("migrationProgressBar")
        self.bar.setRange(0, _STEPS)
        self.bar.setValue(0)
        self.bar.setAccessibleName(self.tr("Progress of the update of your conversation history"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.setMinimumWidth(360)
        self._done = False

    def set_fraction(self, fraction: float) -> None:
        self.bar.setValue(round(max(0.0, min(1.0, fraction)) * _STEPS))

    def finish(self) -> None:
        self._done = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._done:
            super().closeEvent(event)
        else:
            event.ignore()


class _Relay(QObject):
    """Lives on the GUI thread; the worker's emits reach it queued, between the bar's paints."""

    progressed = Signal(float)
    finished = Signal()


def open_store_showing_progress(path: Path, **store_options: Any) -> Any:
    """``Store(path, **store_options)`` opened in a worker thread behind a MigrationProgress window;
    the GUI thread runs its events meanwhile. Raises what Store() raised (a StoreError after a
    failed upgrade has been undone)."""
    from desktop_chat.store import Store

    relay = _Relay()
    window = MigrationProgress()
    relay.progressed.connect(window.set_fraction)
    outcome: dict[str, Any] = {}
    last = [-1]

    def told(fraction: float) -> None:  # on the worker: only emit when the bar would move
        step = round(fraction * _STEPS)
        if step != last[0]:
            last[0] = step
            relay.progressed.emit(fraction)

    def work() -> None:
        try:
            outcome["store"] = Store(path, progress=told, **store_options)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, raised there
            outcome["error"] = exc
        finally:
            relay.finished.emit()

    loop = QEventLoop()
    relay.finished.connect(loop.quit)  # queued: runs inside loop.exec() below, however early it comes
    window.show()
    started = time.perf_counter()
    log.info("upgrading the conversation history at %s", path)
    worker = threading.Thread(target=work, name="history-upgrade", daemon=True)
    worker.start()
    loop.exec()
    worker.join()
    window.finish()
    window.deleteLater()
    relay.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    log.info("history upgraded in %.0f ms", (time.perf_counter() - started) * 1000)
    return outcome["store"]
