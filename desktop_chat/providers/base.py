"""The one contract every provider meets.

A provider turns a ChatRequest into a stream of ProviderEvents on its own wire format, and
translates every failure into the project's ChatError hierarchy at this edge. It does not retry
(SDK retries are off), time the answer, persist anything or decide policy: the engine does.

Contract of `stream()`:
- an async generator yielding TextDelta* (and ThinkingDelta* for the model's reasoning, before or
  between them) then at most one Usage, then exactly one Finished; reasoning a model writes into
  its text as <think>…</think> is split out by the engine where the family declares it;
- a stream that ends without the provider's stop reason raises BrokenStreamError (the SDKs
  raise nothing for that);
- raises only ChatError subclasses (asyncio.CancelledError passes through untouched);
- closing the generator (aclose, or cancelling the task awaiting it) closes the HTTP response
  at once, so the server sees the disconnect.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from desktop_chat.domain.events import ProviderEvent
from desktop_chat.domain.messages import ChatMessage
from desktop_chat.domain.tool_specs import ToolSpec


@dataclass(frozen=True)
class Timeouts:
    """How long to wait: to connect, and for the next bytes of an answer."""

    connect: float = 10.0
    read: float = 60.0  # no data received for this long; a long answer has no overall cap


@dataclass(frozen=True)
class ProviderConfig:
    """Everything a provider needs to talk to one endpoint."""

    endpoint_id: str  # "anthropic", "openai", "ollama", or a user-named endpoint such as "deepseek"
    label: str  # shown to the user in messages: "Anthropic", "DeepSeek", "Ollama"
    base_url: str
    api_key: str | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)


@dataclass(frozen=True)
class ChatRequest:
    """One turn's request to a provider: the model, the conversation as parts, the options."""

    model: str
    # The conversation so far, oldest first, ending with the user turn, each turn as ordered parts.
    # Documents (PDFs sent as they are) only ever reach a provider that reads them natively
    # (AnthropicProvider); the engine's delivery plan sends text to every other one. A part a
    # provider cannot put on its wire is refused with a ChatError (providers/unsupported.py).
    messages: Sequence[ChatMessage]
    system: str | None = None
    max_tokens: int = 4096
    temperature: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # provider-specific (Ollama num_ctx, keep_alive)
    # Tools the model may call (only for a model whose capabilities say `tools`); the provider
    # writes them in its wire format and yields ToolCallDelta events for the calls it makes.
    tools: Sequence[ToolSpec] = ()


@dataclass(frozen=True)
class ModelInfo:
    """A model as a provider's listing describes it."""

    id: str
    display_name: str | None = None
    context_length: int | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderDependencies:
    """What a provider may need from the rest of the app besides its endpoint, handed to the factory
    (create_provider), which gives each family only the ones it takes. Each is read at every
    request, so that a Settings change applies to the next turn."""

    # The user's per-model options (num_ctx, temperature, keep_alive), keyed by model name (Ollama).
    model_options: Callable[[], Mapping[str, Mapping[str, Any]]] | None = None
    catalog: Any = None  # the installed GGUF models: a providers.llamacpp.ModelCatalog (the built-in engine)
    runtime: Callable[[], Any] | None = None  # how they run: () -> providers.llamacpp_runtime.LocalRuntime


@runtime_checkable
class Provider(Protocol):
    config: ProviderConfig

    def stream(self, request: ChatRequest) -> AsyncIterator[ProviderEvent]: ...

    async def list_models(self) -> list[ModelInfo]: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class DescribesModels(Protocol):
    """A provider that can say what one of its models can do (Ollama's /api/show: context length,
    capabilities such as "vision"), where the family's declaration cannot."""

    async def show(self, model: str) -> ModelInfo: ...
