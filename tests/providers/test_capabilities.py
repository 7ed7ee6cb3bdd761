"""Providers declare what they can do; the registry answers per family and per model without an SDK."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop_chat.chat.pool import ProviderPool
from desktop_chat.config import Settings
from desktop_chat.providers import (Capabilities, ModelInfo, ProviderConfig, ProviderDependencies, capabilities,
                                    create_provider)

ROOT = Path(__file__).resolve().parents[2]


def test_each_family_declares_what_the_app_decided_by_name_before():
    anthropic, openai, ollama, builtin = (capabilities(k) for k in ("anthropic", "openai", "ollama", "llamacpp"))
    assert anthropic.native_pdf and anthropic.images and anthropic.tools and anthropic.needs_key
    assert not openai.native_pdf and openai.needs_key and openai.model_source == "listed"
    assert ollama.keyless and ollama.local and not ollama.in_process and ollama.model_source == "pulled"
    assert ollama.per_model_options and ollama.context_per_request and ollama.host_address
    assert not ollama.answer_counts_against_context and anthropic.answer_counts_against_context
    assert builtin.keyless and builtin.local and builtin.in_process and builtin.model_source == "files"
    assert not builtin.per_model_options and not builtin.context_per_request


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown provider kind"):
        capabilities("gopher")


def test_per_model_context_from_the_well_known_families_but_not_for_local_names():
    assert capabilities("anthropic", "claude-sonnet-4-5").context_length == 200_000
    assert capabilities("openai", "openai/gpt-4o").context_length == 128_000
    assert capabilities("openai", "my-local-model").context_length is None
    # An Ollama model's name says nothing reliable about the context it runs with.
    assert capabilities("ollama", "claude-imitation:7b").context_length is None
    assert capabilities("anthropic", "claude-haiku-4-5").native_pdf  # every Claude model reads PDFs


def test_per_model_capabilities_from_what_ollama_reports():
    shown = ModelInfo("llava:13b", context_length=4096, details={"capabilities": ["completion", "vision", "tools"]})
    caps = capabilities("ollama", "llava:13b", shown)
    assert (caps.images, caps.tools, caps.thinking, caps.context_length) == (True, True, False, 4096)
    plain = capabilities("ollama", "llama3.2", ModelInfo("llama3.2", details={"capabilities": ["completion"]}))
    assert not plain.images and not plain.tools and plain.keyless  # the family's declarations stay


def test_per_model_capabilities_from_an_openrouter_style_listing():
    listed = ModelInfo("x/reasoner", details={"architecture": {"input_modalities": ["text", "image"]},
                                              "supported_parameters": ["tools", "reasoning"],
                                              "top_provider": {"context_length": 65_536}})
    caps = capabilities("openai", "x/reasoner", listed)
    assert (caps.images, caps.tools, caps.thinking, caps.context_length) == (True, True, True, 65_536)


def test_asking_capabilities_imports_no_sdk():
    code = ("import sys; from desktop_chat.providers import capabilities; "
            "[capabilities(k, 'm') for k in ('anthropic', 'openai', 'ollama', 'llamacpp')]; "
            "print(sorted(m for m in ('anthropic', 'openai', 'httpx', 'llama_cpp') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_the_factory_hands_each_family_only_the_dependencies_it_takes():
    table = {"llama3.2:latest": {"num_ctx": 8192}}
    catalog = object()
    deps = ProviderDependencies(model_options=lambda: table, catalog=catalog, runtime=lambda: None)
    ollama = create_provider("ollama", ProviderConfig("ollama", "Ollama", "http://127.0.0.1:9"), deps)
    assert ollama.options_for("llama3.2") == {"num_ctx": 8192}  # type: ignore[attr-defined]
    builtin = create_provider("llamacpp", ProviderConfig("builtin", "Built-in", ""), deps)
    assert builtin.catalog is catalog  # type: ignore[attr-defined]
    # A family that takes none of them is built as before, not refused for the extras.
    openai = create_provider("openai", ProviderConfig("openai", "OpenAI", "http://127.0.0.1:9/v1", "k"), deps)
    assert openai.config.endpoint_id == "openai"
    for provider in (ollama, builtin, openai):
        await provider.aclose()


async def test_the_pool_builds_ollama_with_the_settings_options_read_at_each_request():
    settings = Settings()
    pool = ProviderPool(settings, environ={})
    try:
        provider = await pool.provider(pool.endpoint("ollama"))
        assert provider.options_for("qwen3") == {}  # type: ignore[attr-defined]
        settings.ollama_model_options = {"qwen3:latest": {"keep_alive": "1h"}}
        assert provider.options_for("qwen3") == {"keep_alive": "1h"}  # type: ignore[attr-defined]
    finally:
        await pool.aclose()


def test_capabilities_is_a_frozen_value():
    caps = Capabilities()
    with pytest.raises(AttributeError):
        caps.native_pdf = True  # type: ignore[misc]


async def test_the_pool_builds_the_builtin_engine_with_its_catalog_and_runtime():
    from desktop_chat.chat.local_models import LocalModels

    settings = Settings()
    settings.local_threads = 3
    pool = ProviderPool(settings, environ={})
    try:
        provider = await pool.provider(pool.endpoint("builtin"))
        assert isinstance(provider.catalog, LocalModels)  # type: ignore[attr-defined]
        assert provider.runtime().threads == 3  # type: ignore[attr-defined]
    finally:
        await pool.aclose()
