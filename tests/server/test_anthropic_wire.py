"""The official anthropic SDK against the local server, with the loopback fakes upstream."""

from __future__ import annotations

import anthropic
import pytest

from tests import wiring
from tests.fakes.loopback import Scenario
from tests.server.conftest import TOKEN, Running


def client(run: Running, token: str = TOKEN) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(base_url=run.url, api_key=token, max_retries=0, timeout=10)


async def test_streams_the_full_event_sequence(running: Running) -> None:
    running.openai.enqueue(Scenario(chunks=["Bon", "jour"], input_tokens=9, output_tokens=2))
    async with client(running) as sdk:
        async with sdk.messages.stream(model="openai/gpt-4o", max_tokens=64, system="Be French.",
                                       messages=[{"role": "user", "content": "Hello"}]) as stream:
            kinds = [event.type async for event in stream]
            final = await stream.get_final_message()
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert {"content_block_start", "content_block_delta", "content_block_stop", "message_delta"} <= set(kinds)
    assert final.content[0].text == "Bonjour"  # type: ignore[union-attr]
    assert final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (9, 2)
    upstream = running.openai.requests_to("/chat/completions")[-1].json
    assert upstream["messages"][0] == {"role": "system", "content": "Be French."}


async def test_whole_message_from_anthropic_upstream(running: Running) -> None:
    running.anthropic.enqueue(Scenario(chunks=["Hi ", "there"], stop_reason="max_tokens", output_tokens=2))
    async with client(running) as sdk:
        message = await sdk.messages.create(
            model="anthropic/claude-test", max_tokens=2,
            messages=[{"role": "user", "content": [{"type": "text", "text": "Say hi"}]}])
    assert message.content[0].text == "Hi there"  # type: ignore[union-attr]
    assert message.stop_reason == "max_tokens"
    assert message.usage.output_tokens == 2


async def test_ollama_style_stop_is_end_turn(running: Running) -> None:
    running.openai.enqueue(Scenario(chunks=["ok"], stop_reason="length"))
    async with client(running) as sdk:
        message = await sdk.messages.create(model="openai/gpt-4o", max_tokens=1,
                                            messages=[{"role": "user", "content": "Hi"}])
    assert message.stop_reason == "max_tokens"


async def test_upstream_401_in_anthropic_shape(running: Running) -> None:
    running.anthropic.expected_key = "not-the-key"
    async with client(running) as sdk:
        with pytest.raises(anthropic.AuthenticationError) as caught:
            await sdk.messages.create(model="anthropic/claude-test", max_tokens=8,
                                      messages=[{"role": "user", "content": "Hi"}])
    assert caught.value.body["error"]["type"] == "authentication_error"  # type: ignore[index]
    assert wiring.ANTHROPIC_KEY not in caught.value.response.text


async def test_upstream_429_keeps_retry_after(running: Running) -> None:
    running.anthropic.enqueue(Scenario(status=429, retry_after="12", error_type="rate_limit_error"))
    async with client(running) as sdk:
        with pytest.raises(anthropic.RateLimitError) as caught:
            async with sdk.messages.stream(model="anthropic/claude-test", max_tokens=8,
                                           messages=[{"role": "user", "content": "Hi"}]) as stream:
                await stream.get_final_message()
    assert caught.value.response.headers["retry-after"] == "12"
    assert caught.value.body["error"]["type"] == "rate_limit_error"  # type: ignore[index]


async def test_upstream_overloaded_is_529(running: Running) -> None:
    running.anthropic.enqueue(Scenario(status=529, error_type="overloaded_error"))
    async with client(running) as sdk:
        with pytest.raises(anthropic.APIStatusError) as caught:
            await sdk.messages.create(model="anthropic/claude-test", max_tokens=8,
                                      messages=[{"role": "user", "content": "Hi"}])
    assert caught.value.status_code == 529


async def test_drop_mid_stream_is_an_error_event(running: Running) -> None:
    running.anthropic.enqueue(Scenario(chunks=["a", "b", "c"], drop_after=1))
    async with client(running) as sdk:
        with pytest.raises(anthropic.APIError) as caught:
            async with sdk.messages.stream(model="anthropic/claude-test", max_tokens=8,
                                           messages=[{"role": "user", "content": "Hi"}]) as stream:
                async for _ in stream:
                    pass
    assert "Anthropic" in str(caught.value)


async def test_image_block_is_a_400_naming_it(running: Running) -> None:
    async with client(running) as sdk:
        with pytest.raises(anthropic.BadRequestError) as caught:
            await sdk.messages.create(model="openai/gpt-4o", max_tokens=8, messages=[{"role": "user", "content": [
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}}]}])
    assert "messages[0].content[0]" in caught.value.message
    assert caught.value.body["error"]["type"] == "invalid_request_error"  # type: ignore[index]
