"""Figure: the local API server (`desktop-chat serve`) against the SDK reading the upstream directly.

Three processes, as in real use: the fake upstream (benchmarks/_server.py), `desktop-chat serve`
(benchmarks/_serve_child.py, its OpenAI endpoint at the fake) and the measuring client (here).

throughput  20,000 tokens (--quick: 5,000) streamed through serve, read by the openai SDK
            (OpenAI wire) and by the anthropic SDK (Anthropic wire), request → last event;
            baseline: the openai SDK reading the same stream from the fake directly. Paired
            runs, interleaved; budget ≤ 1.2×.
first token the extra time to the first text through serve (a two-chunk answer), median of
            paired differences against the SDK directly; budget ≤ 10 ms.
50 clients  50 streaming clients at once through serve (200 tokens each, paced by the fake):
            all complete with the whole text, the most upstream requests ever open at once
            (the per-provider limit, Settings.concurrent_requests), and serve's memory.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from typing import Any

from benchmarks._common import (ROOT, BenchmarkCrash, Row, answer_tokens, median, paired_ratio, read_rss_mb,
                                rounded, run_child)

TOKENS, QUICK_TOKENS = 20_000, 5_000
RATIO_BUDGET = 1.2
FIRST_TOKEN_BUDGET_MS = 10.0
CLIENTS = 50
TOKEN = "bench-server-token"
LIMIT = 4  # Settings.concurrent_requests' default: the per-provider limit the 50 clients queue on


def run(quick: bool) -> list[Row]:
    data = run_child("server", quick, timeout=400)
    rows = []
    for wire in ("openai", "anthropic"):
        values, baselines = data[f"{wire}_ms"], data["sdk_ms"]
        ratio = paired_ratio(values, baselines)
        rows.append(Row(f"serve: {data['tokens'] // 1000}k tokens, {wire} wire", median(values), "ms",
                        median(baselines), ratio, f"≤ {RATIO_BUDGET}× baseline", ratio <= RATIO_BUDGET,
                        note="baseline: openai SDK reading the fake directly",
                        details={"serve_ms": rounded(values), "sdk_ms": rounded(baselines)}))
    extra = median(data["first_extra_ms"])
    rows.append(Row("serve: first-token overhead", extra, "ms", budget=f"≤ {FIRST_TOKEN_BUDGET_MS:.0f} ms",
                    ok=extra <= FIRST_TOKEN_BUDGET_MS, note="median of paired differences vs the SDK directly",
                    details={"extra_ms": rounded(data["first_extra_ms"])}))
    crowd = data["crowd"]
    ok = crowd["complete"] == CLIENTS and crowd["peak_upstream"] <= LIMIT and not crowd["errors"]
    rows.append(Row(f"serve: {CLIENTS} concurrent streams", crowd["seconds"] * 1000, "ms",
                    budget=f"all complete, ≤ {LIMIT} upstream at once", ok=ok,
                    note=(f"{crowd['complete']}/{CLIENTS} complete, peak {crowd['peak_upstream']} upstream, "
                          f"serve RSS {crowd['rss_before_mb']:.0f} → {crowd['rss_peak_mb']:.0f} MB"),
                    details=crowd))
    return rows


def child(quick: bool) -> dict[str, Any]:
    from benchmarks._server import ServerProcess

    runs = 3 if quick else 5
    count = QUICK_TOKENS if quick else TOKENS
    with ServerProcess() as fake, _Serve(fake.base_url) as serve:
        return asyncio.run(_measure(fake, serve, runs, count))


async def _measure(fake: Any, serve: "_Serve", runs: int, count: int) -> dict[str, Any]:
    import anthropic
    import openai

    from tests import wiring

    direct = openai.AsyncOpenAI(base_url=fake.sdk_url, api_key=wiring.OPENAI_KEY, max_retries=0, timeout=120)
    via = openai.AsyncOpenAI(base_url=serve.url + "/v1", api_key=TOKEN, max_retries=0, timeout=120,
                             http_client=openai.DefaultAsyncHttpxClient(limits=_limits()))
    claude = anthropic.AsyncAnthropic(base_url=serve.url, api_key=TOKEN, max_retries=0, timeout=120)
    prompt, expected = f"bench:stream:{count}", "".join(answer_tokens(count))
    for _ in range(2):  # warm-up: imports, connections, the server's provider
        await _openai_stream(direct, "gpt-test", "hello")
        await _openai_stream(via, "openai/gpt-test", "hello")
        await _anthropic_stream(claude, "hello")
    sdk_ms, openai_ms, anthropic_ms, first_extra = [], [], [], []
    for _ in range(runs):
        took, text = await _openai_stream(direct, "gpt-test", prompt)
        _check(text, expected, "direct")
        sdk_ms.append(took)
        took, text = await _openai_stream(via, "openai/gpt-test", prompt)
        _check(text, expected, "openai wire")
        openai_ms.append(took)
        took, text = await _anthropic_stream(claude, prompt)
        _check(text, expected, "anthropic wire")
        anthropic_ms.append(took)
    for _ in range(runs * 4):
        base = await _openai_first(direct, "gpt-test")
        first_extra.append(await _openai_first(via, "openai/gpt-test") - base)
    crowd = await _crowd(via, fake, serve)
    for client in (direct, via, claude):
        await client.close()
    return {"tokens": count, "sdk_ms": sdk_ms, "openai_ms": openai_ms, "anthropic_ms": anthropic_ms,
            "first_extra_ms": first_extra, "crowd": crowd}


def _limits() -> Any:
    import httpx2

    return httpx2.Limits(max_connections=CLIENTS + 10, max_keepalive_connections=CLIENTS + 10)


def _check(text: str, expected: str, what: str) -> None:
    if text != expected:
        raise BenchmarkCrash(f"{what}: got {len(text)} characters, expected {len(expected)}")


async def _openai_stream(client: Any, model: str, prompt: str) -> tuple[float, str]:
    started = time.perf_counter()
    stream = await client.chat.completions.create(model=model, stream=True,
                                                  messages=[{"role": "user", "content": prompt}])
    parts = [c.choices[0].delta.content or "" async for c in stream if c.choices]
    return (time.perf_counter() - started) * 1000, "".join(parts)


async def _anthropic_stream(client: Any, prompt: str) -> tuple[float, str]:
    started = time.perf_counter()
    parts = []
    async with client.messages.stream(model="openai/gpt-test", max_tokens=64_000,
                                      messages=[{"role": "user", "content": prompt}]) as stream:
        async for text in stream.text_stream:
            parts.append(text)
    return (time.perf_counter() - started) * 1000, "".join(parts)


async def _openai_first(client: Any, model: str) -> float:
    started = time.perf_counter()
    stream = await client.chat.completions.create(model=model, stream=True,
                                                  messages=[{"role": "user", "content": "hello"}])
    first = None
    async for chunk in stream:
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = (time.perf_counter() - started) * 1000
    if first is None:
        raise BenchmarkCrash("no text in the first-token answer")
    return first


async def _crowd(client: Any, fake: Any, serve: "_Serve") -> dict[str, Any]:
    expected = "".join(answer_tokens(200))
    rss_before = read_rss_mb(serve.pid)
    peak_rss = [rss_before]
    done = asyncio.Event()

    async def watch_memory() -> None:
        while not done.is_set():
            peak_rss.append(read_rss_mb(serve.pid))
            await asyncio.sleep(0.05)

    async def one(i: int) -> bool:
        _, text = await _openai_stream(client, "openai/gpt-test", "bench:slow:200:0.002")
        return text == expected

    watcher = asyncio.ensure_future(watch_memory())
    started = time.perf_counter()
    results = await asyncio.gather(*(one(i) for i in range(CLIENTS)), return_exceptions=True)
    seconds = time.perf_counter() - started
    done.set()
    await watcher
    errors = [repr(r)[:200] for r in results if isinstance(r, BaseException)]
    peaks = [e["open"] for e in list(fake.events) if e.get("event") == "peak"]
    return {"complete": sum(1 for r in results if r is True), "errors": errors, "seconds": round(seconds, 2),
            "peak_upstream": max(peaks, default=0), "rss_before_mb": round(rss_before, 1),
            "rss_peak_mb": round(max(peak_rss), 1), "rss_after_mb": round(read_rss_mb(serve.pid), 1)}


class _Serve:
    """`desktop-chat serve` in a process of its own (benchmarks/_serve_child.py)."""

    def __init__(self, fake_url: str) -> None:
        self.fake_url = fake_url
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __enter__(self) -> "_Serve":
        from tests.fakes.loopback import free_port

        port = free_port()
        env = dict(os.environ, DESKTOP_CHAT_SERVER_TOKEN=TOKEN)  # the child's benchmark environment
        if "DESKTOP_CHAT_HOME" not in env:
            raise BenchmarkCrash("no benchmark home")
        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks._serve_child", self.fake_url, str(port)],
                                     cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert self.proc.stdout is not None
        banner = self.proc.stdout.readline()
        if f":{port}" not in banner:
            self.proc.kill()
            raise BenchmarkCrash(f"serve did not start: {banner}{self.proc.stderr.read() if self.proc.stderr else ''}")
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            return
        if "Traceback" in (err or ""):
            print(err, file=sys.stderr)

