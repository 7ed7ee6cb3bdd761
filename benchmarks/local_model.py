"""Figure: the built-in engine's default model (SmolLM2-135M-Instruct Q4_1), through the app vs.
llama-cpp-python alone.

value     `ChatEngine.send` to the Built-in endpoint (LlamaCppProvider: worker thread, tokens handed
          to the loop one by one, the answer stored as it streams), as the window and
          `desktop-chat ask` run a turn
baseline  llama-cpp-python alone: `Llama.create_chat_completion(stream=True)` in the same process,
          same model file, context (4,096), threads (cores - 1) and temperature (0)

Speed: both load the model once, warm up, then answer the same questions in turns (baseline,
app, baseline, app…), a different question each run so that no run reuses the previous prompt.
Tokens/s counts the streamed pieces after the first one, over the time after the first one;
first token is from the call to the first piece of text (the extra is the median of the per-run
differences). Memory: VmRSS after one answer, each in
a fresh process of its own (llama-cpp-python alone vs. the app's engine and store).

The model comes from $DESKTOP_CHAT_TEST_MODEL or where scripts/install_local_model.sh puts it; without
it (or without llama-cpp-python) the figure says so and is not measured.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks._common import Row, median, paired_ratio, read_rss_mb, rounded, run_child

MODE_ENV = "DESKTOP_CHAT_BENCH_LOCAL_MODE"
MODEL_ENV = "DESKTOP_CHAT_BENCH_MODEL"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SPEED_BUDGET = 0.9  # the app keeps at least 90 % of llama-cpp-python's tokens/s
FIRST_TOKEN_BUDGET_MS = 30.0
QUESTIONS = [
    "Write a short story about a lighthouse keeper.",
    "Explain how a bicycle works, step by step.",
    "Describe a walk through a forest in autumn.",
    "Write a letter to a friend about a summer holiday.",
    "Tell me about the history of bread.",
    "Describe the planets of the solar system.",
]


def _model() -> Path | None:
    named = os.environ.get("DESKTOP_CHAT_TEST_MODEL")
    path = Path(named) if named else Path(sys.prefix) / "share" / "desktop-chat" / "models" / MODEL_FILE
    return path if path.is_file() else None


def run(quick: bool) -> list[Row]:
    model = _model()
    try:
        import importlib.util

        engine = importlib.util.find_spec("llama_cpp") is not None
    except ImportError:
        engine = False
    if model is None or not engine:
        why = "llama-cpp-python not installed" if not engine else "model not installed"
        return [Row("local model: tokens/s", None, "", note=f"not measured: {why} (scripts/install_local_model.sh)")]
    speed = _child("speed", model, quick)
    alone = _child("rss_alone", model, quick)
    app = _child("rss_app", model, quick)
    ratio = paired_ratio(speed["app_tps"], speed["base_tps"])
    tps, base_tps = median(speed["app_tps"]), median(speed["base_tps"])
    ttft, base_ttft = median(speed["app_ttft"]), median(speed["base_ttft"])
    # Paired, like the ratios: the median of the per-run differences, so that a burst of load
    # elsewhere lands on one pair and is voted out.
    extra = median([a - b for a, b in zip(speed["app_ttft"], speed["base_ttft"])])
    details = {k: rounded(v) if isinstance(v, list) else v for k, v in speed.items()}
    return [
        Row("local model: tokens/s (SmolLM2 135M)", tps, "tok/s", base_tps, ratio, f"≥ {SPEED_BUDGET}× baseline",
            ratio >= SPEED_BUDGET, note="baseline: llama-cpp-python alone", details=details),
        Row("local model: first token", ttft, "ms", base_ttft, budget=f"≤ baseline + {FIRST_TOKEN_BUDGET_MS:.0f} ms",
            ok=extra <= FIRST_TOKEN_BUDGET_MS, ratio_text=f"{extra:+.1f} ms"),
        Row("local model: RSS after an answer", app["rss_mb"], "MB", alone["rss_mb"],
            ratio_text=f"{app['rss_mb'] - alone['rss_mb']:+.1f} MB", note="each in a fresh process",
            details={"app": app, "alone": alone}),
        Row("local model: load (98 MB file)", app["load_ms"], "ms", alone["load_ms"],
            ratio_text=f"{app['load_ms'] - alone['load_ms']:+.0f} ms", note="llama_cpp import excluded"),
    ]


def _child(mode: str, model: Path, quick: bool) -> dict[str, Any]:
    saved = {name: os.environ.get(name) for name in (MODE_ENV, MODEL_ENV)}
    os.environ[MODE_ENV], os.environ[MODEL_ENV] = mode, str(model)
    try:
        return run_child("local_model", quick, timeout=600)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# -- in the child ------------------------------------------------------------------------------------------

def child(quick: bool) -> dict[str, Any]:
    mode, model = os.environ[MODE_ENV], Path(os.environ[MODEL_ENV])
    max_tokens = 64 if quick else 128
    if mode == "speed":
        return _speed(model, runs=2 if quick else 5, max_tokens=max_tokens)
    if mode == "rss_alone":
        return _rss_alone(model, max_tokens)
    return asyncio.run(_rss_app(model, max_tokens))


def _settings(model: Path, max_tokens: int) -> Any:
    from desktop_chat.config import Settings

    settings = Settings()
    settings.default_endpoint = "builtin"
    settings.local_model_paths = [str(model)]
    settings.temperature, settings.max_tokens = 0.0, max_tokens
    return settings


def _llama(model: Path) -> Any:
    from llama_cpp import Llama

    from desktop_chat.providers.llamacpp_runtime import default_threads, loaded_context
    from desktop_chat.providers.gguf import read_gguf_info

    threads = default_threads()
    return Llama(model_path=str(model), n_ctx=loaded_context(read_gguf_info(model).context_length),
                 n_threads=threads, n_threads_batch=threads, verbose=False)


def _alone_once(llama: Any, question: str, max_tokens: int) -> tuple[float, float, int]:
    """(first token ms, tokens/s after it, pieces) for llama-cpp-python alone."""
    started = time.perf_counter()
    first = end = None
    pieces = 0
    for chunk in llama.create_chat_completion(messages=[{"role": "user", "content": question}], stream=True,
                                              max_tokens=max_tokens, temperature=0.0):
        if chunk["choices"][0]["delta"].get("content"):
            now = time.perf_counter()
            first = first or now
            end = now
            pieces += 1
    assert first is not None and end is not None
    return (first - started) * 1000, (pieces - 1) / max(end - first, 1e-9), pieces


async def _app_once(engine: Any, question: str) -> tuple[float, float, int]:
    """The same through ChatEngine.send to the Built-in endpoint."""
    from desktop_chat.domain.events import TextDelta

    times: list[float] = []

    def sink(event: Any) -> None:
        if isinstance(event, TextDelta) and event.text:
            times.append(time.perf_counter())

    started = time.perf_counter()
    result = await engine.send(None, question, on_event=sink)
    if not result.ok:
        raise RuntimeError(f"the app's turn failed: {result.error}")
    return (times[0] - started) * 1000, (len(times) - 1) / max(times[-1] - times[0], 1e-9), len(times)


def _speed(model: Path, runs: int, max_tokens: int) -> dict[str, Any]:
    from desktop_chat.chat.app_services import AppServices
    from desktop_chat.config import database_path
    from desktop_chat.store import Store

    async def main() -> dict[str, Any]:
        llama = _llama(model)
        out: dict[str, list[float]] = {k: [] for k in ("base_ttft", "base_tps", "base_pieces", "app_ttft", "app_tps",
                                                        "app_pieces")}
        with Store(database_path()) as store:
            services = AppServices(store, _settings(model, max_tokens))  # wired as the window's
            engine = services.engine
            try:
                _alone_once(llama, "Hello!", 8)  # warm-up: load, first evaluation
                await _app_once(engine, "Hello!")
                for i in range(runs):
                    question = QUESTIONS[i % len(QUESTIONS)]
                    ttft, tps, pieces = await asyncio.to_thread(_alone_once, llama, question, max_tokens)
                    out["base_ttft"].append(ttft)
                    out["base_tps"].append(tps)
                    out["base_pieces"].append(pieces)
                    ttft, tps, pieces = await _app_once(engine, question)
                    out["app_ttft"].append(ttft)
                    out["app_tps"].append(tps)
                    out["app_pieces"].append(pieces)
            finally:
                await services.aclose()
        llama.close()
        return out

    return asyncio.run(main())


def _rss_alone(model: Path, max_tokens: int) -> dict[str, Any]:
    before = read_rss_mb()
    import llama_cpp  # noqa: F401 - imported before the clock starts, as the provider's load time excludes it

    started = time.perf_counter()
    llama = _llama(model)
    load_ms = (time.perf_counter() - started) * 1000
    _alone_once(llama, QUESTIONS[0], max_tokens)
    return {"rss_mb": read_rss_mb(), "rss_before_mb": before, "load_ms": load_ms}


async def _rss_app(model: Path, max_tokens: int) -> dict[str, Any]:
    from desktop_chat.chat.app_services import AppServices
    from desktop_chat.config import database_path
    from desktop_chat.store import Store

    before = read_rss_mb()
    with Store(database_path()) as store:
        services = AppServices(store, _settings(model, max_tokens))  # wired as the window's
        engine = services.engine
        try:
            await _app_once(engine, QUESTIONS[0])
            provider = await engine.pool.provider(engine.pool.endpoint("builtin"))
            load_ms = provider.last_stats.load_seconds * 1000  # type: ignore[attr-defined]
        finally:
            await services.aclose()
    return {"rss_mb": read_rss_mb(), "rss_before_mb": before, "load_ms": load_ms}
