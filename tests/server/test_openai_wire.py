"""The official openai SDK against the local server, with the loopback fakes upstream."""

from __future__ import annotations

import openai
import pytest

from tests import wiring
from tests.fakes.loopback import Scenario
from tests.server.conftest import TOKEN, Running


def client(run: Running, token: str = TOKEN) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=run.url + "/v1", api_key=token, max_retries=0, timeout=10)


async def test_streams_text_usage_and_stop_reason(running: Running) -> None:
    running.openai.enqueue(Scenario(chunks=["Hel", "lo", " there"], input_tokens=21, output_tokens=3))
    async with client(running) as sdk:
        stream = await sdk.chat.completions.create(
            model="openai/gpt-4o", messages=[{"role": "system", "content": "Be brief."},
                                             {"role": "user", "content": "Hi"}],
            stream=True, stream_options={"include_usage": True})
        chunks = [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello there"
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    assert chunks[-1].usage is not None
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (21, 3)
    upstream = running.openai.requests_to("/chat/completions")[-1].json
    assert upstream["model"] == "gpt-4o"
    assert upstream["messages"][0] == {"role": "system", "content": "Be brief."}


async def test_whole_answer_with_length_stop(running: Running) -> None:
    running.openai.enqueue(Scenario(chunks=["cut", " short"], stop_reason="length", output_tokens=2))
    async with client(running) as sdk:
        answer = await sdk.chat.completions.create(model="openai/gpt-4o-mini", max_tokens=2,
                                                   messages=[{"role": "user", "content": "Tell me everything"}])
    assert answer.choices[0].message.content == "cut short"
    assert answer.choices[0].finish_reason == "length"
    assert answer.usage is not None and answer.usage.completion_tokens == 2
    assert running.openai.requests_to("/chat/completions")[-1].json["max_tokens"] == 2


async def test_anthropic_model_through_the_openai_wire(running: Running) -> None:
    running.anthropic.enqueue(Scenario(chunks=["from ", "claude"], stop_reason="max_tokens"))
    async with client(running) as sdk:
        answer = await sdk.chat.completions.create(model="anthropic/claude-test",
                                                   messages=[{"role": "user", "content": "Hi"}])
    assert answer.choices[0].message.content == "from claude"
    assert answer.choices[0].finish_reason == "length"


async def test_model_listing_names_endpoint_and_model(running: Running) -> None:
    async with client(running) as sdk:
        listed = [m.id async for m in sdk.models.list()]
    assert {"openai/gpt-4o-mini", "openai/gpt-4o"} <= set(listed)
    assert any(name.startswith("anthropic/") for name in listed)
    async with client(running) as sdk:
        again = [m.id async for m in sdk.models.list()]
    assert again == listed
    assert len(running.openai.requests_to("/v1/models")) == 1  # reused for a minute, not asked again


async def test_upstream_401_is_a_401_with_the_apps_words(running: Running) -> None:
    running.openai.expected_key = "another-key"
    async with client(running) as sdk:
        with pytest.raises(openai.AuthenticationError) as caught:
            await sdk.chat.completions.create(model="openai/gpt-4o", stream=True,
                                              messages=[{"role": "user", "content": "Hi"}])
    assert "OpenAI" in caught.value.message
    assert wiring.OPENAI_KEY not in caught.value.response.text


async def test_upstream_429_passes_retry_after_on(running: Running) -> None:
    running.openai.enqueue(Scenario(status=429, retry_after="7"))
    async with client(running) as sdk:
        with pytest.raises(openai.RateLimitError) as caught:
            await sdk.chat.completions.create(model="openai/gpt-4o", stream=True,
                                              messages=[{"role": "user", "content": "Hi"}])
    assert caught.value.response.headers["retry-after"] == "7"


async def test_upstream_drop_mid_stream_is_an_error_event(running: Running) -> None:
    running.openai.enqueue(Scenario(chunks=["one ", "two ", "three"], drop_after=2))
    received = []
    async with client(running) as sdk:
        stream = await sdk.chat.completions.create(model="openai/gpt-4o", stream=True,
                                                   messages=[{"role": "user", "content": "Count"}])
        with pytest.raises(openai.APIError) as caught:
            async for chunk in stream:
                if chunk.choices:
                    received.append(chunk.choices[0].delta.content or "")
    assert "".join(received) == "one two "
    assert "broke off" in str(caught.value).lower() or "connection" in str(caught.value).lower()


async def test_bad_body_is_a_400_naming_the_field(running: Running) -> None:
    async with client(running) as sdk:
        with pytest.raises(openai.BadRequestError) as caught:
            await sdk.chat.completions.create(model="openai/gpt-4o",
                                              messages=[{"role": "wizard", "content": "Hi"}])  # type: ignore[misc]
    assert "messages[0].role" in caught.value.message
