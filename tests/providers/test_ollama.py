"""OllamaProvider against FakeOllama: real HTTP on 127.0.0.1, no mocks."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, TextDelta, Usage
from desktop_chat.domain.messages import ChatMessage
from desktop_chat.providers import create_provider
from desktop_chat.providers.base import ChatRequest, Provider, ProviderConfig, Timeouts
from desktop_chat.providers.ollama import OllamaProvider
from tests.fakes.loopback import Scenario
from tests.fakes.ollama_server import FakeModel, FakeOllama

TEN_CHUNKS = [f"word{i} " for i in range(10)]


@pytest.fixture
def fake():
    with FakeOllama() as server:
        yield server


def make_provider(base_url: str, *, read: float = 5.0, connect: float = 2.0) -> OllamaProvider:
    config = ProviderConfig("ollama", "Ollama", base_url, timeouts=Timeouts(connect=connect, read=read))
    return OllamaProvider(config)


@pytest.fixture
async def provider(fake):
    p = make_provider(fake.base_url)
    yield p
    await p.aclose()


def ask(text: str = "Hi", **kw) -> ChatRequest:
    kw.setdefault("model", "llama3.2")
    return ChatRequest(messages=[ChatMessage("user", text)], **kw)


async def collect(provider: OllamaProvider, request: ChatRequest | None = None) -> list:
    return [event async for event in provider.stream(request or ask())]


async def collect_until_error(provider: OllamaProvider, request: ChatRequest | None = None):
    received: list = []
    with pytest.raises(errors.ChatError) as info:
        async for event in provider.stream(request or ask()):
            received.append(event)
    return received, info.value


def text_of(events: list) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def disconnected(request, timeout: float = 1.0) -> bool:
    # The client's socket is closed by the event loop (call_soon), so wait off the loop.
    return await asyncio.to_thread(request.disconnected.wait, timeout)


# -- the healthy path ------------------------------------------------------------------------


async def test_streams_text_then_usage_then_finished(fake, provider):
    fake.enqueue(Scenario(chunks=["Hel", "lo", ", ", "world", "!"], input_tokens=26, output_tokens=5))
    events = await collect(provider)
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["Hel", "lo", ", ", "world", "!"]
    assert events[-2:] == [Usage(26, 5), Finished("stop")]
    assert isinstance(provider, Provider)


async def test_done_reason_is_the_stop_reason(fake, provider):
    fake.enqueue(Scenario(stop_reason="length"))
    events = await collect(provider)
    assert events[-1] == Finished("length")


async def test_unicode_and_newlines_arrive_intact(fake, provider):
    chunks = ["你好", "，世界", "\n\n```py\nprint(1)\n```", " 🎉"]
    fake.enqueue(Scenario(chunks=chunks))
    assert text_of(await collect(provider)) == "".join(chunks)


async def test_request_body(fake, provider):
    request = ChatRequest(
        model="qwen2.5:7b",
        messages=[ChatMessage("user", "one"), ChatMessage("assistant", "two"), ChatMessage("user", "three")],
        system="Be brief.",
        max_tokens=321,
        temperature=0.2,
        options={"num_ctx": 8192, "keep_alive": "10m"},
    )
    await collect(provider, request)
    (sent,) = fake.requests_to("/api/chat")
    assert sent.method == "POST"
    body = sent.json
    assert body["model"] == "qwen2.5:7b"
    assert body["stream"] is True
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "two"},
        {"role": "user", "content": "three"},
    ]
    assert body["options"] == {"num_predict": 321, "temperature": 0.2, "num_ctx": 8192}
    assert body["keep_alive"] == "10m"
    assert sent.header("authorization") is None


async def test_request_body_leaves_out_what_was_not_set(fake, provider):
    await collect(provider, ask(max_tokens=100))
    body = fake.requests_to("/api/chat")[0].json
    assert body["messages"] == [{"role": "user", "content": "Hi"}]
    assert body["options"] == {"num_predict": 100}
    assert "keep_alive" not in body


async def test_factory_builds_it(fake):
    p = create_provider("ollama", ProviderConfig("ollama", "Ollama", fake.base_url))
    try:
        assert isinstance(p, OllamaProvider)
        assert text_of(await collect(p)) == "Hello, world!"
    finally:
        await p.aclose()


# -- error statuses ----------------------------------------------------------------------------


async def test_unknown_model_is_model_not_found_with_ollamas_words():
    with FakeOllama(check_models=True) as fake:
        p = make_provider(fake.base_url)
        try:
            received, error = await collect_until_error(p, ask(model="nosuch:7b"))
            assert received == []
            assert isinstance(error, errors.ModelNotFoundError)
            assert error.status == 404
            assert "nosuch:7b" in str(error)
            assert error.detail == 'model "nosuch:7b" not found, try pulling it first'
            assert "try pulling it first" in str(error)
            # A listed model streams normally ("llama3.2" is "llama3.2:latest").
            assert text_of(await collect(p, ask(model="llama3.2"))) == "Hello, world!"
        finally:
            await p.aclose()


async def test_400_is_request_rejected_with_the_reason(fake, provider):
    fake.enqueue(Scenario(status=400, error_message="invalid options: num_ctx must be positive"))
    _, error = await collect_until_error(provider)
    assert isinstance(error, errors.RequestRejectedError)
    assert error.status == 400
    assert "num_ctx must be positive" in str(error)


async def test_429_is_rate_limited_with_retry_after(fake, provider):
    fake.enqueue(Scenario(status=429, retry_after="7", error_message="too many requests"))
    _, error = await collect_until_error(provider)
    assert isinstance(error, errors.RateLimitedError)
    assert error.retryable
    assert error.retry_after == 7.0
    assert "too many requests" in str(error)


async def test_500_is_server_error(fake, provider):
    fake.enqueue(Scenario(status=500, error_message="llama runner process has terminated: exit status 2"))
    _, error = await collect_until_error(provider)
    assert isinstance(error, errors.ServerError)
    assert error.status == 500
    assert "llama runner process has terminated" in str(error)


async def test_html_error_page_is_not_dumped_on_the_user(fake, provider):
    fake.enqueue(Scenario(html_error_page=True))
    _, error = await collect_until_error(provider)
    assert isinstance(error, errors.ServerError)
    assert error.status == 502
    assert "<html" not in str(error).lower()
    assert "web page" in str(error)


# -- faults mid-stream -----------------------------------------------------------------------


async def test_error_line_mid_stream_is_broken_stream_with_ollamas_words(fake, provider):
    fake.enqueue(Scenario(chunks=TEN_CHUNKS, error_event_after=3, error_message="an error was encountered while running the model"))
    received, error = await collect_until_error(provider)
    assert text_of(received) == "".join(TEN_CHUNKS[:3])
    assert isinstance(error, errors.BrokenStreamError)
    assert "an error was encountered while running the model" in str(error)
    assert "kept" in str(error)


async def test_dropped_connection_after_some_text(fake, provider):
    fake.enqueue(Scenario(chunks=TEN_CHUNKS, drop_after=4))
    received, error = await collect_until_error(provider)
    assert text_of(received) == "".join(TEN_CHUNKS[:4])
    assert type(error) is errors.BrokenStreamError
    assert "broke off" in str(error)


async def test_stream_without_done_object(fake, provider):
    fake.enqueue(Scenario(chunks=TEN_CHUNKS, no_stop_after=10))
    received, error = await collect_until_error(provider)
    assert text_of(received) == "".join(TEN_CHUNKS)
    assert not any(isinstance(e, Finished) for e in received)
    assert isinstance(error, errors.BrokenStreamError)
    assert "ended without" in str(error)


async def test_malformed_json_line(fake, provider):
    fake.enqueue(Scenario(chunks=TEN_CHUNKS, malformed_after=2))
    received, error = await collect_until_error(provider)
    assert text_of(received) == "".join(TEN_CHUNKS[:2])
    assert isinstance(error, errors.BrokenStreamError)
    assert "not valid JSON" in str(error)


async def test_stall_mid_answer_times_out(fake):
    p = make_provider(fake.base_url, read=0.5)
    try:
        fake.enqueue(Scenario(chunks=TEN_CHUNKS, stall_after=2))
        started = time.monotonic()
        received, error = await collect_until_error(p)
        assert time.monotonic() - started < 3
        assert text_of(received) == "".join(TEN_CHUNKS[:2])
        assert isinstance(error, errors.ProviderTimeoutError)
        assert "timed out" in str(error)
    finally:
        await p.aclose()


async def test_hang_before_headers_times_out(fake):
    p = make_provider(fake.base_url, read=0.5)
    try:
        fake.enqueue(Scenario(hang_before_headers=True))
        _, error = await collect_until_error(p)
        assert isinstance(error, errors.ProviderTimeoutError)
    finally:
        await p.aclose()


async def test_200_web_page_instead_of_ndjson():
    # e.g. a base URL pointing at some other web server that answers everything with a page
    class WebServer(FakeOllama):
        async def handle(self, request, response):
            await response.whole(200, "<!DOCTYPE html><html><body>Welcome</body></html>", "text/html")

    with WebServer() as web:
        p = make_provider(web.base_url)
        try:
            _, error = await collect_until_error(p)
            assert isinstance(error, errors.BrokenStreamError)
            assert "web page" in str(error)
        finally:
            await p.aclose()


# -- cannot connect --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_connection_refused_says_ollama_is_not_running():
    url = f"http://127.0.0.1:{free_port()}"
    p = make_provider(url)
    try:
        _, error = await collect_until_error(p)
        assert isinstance(error, errors.CannotConnectError)
        assert error.retryable
        assert str(error) == f"Ollama is not running at {url}; start it with `ollama serve`."
        with pytest.raises(errors.CannotConnectError, match="ollama serve"):
            await p.list_models()
    finally:
        await p.aclose()


async def test_unresolvable_host_says_so():
    p = make_provider("http://ollama-host.invalid:11434")
    try:
        _, error = await collect_until_error(p)
        assert isinstance(error, errors.CannotConnectError)
        assert "could not be resolved" in str(error)
        assert "ollama-host.invalid" in str(error)
    finally:
        await p.aclose()


# -- cancellation ----------------------------------------------------------------------------


async def test_cancelling_the_task_closes_the_stream_at_once(fake, provider):
    fake.enqueue(Scenario(chunks=[f"t{i} " for i in range(200)], chunk_delay=0.05))
    first = asyncio.Event()
    received: list = []

    async def consume():
        async for event in provider.stream(ask()):
            received.append(event)
            first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 2)
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (sent,) = fake.requests_to("/api/chat")
    assert await disconnected(sent)
    assert sent.disconnected_at - cancelled_at < 0.5
    assert 1 <= len(received) < 200


async def test_aclose_closes_the_stream_at_once(fake, provider):
    fake.enqueue(Scenario(chunks=[f"t{i} " for i in range(200)], chunk_delay=0.05))
    stream = provider.stream(ask())
    assert isinstance(await anext(stream), TextDelta)
    await stream.aclose()
    (sent,) = fake.requests_to("/api/chat")
    assert await disconnected(sent)


async def test_provider_still_works_after_a_cancel(fake, provider):
    fake.enqueue(Scenario(chunks=TEN_CHUNKS, chunk_delay=0.05))
    stream = provider.stream(ask())
    await anext(stream)
    await stream.aclose()
    assert text_of(await collect(provider)) == "Hello, world!"


# -- models, version, show ------------------------------------------------------------------


async def test_list_models(fake, provider):
    models = await provider.list_models()
    assert [m.id for m in models] == ["llama3.2:latest", "qwen2.5:7b", "llava:13b"]
    qwen = models[1]
    assert qwen.details == {
        "size": 4_683_087_332,
        "family": "qwen2",
        "parameter_size": "7.6B",
        "quantization_level": "Q4_K_M",
        "modified_at": "2025-02-03T08:11:05.120938+01:00",
    }
    assert fake.requests_to("/api/tags")[0].method == "GET"


async def test_list_models_empty_and_custom(fake, provider):
    fake.models = []
    assert await provider.list_models() == []
    fake.models = [FakeModel("mistral:7b", family="llama", parameter_size="7.2B")]
    (only,) = await provider.list_models()
    assert only.id == "mistral:7b" and only.details["parameter_size"] == "7.2B"


async def test_list_models_error_status(fake, provider):
    fake.enqueue(Scenario(status=500, error_message="boom"))
    with pytest.raises(errors.ServerError, match="boom"):
        await provider.list_models()


async def test_version(fake, provider):
    fake.version = "0.13.1"
    assert await provider.version() == "0.13.1"


async def test_show(fake, provider):
    info = await provider.show("llava:13b")
    assert info.id == "llava:13b"
    assert info.context_length == 4096
    assert info.details["capabilities"] == ["completion", "vision"]
    assert info.details["family"] == "llama"
    assert info.details["architecture"] == "llama"
    assert fake.requests_to("/api/show")[0].json == {"model": "llava:13b"}
    qwen = await provider.show("qwen2.5:7b")
    assert qwen.context_length == 32_768


async def test_show_unknown_model(fake, provider):
    with pytest.raises(errors.ModelNotFoundError) as info:
        await provider.show("nosuch")
    assert "nosuch" in str(info.value)


async def test_non_json_answer_to_tags_is_a_clear_error(fake, provider):
    fake.enqueue(Scenario(html_error_page=True, status=200))
    with pytest.raises(errors.ServerError, match="web page"):
        await provider.list_models()


async def test_wrong_base_url_404_does_not_blame_the_model():
    class PlainServer(FakeOllama):
        async def handle(self, request, response):
            await response.whole(404, "404 page not found", "text/plain")

    with PlainServer() as plain:
        p = make_provider(plain.base_url)
        try:
            _, error = await collect_until_error(p)
            assert isinstance(error, errors.ModelNotFoundError)
            assert "llama3.2" not in str(error)
            assert "check the base URL" in str(error)
        finally:
            await p.aclose()
