"""OllamaProvider against FakeOllama: real HTTP on 127.0.0.1, no mocks."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, TextDelta, Usage
from desktop_chat.domain.messages import ChatMessage
from desktop_chat.providers import create_provider
from desktop_chat.providers.base import ChatRequest, Provider, ProviderConfig, Timeouts
from desktop_chat.providers.ollama import OllamaProvider
from desktop_chat.providers.ollama_wire import PullLine, canonical_model_name, chat_body
from tests.fakes.loopback import Scenario, free_port
from tests.fakes.ollama_server import PULL_NO_INTERNET, PULL_UNKNOWN, FakeModel, FakeOllama

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
    return ChatRequest(messages=[ChatMessage.of("user", text)], **kw)


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
        messages=[ChatMessage.of("user", "one"), ChatMessage.of("assistant", "two"), ChatMessage.of("user", "three")],
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
            assert isinstance(error, errors.CannotConnectError)  # Ollama's API was never reached
            assert "web page" in str(error) and "broke off" not in str(error)
        finally:
            await p.aclose()


# -- cannot connect --------------------------------------------------------------------------




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


# -- Ollama going away -------------------------------------------------------------------------


async def test_ollama_going_away_mid_answer_keeps_the_text_and_then_says_it_is_not_running():
    fake = FakeOllama(Scenario(chunks=[f"t{i} " for i in range(200)], chunk_delay=0.02))
    fake.__enter__()
    p = make_provider(fake.base_url)
    try:
        received: list = []
        with pytest.raises(errors.ChatError) as info:
            async for event in p.stream(ask()):
                received.append(event)
                if len(received) == 3:
                    await asyncio.to_thread(fake.stop)  # the process quits while answering
        assert text_of(received).startswith("t0 t1 t2 ")
        assert isinstance(info.value, errors.BrokenStreamError)
        assert "broke off" in str(info.value) and "kept" in str(info.value)
        _, error = await collect_until_error(p)
        assert isinstance(error, errors.CannotConnectError)
        assert "is not running at" in str(error)
    finally:
        fake.stop()
        await p.aclose()


# -- per-model options ----------------------------------------------------------------------------


def test_model_options_fill_in_what_the_request_leaves_open():
    request = ask(model="qwen2.5:7b", max_tokens=100, temperature=0.7)
    body = chat_body(request, {"num_ctx": 16384, "temperature": 0.1, "keep_alive": "30m"})
    assert body["options"] == {"num_predict": 100, "temperature": 0.1, "num_ctx": 16384}
    assert body["keep_alive"] == "30m"
    # A conversation's own num_ctx / keep_alive win over the model's.
    explicit = ask(model="qwen2.5:7b", max_tokens=100, options={"num_ctx": 2048, "keep_alive": 0})
    body = chat_body(explicit, {"num_ctx": 16384, "keep_alive": "30m"})
    assert body["options"]["num_ctx"] == 2048 and body["keep_alive"] == 0
    # Unset model options leave the request as it was.
    assert chat_body(request, {}) == chat_body(request)


async def test_the_provider_sends_the_options_set_for_that_model(fake, provider):
    table = {"llama3.2:latest": {"num_ctx": 8192, "keep_alive": -1}, "qwen2.5:7b": {"temperature": 0.3}}
    provider.model_options = lambda: table
    await collect(provider, ask(model="llama3.2"))  # the short name finds "llama3.2:latest"
    await collect(provider, ask(model="qwen2.5:7b", temperature=0.9))
    await collect(provider, ask(model="llava:13b"))
    first, second, third = (r.json for r in fake.requests_to("/api/chat"))
    assert first["options"]["num_ctx"] == 8192 and first["keep_alive"] == -1
    assert second["options"]["temperature"] == 0.3 and "num_ctx" not in second["options"]
    assert "keep_alive" not in third and "num_ctx" not in third["options"]
    table["llava:13b"] = {"num_ctx": 4096}  # a change applies to the next request
    await collect(provider, ask(model="llava:13b"))
    assert fake.requests_to("/api/chat")[-1].json["options"]["num_ctx"] == 4096


def test_canonical_model_name():
    assert canonical_model_name("llama3.2") == "llama3.2:latest"
    assert canonical_model_name(" qwen2.5:7b ") == "qwen2.5:7b"
    assert canonical_model_name("hf.co/bartowski/Llama-3.2-1B-GGUF") == "hf.co/bartowski/Llama-3.2-1B-GGUF:latest"
    assert canonical_model_name("registry.local:5000/me/model") == "registry.local:5000/me/model:latest"


# -- pull ----------------------------------------------------------------------------------------


async def pull_all(provider: OllamaProvider, name: str) -> list[PullLine]:
    return [line async for line in provider.pull(name)]


async def test_pull_streams_status_lines_then_the_model_is_listed(fake, provider):
    assert "gemma3:1b" not in [m.id for m in await provider.list_models()]
    lines = await pull_all(provider, "gemma3:1b")
    assert lines[0] == PullLine("pulling manifest")
    assert [line.status for line in lines[-4:]] == [
        "verifying sha256 digest", "writing manifest", "removing any unused layers", "success"]
    layers = [line for line in lines if line.digest]
    assert {line.digest for line in layers} == {d for d, _ in fake.find_model("gemma3:1b").layers()}
    assert all(line.digest.startswith("sha256:") and line.total for line in layers)
    assert layers[0].completed is None  # the first line of a layer announces its size only
    weights = [line for line in layers if line.digest == layers[0].digest and line.completed is not None]
    assert [line.completed for line in weights] == sorted(line.completed for line in weights)
    assert weights[-1].completed == weights[-1].total
    assert layers[0].status == "pulling " + layers[0].digest.removeprefix("sha256:")[:12]
    (sent,) = fake.requests_to("/api/pull")
    assert sent.method == "POST" and sent.json == {"model": "gemma3:1b", "stream": True}
    assert "gemma3:1b" in [m.id for m in await provider.list_models()]


async def test_pull_of_an_unknown_name_gives_ollamas_own_message(fake, provider):
    received = []
    with pytest.raises(errors.ModelNotFoundError) as info:
        async for line in provider.pull("no-such-model:7b"):
            received.append(line)
    assert received == [PullLine("pulling manifest")]
    assert info.value.detail == PULL_UNKNOWN
    assert str(info.value) == ("Ollama could not download “no-such-model:7b”: pull model manifest: file does not "
                               "exist. Check the name in the Ollama library (ollama.com/library).")


async def test_pull_when_ollama_has_no_internet_gives_ollamas_own_message(fake, provider):
    words = PULL_NO_INTERNET.format(name="gemma3")
    fake.enqueue(Scenario(error_event_after=1, error_message=words))
    with pytest.raises(errors.CannotConnectError) as info:
        await pull_all(provider, "gemma3:1b")
    assert info.value.detail == words
    assert words in str(info.value)
    assert "can reach the internet" in str(info.value)
    assert "gemma3:1b" not in [m.name for m in fake.models]


async def test_pull_rejected_before_streaming(fake, provider):
    fake.enqueue(Scenario(status=400, error_message="invalid model name"))
    with pytest.raises(errors.RequestRejectedError) as info:
        await pull_all(provider, "Bad Name!")
    assert str(info.value) == "Ollama could not download “Bad Name!”: invalid model name."


async def test_pull_cancelled_half_way_closes_the_stream_and_adds_nothing(fake, provider):
    fake.pull_gate = threading.Event()
    received: list[PullLine] = []

    async def consume():
        async for line in provider.pull("gemma3:1b"):
            received.append(line)

    task = asyncio.create_task(consume())
    assert await asyncio.to_thread(fake.pull_halfway.wait, 5)
    while not any(line.completed for line in received):
        await asyncio.sleep(0.01)
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (sent,) = fake.requests_to("/api/pull")
    assert await disconnected(sent)
    assert sent.disconnected_at - cancelled_at < 0.5
    last = [line for line in received if line.completed is not None][-1]
    assert 0 < last.completed < last.total  # it stopped half-way
    assert received[-1].status != "success"
    assert "gemma3:1b" not in [m.name for m in fake.models]
    # Ollama keeps what it has; pulling again finishes.
    fake.pull_gate = None
    assert (await pull_all(provider, "gemma3:1b"))[-1].status == "success"


async def test_pull_connection_dropped_half_way(fake, provider):
    fake.enqueue(Scenario(drop_after=4))
    with pytest.raises(errors.BrokenStreamError) as info:
        await pull_all(provider, "gemma3:1b")
    assert str(info.value).startswith("The download of “gemma3:1b” from Ollama broke off:")
    assert "continue where it stopped" in str(info.value)


async def test_pull_that_ends_without_success(fake, provider):
    fake.enqueue(Scenario(no_stop_after=3))
    with pytest.raises(errors.BrokenStreamError, match="without Ollama's “success” message"):
        await pull_all(provider, "gemma3:1b")


async def test_pull_when_ollama_is_not_running():
    p = make_provider(f"http://127.0.0.1:{free_port()}")
    try:
        with pytest.raises(errors.CannotConnectError, match="is not running at"):
            await pull_all(p, "gemma3:1b")
    finally:
        await p.aclose()


# -- delete, ps, unload ------------------------------------------------------------------------


async def test_delete_removes_the_model_and_a_second_delete_is_not_found(fake, provider):
    await provider.delete("qwen2.5:7b")
    (sent,) = fake.requests_to("/api/delete")
    assert sent.method == "DELETE" and sent.json == {"model": "qwen2.5:7b"}
    assert "qwen2.5:7b" not in [m.id for m in await provider.list_models()]
    with pytest.raises(errors.ModelNotFoundError) as info:
        await provider.delete("qwen2.5:7b")
    assert info.value.status == 404
    assert "model 'qwen2.5:7b' not found" in str(info.value)


async def test_loaded_models_and_unload(fake, provider):
    assert await provider.loaded() == []
    await collect(provider, ask(model="llava:13b"))
    (loaded,) = await provider.loaded()
    assert loaded.name == "llava:13b"
    assert loaded.size == 8_011_256_494 and loaded.size_vram == 8_011_256_494
    assert loaded.expires_at and loaded.details["parameter_size"] == "13B"
    await provider.unload("llava:13b")
    sent = fake.requests_to("/api/chat")[-1].json
    assert sent == {"model": "llava:13b", "messages": [], "keep_alive": 0, "stream": False}
    assert await provider.loaded() == []
    with pytest.raises(errors.ModelNotFoundError):
        await provider.unload("nosuch:1b")
