"""Figure: a tool round trip through a local stdio MCP server (issue 21).

value     one tool call through the engine's ToolBox to the SDK test server over stdio
          (tests/tools/mcp_test_server.py, `echo`: the tool's own work is nil), i.e. JSON-RPC
          over the pipes, the SDK's session and our result formatting; median of N calls.
extra     the engine's whole turn with one tool round, the model faked (tests/fakes, Anthropic's
          wire: two requests), beside the same turn without a call, for scale; and the server's
          start, paid once per session.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks._common import Row, median, rounded, run_child

BUDGET_MS = 50.0
ROOT = Path(__file__).resolve().parents[1]


def run(quick: bool) -> list[Row]:
    data = run_child("tools", quick, timeout=180)
    call = median(data["calls"])
    return [
        Row("tools: call through a stdio MCP server", call, "ms", budget=f"≤ {BUDGET_MS:.0f} ms",
            ok=call <= BUDGET_MS, note=f"worst {max(data['calls']):.1f} ms; server start once: {data['start']:.0f} ms",
            details={"per_call_ms": rounded(data["calls"]), "start_ms": data["start"]}),
        Row("tools: engine tool round (fake model, 2 requests)", median(data["rounds"]), "ms",
            note=f"same turn without a tool: {median(data['plain']):.1f} ms",
            details={"round_ms": rounded(data["rounds"]), "plain_ms": rounded(data["plain"])}),
    ]


def child(quick: bool) -> dict[str, Any]:
    return asyncio.run(_measure(20 if quick else 200))


async def _measure(calls: int) -> dict[str, Any]:
    from desktop_chat import config
    from desktop_chat.chat.app_services import AppServices
    from desktop_chat.chat.tool_rounds import mcp_path, tool_box
    from desktop_chat.store import Store
    from desktop_chat.tools import servers
    from desktop_chat.tools.approval import AllowAll
    from desktop_chat.tools.servers import ServerConfig, ServerList
    from tests.fakes.loopback import FakeToolCall, Scenario
    from tests.wiring import fake_for, settings_for

    server = ServerConfig("calc", command=sys.executable, args=(str(ROOT / "tests/tools/mcp_test_server.py"), "stdio"))
    servers.save(ServerList([server]), mcp_path())
    box = tool_box()
    began = time.perf_counter()
    await box.tools()
    start = (time.perf_counter() - began) * 1000
    echo = box.find("calc__echo")
    assert echo is not None
    await box.call(echo, {"text": "warm"})
    timings = []
    for i in range(calls):
        began = time.perf_counter()
        outcome = await box.call(echo, {"text": f"call {i}"})
        timings.append((time.perf_counter() - began) * 1000)
        assert not outcome.is_error
    await box.aclose()

    rounds, plain = [], []
    with fake_for("anthropic") as fake, Store(config.database_path()) as store:
        engine = AppServices(store, settings_for("anthropic", fake)).engine  # with the user's servers
        engine.approval = AllowAll()
        try:
            for i in range(6):
                fake.enqueue(Scenario(chunks=["a"], tool_calls=[FakeToolCall("calc__echo", {"text": "x"})]),
                             Scenario(chunks=["b"]))
                began = time.perf_counter()
                await engine.send(None, "with a tool")
                rounds.append((time.perf_counter() - began) * 1000)
                fake.enqueue(Scenario(chunks=["a"]))
                began = time.perf_counter()
                await engine.send(None, "without")
                plain.append((time.perf_counter() - began) * 1000)
        finally:
            await engine.aclose()
    return {"calls": timings, "start": start, "rounds": rounds[1:], "plain": plain[1:]}
