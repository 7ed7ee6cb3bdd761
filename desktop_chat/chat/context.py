"""How many tokens a model can take: the budget that decides how attached documents are sent.

In order, the first that applies:

1. ``conversation.options["context_tokens"]``: the user said so for this conversation;
2. Ollama: ``conversation.options["num_ctx"]``, which Ollama itself will use;
3. the engine's ``context_lookup(endpoint_id, model)``, when the front end gives one. It answers
   None (unknown), an int (the model's own context length, e.g. from Ollama's ``/api/show`` or
   a provider's model list) or a :class:`ModelContext` that also carries the num_ctx the user
   configured for an Ollama model (which the Ollama provider sends by itself, so it is planned
   with as it is). It may answer for any endpoint. For Ollama a model's own length is capped at
   :data:`OLLAMA_AUTO_CONTEXT_CAP`: see below;
4. the context length the provider declares for the model (providers/capabilities.py: the
   well-known model families, matched on the name; not for Ollama, whose local model names say
   nothing reliable about the context it will run with);
5. :data:`DEFAULT_CONTEXT_TOKENS`, a deliberately small guess.

Ollama runs a model with ``num_ctx`` tokens of context (its own default is small, 2,048 or
4,096 depending on the version) and *silently drops* the start of a longer prompt. So when a
request to Ollama carries documents, the engine sends ``num_ctx`` equal to the budget it planned
with (unless the conversation or the user's settings for the model set one), and that budget is
capped: a model that could take 131,072 tokens would otherwise reserve gigabytes of memory for
its cache on a laptop. Beyond the cap the document goes as passages, and the sentence shown says
so; a user with the memory to spare sets the model's num_ctx, or ``context_tokens`` on the
conversation.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from desktop_chat.providers import capabilities
from desktop_chat.providers.capabilities import KNOWN_CONTEXT_TOKENS, known_context_tokens

__all__ = ["DEFAULT_CONTEXT_TOKENS", "KNOWN_CONTEXT_TOKENS", "LOOKUP_TIMEOUT", "OLLAMA_AUTO_CONTEXT_CAP",
           "OLLAMA_DEFAULT_CONTEXT", "ContextLookup", "ContextWindow", "ModelContext", "chain_lookups",
           "context_window", "known_context_tokens"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelContext:
    """What a context lookup knows about a model."""

    length: int | None = None  # the context the model was built for (Ollama: /api/show)
    configured: int | None = None  # the num_ctx the user set for this Ollama model, if any


ContextLookup = Callable[[str, str], Awaitable["int | ModelContext | None"]]

DEFAULT_CONTEXT_TOKENS = 8_192
OLLAMA_DEFAULT_CONTEXT = 8_192
OLLAMA_AUTO_CONTEXT_CAP = 16_384
LOOKUP_TIMEOUT = 5.0  # seconds; a lookup that hangs must not hold up the turn

@dataclass(frozen=True)
class ContextWindow:
    tokens: int
    source: str  # "conversation", "num_ctx", "configured", "lookup", "known", "default": where it came from
    send_num_ctx: int | None = None  # Ollama: the num_ctx to send with a request carrying documents


async def context_window(
    kind: str,
    endpoint_id: str,
    model: str,
    options: Mapping[str, Any],
    lookup: ContextLookup | None = None,
) -> ContextWindow:
    """The budget to plan a request with (see the module docstring for the order).

    `kind` is the endpoint's kind; what matters is whether the request sets the context the
    model runs with (Ollama's num_ctx), which its declared capabilities say."""
    # Ollama: the request sets the context the model runs with (num_ctx) and a longer prompt is cut.
    sets_context = capabilities(kind).context_per_request
    explicit = _positive(options.get("context_tokens"))
    num_ctx = _positive(options.get("num_ctx")) if sets_context else None
    if explicit is not None:
        tokens = min(explicit, num_ctx) if num_ctx is not None else explicit
        return ContextWindow(tokens, "conversation", send_num_ctx=tokens if sets_context and num_ctx is None else None)
    if num_ctx is not None:
        return ContextWindow(num_ctx, "num_ctx")  # already in the request's options
    looked_up = await _lookup(lookup, endpoint_id, model)
    if sets_context and looked_up.configured is not None:
        return ContextWindow(looked_up.configured, "configured")  # the provider sends it itself
    if looked_up.length is not None:
        if sets_context:
            tokens = min(looked_up.length, OLLAMA_AUTO_CONTEXT_CAP)
            return ContextWindow(tokens, "lookup", send_num_ctx=tokens)
        return ContextWindow(looked_up.length, "lookup")
    if sets_context:
        return ContextWindow(OLLAMA_DEFAULT_CONTEXT, "default", send_num_ctx=OLLAMA_DEFAULT_CONTEXT)
    known = capabilities(kind, model).context_length  # the well-known model families
    if known is not None:
        return ContextWindow(known, "known")
    return ContextWindow(DEFAULT_CONTEXT_TOKENS, "default")


async def _lookup(lookup: ContextLookup | None, endpoint_id: str, model: str) -> ModelContext:
    if lookup is None:
        return ModelContext()
    try:
        value = await asyncio.wait_for(lookup(endpoint_id, model), LOOKUP_TIMEOUT)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - an unknown context is not a reason to fail the turn
        log.info("context lookup for %s/%s failed: %s", endpoint_id, model, type(exc).__name__)
        return ModelContext()
    if isinstance(value, ModelContext):
        return ModelContext(_positive(value.length), _positive(value.configured))
    return ModelContext(length=_positive(value))


def _positive(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value > 0 else None


def chain_lookups(*lookups: ContextLookup | None) -> ContextLookup:
    """One context lookup that asks each of `lookups` in turn and answers with the first that knows
    (e.g. Ollama's, then the built-in engine's: each answers None for endpoints not its own)."""
    chain = [lookup for lookup in lookups if lookup is not None]

    async def lookup(endpoint_id: str, model: str) -> int | ModelContext | None:
        for one in chain:
            value = await one(endpoint_id, model)
            if value is not None:
                return value
        return None

    return lookup
