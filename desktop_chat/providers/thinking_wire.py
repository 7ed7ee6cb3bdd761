"""Reasoning on each wire format: how a request asks for it, and how an answer streams it.

    Anthropic   request "thinking": {"type": "enabled", "budget_tokens": N} (N ≥ 1024, below
                max_tokens; temperature must stay unset); the answer streams content blocks of
                type "thinking" (thinking_delta pieces, then one signature_delta) and
                "redacted_thinking" (its opaque "data" whole, in content_block_start);
                usage has no separate reasoning count
    OpenAI      request "reasoning_effort": "low" | "medium" | "high" (o-series, gpt-5, gpt-oss);
                compatible servers (DeepSeek, vLLM, llama.cpp server, SiliconFlow, OpenRouter)
                stream delta.reasoning_content — or delta.reasoning — beside delta.content;
                usage.completion_tokens_details.reasoning_tokens
    Ollama      request "think": "low" | "medium" | "high" (a level: gpt-oss; read as true by
                other thinking models); a chunk's message.thinking holds the reasoning beside
                message.content (also without "think", for a model that thinks by default)

Which model takes which setting is declared in capabilities.py (`reasoning_control`); the engine
passes only the setting the model takes, as ChatRequest.options "thinking_budget" (tokens) or
"reasoning_effort".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from desktop_chat.domain.events import ThinkingDelta
from desktop_chat.providers.capabilities import EFFORTS, REASONING_EFFORT, THINKING_BUDGET
MIN_ANTHROPIC_BUDGET = 1024  # the API refuses less


# -- Anthropic --------------------------------------------------------------------------------------

def anthropic_thinking(options: Mapping[str, Any], max_tokens: int) -> tuple[dict[str, Any] | None, int]:
    """The request's "thinking" parameter for the conversation's budget (None: not asked for),
    and the max_tokens to send with it: the budget counts against max_tokens, so the answer
    keeps its own room on top of the budget."""
    budget = options.get(THINKING_BUDGET)
    if not isinstance(budget, int) or isinstance(budget, bool) or budget <= 0:
        return None, max_tokens
    budget = max(MIN_ANTHROPIC_BUDGET, budget)
    return {"type": "enabled", "budget_tokens": budget}, budget + max_tokens


def anthropic_thinking_deltas(event: Any) -> Iterator[ThinkingDelta]:
    """The reasoning in one Anthropic SDK stream event (none for most events)."""
    kind = getattr(event, "type", None)
    if kind == "content_block_delta":
        delta = getattr(event, "delta", None)
        delta_type = getattr(delta, "type", None)
        if delta_type == "thinking_delta":
            text = getattr(delta, "thinking", None) or ""
            if text:
                yield ThinkingDelta(text)
        elif delta_type == "signature_delta":
            signature = getattr(delta, "signature", None) or ""
            if signature:
                yield ThinkingDelta("", signature=signature)
    elif kind == "content_block_start":
        block = getattr(event, "content_block", None)
        if getattr(block, "type", None) == "redacted_thinking":
            yield ThinkingDelta(str(getattr(block, "data", "") or ""), redacted=True)


# -- OpenAI and compatible servers ------------------------------------------------------------------

def openai_reasoning_effort(options: Mapping[str, Any]) -> str | None:
    effort = options.get(REASONING_EFFORT)
    return effort if effort in EFFORTS else None


def openai_reasoning(chunk: Any) -> str:
    """The reasoning text in one chat.completion.chunk (choice 0). The SDK keeps fields it does
    not know (reasoning_content, reasoning) as attributes of the delta."""
    text = ""
    for choice in getattr(chunk, "choices", None) or ():
        if getattr(choice, "index", 0) not in (0, None):
            continue
        delta = getattr(choice, "delta", None)
        piece = getattr(delta, "reasoning_content", None) or getattr(delta, "reasoning", None)
        if isinstance(piece, str):
            text += piece
    return text


def openai_reasoning_tokens(usage: Any) -> int | None:
    """usage.completion_tokens_details.reasoning_tokens, from an SDK object or a plain dict;
    None for 0 too: OpenAI reports 0 for every model that does not reason."""
    details = usage.get("completion_tokens_details") if isinstance(usage, Mapping) \
        else getattr(usage, "completion_tokens_details", None)
    tokens = details.get("reasoning_tokens") if isinstance(details, Mapping) \
        else getattr(details, "reasoning_tokens", None)
    return tokens if isinstance(tokens, int) and not isinstance(tokens, bool) and tokens > 0 else None


# -- Ollama ---------------------------------------------------------------------------------------

def ollama_think(options: Mapping[str, Any]) -> str | None:
    """The "think" value for the conversation's effort (None: leave it to the model). gpt-oss
    takes the level; Ollama reads any level as "think" for the other thinking models."""
    return openai_reasoning_effort(options)


def ollama_thinking(message: Any) -> str:
    thinking = message.get("thinking") if isinstance(message, dict) else None
    return thinking if isinstance(thinking, str) else ""
