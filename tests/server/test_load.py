"""Under load and when clients go away: cancellation, the per-provider limit, nothing leaked."""

from __future__ import annotations

import asyncio
import json
import time

import anthropic
import httpx
import openai

from tests import wiring
from tests.fakes.loopback import Scenario
from tests.server.conftest import TOKEN, Running, configured, serving

AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def _hang_up_after_first_text(running: Running, path: str, body: dict) -> float:
    """Stream *body* to *path*, hang up after the first text; seconds until upstream saw it."""
    async with httpx.AsyncClient(base_url=running.url, headers=AUTH) as http:
        async with http.stream("POST", path, json=body) as response:
            async for line in response.aiter_lines():
                if _has_text(line):
                    break
        closed = time.monotonic()
    upstream = running.openai.requests_to("/chat/completions")[-1]
    await asyncio.to_thread(upstream.disconnected.wait, 5)
    assert upstream.disconnected_at is not None
    return upstream.disconnected_at - closed


def _has_text(line: str) -> bool:
    if not line.startswith("data: {"):
        return False
    data = json.loads(line[len("data: "):])
    return bool(data.get("text")) or any(c["delta"].get("content") for c in data.get("choices", []))


async def test_client_disconnect_cancels_upstream_within_100_ms(running: Running) -> None:
    for path, body in (
        ("/v1/chat/completions", {"model": "openai/gpt-4o", "stream": True,
                                  "messages": [{"role": "user", "content": "Talk"}]}),
        ("/ai/chat/stream", {"message": "Talk"}),
    ):
        running.openai.enqueue(Scenario(chunks=["tick "] * 400, chunk_delay=0.05))
        assert await _hang_up_after_first_text(running, path, body) < 0.1


async def test_client_disconnect_before_the_first_token_cancels_too(running: Running) -> None:
    running.openai.enqueue(Scenario(hang_before_headers=True))
    async with httpx.AsyncClient(base_url=running.url, headers=AUTH) as http:
        request = asyncio.ensure_future(http.post("/v1/chat/completions", json={
            "model": "openai/gpt-4o", "stream": True, "messages": [{"role": "user", "content": "Hi"}]}))
        while not running.openai.requests_to("/chat/completions"):
            await asyncio.sleep(0.01)
        request.cancel()
        closed = time.monotonic()
    upstream = running.openai.requests_to("/chat/completions")[-1]
    await asyncio.to_thread(upstream.disconnected.wait, 5)
    assert upstream.disconnected_at is not None and upstream.disconnected_at - closed < 0.1


async def test_fifty_streaming_clients_and_the_per_provider_limit(tmp_path, upstreams) -> None:
    openai_fake, anthropic_fake = upstreams
    settings = configured(openai_fake, anthropic_fake)
    settings.concurrent_requests = 3
    openai_fake.default = Scenario(chunks=["a", "b", "c", "d"], chunk_delay=0.005)
    async with serving(tmp_path, openai_fake, anthropic_fake, settings=settings, rate_limit=0) as run:
        async with openai.AsyncOpenAI(base_url=run.url + "/v1", api_key=TOKEN, max_retries=0, timeout=60,
                                      http_client=httpx2_client()) as sdk:
            async def one(i: int) -> str:
                stream = await sdk.chat.completions.create(
                    model="openai/gpt-4o", stream=True, messages=[{"role": "user", "content": f"client {i}"}])
                return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

            answers = await asyncio.gather(*(one(i) for i in range(50)))
    assert answers == ["abcd"] * 50
    assert len(openai_fake.requests_to("/chat/completions")) == 50
    assert openai_fake.most_open == 3


def httpx2_client() -> openai.DefaultAsyncHttpxClient:
    import httpx2

    return openai.DefaultAsyncHttpxClient(limits=httpx2.Limits(max_connections=60, max_keepalive_connections=60))


async def test_no_upstream_key_in_any_response_header_or_log_line(running: Running) -> None:
    keys = (wiring.OPENAI_KEY, wiring.ANTHROPIC_KEY)
    seen: list[str] = []
    running.openai.enqueue(Scenario(status=401), Scenario(status=429, retry_after="1"),
                           Scenario(chunks=["x", "y"], drop_after=1))
    async with httpx.AsyncClient(base_url=running.url, headers=AUTH) as http:
        for _ in range(3):
            response = await http.post("/v1/chat/completions", json={
                "model": "openai/gpt-4o", "stream": True, "messages": [{"role": "user", "content": "Hi"}]})
            seen += [response.text, json.dumps(dict(response.headers))]
        for path, body in (("/v1/messages", {"model": "anthropic/claude-test", "max_tokens": 5,
                                             "messages": [{"role": "user", "content": "Hi"}]}),
                           ("/ai/chat/stream", {"message": "Hi", "model": "anthropic/claude-test"})):
            response = await http.post(path, json=body)
            seen += [response.text, json.dumps(dict(response.headers))]
        listing = await http.get("/v1/models")
        seen += [listing.text, json.dumps(dict(listing.headers))]
    seen += running.log_lines
    assert any("POST /v1/chat/completions 4" in line for line in running.log_lines)  # the request log ran
    for key in keys:
        assert not [text for text in seen if key in text]


async def test_history_is_kept_only_when_the_setting_says_so(tmp_path, upstreams) -> None:
    async with serving(tmp_path, *upstreams, store_history=True) as run:
        async with anthropic.AsyncAnthropic(base_url=run.url, api_key=TOKEN, max_retries=0) as sdk:
            await sdk.messages.create(model="openai/gpt-4o", max_tokens=8, system="Short.", messages=[
                {"role": "user", "content": "One"}, {"role": "assistant", "content": "Two"},
                {"role": "user", "content": "Three"}])
        conversations = run.services.conversations.newest()
        assert len(conversations) == 1 and conversations[0].title == "Three"
        assert conversations[0].system_prompt == "Short."
        branch = run.services.conversations.branch(conversations[0].id)
        assert [m.text for m in branch] == ["One", "Two", "Three", "Hello, world!"]
        assert branch[-1].provider == "openai" and branch[-1].model == "gpt-4o"


class _BrokenEngine:
    """An engine with a bug: what a client and the terminal get must be plain words, no traceback."""

    async def answer_unstored(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug deep inside")

    async def aclose(self) -> None:
        pass


async def test_a_bug_is_a_500_in_plain_words_and_its_traceback_only_in_the_log(running: Running) -> None:
    running.services._engine = _BrokenEngine()  # type: ignore[assignment]
    async with httpx.AsyncClient(base_url=running.url, headers=AUTH) as http:
        openai_wire = await http.post("/v1/chat/completions", json={
            "model": "openai/gpt-4o", "stream": True, "messages": [{"role": "user", "content": "Hi"}]})
        anthropic_wire = await http.post("/v1/messages", json={
            "model": "openai/gpt-4o", "max_tokens": 5, "messages": [{"role": "user", "content": "Hi"}]})
    assert openai_wire.status_code == anthropic_wire.status_code == 500
    assert "Something went wrong inside Desktop Chat (RuntimeError)" in openai_wire.json()["error"]["message"]
    assert anthropic_wire.json()["error"]["type"] == "api_error"
    for response in (openai_wire, anthropic_wire):
        assert "Traceback" not in response.text and "a bug deep inside" not in response.text
    assert any("Traceback" in line and "a bug deep inside" in line for line in running.log_lines)  # the log has it
