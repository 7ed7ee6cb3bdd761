"""A conversation's parts as Ollama /api/chat messages (its API reference, "Chat request").

    text          "content" (the text parts joined; always present, "" when there is none)
    image         "images": ["<base64>", …] on the message
    thinking      "thinking": "…" (Ollama keeps no signature; redacted reasoning is refused)
    tool call     "tool_calls": [{"function": {"name", "arguments": {…}}}] on the message
    tool result   a message of its own: {"role": "tool", "content", "tool_name"}, placed before
                  the rest of the turn that carries it; the name comes from the call it answers
    document      refused (cannot_send): documents reach Ollama as text through the delivery plan
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from desktop_chat.domain.messages import ChatMessage
from desktop_chat.domain.parts import InlineImage, TextPart, ThinkingPart, ToolCallPart, ToolResultPart
from desktop_chat.providers.unsupported import cannot_send


def chat_messages(messages: Sequence[ChatMessage], label: str) -> list[dict[str, Any]]:
    names = {p.call_id: p.name for m in messages for p in m.parts if isinstance(p, ToolCallPart)}
    out: list[dict[str, Any]] = []
    for message in messages:
        out += _turn(message, label, names)
    return out


def _turn(message: ChatMessage, label: str, names: dict[str, str]) -> list[dict[str, Any]]:
    turn: dict[str, Any] = {"role": message.role, "content": message.text}
    results: list[dict[str, Any]] = []
    for part in message.parts:
        match part:
            case TextPart():
                pass  # in "content" already
            case InlineImage(data_base64=data):
                turn.setdefault("images", []).append(data)
            case ThinkingPart(redacted=False, text=text):
                turn["thinking"] = turn.get("thinking", "") + text
            case ToolCallPart():
                turn.setdefault("tool_calls", []).append(
                    {"function": {"name": part.name, "arguments": part.arguments}})
            case ToolResultPart():
                results.append({"role": "tool", "content": part.content,
                                "tool_name": names.get(part.call_id, "")})
            case _:
                raise cannot_send(label, part)
    if results and len(turn) == 2 and not turn["content"]:
        return results  # a turn that only carries tool results
    return [*results, turn]
