"""OpenAICompatProvider: the real openai SDK against the loopback FakeOpenAI, no mocks."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, TextDelta, Usage
from desktop_chat.domain.messages import ChatMessage
from desktop_chat.providers import Provider, create_provider
from desktop_chat.providers.base import ChatRequest, ProviderConfig, Timeouts
from desktop_chat.providers.openai_compat import OpenAICompatProvider
from tests.fakes.loopback import Scenario
from tests.fakes.openai_server import FakeOpenAI

HELLO = [TextDelta("Hello"), TextDelta(", "), TextDelta("world"), TextDelta("!")]


@pytest.fixture
def fake():
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def make_provider(fake):
    made: list[OpenAICompatProvider] = []

    def make(*, api_key: str | None = None, read: float = 5.0, base_url: str | None = None) -> OpenAICompatProvider:
        if base_url is None:
            base_url = fake.base_url + "/v1"
        config = ProviderConfig(endpoint_id="local", label="LocalAI", base_url=base_url, api_key=api_key,
                                timeouts=Timeouts(connect=2.0, read=read))
        made.append(OpenAICompatProvider(config))
        return made[-1]

    yield make
    for provider in made:
        await provider.aclose()


@pytest.fixture
def provider(make_provider):
    return make_provider()


def ask(text: str = "Hi", **kw) -> ChatRequest:
    return ChatRequest(model=kw.pop("model", "gpt-4o-mini"), messages=[ChatMessage.of("user", text)], **kw)


async def collect(provider, request=None):
    return [event async for event in provider.stream(request or ask())]


async def collect_until_error(provider, request=None):
    """The events received before the stream failed, and the error (pytest fails if none)."""
    events = []
    with pytest.raises(errors.ChatError) as info:
        async for event in provider.stream(request or ask()):
            events.append(event)
    return events, info.value


# -- the happy path ---------------------------------------------------------------------------------


async def test_streams_exact_text_then_usage_then_finish(provider):
    assert await collect(provider) == [*HELLO, Usage(input_tokens=12, output_tokens=4), Finished("stop")]


async def test_provider_meets_the_contract_and_the_factory_builds_it(fake):
    built = create_provider("openai", ProviderConfig("openai", "OpenAI", fake.base_url + "/v1"))
    try:
        assert isinstance(built, OpenAICompatProvider)
        assert isinstance(built, Provider)
    finally:
        await built.aclose()


async def test_finish_reason_and_usage_are_the_servers(fake, provider):
    fake.enqueue(Scenario(chunks=["a", "b"], stop_reason="length", input_tokens=100, output_tokens=2))
    assert await collect(provider) == [TextDelta("a"), TextDelta("b"), Usage(100, 2), Finished("length")]


async def test_server_without_usage_still_finishes(fake, provider):
    fake.supports_usage = False
    assert await collect(provider) == [*HELLO, Finished("stop")]


async def test_empty_deltas_are_skipped(fake, provider):
    fake.enqueue(Scenario(chunks=["", "x", ""]))
    assert await collect(provider) == [TextDelta("x"), Usage(12, 4), Finished("stop")]


async def test_server_that_ignores_stream_and_answers_whole_json(fake, provider):
    fake.ignore_stream = True
    assert await collect(provider) == [TextDelta("Hello, world!"), Usage(12, 4), Finished("stop")]


async def test_request_carries_system_prompt_and_all_turns(fake, provider):
    request = ChatRequest(
        model="deepseek-chat",
        messages=[ChatMessage.of("user", "one"), ChatMessage.of("assistant", "two"), ChatMessage.of("user", "three")],
        system="Be brief.",
        max_tokens=321,
    )
    await collect(provider, request)
    [sent] = fake.requests_to("/v1/chat/completions")
    assert sent.method == "POST"
    body = sent.json
    assert body["model"] == "deepseek-chat"
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "two"},
        {"role": "user", "content": "three"},
    ]
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert "temperature" not in body


async def test_temperature_is_sent_only_when_set(fake, provider):
    await collect(provider, ask(temperature=0.3))
    assert fake.requests[-1].json["temperature"] == 0.3


async def test_compatible_servers_get_max_tokens(fake, provider):
    await collect(provider, ask(max_tokens=77))
    body = fake.requests[-1].json
    assert body["max_tokens"] == 77
    assert "max_completion_tokens" not in body


@pytest.mark.parametrize("base_url", ["https://api.openai.com/v1", "https://eu.api.openai.com/v1"])
def test_openai_itself_gets_max_completion_tokens(base_url):
    # No request can leave the machine, so check the arguments the SDK would be given.
    provider = OpenAICompatProvider(ProviderConfig("openai", "OpenAI", base_url, api_key="sk-test"))
    arguments = provider._create_arguments(ask(max_tokens=55))
    assert arguments["max_completion_tokens"] == 55
    assert "max_tokens" not in arguments


# -- keys and the environment --------------------------------------------------------------------


async def test_keyless_endpoint_sends_no_authorization_header(fake, provider):
    assert await collect(provider) == [*HELLO, Usage(12, 4), Finished("stop")]
    assert fake.requests[-1].header("authorization") is None


async def test_keyed_endpoint_sends_bearer(fake, make_provider):
    fake.expected_key = "sk-right"
    assert (await collect(make_provider(api_key="sk-right")))[-1] == Finished("stop")
    assert fake.requests[-1].header("authorization") == "Bearer sk-right"


async def test_sdk_environment_variables_are_ignored(fake, make_provider, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://elsewhere.invalid/v1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    monkeypatch.setenv("OPENAI_CUSTOM_HEADERS", "Authorization: Bearer sk-custom-env\nX-From-Env: 1")
    await collect(make_provider())
    keyed = make_provider(api_key="sk-mine")
    await collect(keyed)
    keyless_request, keyed_request = fake.requests
    for request in (keyless_request, keyed_request):
        assert request.header("openai-organization") is None
        assert request.header("openai-project") is None
        assert request.header("x-from-env") is None
    assert keyless_request.header("authorization") is None
    assert keyed_request.header("authorization") == "Bearer sk-mine"


async def test_wrong_key_is_an_authentication_error(fake, make_provider):
    fake.expected_key = "sk-right"
    _, error = await collect_until_error(make_provider(api_key="sk-wrong"))
    assert type(error) is errors.AuthenticationError
    assert "Incorrect API key" in str(error) and "Settings" in str(error)


# -- errors before the answer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "error_class", "words"),
    [
        (Scenario(status=401, error_message="Incorrect API key provided: sk-***"), errors.AuthenticationError,
         ["401", "Incorrect API key provided", "Check the key"]),
        (Scenario(status=403, error_message="Project does not have access to model"), errors.AuthenticationError,
         ["403", "does not have access"]),
        (Scenario(status=404, error_message="The model `nope` does not exist"), errors.ModelNotFoundError,
         ["“nope”", "does not exist", "Pick another model"]),
        (Scenario(status=400, error_message="This model's maximum context length is 8192 tokens."),
         errors.RequestRejectedError, ["400", "maximum context length is 8192"]),
        (Scenario(status=500, error_message="The server had an error"), errors.ServerError,
         ["500", "The server had an error", "Try again later"]),
        (Scenario(status=503, error_message="Service Unavailable"), errors.ServerError, ["503"]),
        (Scenario(status=529, error_type="overloaded_error", error_message="Overloaded"), errors.OverloadedError,
         ["overloaded"]),
    ],
    ids=["401", "403", "404-model", "400-reason", "500", "503", "529-overloaded"],
)
async def test_error_statuses_become_their_chat_errors(fake, provider, scenario, error_class, words):
    fake.enqueue(scenario)
    events, error = await collect_until_error(provider, ask(model="nope"))
    assert events == []
    assert type(error) is error_class
    assert error.status == scenario.status
    assert error.provider == "LocalAI"
    for word in words:
        assert word in str(error)


async def test_rate_limit_carries_retry_after(fake, provider):
    fake.enqueue(Scenario(status=429, retry_after="7", error_message="Rate limit reached for requests"))
    _, error = await collect_until_error(provider)
    assert type(error) is errors.RateLimitedError
    assert error.retry_after == 7.0
    assert "Rate limit reached" in str(error)


async def test_retry_after_ms_is_preferred(fake, provider):
    fake.enqueue(Scenario(status=429, retry_after="7", headers={"retry-after-ms": "1500"}))
    _, error = await collect_until_error(provider)
    assert error.retry_after == 1.5


async def test_sdk_does_not_retry_on_its_own(fake, provider):
    fake.enqueue(Scenario(status=500), Scenario(status=500), Scenario(status=500))
    _, error = await collect_until_error(provider)
    assert type(error) is errors.ServerError
    assert len(fake.requests) == 1


async def test_proxy_html_error_page_is_described_not_dumped(fake, provider):
    fake.enqueue(Scenario(html_error_page=True))
    _, error = await collect_until_error(provider)
    assert type(error) is errors.ServerError
    assert error.status == 502
    assert "web page" in str(error) and "502 Bad Gateway" in str(error)
    assert "<" not in str(error)


async def test_html_page_with_200_points_at_the_base_url(fake, provider):
    fake.html_status = 200
    fake.enqueue(Scenario(html_error_page=True))
    _, error = await collect_until_error(provider)
    assert type(error) is errors.CannotConnectError
    assert "web page" in str(error) and "base URL" in str(error)
    assert "<" not in str(error)


async def test_connection_refused_is_cannot_connect(make_provider):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = make_provider(base_url=f"http://127.0.0.1:{port}/v1")
    _, error = await collect_until_error(provider)
    assert type(error) is errors.CannotConnectError
    assert f"127.0.0.1:{port}" in str(error) and "refused" in str(error)


@pytest.mark.parametrize("base_url", ["localhost:1234/v1", "", "ftp://127.0.0.1/v1", "http://127.0.0.1:99999/v1"])
async def test_unusable_base_url_is_a_configuration_error(make_provider, base_url):
    _, error = await collect_until_error(make_provider(base_url=base_url))
    assert type(error) is errors.ConfigurationError
    assert "base URL" in str(error)


async def test_hang_before_headers_times_out(fake, make_provider):
    fake.enqueue(Scenario(hang_before_headers=True))
    started = time.monotonic()
    _, error = await collect_until_error(make_provider(read=0.5))
    assert type(error) is errors.ProviderTimeoutError
    assert time.monotonic() - started < 3
    assert "timed out" in str(error)


# -- errors during the answer ----------------------------------------------------------------------


async def test_error_chunk_mid_stream(fake, provider):
    fake.enqueue(Scenario(error_event_after=2, error_message="The model crashed"))
    events, error = await collect_until_error(provider)
    assert events == HELLO[:2]
    assert type(error) is errors.ServerError
    assert "The model crashed" in str(error)


async def test_typed_error_chunk_mid_stream_keeps_its_type(fake, provider):
    fake.enqueue(Scenario(error_event_after=1, error_type="overloaded_error", error_message="Overloaded"))
    events, error = await collect_until_error(provider)
    assert events == HELLO[:1]
    assert type(error) is errors.OverloadedError


async def test_untyped_error_chunk_is_a_broken_stream(fake, provider):
    fake.enqueue(Scenario(error_event_after=1, error_type="something_new", error_message="Odd failure"))
    events, error = await collect_until_error(provider)
    assert events == HELLO[:1]
    assert type(error) is errors.BrokenStreamError
    assert "Odd failure" in str(error)


async def test_dropped_connection_mid_answer(fake, provider):
    fake.enqueue(Scenario(drop_after=2))
    events, error = await collect_until_error(provider)
    assert events == HELLO[:2]
    assert type(error) is errors.BrokenStreamError
    assert "broke off" in str(error) and "kept" in str(error)


@pytest.mark.parametrize("with_done", [False, True], ids=["clean-end", "done-without-finish"])
async def test_stream_without_finish_reason_is_broken(fake, provider, with_done):
    fake.done_on_no_stop = with_done
    fake.enqueue(Scenario(no_stop_after=3))
    events, error = await collect_until_error(provider)
    assert events == HELLO[:3]
    assert type(error) is errors.BrokenStreamError
    assert "finish_reason" in str(error)


async def test_malformed_chunk_is_broken(fake, provider):
    fake.enqueue(Scenario(malformed_after=1))
    events, error = await collect_until_error(provider)
    assert events == HELLO[:1]
    assert type(error) is errors.BrokenStreamError
    assert "malformed" in str(error)


async def test_stall_mid_answer_times_out(fake, make_provider):
    fake.enqueue(Scenario(stall_after=2))
    started = time.monotonic()
    events, error = await collect_until_error(make_provider(read=0.5))
    assert events == HELLO[:2]
    assert type(error) is errors.ProviderTimeoutError
    assert time.monotonic() - started < 3


# -- closing and cancelling -----------------------------------------------------------------------


async def _disconnected(request) -> bool:
    return await asyncio.to_thread(request.disconnected.wait, 1)


async def test_cancelling_the_task_closes_the_stream(fake, provider):
    fake.enqueue(Scenario(chunks=[f"t{i} " for i in range(100)], chunk_delay=0.05))
    first = asyncio.Event()
    received = []

    async def consume():
        async for event in provider.stream(ask()):
            received.append(event)
            first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _disconnected(fake.requests[-1])
    assert 1 <= len(received) < 100


async def test_aclose_closes_the_stream(fake, provider):
    fake.enqueue(Scenario(chunks=[f"t{i} " for i in range(100)], chunk_delay=0.05))
    stream = provider.stream(ask())
    assert await anext(stream) == TextDelta("t0 ")
    await stream.aclose()
    assert await _disconnected(fake.requests[-1])


async def test_cancel_while_waiting_for_headers_hangs_up(fake, provider):
    fake.enqueue(Scenario(hang_before_headers=True))
    task = asyncio.create_task(collect(provider))
    while not fake.requests:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _disconnected(fake.requests[-1])


# -- models ----------------------------------------------------------------------------------------


async def test_list_models(fake, provider):
    fake.models = ["llama-3.1-8b", "qwen2.5-7b"]
    models = await provider.list_models()
    assert [m.id for m in models] == ["llama-3.1-8b", "qwen2.5-7b"]
    [sent] = fake.requests_to("/v1/models")
    assert sent.method == "GET"
    assert sent.header("authorization") is None


async def test_list_models_with_a_wrong_key(fake, make_provider):
    fake.expected_key = "sk-right"
    with pytest.raises(errors.AuthenticationError):
        await make_provider(api_key="sk-wrong").list_models()


async def test_list_models_cannot_connect(make_provider):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(errors.CannotConnectError):
        await make_provider(base_url=f"http://127.0.0.1:{port}/v1").list_models()


async def test_list_models_from_a_web_page(fake, provider):
    fake.html_status = 200
    fake.enqueue(Scenario(html_error_page=True))
    with pytest.raises(errors.CannotConnectError, match="model list"):
        await provider.list_models()
