"""The name a model calls a tool by: its server's name and its own, joined.

Two servers may each have a tool called "search", and the APIs take one flat list of names
matching ``^[a-zA-Z0-9_-]{1,64}$`` (Anthropic and OpenAI alike). The model-facing name is
``server__tool`` with other characters made ``_``; the engine maps it back through the tool
list it offered (ToolBox), never by parsing, so the squashing may lose nothing that matters.
"""

from __future__ import annotations

import re

from desktop_chat.domain.tool_specs import SEPARATOR, split_model_name

__all__ = ["SEPARATOR", "model_name", "split_display"]
_NOT_ALLOWED = re.compile(r"[^a-zA-Z0-9_-]")
MAX_NAME = 64


def model_name(server: str, tool: str) -> str:
    joined = _NOT_ALLOWED.sub("_", server) + SEPARATOR + _NOT_ALLOWED.sub("_", tool)
    return joined[:MAX_NAME]


split_display = split_model_name  # (server, tool) of a stored name, for display only