"""Figure 4: rendering a streaming answer costs the same at its end as at its start.

A streaming assistant message is added to the window's MessageView and fed 50,000 tokens through
`MessageView.append_text`, 20 tokens per frame. Each frame is rendered straight away instead of
waiting for the view's frame timer (whose waits are not work): the view's frame slot renders
what arrived, posted layout requests are delivered, and the view is repainted synchronously.
The time of each 1,000 tokens (appending + frames + layout + paint) is recorded.

value     ms for the last 1,000 tokens (49,001-50,000)
baseline  ms for the first 1,000 tokens of the same answer
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks._common import BenchmarkCrash, Row, answer_tokens, median, paired_ratio, rounded, run_child

TOKENS = 50_000
QUICK_TOKENS = 20_000
BATCH = 1_000
PER_FRAME = 20
RATIO_BUDGET = 2.0


def run(quick: bool) -> list[Row]:
    data = run_child("render", quick, timeout=400)
    lasts, firsts = data["lasts"], data["firsts"]
    ratio = paired_ratio(lasts, firsts)
    tokens = data["tokens"]
    return [Row(f"render: last vs first 1k of {tokens // 1000}k tokens", median(lasts), "ms", median(firsts),
                ratio, f"≤ {RATIO_BUDGET:.0f}×", ratio <= RATIO_BUDGET,
                note="ms per 1,000 tokens, 20 tokens a frame",
                details={"last_ms": rounded(lasts), "first_ms": rounded(firsts),
                         "curve_ms_per_1k": data["curve"], "tokens": tokens})]


def child(quick: bool) -> dict[str, Any]:
    from benchmarks._gui import run_in_app

    runs = 2 if quick else 3
    count = QUICK_TOKENS if quick else TOKENS
    tokens = answer_tokens(count, seed=3)

    async def body(window: Any) -> dict[str, Any]:
        await stream_into_view(window, tokens[:2_000], "warm")  # fonts, style sheets, first renders
        firsts, lasts, curves = [], [], []
        for run in range(runs):
            batches = await stream_into_view(window, tokens, f"run{run}")
            firsts.append(batches[0])
            lasts.append(batches[-1])
            curves.append(batches)
        step = max(1, len(curves[0]) // 10)
        curve = [round(median([c[i] for c in curves]), 1) for i in range(0, len(curves[0]), step)]
        return {"firsts": firsts, "lasts": lasts, "curve": curve, "tokens": count}

    return run_in_app(body)


async def stream_into_view(window: Any, tokens: list[str], tag: str) -> list[float]:
    """Stream `tokens` into a new streaming message; ms per BATCH tokens."""
    from desktop_chat.domain.messages import Message, MessageStatus

    from benchmarks._gui import idle

    window.new_conversation()
    await idle(0.3)
    view = window.view
    now = time.time()
    message = Message(id=f"bench-render-{tag}", conversation_id="bench-render", role="assistant", text="",
                      status=MessageStatus.STREAMING, seq=1, created_at=now, updated_at=now, model="local-model")
    view.add_message(message)
    frame(view)
    batches = []
    for start in range(0, len(tokens), BATCH):
        began = time.perf_counter()
        for offset in range(start, min(start + BATCH, len(tokens)), PER_FRAME):
            for token in tokens[offset:offset + PER_FRAME]:
                view.append_text(message.id, token)
            frame(view)
        batches.append((time.perf_counter() - began) * 1000)
        await asyncio.sleep(0)  # let the loop run between batches (not timed)
    shown = view.message_widget(message.id).body.plain_text()
    if len(shown) < 0.5 * len("".join(tokens)):
        raise BenchmarkCrash(f"the view shows only {len(shown)} characters")
    return batches


def frame(view: Any) -> None:
    """One frame, now: what the view's frame timer would do, then layout and a synchronous paint."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    view._frame_timer.stop()
    while view.has_pending_render():
        view._frame_timer.stop()
        view._render_frame()
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    view.repaint()
