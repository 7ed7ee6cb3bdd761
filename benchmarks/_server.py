"""The loopback FakeOpenAI in a process of its own, as a real server would be.

In the measured process a fake server thread would compete with the window for the GIL (its
json.dumps and socket writes for 20,000 chunks), which no real server does: it would slow the
window down and cause stalls that are the fake's, not the app's. So the fake runs here:

    python -m benchmarks._server        prints "port N", serves until stdin closes

The answer is chosen by the prompt (the last user message), so a client needs no control channel:

    "bench:stream:N"          N tokens (benchmarks._common.answer_tokens) as fast as possible
    "bench:slow:N:DELAY"      N tokens, DELAY seconds between chunks
    "bench:reason:R:N"        R tokens of reasoning (reasoning_content), then N tokens of answer
    anything else             "Hello, world." in two chunks

Each time more chat requests are open at once than ever before, a JSON line
{"event": "peak", "open": N} says so (the local API server's figure checks its per-provider limit).

Each request that the client hangs up on is reported on stdout as a JSON line
{"event": "disconnected", "prompt", "received_at", "disconnected_at"} (time.monotonic() values:
CLOCK_MONOTONIC, the same clock in every process on the machine).
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
from typing import Any

from benchmarks._common import ROOT, BenchmarkCrash, answer_tokens

_print_lock = threading.Lock()


@functools.lru_cache(maxsize=8)
def _tokens(count: int) -> tuple[str, ...]:
    return tuple(answer_tokens(count))


@functools.lru_cache(maxsize=4)
def reasoning_tokens(count: int) -> tuple[str, ...]:
    """A model's reasoning: the same kind of text as an answer, another seed."""
    return tuple(answer_tokens(count, seed=11))


def scenario_for(prompt: str) -> Any:
    from tests.fakes.loopback import Scenario

    parts = prompt.strip().split(":")
    if len(parts) >= 3 and parts[0] == "bench" and parts[1] == "stream":
        chunks = list(_tokens(int(parts[2])))
        return Scenario(chunks=chunks, output_tokens=len(chunks))
    if len(parts) >= 4 and parts[0] == "bench" and parts[1] == "reason":
        thinking, chunks = list(reasoning_tokens(int(parts[2]))), list(_tokens(int(parts[3])))
        return Scenario(thinking=thinking, chunks=chunks, output_tokens=len(thinking) + len(chunks),
                        reasoning_tokens=len(thinking))
    if len(parts) >= 4 and parts[0] == "bench" and parts[1] == "slow":
        chunks = list(_tokens(int(parts[2])))
        return Scenario(chunks=chunks, output_tokens=len(chunks), chunk_delay=float(parts[3]))
    return Scenario(chunks=["Hello", ", world."])


def _emit(payload: dict[str, Any]) -> None:
    with _print_lock:
        sys.stdout.write(json.dumps(payload) + "\n")
        sys.stdout.flush()


def serve() -> None:
    from tests import wiring
    from tests.fakes.openai_server import FakeOpenAI

    class BenchOpenAI(FakeOpenAI):
        open_now = peak = 0

        async def handle(self, request: Any, response: Any) -> None:
            prompt = _last_user_text(request)
            if prompt is None:
                await super().handle(request, response)
                return
            self.enqueue(scenario_for(prompt))
            threading.Thread(target=_report_hang_up, args=(request, prompt), daemon=True).start()
            self.open_now += 1  # handlers all run on the fake's one loop: no lock needed
            if self.open_now > self.peak:
                self.peak = self.open_now
                _emit({"event": "peak", "open": self.peak})
            try:
                await super().handle(request, response)
            finally:
                self.open_now -= 1

    with BenchOpenAI() as fake:
        fake.expected_key = wiring.OPENAI_KEY
        _emit({"event": "port", "port": fake.port})
        sys.stdin.read()  # until the parent closes our stdin (or dies)


def _last_user_text(request: Any) -> str | None:
    try:
        body = request.json or {}
    except ValueError:
        return None
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    content = users[-1].get("content") if users else None
    return content if isinstance(content, str) else None


def _report_hang_up(request: Any, prompt: str) -> None:
    request.disconnected.wait()  # forever, for an answer that completes: a daemon thread
    _emit({"event": "disconnected", "prompt": prompt, "received_at": request.received_at,
           "disconnected_at": request.disconnected_at})


class ServerProcess:
    """Starts `python -m benchmarks._server`; `base_url` is the fake's, `/v1` included."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self.port = 0
        self.events: list[dict[str, Any]] = []
        self._changed = threading.Condition()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sdk_url(self) -> str:
        return self.base_url + "/v1"

    def __enter__(self) -> "ServerProcess":
        self._proc = subprocess.Popen([sys.executable, "-m", "benchmarks._server"], cwd=ROOT, text=True,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._proc.stdout is not None
        first = self._proc.stdout.readline()
        if not first:
            raise BenchmarkCrash("the fake server process did not start")
        self.port = json.loads(first)["port"]
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            with self._changed:
                self.events.append(json.loads(line))
                self._changed.notify_all()

    def wait_disconnected(self, prompt: str, timeout: float = 10.0) -> dict[str, Any]:
        """The hang-up report for the latest request with this prompt."""
        with self._changed:
            found = self._changed.wait_for(
                lambda: any(e["event"] == "disconnected" and e["prompt"] == prompt for e in self.events), timeout)
            if not found:
                raise BenchmarkCrash(f"the server never saw the client hang up ({prompt})")
            event = [e for e in self.events if e["event"] == "disconnected" and e["prompt"] == prompt][-1]
            self.events.remove(event)
            return event

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


if __name__ == "__main__":
    from tests import network_guard

    network_guard.install()
    serve()
