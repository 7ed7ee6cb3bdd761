"""A tool as offered to a model: what providers put in a request's tool list.

The engine gathers these from the tools/ package (MCP servers) and hands them to a provider in
ChatRequest.tools; each provider writes them in its own wire format. ``name`` is what the model
calls: the server's and the tool's name joined (see tools/naming.py), so that two servers may
each have a tool called "search".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


SEPARATOR = "__"  # between the server's name and the tool's in the name a model calls


def split_model_name(name: str) -> tuple[str, str]:
    """(server, tool) of a model-facing tool name, for display (a stored call, an export)."""
    server, sep, tool = name.partition(SEPARATOR)
    return (server, tool) if sep else ("", name)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str = ""
    # JSON Schema of the arguments (an object schema), as the tool's server declared it.
    input_schema: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
