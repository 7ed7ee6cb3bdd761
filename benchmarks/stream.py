"""Figure 3: 20,000 tokens as fast as a loopback server can send them, into the real window.

The server is FakeOpenAI in a process of its own (benchmarks/_server.py), as a real server is.
The home holds 200 past conversations, as a user's would.

value     Enter pressed → answer stored complete and its last frame rendered, in the real window
          (engine, store, turn controller, MessageView), through the openai SDK. (--quick: 10,000)
baseline  the same SDK reading the same stream with no UI: `AsyncOpenAI` on a plain asyncio loop
          in a worker thread of the same process (the window idles meanwhile), request → last chunk.
stall     the worst lateness of a 1 ms QTimer heartbeat on the GUI thread during each window run;
          the figure is the median of the runs' worsts (the first run of a process also pays
          one-time costs such as pygments' first lexer, see the details).

Runs are interleaved (baseline, window, baseline, window…) after one warm-up of each, whose
answer is a short one without code.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from benchmarks._common import (BenchmarkCrash, Row, answer_tokens, home_with_history, median, paired_ratio, rounded,
                                run_child, throwaway_home)

TOKENS = 20_000
QUICK_TOKENS = 10_000
RATIO_BUDGET = 1.5
STALL_BUDGET_MS = 50.0
MODEL = "gpt-test"


def run(quick: bool) -> list[Row]:
    with throwaway_home() as home:
        data = run_child("stream", quick, timeout=240, home=home_with_history(home))
    values, baselines, stalls = data["values"], data["baselines"], data["stalls"]
    ratio = paired_ratio(values, baselines)
    stall = median(stalls)
    tokens = data["tokens"]
    return [
        Row(f"stream: {tokens // 1000}k tokens into the window", median(values), "ms", median(baselines), ratio,
            f"≤ {RATIO_BUDGET}× baseline", ratio <= RATIO_BUDGET,
            note="baseline: openai SDK alone, same stream",
            details={"window_ms": rounded(values), "sdk_ms": rounded(baselines), "tokens": tokens}),
        Row("stream: worst loop stall", stall, "ms", budget=f"≤ {STALL_BUDGET_MS:.0f} ms",
            ok=stall <= STALL_BUDGET_MS, note=f"median of per-run worst; max {max(stalls):.1f} ms",
            details={"per_run_ms": rounded(stalls, 1), "top_gaps_ms": data["top_gaps"]}),
    ]


def child(quick: bool) -> dict[str, Any]:
    from desktop_chat.config import load_settings, save_settings
    from tests import wiring

    from benchmarks._gui import run_in_app
    from benchmarks._server import ServerProcess

    runs = 3 if quick else 5
    count = QUICK_TOKENS if quick else TOKENS
    prompt = f"bench:stream:{count}"
    expected = "".join(answer_tokens(count))
    with ServerProcess() as server:
        save_settings(wiring.settings_for("openai", server, load_settings()))

        async def body(window: Any) -> dict[str, Any]:
            # Warm-up: the first turn imports the SDK and builds the provider; the first
            # baseline pays for its own first-use code paths.
            await window_turn(window, "warm up", "Hello, world.")
            await asyncio.to_thread(sdk_stream, server.sdk_url, "warm up", "Hello, world.")
            values, baselines, stalls, gaps = [], [], [], []
            for _ in range(runs):
                baselines.append(await asyncio.to_thread(sdk_stream, server.sdk_url, prompt, expected))
                took, stall, top = await window_turn(window, prompt, expected)
                values.append(took)
                stalls.append(stall)
                gaps.append(top)
            return {"values": values, "baselines": baselines, "stalls": stalls, "top_gaps": gaps,
                    "tokens": count}

        return run_in_app(body)


async def window_turn(window: Any, prompt: str, expected: str, *,
                      also_shown: Callable[[Any], bool] | None = None) -> Any:
    """Enter → the answer complete in the store and fully rendered; (ms, worst stall ms, top gaps).
    *also_shown(answer)*: what else must be on screen before the clock stops (reasoning.py's block)."""
    from benchmarks._gui import Heartbeat, idle, press_enter, signal_future, until

    window.new_conversation()
    await idle()
    window.composer.setPlainText(prompt)
    finished = signal_future(window.turnFinished)
    heartbeat = Heartbeat()
    heartbeat.start()
    started = time.perf_counter()
    press_enter(window.composer)
    (cid,) = await asyncio.wait_for(finished, 120)
    answer = window.store.list_messages(cid)[-1]
    await until(lambda: not window.view.has_pending_render() and (also_shown is None or also_shown(answer)),
                timeout=60, interval=0.001)
    took = (time.perf_counter() - started) * 1000
    stall = heartbeat.stop()
    if answer.text != expected or answer.status.value != "complete":
        raise BenchmarkCrash(f"the answer arrived incomplete: {answer.status}, "
                             f"{len(answer.text)} of {len(expected)} characters")
    shown = window.view.message_widget(answer.id).current_text()
    if shown != expected:
        raise BenchmarkCrash(f"the view shows {len(shown)} of {len(expected)} chars")
    return took, stall, heartbeat.top()


def sdk_stream(base_url: str, prompt: str, expected: str) -> float:
    """Milliseconds from the SDK request to the last chunk read, on a plain asyncio loop."""
    from openai import AsyncOpenAI

    from tests import wiring

    async def go() -> tuple[float, str]:
        client = AsyncOpenAI(api_key=wiring.OPENAI_KEY, base_url=base_url, max_retries=0)
        try:
            started = time.perf_counter()
            stream = await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": prompt}], stream=True,
                stream_options={"include_usage": True}, max_tokens=4096)
            parts = []
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
            return (time.perf_counter() - started) * 1000, "".join(parts)
        finally:
            await client.close()

    took, text = asyncio.run(go())
    if text != expected:
        raise BenchmarkCrash("the SDK baseline read an incomplete stream")
    return took
