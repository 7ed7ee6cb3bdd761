"""Provider families and the factory that builds one for an endpoint.

The SDK-backed modules are imported only when a provider of that kind is first built: importing
anthropic alone takes ≈ 0.7 s, which must not happen before the window is shown.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from desktop_chat.providers import capabilities as _declared
from desktop_chat.providers.capabilities import Capabilities

if TYPE_CHECKING:
    from desktop_chat.providers.base import (ChatRequest, ModelInfo, Provider, ProviderConfig, ProviderDependencies,
                                             Timeouts)

# The request and listing types load on first use: the window asks capabilities at start-up, and
# nothing before its first frame needs the provider contract itself.
_FROM_BASE = frozenset({"ChatRequest", "ModelInfo", "Provider", "ProviderConfig", "ProviderDependencies", "Timeouts"})


def __getattr__(name: str) -> Any:
    if name in _FROM_BASE:
        from desktop_chat.providers import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

ProviderKind = Literal["anthropic", "openai", "ollama", "llamacpp"]


class _Family(NamedTuple):
    """Where a provider family's class lives (imported on first use) and what it can do."""

    module: str
    class_name: str
    capabilities: Capabilities
    takes: tuple[str, ...] = ()  # the ProviderDependencies fields its constructor accepts


_FAMILIES: dict[str, _Family] = {
    "anthropic": _Family("desktop_chat.providers.anthropic", "AnthropicProvider", _declared.ANTHROPIC),
    "openai": _Family("desktop_chat.providers.openai_compat", "OpenAICompatProvider", _declared.OPENAI),
    "ollama": _Family("desktop_chat.providers.ollama", "OllamaProvider", _declared.OLLAMA, ("model_options",)),
    # the built-in engine
    "llamacpp": _Family("desktop_chat.providers.llamacpp", "LlamaCppProvider", _declared.LLAMACPP,
                        ("catalog", "runtime")),
}
PROVIDER_KINDS: dict[str, tuple[str, str]] = {kind: (f.module, f.class_name) for kind, f in _FAMILIES.items()}


def _family(kind: str) -> _Family:
    try:
        return _FAMILIES[kind]
    except KeyError:
        raise ValueError(f"unknown provider kind {kind!r}") from None


def capabilities(kind: str, model: str | None = None, info: ModelInfo | None = None) -> Capabilities:
    """What an endpoint of `kind` can do; with `model` (and its listing `info`, e.g. Ollama's
    /api/show), what that model can do. Imports no SDK. ValueError for an unknown kind."""
    family = _family(kind).capabilities
    return family if model is None else _declared.for_model(family, model, info)


def create_provider(kind: str, config: ProviderConfig, dependencies: ProviderDependencies | None = None) -> Provider:
    """Build the provider for `kind`, handing it those of `dependencies` its family takes (the
    user's per-model options for Ollama, the model catalog and runtime for the built-in engine)."""
    from desktop_chat.providers.base import ProviderDependencies

    family = _family(kind)
    given = dependencies or ProviderDependencies()
    extra = {name: getattr(given, name) for name in family.takes if getattr(given, name) is not None}
    # One at a time: two threads importing the SDKs at once (a turn on one provider, a model list
    # on another) can meet in pydantic's internal circular imports and get a half-initialised module.
    with _CREATING:
        cls = getattr(importlib.import_module(family.module), family.class_name)
        return cls(config, **extra)


_CREATING = threading.Lock()


__all__ = ["Capabilities", "ChatRequest", "ModelInfo", "Provider", "ProviderConfig", "ProviderDependencies",
           "ProviderKind", "Timeouts", "capabilities", "create_provider"]
