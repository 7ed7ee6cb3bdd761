"""AnthropicProvider: the real anthropic SDK against FakeAnthropic on 127.0.0.1, no mocks."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
import sys

import anthropic
import httpx2
import pytest

from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, TextDelta, Usage
from desktop_chat.domain.messages import ChatMessage
from desktop_chat.providers import create_provider
from desktop_chat.providers.anthropic import AnthropicProvider
from desktop_chat.providers.base import ChatRequest, ModelInfo, Provider, ProviderConfig, Timeouts
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.loopback import RecordedRequest, Response, Scenario

KEY = "sk-ant-test-key"
SHORT = Timeouts(connect=2.0, read=0.5)


@pytest.fixture
def fake():
    with FakeAnthropic(expected_key=KEY) as server:
        yield server


@pytest.fixture
async def provider(fake):
    p = AnthropicProvider(_config(fake.base_url))
    yield p
    await p.aclose()


@pytest.fixture(params=["asyncio", "no-asyncgen-hooks"])
def asyncgen_hooks(request):
    """Run a test body as under asyncio, and as under qasync 0.28, which installs no async-generator
    hooks (DESIGN.md): there, a stream that relied on garbage collection to close the SDK's
    generators would leak the response and raise at collection time instead of hanging up.
    Use it inside the test (`with asyncgen_hooks:`): each run of the loop re-installs asyncio's hooks."""
    return _no_asyncgen_hooks() if request.param == "no-asyncgen-hooks" else contextlib.nullcontext()


@contextlib.contextmanager
def _no_asyncgen_hooks():
    saved = sys.get_asyncgen_hooks()
    sys.set_asyncgen_hooks(firstiter=None, finalizer=None)
    try:
        yield
        gc.collect()  # anything left unclosed fails the test here, as an unraisable exception
    finally:
        sys.set_asyncgen_hooks(*saved)


def _config(base_url: str, key: str | None = KEY, label: str = "Anthropic") -> ProviderConfig:
    return ProviderConfig(endpoint_id="anthropic", label=label, base_url=base_url, api_key=key, timeouts=SHORT)


def _request(**kw) -> ChatRequest:
    kw.setdefault("messages", [ChatMessage.of("user", "Say hello")])
    return ChatRequest(model="claude-fake-sonnet", **kw)


async def _collect(provider, request=None) -> list:
    return [event async for event in provider.stream(request or _request())]


async def _fail(provider, request=None) -> tuple[list, errors.ChatError]:
    """Stream until it raises; return what arrived first and the error."""
    received = []
    with pytest.raises(errors.ChatError) as caught:
        async for event in provider.stream(request or _request()):
            received.append(event)
    return received, caught.value


def _text(events) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def _hung_up(request: RecordedRequest, within: float = 1.0) -> bool:
    return await asyncio.to_thread(request.disconnected.wait, within)


# -- a healthy answer ------------------------------------------------------------------------------


async def test_streams_text_then_usage_then_finished(fake, provider, asyncgen_hooks):
    fake.enqueue(Scenario(chunks=["Hel", "lo ", "wörld", " 🌍"], input_tokens=21, output_tokens=7))

    with asyncgen_hooks:
        events = await _collect(provider)

    assert events == [TextDelta("Hel"), TextDelta("lo "), TextDelta("wörld"), TextDelta(" 🌍"),
                      Usage(input_tokens=21, output_tokens=7), Finished("end_turn")]


async def test_reports_the_providers_stop_reason(fake, provider):
    fake.enqueue(Scenario(stop_reason="max_tokens"))

    events = await _collect(provider)

    assert events[-1] == Finished("max_tokens")


async def test_sends_system_prompt_multi_turn_messages_and_options(fake, provider):
    history = [ChatMessage.of("user", "Hi"), ChatMessage.of("assistant", "Hello! How can I help?"),
               ChatMessage.of("user", "Name a colour.")]

    await _collect(provider, _request(messages=history, system="Be brief.", max_tokens=321, temperature=0.2))

    body = fake.requests_to("/v1/messages")[-1].json
    assert body["model"] == "claude-fake-sonnet"
    assert body["system"] == "Be brief."
    assert body["max_tokens"] == 321
    assert body["temperature"] == 0.2
    assert body["stream"] is True
    assert body["messages"] == [{"role": "user", "content": "Hi"},
                                {"role": "assistant", "content": "Hello! How can I help?"},
                                {"role": "user", "content": "Name a colour."}]


