"""A tool's result as text: what the model receives and what the card shows.

Results are data from outside. They become plain text here (images and binary resources are
described, never loaded or rendered) and go back to the model as the tool's result; the window
shows them as text too, cut to a preview with "show all".
"""

from __future__ import annotations

import json
from typing import Any

MAX_RESULT_CHARS = 100_000  # more is cut (with a note): a runaway tool must not fill the context


def result_text(result: Any) -> tuple[str, bool]:
    """(text, is_error) of an mcp CallToolResult (mcp 2.x field names)."""
    pieces: list[str] = []
    for block in getattr(result, "content", None) or ():
        pieces.append(_block_text(block))
    structured = getattr(result, "structured_content", None)
    if not any(pieces) and structured is not None:
        pieces.append(json.dumps(structured, ensure_ascii=False, indent=2))
    return cut("\n\n".join(p for p in pieces if p)), bool(getattr(result, "is_error", False))


def cut(text: str, limit: int = MAX_RESULT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… [{len(text) - limit} more characters cut]"


def _block_text(block: Any) -> str:
    kind = getattr(block, "type", "")
    if kind == "text":
        return str(getattr(block, "text", ""))
    if kind == "image":
        return f"[image: {getattr(block, 'mime_type', '?')}, {len(getattr(block, 'data', '') or '') * 3 // 4} bytes]"
    if kind == "audio":
        return f"[audio: {getattr(block, 'mime_type', '?')}]"
    if kind == "resource":
        resource = getattr(block, "resource", None)
        text = getattr(resource, "text", None)
        uri = getattr(resource, "uri", "")
        return f"[resource {uri}]\n{text}" if isinstance(text, str) else f"[resource {uri}: binary]"
    if kind == "resource_link":
        return f"[link: {getattr(block, 'uri', '')}]"
    return f"[{kind or 'unknown'} content]"


def arguments_text(arguments: dict[str, Any]) -> str:
    """Arguments formatted for a person: indented JSON, non-ASCII as it is."""
    return json.dumps(arguments, ensure_ascii=False, indent=2, sort_keys=False)
