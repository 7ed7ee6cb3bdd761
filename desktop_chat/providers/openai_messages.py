"""A conversation's parts as OpenAI Chat Completions messages (also what compatible servers read).

    text               "content": "…" (adjacent text parts as one text), or a "text" content part
                       beside images
    image              {"type": "image_url", "image_url": {"url": "data:<media type>;base64,…"}}
    tool call          the assistant message's "tool_calls": [{"id", "type": "function",
                       "function": {"name", "arguments": "<JSON text>"}}]
    tool result        a message of its own: {"role": "tool", "tool_call_id", "content"}, placed
                       before the rest of the turn that carries it (it answers the call before)
    document, thinking refused (cannot_send): documents reach these servers as text through the
                       delivery plan, and the API takes no reasoning back
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from desktop_chat.domain.messages import ChatMessage
from desktop_chat.domain.parts import InlineImage, TextPart, ToolCallPart, ToolResultPart, text_runs
from desktop_chat.providers.unsupported import cannot_send


def chat_messages(messages: Sequence[ChatMessage], label: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for message in messages:
        out += _turn(message, label)
    return out


def _turn(message: ChatMessage, label: str) -> list[dict[str, Any]]:
    if all(isinstance(part, TextPart) for part in message.parts):
        return [{"role": message.role, "content": message.text}]
    content: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for part in text_runs(message.parts):
        match part:
            case TextPart(text=text):
                content.append({"type": "text", "text": text})
            case InlineImage(media_type=media_type, data_base64=data):
                content.append({"type": "image_url", "image_url": {"url": f"data:{media_type};base64,{data}"}})
            case ToolCallPart():
                calls.append({"id": part.call_id, "type": "function", "function": {
                    "name": part.name, "arguments": json.dumps(part.arguments, ensure_ascii=False)}})
            case ToolResultPart():
                results.append({"role": "tool", "tool_call_id": part.call_id, "content": part.content})
            case _:
                raise cannot_send(label, part)
    if not content and not calls:
        return results
    turn: dict[str, Any] = {"role": message.role}
    only_text = all(block["type"] == "text" for block in content)
    if only_text:  # one string, as plain turns are sent; null beside tool calls with no text
        turn["content"] = "\n\n".join(block["text"] for block in content) if content else None
    else:
        turn["content"] = content
    if calls:
        turn["tool_calls"] = calls
    return [*results, turn]