async def test_leaves_out_temperature_and_system_when_not_set(fake, provider):
    await _collect(provider)

    body = fake.requests_to("/v1/messages")[-1].json
    assert "temperature" not in body
    assert "system" not in body


def test_is_built_by_the_factory_and_meets_the_protocol(fake):
    provider = create_provider("anthropic", _config(fake.base_url))
    assert isinstance(provider, AnthropicProvider)
    assert isinstance(provider, Provider)


# -- credentials -----------------------------------------------------------------------------------


async def test_sends_the_configured_key(fake, provider):
    await _collect(provider)

    sent = fake.requests_to("/v1/messages")[-1]
    assert sent.header("authorization") == f"Bearer {KEY}"


@pytest.mark.parametrize("key", [None, ""], ids=["None", "empty"])
async def test_sends_no_key_at_all_when_none_is_configured(monkeypatch, key):
    # Left to itself the SDK would send these, or (ANTHROPIC_PROFILE naming a missing profile)
    # refuse to build a client at all.
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-from-env")
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "token-from-env")
    monkeypatch.setenv("ANTHROPIC_PROFILE", "no-such-profile")
    monkeypatch.setenv("ANTHROPIC_CUSTOM_HEADERS", "X-Api-Key: sk-from-custom-headers")
    with FakeAnthropic() as keyless:  # like a local llama.cpp server
        provider = AnthropicProvider(_config(keyless.base_url, key=key))
        try:
            events = await _collect(provider)
        finally:
            await provider.aclose()

    assert events[-1] == Finished("end_turn")
    sent = keyless.requests[-1]
    assert sent.header("authorization") is None
    assert sent.header("x-api-key") is None


async def test_a_wrong_key_is_an_authentication_error(fake):
    provider = AnthropicProvider(_config(fake.base_url, key="sk-wrong"))
    try:
        _, error = await _fail(provider)
    finally:
        await provider.aclose()

    assert isinstance(error, errors.AuthenticationError)
    assert error.status == 401
    assert "rejected the API key" in str(error) and "Settings" in str(error)
    assert "invalid x-api-key" in str(error)


# -- error statuses before the stream --------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "expected", "words"),
    [
        (Scenario(status=401, error_message="invalid x-api-key"), errors.AuthenticationError,
         ["Anthropic rejected the API key (401): invalid x-api-key", "Check the key in Settings"]),
        (Scenario(status=403, error_message="Your key cannot use this model"), errors.AuthenticationError,
         ["refused access (403): Your key cannot use this model"]),
        (Scenario(status=404, error_message="model: claude-fake-sonnet"), errors.ModelNotFoundError,
         ["“claude-fake-sonnet” was not found at Anthropic (404)", "Pick another model"]),
        (Scenario(status=400, error_message="prompt is too long: 250000 tokens > 200000 maximum"),
         errors.RequestRejectedError, ["rejected the request (400): prompt is too long: 250000 tokens"]),
        (Scenario(status=500, error_message="Internal server error"), errors.ServerError,
         ["server error (500): Internal server error", "Try again later"]),
        (Scenario(status=529, error_message="Overloaded"), errors.OverloadedError,
         ["Anthropic is overloaded right now"]),
    ],
    ids=["401", "403", "404", "400", "500", "529"],
)
async def test_error_status_becomes_its_chat_error(fake, provider, scenario, expected, words):
    fake.enqueue(scenario)

    received, error = await _fail(provider)

    assert received == []
    assert type(error) is expected
    assert error.status == scenario.status
    assert error.provider == "Anthropic"
    assert error.detail == scenario.error_message
    for phrase in words:
        assert phrase in str(error)


async def test_rate_limit_carries_retry_after(fake, provider):
    fake.enqueue(Scenario(status=429, retry_after="17",
                          error_message="Number of requests has exceeded your rate limit"))

    _, error = await _fail(provider)

    assert isinstance(error, errors.RateLimitedError)
    assert error.retryable
    assert error.retry_after == 17.0
    assert "Rate limited by Anthropic (429): Number of requests" in str(error)


async def test_html_error_page_is_summarised_not_shown_raw(fake, provider):
    fake.enqueue(Scenario(html_error_page=True))

    _, error = await _fail(provider)

    assert isinstance(error, errors.ServerError)
    assert error.status == 502
    assert "502 Bad Gateway" in str(error)
    assert "<" not in str(error)


