"""Figure: the GUI thread while the window's own local API server answers 50 streaming clients.

The server runs on the window's qasync loop (Settings › Local server on), its OpenAI endpoint at
the fake upstream (benchmarks/_server.py, a process of its own); the 50 clients are a process of
their own too (benchmarks/_clients.py). value: the worst lateness of a 1 ms heartbeat on the GUI
thread meanwhile (benchmarks/_gui.Heartbeat); also: all complete, the most upstream requests
open at once (the per-provider limit), the window's RSS before and after.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

from benchmarks._common import ROOT, BenchmarkCrash, Row, median, read_rss_mb, rounded, run_child

STALL_BUDGET_MS = 50.0
CLIENTS = 50
LIMIT = 4  # Settings.concurrent_requests' default


def run(quick: bool) -> list[Row]:
    data = run_child("server_window", quick, timeout=300)
    stall = median(data["stalls"])
    ok = stall <= STALL_BUDGET_MS and all(r["complete"] == CLIENTS for r in data["crowds"]) \
        and data["peak_upstream"] <= LIMIT
    return [Row(f"serve in the window: worst GUI stall, {CLIENTS} streams", stall, "ms",
                budget=f"≤ {STALL_BUDGET_MS:.0f} ms, all complete", ok=ok,
                note=(f"median of {len(data['stalls'])} runs' worst; max {max(data['stalls']):.1f} ms; peak "
                      f"{data['peak_upstream']} upstream; window RSS {data['rss_before_mb']:.0f} → "
                      f"{data['rss_after_mb']:.0f} MB"),
                details={**data, "stalls": rounded(data["stalls"], 1)})]


def child(quick: bool) -> dict[str, Any]:
    from desktop_chat.config import load_settings, save_settings
    from tests import wiring
    from tests.fakes.loopback import free_port

    from benchmarks._gui import Heartbeat, run_in_app, until
    from benchmarks._server import ServerProcess

    runs = 2 if quick else 4
    with ServerProcess() as fake:
        settings = wiring.settings_for("openai", fake, load_settings())
        settings.server_enabled, settings.server_port, settings.server_rate_limit = True, free_port(), 0
        save_settings(settings)

        async def body(window: Any) -> dict[str, Any]:
            host = window.server_host()  # started after the first frame, as the setting asks
            await until(lambda: host.running, timeout=20)
            rss_before = read_rss_mb()
            stalls, crowds, tops = [], [], []
            for _ in range(runs):
                heartbeat = Heartbeat()
                heartbeat.start()
                crowds.append(await _clients(host.url, host.token, "bench:slow:200:0.002"))
                stalls.append(heartbeat.stop())
                tops.append(heartbeat.top())
            peaks = [e["open"] for e in list(fake.events) if e.get("event") == "peak"]
            return {"stalls": stalls, "crowds": crowds, "top_gaps_ms": tops, "peak_upstream": max(peaks, default=0),
                    "rss_before_mb": round(rss_before, 1), "rss_after_mb": round(read_rss_mb(), 1),
                    "requests_counted": host.requests}

        return run_in_app(body)


async def _clients(url: str, token: str, prompt: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks._clients", url, token, str(CLIENTS), prompt,
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise BenchmarkCrash(f"the clients failed: {err.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result
