"""The presets (desktop_chat/presets.py): complete, addressable, and what Settings makes of them."""

from __future__ import annotations

from urllib.parse import urlsplit

from desktop_chat.config import Settings, validate_base_url
from desktop_chat.presets import PRESETS, find_preset

ASKED_FOR = {"DeepSeek", "Qwen (DashScope)", "Moonshot Kimi", "Zhipu GLM", "SiliconFlow", "OpenRouter", "Groq",
             "Mistral", "Google Gemini", "xAI Grok", "Together AI", "LM Studio", "vLLM", "llama.cpp server"}


def test_every_service_the_issue_names_is_there_once():
    assert {p.name for p in PRESETS} == ASKED_FOR
    assert len({p.id for p in PRESETS}) == len(PRESETS)
    assert find_preset("deepseek").base_url == "https://api.deepseek.com/v1"
    assert find_preset("nope") is None


def test_online_services_use_https_and_say_where_keys_come_from():
    for preset in PRESETS:
        assert validate_base_url(preset.base_url) == preset.base_url, preset.id
        if preset.local:
            parts = urlsplit(preset.base_url)
            assert (parts.scheme, parts.hostname, preset.needs_key, preset.key_url) == ("http", "127.0.0.1", False, "")
        else:
            assert preset.base_url.startswith("https://") and preset.needs_key, preset.id
            assert preset.key_url.startswith("https://") and preset.default_model, preset.id


def test_a_preset_becomes_a_custom_endpoint_without_a_key_fallback():
    settings = Settings()
    for preset in PRESETS:
        custom = settings.add_custom_endpoint(preset.name, preset.base_url)
        endpoint = settings.endpoint(custom.id)
        assert (endpoint.kind, endpoint.base_url, endpoint.key_env) == ("openai", preset.base_url, None)
