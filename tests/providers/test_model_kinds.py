"""Which listed models chat, what their listings report, and the picker's order (Qt-free)."""

from __future__ import annotations

from desktop_chat.providers.base import ModelInfo
from desktop_chat.providers.model_kinds import capabilities, chat_models, is_chat_model, natural_key, ordered
from tests.providers.openai_model_list import OPENAI_CHAT_MODELS, OPENAI_MODELS


def test_a_real_openai_list_keeps_only_the_chat_models() -> None:
    assert len(OPENAI_MODELS) == 41
    kept = [m.id for m in chat_models(ModelInfo(name) for name in OPENAI_MODELS)]
    assert set(kept) == OPENAI_CHAT_MODELS
    for gone in ("text-embedding-3-large", "tts-1-hd", "whisper-1", "dall-e-3", "gpt-image-1",
                 "omni-moderation-latest", "davinci-002", "babbage-002", "gpt-3.5-turbo-instruct",
                 "gpt-4o-transcribe", "gpt-4o-mini-tts", "gpt-4o-realtime-preview-2025-06-03"):
        assert gone not in kept, gone


def test_open_model_names_that_chat_are_kept() -> None:
    for name in ("Qwen/Qwen2.5-7B-Instruct", "deepseek-chat", "deepseek-reasoner", "llama3.2:latest",
                 "mistral-large-latest", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "claude-sonnet-4-5",
                 "glm-4-plus", "moonshot-v1-8k", "gemini-2.0-flash"):
        assert is_chat_model(ModelInfo(name)), name
    for name in ("nomic-embed-text:latest", "mxbai-embed-large", "BAAI/bge-m3", "openai/whisper-large-v3",
                 "jina-reranker-v2", "black-forest-labs/flux-schnell"):
        assert not is_chat_model(ModelInfo(name)), name


def test_what_the_listing_reports_wins_over_the_name() -> None:
    # Ollama's /api/show capabilities: an embedding model whose name says nothing, a chat model.
    assert not is_chat_model(ModelInfo("granite-small", details={"capabilities": ["embedding"]}))
    assert is_chat_model(ModelInfo("my-embed-finetune", details={"capabilities": ["completion", "tools"]}))
    # OpenRouter-style modalities.
    assert not is_chat_model(ModelInfo("acme/painter", details={"architecture": {"output_modalities": ["image"]}}))
    assert is_chat_model(ModelInfo("acme/talker", details={"architecture": {"output_modalities": ["text"]}}))


def test_capabilities_are_only_what_the_listing_reports() -> None:
    assert capabilities(ModelInfo("gpt-4o")) == capabilities(ModelInfo("anything"))  # no guessing from names
    ollama = capabilities(ModelInfo("qwen3:8b", context_length=40960,
                                    details={"capabilities": ["completion", "tools", "thinking", "vision"]}))
    assert (ollama.context_length, ollama.vision, ollama.tools, ollama.reasoning) == (40960, True, True, True)
    router = capabilities(ModelInfo("x/y", details={
        "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
        "supported_parameters": ["tools", "temperature"], "top_provider": {"context_length": 131072}}))
    assert (router.context_length, router.vision, router.tools, router.reasoning) == (131072, True, True, False)


def test_natural_order_and_favourites_then_recent_then_the_rest() -> None:
    names = ["llama3.2:11b", "gpt-4o", "llama3.2:3b", "gpt-4", "o3-mini", "gpt-4.1"]
    assert sorted(names, key=natural_key) == ["gpt-4", "gpt-4.1", "gpt-4o", "llama3.2:3b", "llama3.2:11b", "o3-mini"]
    models = [ModelInfo(n) for n in names]
    result = [m.id for m in ordered(models, favourites=["o3-mini", "gpt-4o", "not-listed"],
                                    recent=["llama3.2:3b", "gpt-4o", "gone"])]
    assert result == ["gpt-4o", "o3-mini", "llama3.2:3b", "gpt-4", "gpt-4.1", "llama3.2:11b"]


def test_a_list_entry_is_completed_with_what_the_per_model_query_said() -> None:
    from desktop_chat.providers.model_kinds import with_details

    listed = ModelInfo("granite-small:latest", details={"size": 123, "family": "granite", "capabilities": None})
    shown = ModelInfo("granite-small:latest", context_length=8192,
                      details={"capabilities": ["embedding"], "family": None, "format": "gguf"})
    merged = with_details(listed, shown)
    assert merged.context_length == 8192
    assert dict(merged.details) == {"size": 123, "family": "granite", "capabilities": ["embedding"], "format": "gguf"}
    assert not is_chat_model(merged) and is_chat_model(listed)
