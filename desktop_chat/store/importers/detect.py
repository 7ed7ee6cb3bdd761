"""Which app made an export, told by its content (people rename files; every app calls its file
conversations.json)."""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["Source", "detect"]

Source = Literal["desktop-chat", "chatgpt", "claude"]


def detect(data: Any) -> Source | None:
    """"desktop-chat", "chatgpt", "claude", or None when *data* (parsed JSON) is none of them.

    - ours: an object with ``"format": "desktop-chat"`` (any version: the reader then says
      whether it can read that version);
    - ChatGPT's data export: a list of conversations, each with a ``mapping`` tree and a
      ``current_node``;
    - Claude's data export: a list of conversations, each with a ``uuid`` and ``chat_messages``.

    An empty list could be either app's export of an account without conversations: there is
    nothing to import, and it is reported as not recognised rather than guessed.
    """
    if isinstance(data, dict):
        return "desktop-chat" if data.get("format") == "desktop-chat" else None
    if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
        return None
    if all("mapping" in item and "current_node" in item for item in data):
        return "chatgpt"
    if all("uuid" in item and "chat_messages" in item for item in data):
        return "claude"
    return None
