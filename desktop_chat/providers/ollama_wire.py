"""Ollama's JSON as pure functions: the /api/chat request body, the events of a streamed /api/chat
chunk (thinking, text, usage, the stop reason), and the entries of /api/tags, /api/show, /api/ps
and /api/pull. The client that sends and receives them, and translates failures, is ollama.py
(its docstring draws the wire format).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_chat.domain.events import Finished, ProviderEvent, TextDelta, ThinkingDelta, Usage
from desktop_chat.providers import thinking_wire, tool_wire
from desktop_chat.providers.base import ChatRequest, ModelInfo
from desktop_chat.providers.ollama_messages import chat_messages

__all__ = ["LoadedModel", "PullLine", "canonical_model_name", "chat_body", "chunk_events", "loaded_model",
           "pull_line", "show_to_model", "tags_entry_to_model"]


@dataclass(frozen=True)
class PullLine:
    """One status line of /api/pull, as Ollama sent it (status is Ollama's own English)."""

    status: str
    digest: str | None = None
    total: int | None = None
    completed: int | None = None


@dataclass(frozen=True)
class LoadedModel:
    """A model Ollama holds in memory (/api/ps)."""

    name: str
    size: int | None = None  # bytes in memory
    size_vram: int | None = None  # of which on the GPU
    expires_at: str | None = None  # ISO time when Ollama unloads it unless used again
    details: Mapping[str, Any] = field(default_factory=dict)


def chat_body(request: ChatRequest, model_options: Mapping[str, Any] | None = None, *,
              label: str = "Ollama", think: bool = False) -> dict[str, Any]:
    """The /api/chat request body for a ChatRequest.

    `model_options` are the user's settings for this model (num_ctx, temperature, keep_alive).
    What the request itself carries for num_ctx / keep_alive (a conversation's own options) wins
    over them; the model's temperature wins over the request's, which is the app-wide default
    (the engine hands over one merged value, and nothing in the window sets a temperature per
    conversation).
    """
    defaults = model_options or {}
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    messages += chat_messages(request.messages, label)  # *label* names the server in a refusal
    options: dict[str, Any] = {"num_predict": request.max_tokens}
    temperature = defaults.get("temperature")
    if temperature is None:
        temperature = request.temperature
    if temperature is not None:
        options["temperature"] = temperature
    num_ctx = request.options.get("num_ctx")
    if num_ctx is None:
        num_ctx = defaults.get("num_ctx")
    if num_ctx is not None:
        options["num_ctx"] = num_ctx
    body: dict[str, Any] = {"model": request.model, "messages": messages, "stream": True, "options": options}
    keep_alive = request.options.get("keep_alive")
    if keep_alive is None:
        keep_alive = defaults.get("keep_alive")
    if keep_alive is not None:
        body["keep_alive"] = keep_alive
    level = thinking_wire.ollama_think(request.options) if think else None
    if level is not None:
        body["think"] = level
    if request.tools:
        body["tools"] = tool_wire.openai_tools(request.tools)
    return body


def canonical_model_name(name: str) -> str:
    """Ollama's full name for a model: "llama3.2" is "llama3.2:latest"."""
    name = name.strip()
    if not name:
        return name
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last else f"{name}:latest"


def pull_line(chunk: dict[str, Any]) -> PullLine:
    digest = chunk.get("digest")
    return PullLine(
        status=str(chunk.get("status") or ""),
        digest=digest if isinstance(digest, str) and digest else None,
        total=_int_or_none(chunk.get("total")),
        completed=_int_or_none(chunk.get("completed")),
    )


def loaded_model(entry: dict[str, Any]) -> LoadedModel:
    details = _object_at(entry, "details")
    expires = entry.get("expires_at")
    return LoadedModel(
        name=str(entry["name"]),
        size=_int_or_none(entry.get("size")),
        size_vram=_int_or_none(entry.get("size_vram")),
        expires_at=expires if isinstance(expires, str) and expires else None,
        details=dict(details),
    )


def chunk_events(chunk: dict[str, Any]) -> Iterator[ProviderEvent]:
    message = chunk.get("message")
    thinking = thinking_wire.ollama_thinking(message)
    if thinking:
        yield ThinkingDelta(thinking)
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str) and content:
        yield TextDelta(content)
    if chunk.get("done") is True:
        prompt, output = _int_or_none(chunk.get("prompt_eval_count")), _int_or_none(chunk.get("eval_count"))
        if prompt is not None or output is not None:
            yield Usage(prompt, output)
        yield Finished(str(chunk.get("done_reason") or "stop"))


def tags_entry_to_model(entry: dict[str, Any]) -> ModelInfo:
    details = _object_at(entry, "details")
    return ModelInfo(
        id=entry["name"],
        details={
            "size": entry.get("size"),
            "family": details.get("family"),
            "parameter_size": details.get("parameter_size"),
            "quantization_level": details.get("quantization_level"),
            "modified_at": entry.get("modified_at"),
        },
    )


def show_to_model(model: str, payload: dict[str, Any]) -> ModelInfo:
    details = _object_at(payload, "details")
    model_info = _object_at(payload, "model_info")
    arch = model_info.get("general.architecture") or details.get("family")
    context_length = _int_or_none(model_info.get(f"{arch}.context_length")) if arch else None
    if context_length is None:  # an unexpected architecture key: any "*.context_length" will do
        context_length = next(
            (_int_or_none(v) for k, v in model_info.items() if k.endswith(".context_length")), None
        )
    capabilities = payload.get("capabilities")
    return ModelInfo(
        id=model,
        context_length=context_length,
        details={
            "capabilities": list(capabilities) if isinstance(capabilities, list) else [],
            "architecture": arch,
            "family": details.get("family"),
            "parameter_size": details.get("parameter_size"),
            "quantization_level": details.get("quantization_level"),
            "format": details.get("format"),
            "modified_at": payload.get("modified_at"),
        },
    )


def _object_at(payload: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The JSON object under *key*, or an empty one when it is missing or something else."""
    value = payload.get(key)
    return value if isinstance(value, dict) else {}


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
