"""Figure 5: time to the first token on screen.

value     Enter pressed in the composer of a new conversation → the answer's first token painted
          (the message body's first Paint with text, and the event loop back after it), with the
          loopback fake answering at once.
baseline  the openai SDK alone (worker thread, plain asyncio loop, same process, window idle):
          request → first content chunk, against the same fake.

Both are warm (SDK imported, provider built, one turn done before), as every turn but the first
of a session is; the cold first turn of a session is reported in the details (no budget). The
home holds 200 past conversations (the conversation list's first page), as a user's would.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks._common import BenchmarkCrash, Row, home_with_history, median, rounded, run_child, throwaway_home

BUDGET_EXTRA_MS = 30.0
PROMPT = "Say hello."
ANSWER = "Hello, world."


def run(quick: bool) -> list[Row]:
    with throwaway_home() as home:
        data = run_child("first_token", quick, timeout=180, home=home_with_history(home))
    value, baseline = median(data["values"]), median(data["baselines"])
    extra = median([v - b for v, b in zip(data["values"], data["baselines"])])
    return [Row("first token painted after Enter", value, "ms", baseline, value / baseline,
                f"≤ baseline + {BUDGET_EXTRA_MS:.0f} ms", extra <= BUDGET_EXTRA_MS,
                note=f"median extra {extra:.1f} ms over the SDK alone (median of per-run differences)",
                ratio_text=f"+{extra:.1f} ms",
                details={"window_ms": rounded(data["values"]), "sdk_ms": rounded(data["baselines"]),
                         "median_extra_ms": round(extra, 2), "cold_first_turn_ms": round(data["cold"], 1)})]


def child(quick: bool) -> dict[str, Any]:
    from desktop_chat.config import load_settings, save_settings
    from tests import wiring

    from benchmarks._gui import run_in_app
    from benchmarks._server import ServerProcess

    runs = 5 if quick else 15
    with ServerProcess() as server:
        save_settings(wiring.settings_for("openai", server, load_settings()))

        async def body(window: Any) -> dict[str, Any]:
            cold = await first_token(window)  # imports the SDK, builds the provider
            await asyncio.to_thread(sdk_first_token, server.sdk_url)
            values, baselines = [], []
            for _ in range(runs):
                baselines.append(await asyncio.to_thread(sdk_first_token, server.sdk_url))
                values.append(await first_token(window))
            return {"values": values, "baselines": baselines, "cold": cold}

        return run_in_app(body)


async def first_token(window: Any) -> float:
    from benchmarks._gui import PaintWatch, idle, press_enter, signal_future

    window.new_conversation()
    await idle(0.3)
    window.composer.setPlainText(PROMPT)
    watch: dict[str, PaintWatch] = {}

    from desktop_chat.chat.events import TurnStarted

    def turn_event(_cid: str, event: Any) -> None:
        if not isinstance(event, TurnStarted):  # a turn's events come through one signal
            return
        body = window.view.message_widget(event.assistant_message.id).body
        watch["paint"] = PaintWatch(body.viewport(), lambda: bool(body.plain_text().strip()))

    window.controller.turnEvent.connect(turn_event)  # after the window's own slot: the widget exists
    finished = signal_future(window.turnFinished)
    try:
        started = time.perf_counter()
        press_enter(window.composer)
        await asyncio.wait_for(finished, 30)
    finally:
        window.controller.turnEvent.disconnect(turn_event)
    if "paint" not in watch:
        raise BenchmarkCrash("the turn never started")
    painted = await asyncio.wait_for(watch["paint"].future, 10)
    return (painted - started) * 1000


def sdk_first_token(base_url: str) -> float:
    """Milliseconds from the SDK request to the first content chunk, on a plain asyncio loop."""
    from openai import AsyncOpenAI

    from tests import wiring

    async def go() -> float:
        client = AsyncOpenAI(api_key=wiring.OPENAI_KEY, base_url=base_url, max_retries=0)
        try:
            started = time.perf_counter()
            stream = await client.chat.completions.create(
                model="gpt-test", messages=[{"role": "user", "content": PROMPT}], stream=True,
                stream_options={"include_usage": True}, max_tokens=4096)
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    took = (time.perf_counter() - started) * 1000
                    break
            else:
                raise BenchmarkCrash("the SDK baseline got no text")
            await stream.close()
            return took
        finally:
            await client.close()

    return asyncio.run(go())
