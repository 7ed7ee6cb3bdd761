"""Every kind of message part reaches each provider's wire as its API documents it, or is refused.

The conversation below carries each kind once: a user turn with an image, an assistant turn
with its reasoning (and signature), text and a tool call, and a user turn with the tool's result.
Each provider is run against its loopback fake and the recorded request body is checked.
"""

from __future__ import annotations

import pytest

from desktop_chat.domain import errors
from desktop_chat.domain.messages import ChatMessage, DocumentPart
from desktop_chat.domain.parts import (
    InlineImage,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolResultPart,
    text_runs,
)
from desktop_chat.providers.anthropic import AnthropicProvider
from desktop_chat.providers.base import ChatRequest, ProviderConfig, Timeouts
from desktop_chat.providers.ollama import OllamaProvider
from desktop_chat.providers.openai_compat import OpenAICompatProvider
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.ollama_server import FakeOllama
from tests.fakes.openai_server import FakeOpenAI
from tests.providers.test_llamacpp import builtin_settings, provider_for

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
IMAGE = InlineImage("image/png", PNG)
CALL = ToolCallPart("call_1", "weather", {"city": "Zürich"})
RESULT = ToolResultPart("call_1", "12 °C, rain")
PDF = DocumentPart("a.pdf", "JVBERi0xLjQK")

CONVERSATION = [
    ChatMessage("user", (TextPart("What is in this picture?"), IMAGE)),
    ChatMessage("assistant", (ThinkingPart("A cloud. Check the weather.", signature="sig-123"),
                              TextPart("A cloud; let me check."), CALL)),
    ChatMessage("user", (RESULT, TextPart("And tomorrow?"))),
]
SHORT = Timeouts(connect=2.0, read=5.0)


def _request(messages: list[ChatMessage], model: str = "m") -> ChatRequest:
    return ChatRequest(model=model, messages=messages)


async def _collect(provider, request: ChatRequest) -> list:
    return [event async for event in provider.stream(request)]


# -- the contract --------------------------------------------------------------------------------

def test_a_chat_message_is_a_role_and_ordered_parts_with_its_text_joined():
    message = ChatMessage.of("user", "Summarise.", (PDF,))
    assert message.parts == (PDF, TextPart("Summarise."))
    assert message.documents == (PDF,)
    assert ChatMessage("user", (TextPart("a"), IMAGE, TextPart("b"))).text == "a\n\nb"
    assert ChatMessage.of("assistant", "").parts == ()


def test_adjacent_text_parts_become_one_text_as_they_always_went_out():
    parts = (PDF, TextPart("note"), TextPart("passages"), TextPart("question"), IMAGE, TextPart("after"))
    assert text_runs(parts) == [PDF, TextPart("note\n\npassages\n\nquestion"), IMAGE, TextPart("after")]


# -- Anthropic -----------------------------------------------------------------------------------

@pytest.fixture
async def anthropic():
    with FakeAnthropic() as fake:
        provider = AnthropicProvider(ProviderConfig("anthropic", "Anthropic", fake.base_url, "k", SHORT))
        yield fake, provider
        await provider.aclose()


async def test_anthropic_gets_images_thinking_with_its_signature_tool_use_and_tool_result_blocks(anthropic):
    fake, provider = anthropic
    await _collect(provider, _request(CONVERSATION))

    messages = fake.requests_to("/v1/messages")[-1].json["messages"]
    assert messages == [
        {"role": "user", "content": [
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}]},
        {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "A cloud. Check the weather.", "signature": "sig-123"},
            {"type": "text", "text": "A cloud; let me check."},
            {"type": "tool_use", "id": "call_1", "name": "weather", "input": {"city": "Zürich"}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "call_1", "content": "12 °C, rain", "is_error": False},
            {"type": "text", "text": "And tomorrow?"}]},
    ]


async def test_anthropic_gets_redacted_reasoning_back_as_its_opaque_data(anthropic):
    fake, provider = anthropic
    turns = [ChatMessage.of("user", "Hi"),
             ChatMessage("assistant", (ThinkingPart("opaque==", redacted=True), TextPart("Hello."))),
             ChatMessage.of("user", "Again")]
    await _collect(provider, _request(turns))

    assistant = fake.requests_to("/v1/messages")[-1].json["messages"][1]
    assert assistant["content"][0] == {"type": "redacted_thinking", "data": "opaque=="}


