"""Figure 3b: 20,000 tokens of reasoning, then a 5,000-token answer, into the real window.

The same set-up and budgets as figure 3 (stream.py): FakeOpenAI in its own process sends the
reasoning as `reasoning_content` deltas (DeepSeek / vLLM / llama.cpp server), then the answer as
`content`, as fast as it can.

value     Enter pressed → answer stored complete, its last frame rendered and the whole
          reasoning shown in its block, in the real window (engine, store, turn controller,
          MessageView, ThinkingBlock), through the openai SDK. (--quick: 10,000 + 2,500)
baseline  the same SDK reading the same stream with no UI, both fields joined, request → last chunk.
stall     the worst lateness of a 1 ms QTimer heartbeat on the GUI thread during each window run
          (median of the runs' worsts).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks._common import (BenchmarkCrash, Row, answer_tokens, home_with_history, median, paired_ratio, rounded,
                                run_child, throwaway_home)
from benchmarks.stream import MODEL, RATIO_BUDGET, STALL_BUDGET_MS

REASONING, ANSWER = 20_000, 5_000
QUICK_REASONING, QUICK_ANSWER = 10_000, 2_500


def run(quick: bool) -> list[Row]:
    with throwaway_home() as home:
        data = run_child("reasoning", quick, timeout=300, home=home_with_history(home))
    values, baselines, stalls = data["values"], data["baselines"], data["stalls"]
    ratio = paired_ratio(values, baselines)
    stall = median(stalls)
    label = f"{data['reasoning'] // 1000}k reasoning + {data['answer'] // 1000}k answer"
    return [
        Row(f"reasoning: {label} into the window", median(values), "ms", median(baselines), ratio,
            f"≤ {RATIO_BUDGET}× baseline", ratio <= RATIO_BUDGET,
            note="baseline: openai SDK alone, same stream",
            details={"window_ms": rounded(values), "sdk_ms": rounded(baselines), "reasoning_tokens": data["reasoning"],
                     "answer_tokens": data["answer"]}),
        Row("reasoning: worst loop stall", stall, "ms", budget=f"≤ {STALL_BUDGET_MS:.0f} ms",
            ok=stall <= STALL_BUDGET_MS, note=f"median of per-run worst; max {max(stalls):.1f} ms",
            details={"per_run_ms": rounded(stalls, 1), "top_gaps_ms": data["top_gaps"]}),
    ]


def child(quick: bool) -> dict[str, Any]:
    from desktop_chat.config import load_settings, save_settings
    from tests import wiring

    from benchmarks._gui import run_in_app
    from benchmarks._server import ServerProcess, reasoning_tokens

    runs = 3 if quick else 5
    thinking_count, answer_count = (QUICK_REASONING, QUICK_ANSWER) if quick else (REASONING, ANSWER)
    prompt = f"bench:reason:{thinking_count}:{answer_count}"
    thinking, answer = "".join(reasoning_tokens(thinking_count)), "".join(answer_tokens(answer_count))
    with ServerProcess() as server:
        save_settings(wiring.settings_for("openai", server, load_settings()))

        async def body(window: Any) -> dict[str, Any]:
            from benchmarks.stream import window_turn as plain_turn

            await plain_turn(window, "warm up", "Hello, world.")
            await asyncio.to_thread(sdk_stream, server.sdk_url, "warm up", "", "Hello, world.")
            values, baselines, stalls, gaps = [], [], [], []
            for _ in range(runs):
                baselines.append(await asyncio.to_thread(sdk_stream, server.sdk_url, prompt, thinking, answer))
                took, stall, top = await window_turn(window, prompt, thinking, answer)
                values.append(took)
                stalls.append(stall)
                gaps.append(top)
            return {"values": values, "baselines": baselines, "stalls": stalls, "top_gaps": gaps,
                    "reasoning": thinking_count, "answer": answer_count}

        return run_in_app(body)


async def window_turn(window: Any, prompt: str, thinking: str, expected: str) -> Any:
    """Enter → answer complete and rendered, reasoning shown whole; (ms, worst stall ms, top gaps)."""
    from benchmarks.stream import window_turn as answer_turn
    from desktop_chat.ui.messages.thinking_hooks import block_for

    def reasoning_shown(answer: Any) -> bool:
        block = block_for(window.view.message_widget(answer.id), create=False)
        return block is not None and block.text_view.toPlainText() == thinking

    took, stall, top = await answer_turn(window, prompt, expected, also_shown=reasoning_shown)
    answer = window.store.list_messages(window.current_conversation_id)[-1]
    if not any(getattr(p, "text", None) == thinking for p in answer.typed_parts):
        raise BenchmarkCrash("the reasoning was not stored as its own part")
    return took, stall, top


def sdk_stream(base_url: str, prompt: str, thinking: str, expected: str) -> float:
    """Milliseconds from the SDK request to the last chunk read (reasoning and answer), no UI."""
    from openai import AsyncOpenAI

    from tests import wiring

    async def go() -> tuple[float, str, str]:
        client = AsyncOpenAI(api_key=wiring.OPENAI_KEY, base_url=base_url, max_retries=0)
        try:
            started = time.perf_counter()
            stream = await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": prompt}], stream=True,
                stream_options={"include_usage": True}, max_tokens=4096)
            reasoning, parts = [], []
            async for chunk in stream:
                if chunk.choices:
                    delta = chunk.choices[0].delta
                    piece = getattr(delta, "reasoning_content", None)
                    if piece:
                        reasoning.append(piece)
                    if delta.content:
                        parts.append(delta.content)
            return (time.perf_counter() - started) * 1000, "".join(reasoning), "".join(parts)
        finally:
            await client.close()

    took, got_thinking, text = asyncio.run(go())
    if text != expected or got_thinking != thinking:
        raise BenchmarkCrash("the SDK baseline read an incomplete stream")
    return took
