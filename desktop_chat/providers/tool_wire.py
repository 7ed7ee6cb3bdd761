"""Tools on each wire format: the tool list a request offers, and the calls an answer streams.

    Anthropic   request "tools": [{name, description, input_schema}]; the answer streams a
                content_block_start of type tool_use (id, name), then input_json_delta pieces of
                its input (JSON text), stop_reason "tool_use"
    OpenAI      request "tools": [{type: function, function: {name, description, parameters}}];
                chunks carry delta.tool_calls[{index, id?, function: {name?, arguments piece}}],
                finish_reason "tool_calls"
    Ollama      request "tools" as OpenAI's; a chunk's message.tool_calls holds whole calls
                (arguments an object, no id: one is made here)

Every call becomes ToolCallDelta events: the first piece of a call carries its id and name,
later pieces add argument text; the engine joins them (chat/tool_rounds.py).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from desktop_chat.domain.events import ToolCallDelta
from desktop_chat.domain.tool_specs import ToolSpec


def anthropic_tools(tools: Sequence[ToolSpec]) -> list[dict[str, Any]]:
    return [{"name": t.name, "description": t.description, "input_schema": t.input_schema} for t in tools]


def openai_tools(tools: Sequence[ToolSpec]) -> list[dict[str, Any]]:
    """OpenAI's function tools; Ollama's /api/chat takes the same shape."""
    return [{"type": "function", "function": {"name": t.name, "description": t.description,
                                              "parameters": t.input_schema}} for t in tools]


def anthropic_tool_deltas(event: Any) -> Iterator[ToolCallDelta]:
    """The tool-call pieces in one Anthropic SDK stream event (none for most events)."""
    kind = getattr(event, "type", None)
    index = getattr(event, "index", 0) or 0
    if kind == "content_block_start":
        block = getattr(event, "content_block", None)
        if getattr(block, "type", None) == "tool_use":
            yield ToolCallDelta(index, call_id=str(getattr(block, "id", "") or _new_id()),
                                name=str(getattr(block, "name", "")))
    elif kind == "content_block_delta":
        delta = getattr(event, "delta", None)
        if getattr(delta, "type", None) == "input_json_delta":
            piece = getattr(delta, "partial_json", "") or ""
            if piece:
                yield ToolCallDelta(index, arguments=piece)


def openai_tool_deltas(chunk: Any) -> Iterator[ToolCallDelta]:
    """The tool-call pieces in one chat.completion.chunk (choice 0 only: we never ask for n > 1)."""
    for choice in getattr(chunk, "choices", None) or ():
        if getattr(choice, "index", 0) not in (0, None):
            continue
        for call in getattr(getattr(choice, "delta", None), "tool_calls", None) or ():
            function = getattr(call, "function", None)
            index = getattr(call, "index", 0) or 0
            call_id = getattr(call, "id", None)
            name = getattr(function, "name", None)
            arguments = getattr(function, "arguments", None) or ""
            if call_id or name:
                yield ToolCallDelta(index, arguments=arguments, call_id=call_id or _new_id(), name=name or "")
            elif arguments:
                yield ToolCallDelta(index, arguments=arguments)


def ollama_tool_deltas(message: Any, first_index: int) -> Iterator[ToolCallDelta]:
    """Whole calls in one /api/chat chunk's message, numbered from *first_index*."""
    calls = message.get("tool_calls") if isinstance(message, dict) else None
    for offset, call in enumerate(calls if isinstance(calls, list) else ()):
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            continue
        arguments = function.get("arguments")
        text = arguments if isinstance(arguments, str) else json.dumps(arguments or {}, ensure_ascii=False)
        call_id = call.get("id") if isinstance(call.get("id"), str) else _new_id()
        yield ToolCallDelta(first_index + offset, arguments=text, call_id=call_id, name=function["name"])


def _new_id() -> str:
    return f"call_{uuid.uuid4().hex[:24]}"