async def test_anthropic_refuses_reasoning_without_a_signature_and_sends_nothing(anthropic):
    fake, provider = anthropic
    turns = [ChatMessage.of("user", "Hi"), ChatMessage("assistant", (ThinkingPart("unsigned"), TextPart("Hello."))),
             ChatMessage.of("user", "Again")]

    with pytest.raises(errors.RequestRejectedError) as caught:
        await _collect(provider, _request(turns))

    assert caught.value.message == ("Anthropic cannot receive a model's earlier reasoning in a conversation, "
                                    "so nothing was sent. Continue this conversation with a provider that can.")
    assert fake.requests_to("/v1/messages") == []


# -- OpenAI-compatible ---------------------------------------------------------------------------

@pytest.fixture
async def openai():
    with FakeOpenAI() as fake:
        provider = OpenAICompatProvider(ProviderConfig("openai-like", "Compatible", fake.base_url + "/v1", "k", SHORT))
        yield fake, provider
        await provider.aclose()


async def test_openai_gets_image_urls_tool_calls_and_tool_messages(openai):
    fake, provider = openai
    conversation = [CONVERSATION[0], ChatMessage("assistant", (TextPart("Let me check."), CALL)), CONVERSATION[2]]
    await _collect(provider, _request(conversation))

    messages = fake.requests_to("/chat/completions")[-1].json["messages"]
    assert messages == [
        {"role": "user", "content": [
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}]},
        {"role": "assistant", "content": "Let me check.", "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "weather", "arguments": '{"city": "Zürich"}'}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "12 °C, rain"},
        {"role": "user", "content": "And tomorrow?"},
    ]


@pytest.mark.parametrize("part", [ThinkingPart("why", signature="s"), PDF], ids=["thinking", "document"])
async def test_openai_refuses_what_its_api_takes_no_part_of_and_sends_nothing(openai, part):
    fake, provider = openai
    with pytest.raises(errors.RequestRejectedError) as caught:
        await _collect(provider, _request([ChatMessage("user", (part, TextPart("Hi")))]))
    assert caught.value.provider == "Compatible" and "Compatible cannot receive" in caught.value.message
    assert fake.requests_to("/chat/completions") == []


# -- Ollama --------------------------------------------------------------------------------------

@pytest.fixture
async def ollama():
    with FakeOllama() as fake:
        provider = OllamaProvider(ProviderConfig("ollama", "Ollama", fake.base_url, None, SHORT))
        yield fake, provider
        await provider.aclose()


async def test_ollama_gets_images_thinking_tool_calls_and_tool_results_by_name(ollama):
    fake, provider = ollama
    await _collect(provider, _request(CONVERSATION, model="llama3.2"))

    messages = fake.requests_to("/api/chat")[-1].json["messages"]
    assert messages == [
        {"role": "user", "content": "What is in this picture?", "images": [PNG]},
        {"role": "assistant", "content": "A cloud; let me check.", "thinking": "A cloud. Check the weather.",
         "tool_calls": [{"function": {"name": "weather", "arguments": {"city": "Zürich"}}}]},
        {"role": "tool", "content": "12 °C, rain", "tool_name": "weather"},
        {"role": "user", "content": "And tomorrow?"},
    ]


@pytest.mark.parametrize("part", [ThinkingPart("opaque", redacted=True), PDF], ids=["redacted", "document"])
async def test_ollama_refuses_what_it_cannot_take_and_sends_nothing(ollama, part):
    fake, provider = ollama
    with pytest.raises(errors.RequestRejectedError) as caught:
        await _collect(provider, _request([ChatMessage("user", (part, TextPart("Hi")))], model="llama3.2"))
    assert "Ollama cannot receive" in caught.value.message
    assert fake.requests_to("/api/chat") == []


# -- the built-in engine ---------------------------------------------------------------------------

@pytest.mark.parametrize("part", [IMAGE, CALL, RESULT, ThinkingPart("why")], ids=["image", "call", "result", "thinking"])
async def test_the_built_in_engine_refuses_every_part_but_text_before_loading_a_model(part):
    provider = provider_for(builtin_settings())
    request = ChatRequest("any-model", [ChatMessage("user", (part, TextPart("Hi")))])
    with pytest.raises(errors.RequestRejectedError) as caught:
        await _collect(provider, request)
    assert "Built-in cannot receive" in caught.value.message