async def test_a_web_page_with_status_200_says_the_api_was_not_reached():
    class CaptivePortal(FakeAnthropic):
        async def handle(self, request: RecordedRequest, response: Response) -> None:
            await response.whole(200, "<html><body>Sign in to the Wi-Fi</body></html>", "text/html")

    with CaptivePortal() as portal:
        provider = AnthropicProvider(_config(portal.base_url))
        try:
            _, error = await _fail(provider)
        finally:
            await provider.aclose()

    assert isinstance(error, errors.CannotConnectError)  # a captive portal: nothing "broke off"
    assert "web page" in str(error) and "<html" not in str(error)


# -- failures in the middle of an answer -----------------------------------------------------------


@pytest.mark.parametrize(
    ("error_type", "expected"),
    [("overloaded_error", errors.OverloadedError), ("api_error", errors.ServerError)],
)
async def test_error_event_mid_stream(fake, provider, error_type, expected):
    fake.enqueue(Scenario(error_event_after=2, error_type=error_type, error_message="Overloaded"))

    received, error = await _fail(provider)

    assert _text(received) == "Hello, "
    assert type(error) is expected
    assert error.provider == "Anthropic"


async def test_dropped_connection_mid_answer_is_a_broken_stream(fake, provider, asyncgen_hooks):
    fake.enqueue(Scenario(drop_after=2, chunk_delay=0.02))

    with asyncgen_hooks:
        received, error = await _fail(provider)

    assert _text(received) == "Hello, "
    assert isinstance(error, errors.BrokenStreamError)
    assert "broke off" in str(error) and "connection was closed" in str(error)
    assert "kept" in str(error)


async def test_stream_that_ends_without_a_stop_reason_is_a_broken_stream(fake, provider):
    fake.enqueue(Scenario(no_stop_after=3))

    received, error = await _fail(provider)

    assert _text(received) == "Hello, world"
    assert not any(isinstance(e, (Usage, Finished)) for e in received)
    assert isinstance(error, errors.BrokenStreamError)
    assert "without a stop reason" in str(error)


async def test_malformed_json_is_a_broken_stream(fake, provider):
    fake.enqueue(Scenario(malformed_after=1))

    received, error = await _fail(provider)

    assert _text(received) == "Hello"
    assert isinstance(error, errors.BrokenStreamError)
    assert "malformed" in str(error)


async def test_stall_mid_answer_times_out_and_hangs_up(fake, provider):
    fake.enqueue(Scenario(stall_after=1))
    loop = asyncio.get_running_loop()
    started = loop.time()

    received, error = await _fail(provider)

    assert loop.time() - started < 3
    assert _text(received) == "Hello"
    assert isinstance(error, errors.ProviderTimeoutError)
    assert "stopped responding: nothing arrived for 0.5 s" in str(error)
    assert "kept" in str(error)
    assert await _hung_up(fake.requests_to("/v1/messages")[-1])


async def test_server_that_never_answers_times_out(fake, provider):
    fake.enqueue(Scenario(hang_before_headers=True))
    loop = asyncio.get_running_loop()
    started = loop.time()

    received, error = await _fail(provider)

    assert loop.time() - started < 3
    assert received == []
    assert isinstance(error, errors.ProviderTimeoutError)
    assert "stopped responding" not in str(error) and "did not answer" in str(error)


def _sdk_wrapped(kind: type[anthropic.APIConnectionError], cause: Exception) -> Exception:
    """*cause* as anthropic 2.17 raises it after the headers: wrapped in an SDK exception."""
    try:
        try:
            raise cause
        except Exception as inner:
            if kind is anthropic.APITimeoutError:
                raise anthropic.APITimeoutError(request=_REQUEST) from inner
            raise kind(request=_REQUEST) from inner
    except Exception as outer:
        return outer
    raise AssertionError("unreachable")


_REQUEST = httpx2.Request("POST", "http://127.0.0.1:1/v1/messages")


