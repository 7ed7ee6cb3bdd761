"""Figure 6: opening a conversation of 5,000 messages.

The home holds a 5,000-message conversation (markdown answers with code and lists) and a small
one. Each run opens the small one, lets the window settle, then opens the big one the way a click
in the list does (`MainWindow.open_conversation`).

value     open_conversation called → the newest message painted (its body's first Paint, and
          the event loop back after it).
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks._common import (Row, conversation_items, fill_store, median, rounded, run_child, throwaway_home,
                                write_settings)

MESSAGES = 5_000
BUDGET_MS = 300.0
BIG = "bench-c000000"
SMALL = "bench-c000001"


def run(quick: bool) -> list[Row]:
    with throwaway_home() as home:
        big = conversation_items(1, MESSAGES, seed=5)
        small = conversation_items(2, 4, seed=6)[1:]
        fill_store(home, big + small)
        write_settings(home)
        data = run_child("open_conversation", quick, timeout=180, home=home)
    value = median(data["values"])
    return [Row(f"open a {MESSAGES:,}-message conversation", value, "ms", budget=f"≤ {BUDGET_MS:.0f} ms",
                ok=value <= BUDGET_MS, note=f"newest painted; {data['shown']} messages loaded",
                details={"per_run_ms": rounded(data["values"])})]


def child(quick: bool) -> dict[str, Any]:
    from benchmarks._gui import run_in_app

    return run_in_app(lambda window: open_timings(window, BIG, SMALL, 3 if quick else 7))


async def open_timings(window: Any, big: str, small: str, runs: int) -> dict[str, Any]:
    """Open *small*, settle, open *big* as a click does; ms until its newest message is painted."""
    from benchmarks._gui import PaintWatch, idle

    newest = window.store.list_messages(big, limit=1)[-1].id
    values = []
    for _ in range(runs + 1):  # the first is a warm-up
        window.open_conversation(small)
        await idle(0.4)
        started = time.perf_counter()
        window.open_conversation(big)
        watch = PaintWatch(window.view.message_widget(newest).body.viewport())
        values.append((await watch.future - started) * 1000)
    return {"values": values[1:], "shown": len(window.view.message_ids())}
