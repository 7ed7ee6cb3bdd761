"""Provider families and the factory that builds one for an endpoint.

The SDK-backed modules are imported only when a provider of that kind is first built: importing
anthropic alone takes ≈ 0.7 s, which must not happen before the window is shown.
"""

from __future__ import annotations

import importlib
import threading
from typing import Literal

from desktop_chat.providers.base import ChatRequest, ModelInfo, Provider, ProviderConfig, Timeouts

ProviderKind = Literal["anthropic", "openai", "ollama", "llamacpp"]

PROVIDER_KINDS: dict[str, tuple[str, str]] = {
    "anthropic": ("desktop_chat.providers.anthropic", "AnthropicProvider"),
    "openai": ("desktop_chat.providers.openai_compat", "OpenAICompatProvider"),
    "ollama": ("desktop_chat.providers.ollama", "OllamaProvider"),
    "llamacpp": ("desktop_chat.providers.llamacpp", "LlamaCppProvider"),  # the built-in engine
}


def create_provider(kind: str, config: ProviderConfig) -> Provider:
    try:
        module_name, class_name = PROVIDER_KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown provider kind {kind!r}") from None
    # One at a time: two threads importing the SDKs at once (a turn on one provider, a model list
    # on another) can meet in pydantic's internal circular imports and get a half-initialised module.
    with _CREATING:
        cls = getattr(importlib.import_module(module_name), class_name)
        return cls(config)


_CREATING = threading.Lock()


__all__ = ["ChatRequest", "ModelInfo", "Provider", "ProviderConfig", "ProviderKind", "Timeouts", "create_provider"]
