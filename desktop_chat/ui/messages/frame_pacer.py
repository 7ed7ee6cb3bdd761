"""FramePacer: when the streaming messages of a MessageView render, at most once per frame.

Why a class of its own: streaming never re-renders on the token. MessageView.append_text only
appends to the message's buffer and asks the pacer for a frame; the pacer arms one single-shot
timer and, at the frame, renders what arrived for the waiting message(s) only: finished markdown
blocks once, then the unfinished tail (message_body.py). A frame that had to render a large burst
spends at most FRAME_BUDGET_S on finished blocks and then yields to the event loop; the period
between frames grows with the time a frame took (at most half of the time is spent rendering), so
even an expensive tail (a huge open code block) cannot freeze input.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from desktop_chat.ui.messages.message_widget import MessageWidget

__all__ = ["FramePacer"]

FRAME_MS = 16  # at most one render per frame at 60 Hz
# While text pours in faster than anyone reads (BURST_CHARS_PER_S: a fast local model, a backlog
# after a stall), frames come at most every BURST_FRAME_MS. A frame costs about the same however
# much text it adds (≈ 10 ms here: the view repaints the visible text, the other widgets and the
# scroll bar), so fewer frames leave more time to read the stream.
BURST_CHARS_PER_S = 3000  # ≈ 750 tokens a second; a model's usual 20-200 get every frame
BURST_FRAME_MS = 50
MAX_FRAME_GAP_MS = 250
FRAME_BUDGET_S = 0.008  # finished blocks rendered per frame before yielding to the event loop


class FramePacer(QObject):
    """The message widgets waiting for a frame, and the timer that renders them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dirty: dict[str, MessageWidget] = {}
        self._next_frame_at = 0.0
        self._arrived = 0  # characters appended since the last frame
        self._last_frame_at = 0.0
        self.render_count = 0  # streaming frames rendered (all messages together)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.render_frame)

    def arrived(self, characters: int) -> None:
        """Streamed text came in: counted to tell a burst from a model's usual pace."""
        self._arrived += characters

    def schedule(self, widget: MessageWidget) -> None:
        self._dirty[widget.message_id] = widget
        if not self.timer.isActive():
            wait_ms = max(0.0, (self._next_frame_at - time.perf_counter()) * 1000.0)
            self.timer.start(int(wait_ms))

    def forget(self, message_id: str) -> None:
        """The message needs no frame any more (finished, or its widget is gone)."""
        self._dirty.pop(message_id, None)

    def has_pending(self) -> bool:
        return bool(self._dirty) or self.timer.isActive()

    def render_frame(self) -> None:
        if not self._dirty:
            return
        started = time.perf_counter()
        deadline = started + FRAME_BUDGET_S
        dirty, self._dirty = self._dirty, {}
        for message_id, widget in dirty.items():
            if widget.body.render_frame(deadline):
                self._dirty[message_id] = widget  # more finished blocks wait: next frame
        self.render_count += 1
        took_ms = (time.perf_counter() - started) * 1000.0
        since = max(0.001, started - self._last_frame_at)
        least_ms = BURST_FRAME_MS if self._arrived / since > BURST_CHARS_PER_S else FRAME_MS
        self._arrived = 0
        self._last_frame_at = started
        gap_ms = min(MAX_FRAME_GAP_MS, max(least_ms, 2.0 * took_ms))
        self._next_frame_at = started + gap_ms / 1000.0
        if self._dirty:
            self.timer.start(int(max(1.0, gap_ms - took_ms)))
