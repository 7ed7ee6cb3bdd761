"""Figure 7: the conversation list with 10,000 conversations.

The home holds 10,000 conversations (two messages each). Each run reloads the list the way the
window does at start-up and after an undo (`ConversationPanel.reload`: model reset from the store).

value     reload called → the list's viewport painted (first Paint, and the event loop back after it).
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks._common import (Row, conversation_items, fill_store, median, rounded, run_child, throwaway_home,
                                write_settings)

CONVERSATIONS = 10_000
BUDGET_MS = 300.0


def run(quick: bool) -> list[Row]:
    with throwaway_home() as home:
        fill_store(home, conversation_items(CONVERSATIONS, 2, seed=9, words=(10, 30)), batch=1000)
        write_settings(home)
        data = run_child("conversation_list", quick, timeout=180, home=home)
    value = median(data["values"])
    return [Row(f"list {CONVERSATIONS:,} conversations", value, "ms", budget=f"≤ {BUDGET_MS:.0f} ms",
                ok=value <= BUDGET_MS, note=f"reload → painted; {data['rows']} rows loaded",
                details={"per_run_ms": rounded(data["values"]), "total": data["total"]})]


def child(quick: bool) -> dict[str, Any]:
    from benchmarks._gui import PaintWatch, idle, run_in_app

    runs = 3 if quick else 7

    async def body(window: Any) -> dict[str, Any]:
        panel = window.panel
        values = []
        for _ in range(runs + 1):  # the first is a warm-up
            await idle(0.3)
            started = time.perf_counter()
            panel.reload()
            watch = PaintWatch(panel.view.viewport())
            values.append((await watch.future - started) * 1000)
        return {"values": values[1:], "rows": panel.model.rowCount(), "total": window.store.count_conversations()}

    return run_in_app(body)
