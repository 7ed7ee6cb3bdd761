"""Which listed models can chat, what their listing says they can do, and the order to show them in.

A provider's model list is whatever its server returns: OpenAI's `/v1/models` mixes chat models
with embedding, speech, image, moderation and legacy completion models that `/chat/completions`
refuses. What a name means is provider knowledge, so it is decided here, once, for every front end:

- `is_chat_model(info)`: what the listing reports wins (Ollama's /api/show `capabilities`,
  OpenRouter-style `architecture.output_modalities`); else the name is matched against the
  families that are known not to chat.
- `capabilities(info)`: only what the listing reports (context length, image input, tools,
  reasoning/thinking). Nothing is guessed from a name: a wrong tag is worse than none.
- `ordered(...)`: favourites, then recently used, then the rest in natural order ("gpt-4" before
  "gpt-4o", "llama3.2:3b" before "llama3.2:11b").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_chat.providers.base import ModelInfo

__all__ = ["Capabilities", "capabilities", "chat_models", "is_chat_model", "natural_key", "ordered", "with_details"]

# Name fragments of models that do not answer chat requests. Matched case-insensitively against
# the id without its owner prefix ("openai/whisper-1" -> "whisper-1").
_NOT_CHAT = re.compile(
    r"""(
        embed                      # text-embedding-3-small, nomic-embed-text, mxbai-embed-large
      | ^bge-|^e5-|^gte-|^all-minilm  # the common open embedding families
      | rerank                     # rerankers
      | ^tts-|-tts\b|-tts-|text-to-speech|^speech-  # speech synthesis
      | whisper|transcribe|^stt-   # speech recognition
      | dall-e|^gpt-image|image-gen|^imagen|stable-diffusion|^sdxl|^flux  # image generation
      | moderation                 # content classifiers
      | ^davinci|^babbage|^ada\b|^ada-|^curie|^text-(davinci|babbage|ada|curie)  # legacy completions
      | -instruct$|-instruct-\d    # gpt-3.5-turbo-instruct: /completions only
      | ^sora|^veo-                # video generation
      | -realtime|-audio-preview|^gpt-audio|-transcribe  # audio-only sessions, not chat completions
      | ^computer-use|^codex-mini-latest$|deep-research  # served by the Responses API only
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# An open-weights model with "instruct" in its name does chat (Qwen2.5-7B-Instruct); only the
# OpenAI completion model of that name does not. The rule above therefore applies to gpt-* only.
_INSTRUCT = re.compile(r"-instruct(\b|-\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Capabilities:
    """What a listing reports about one model; None/False where it says nothing."""

    context_length: int | None = None
    vision: bool = False
    tools: bool = False
    reasoning: bool = False


def _short_name(model_id: str) -> str:
    return model_id.rsplit("/", 1)[-1].strip()


def _reported(info: ModelInfo) -> tuple[set[str], set[str] | None, set[str]]:
    """(Ollama capabilities, output modalities or None, input modalities + supported parameters)."""
    details: Mapping[str, Any] = info.details or {}
    caps = {str(c).lower() for c in details.get("capabilities") or [] if isinstance(c, str)}
    arch = details.get("architecture")
    outputs: set[str] | None = None
    inputs: set[str] = set()
    if isinstance(arch, Mapping):
        if isinstance(arch.get("output_modalities"), list):
            outputs = {str(m).lower() for m in arch["output_modalities"]}
        if isinstance(arch.get("input_modalities"), list):
            inputs |= {str(m).lower() for m in arch["input_modalities"]}
    params = details.get("supported_parameters")
    if isinstance(params, list):
        inputs |= {"param:" + str(p).lower() for p in params}
    return caps, outputs, inputs


def is_chat_model(info: ModelInfo) -> bool:
    """Whether `info` is a model that answers chat requests (see the module docstring)."""
    caps, outputs, _ = _reported(info)
    if caps:  # Ollama's /api/show: "completion" is the chat capability, "embedding" the other
        return "completion" in caps
    if outputs is not None:  # OpenRouter and friends: a chat model outputs text
        return "text" in outputs
    name = _short_name(info.id)
    if not name:
        return False
    match = _NOT_CHAT.search(name)
    if match is None:
        return True
    if _INSTRUCT.search(match.group(0)) and not name.lower().startswith("gpt-"):
        return True
    return False


def chat_models(models: Iterable[ModelInfo]) -> list[ModelInfo]:
    return [m for m in models if is_chat_model(m)]


def capabilities(info: ModelInfo) -> Capabilities:
    caps, _, inputs = _reported(info)
    details: Mapping[str, Any] = info.details or {}
    context = info.context_length
    if context is None:
        top = details.get("top_provider")
        if isinstance(top, Mapping) and isinstance(top.get("context_length"), int):
            context = top["context_length"]
    return Capabilities(
        context_length=context if isinstance(context, int) and context > 0 else None,
        vision="vision" in caps or "image" in inputs,
        tools="tools" in caps or "param:tools" in inputs,
        reasoning="thinking" in caps or "param:reasoning" in inputs or "param:include_reasoning" in inputs,
    )


_CHUNKS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that compares digit runs as numbers: "llama3.2:3b" < "llama3.2:11b"."""
    parts: list[tuple[int, int | str]] = []
    for chunk in _CHUNKS.split(name.lower()):
        if not chunk:
            continue
        parts.append((0, int(chunk)) if chunk.isdigit() else (1, chunk))
    return tuple(parts)


def ordered(models: Sequence[ModelInfo], favourites: Sequence[str] = (),
            recent: Sequence[str] = ()) -> list[ModelInfo]:
    """Favourites (in natural order), then recently used (most recent first), then the rest."""
    by_id = {m.id: m for m in models}
    favourite_set = set(favourites)
    first = sorted((by_id[f] for f in favourite_set if f in by_id), key=lambda m: natural_key(m.id))
    taken = {m.id for m in first}
    second = []
    for name in recent:
        if name in by_id and name not in taken:
            second.append(by_id[name])
            taken.add(name)
    rest = sorted((m for m in models if m.id not in taken), key=lambda m: natural_key(m.id))
    return first + second + rest


def with_details(listed: ModelInfo, shown: ModelInfo) -> ModelInfo:
    """A list entry completed with what a per-model query said (Ollama's /api/show: context length,
    capabilities), keeping the list's own details (size, quantisation) where the query has none."""
    details = dict(listed.details or {})
    details.update({k: v for k, v in (shown.details or {}).items() if v not in (None, [], "")})
    return ModelInfo(id=listed.id, display_name=listed.display_name or shown.display_name,
                     context_length=shown.context_length or listed.context_length, details=details)
