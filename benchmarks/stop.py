"""Figure 10: Stop closes the connection at once.

value     the Stop button clicked while an answer streams (a fake sending a chunk every 10 ms)
          → the fake server sees the client hang up (its RecordedRequest.disconnected_at).
          Both ends read time.monotonic(), i.e. CLOCK_MONOTONIC, one clock for every process.
          The fake runs in a process of its own (benchmarks/_server.py); the home holds 200 past
          conversations.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks._common import BenchmarkCrash, Row, home_with_history, median, rounded, run_child, throwaway_home

BUDGET_MS = 100.0
PROMPT = "bench:slow:5000:0.01"


def run(quick: bool) -> list[Row]:
    with throwaway_home() as home:
        data = run_child("stop", quick, timeout=180, home=home_with_history(home))
    value = median(data["values"])
    return [Row("stop: connection closed after Stop", value, "ms", budget=f"≤ {BUDGET_MS:.0f} ms",
                ok=value <= BUDGET_MS, note=f"worst {max(data['values']):.1f} ms",
                details={"per_run_ms": rounded(data["values"])})]


def child(quick: bool) -> dict[str, Any]:
    from desktop_chat.config import load_settings, save_settings
    from tests import wiring

    from benchmarks._gui import run_in_app
    from benchmarks._server import ServerProcess

    runs = 5 if quick else 11
    with ServerProcess() as server:
        save_settings(wiring.settings_for("openai", server, load_settings()))

        async def body(window: Any) -> dict[str, Any]:
            await stop_once(window, server)  # warm-up: SDK import, provider
            return {"values": [await stop_once(window, server) for _ in range(runs)]}

        return run_in_app(body)


async def stop_once(window: Any, server: Any) -> float:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from benchmarks._gui import idle, press_enter, signal_future, until

    window.new_conversation()
    await idle()
    window.composer.setPlainText(PROMPT)
    finished = signal_future(window.turnFinished)
    press_enter(window.composer)
    cid = window.current_conversation_id

    def streaming_for_a_while() -> bool:
        live = window.controller.live_answer(cid)
        return live is not None and len(live[1]) > 200

    await until(streaming_for_a_while, timeout=30)
    button = window.composer_bar.stop_button
    if not button.isVisible():
        raise BenchmarkCrash("no Stop button while the answer streams")
    stopped_at = time.monotonic()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    report = await asyncio.to_thread(server.wait_disconnected, PROMPT)
    await asyncio.wait_for(finished, 10)
    answer = window.store.list_messages(cid)[-1]
    if answer.status.value != "stopped":
        raise BenchmarkCrash(f"the answer ended {answer.status}, not stopped")
    return (report["disconnected_at"] - stopped_at) * 1000