@pytest.mark.parametrize("wrapped", [False, True], ids=["bare (anthropic < 2.17)", "wrapped (anthropic 2.17)"])
def test_what_a_failure_means_depends_on_when_it_happened_not_on_the_sdks_wrapping(wrapped):
    """The same transport failure, bare or wrapped as the SDK version at hand does it, reads
    "cannot connect" before the headers, "broke off" / "stopped responding" after them."""
    provider = AnthropicProvider(_config("http://127.0.0.1:1"))
    closed = httpx2.RemoteProtocolError("peer closed connection without sending complete message body")
    stalled = httpx2.ReadTimeout("timed out")
    dropped = _sdk_wrapped(anthropic.APIConnectionError, closed) if wrapped else closed
    silent = _sdk_wrapped(anthropic.APITimeoutError, stalled) if wrapped else stalled

    assert isinstance(provider._translate(dropped, answering=True), errors.BrokenStreamError)
    assert isinstance(provider._translate(dropped, answering=False), errors.CannotConnectError)
    mid_answer = provider._translate(silent, answering=True)
    assert isinstance(mid_answer, errors.ProviderTimeoutError)
    assert "stopped responding" in str(mid_answer)
    before = provider._translate(silent, answering=False)
    assert isinstance(before, errors.ProviderTimeoutError) and "stopped responding" not in str(before)


async def test_connection_refused_is_cannot_connect():
    with socket.socket() as sock:  # a port that was free a moment ago and has nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    provider = AnthropicProvider(_config(f"http://127.0.0.1:{port}"))
    try:
        _, error = await _fail(provider)
    finally:
        await provider.aclose()

    assert isinstance(error, errors.CannotConnectError)
    assert f"127.0.0.1:{port}" in str(error)
    assert "refused" in str(error)


async def test_unknown_host_is_cannot_connect():
    provider = AnthropicProvider(_config("http://api.example.invalid"))
    try:
        _, error = await _fail(provider)
    finally:
        await provider.aclose()

    assert isinstance(error, errors.CannotConnectError)
    assert "could not be resolved" in str(error)


async def test_the_sdk_does_not_retry_on_its_own(fake, provider):
    fake.enqueue(Scenario(status=500), Scenario(status=529), Scenario(status=429, retry_after="0"))

    for _ in range(3):
        await _fail(provider)

    assert len(fake.requests_to("/v1/messages")) == 3  # one request per failure, not 1 + retries


# -- cancellation ----------------------------------------------------------------------------------


async def test_closing_the_stream_hangs_up_at_once(fake, provider, asyncgen_hooks):
    fake.enqueue(Scenario(chunks=["tick "] * 200, chunk_delay=0.05))

    with asyncgen_hooks:
        stream = provider.stream(_request())
        assert await anext(stream) == TextDelta("tick ")
        await stream.aclose()
        del stream

    assert await _hung_up(fake.requests_to("/v1/messages")[-1])


async def test_cancelling_the_task_hangs_up_and_stays_cancelled(fake, provider, asyncgen_hooks):
    fake.enqueue(Scenario(chunks=["tick "] * 200, chunk_delay=0.05))
    first = asyncio.Event()

    async def consume() -> None:
        async for _ in provider.stream(_request()):
            first.set()

    with asyncgen_hooks:
        task = asyncio.create_task(consume())
        await asyncio.wait_for(first.wait(), 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    assert task.cancelled()
    assert await _hung_up(fake.requests_to("/v1/messages")[-1])


async def test_cancelling_before_headers_hangs_up(fake, provider):
    fake.enqueue(Scenario(hang_before_headers=True))
    task = asyncio.create_task(_collect(provider))
    while not fake.requests_to("/v1/messages"):
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await _hung_up(fake.requests_to("/v1/messages")[-1])


# -- models ----------------------------------------------------------------------------------------


async def test_lists_models_across_pages(fake, provider):
    fake.page_size = 2

    models = await provider.list_models()

    assert models == [
        ModelInfo("claude-fake-opus", "Claude Fake Opus", context_length=200000),
        ModelInfo("claude-fake-sonnet", "Claude Fake Sonnet", context_length=200000),
        ModelInfo("claude-fake-haiku", "Claude Fake Haiku", context_length=200000),
    ]
    pages = fake.requests_to("/v1/models")
    assert len(pages) == 2
    assert "after_id=claude-fake-sonnet" in pages[1].path


async def test_listing_models_translates_errors(fake):
    provider = AnthropicProvider(_config(fake.base_url, key="sk-wrong", label="My Proxy"))
    try:
        with pytest.raises(errors.AuthenticationError) as caught:
            await provider.list_models()
    finally:
        await provider.aclose()

    assert "My Proxy rejected the API key (401)" in str(caught.value)
