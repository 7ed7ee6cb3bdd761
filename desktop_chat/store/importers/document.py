"""Building blocks shared by the converters: stable ids, message and conversation records of our
export format version 2, creation order, and small helpers for reading untrusted JSON."""

from __future__ import annotations

import heapq
import re
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "FORMAT_VERSION", "conversation_record", "document", "fenced", "iso_time", "message_id",
    "message_record", "number", "order_by_creation", "our_id", "string", "title_from",
]

FORMAT_VERSION = 2

# Ids are derived from the source's own ids, never random: importing the same file again yields
# the same ids, so the store recognises the conversations as already present and adds nothing.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://desktop-chat.invalid/import")


def our_id(app: str, conversation_source_id: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"{app}:{conversation_source_id}").hex


def message_id(app: str, conversation_source_id: str, message_source_id: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"{app}:{conversation_source_id}:{message_source_id}").hex


def string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def number(value: Any) -> float | None:
    """A finite Unix time (or other number) from JSON, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if value == value and abs(value) != float("inf") else None


def iso_time(value: Any) -> float | None:
    """Unix seconds from an ISO 8601 string ("2024-06-20T14:21:43.556745Z"), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:  # exports write UTC; a bare time is taken as UTC rather than local
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def fenced(code: str, language: str | None) -> str:
    """*code* as a Markdown fenced block, with a fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    tag = language if language and language != "unknown" else ""
    return f"{fence}{tag}\n{code.rstrip(chr(10))}\n{fence}"


def message_record(*, id: str, parent_id: str | None, role: str, text: str, created_at: float,
                   updated_at: float, provider: str | None, model: str | None) -> dict[str, Any]:
    """A message of format version 2 (``seq`` is set by :func:`order_by_creation`)."""
    return {
        "id": id, "parent_id": parent_id, "seq": 0, "role": role, "text": text, "parts": [],
        "status": "complete", "attachments": [], "provider": provider, "model": model,
        "input_tokens": None, "output_tokens": None, "ttft_ms": None, "duration_ms": None,
        "stop_reason": None, "error": None, "error_text": None,
        "created_at": created_at, "updated_at": max(updated_at, created_at),
    }


def order_by_creation(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages in creation order with ``seq`` 1..n, every parent before its children.

    (Stored seqs start at 1 and exchange.import_json requires positive ones.)

    Sorted by time (ties: the order given), but a message never comes before its parent even if
    the source's clock says otherwise: a topological order that always takes the oldest ready one.
    """
    children: dict[str | None, list[int]] = {}
    ids = {m["id"] for m in messages}
    for index, m in enumerate(messages):
        parent = m["parent_id"] if m["parent_id"] in ids else None
        children.setdefault(parent, []).append(index)
    ready = [(messages[i]["created_at"], i) for i in children.get(None, [])]
    heapq.heapify(ready)
    ordered: list[dict[str, Any]] = []
    placed: set[int] = set()
    while len(ordered) < len(messages):
        if not ready:  # a loop of parents in a damaged file: its oldest message becomes a first one
            index = min((i for i in range(len(messages)) if i not in placed),
                        key=lambda i: (messages[i]["created_at"], i))
            messages[index]["parent_id"] = None
            ready.append((messages[index]["created_at"], index))
        _, index = heapq.heappop(ready)
        if index in placed:
            continue
        placed.add(index)
        message = messages[index]
        message["seq"] = len(ordered) + 1
        ordered.append(message)
        for child in children.get(message["id"], []):
            heapq.heappush(ready, (messages[child]["created_at"], child))
    return ordered


def conversation_record(*, id: str, title: str, provider: str, model: str | None, created_at: float,
                        updated_at: float, current_leaf: str, app: str, source_id: str,
                        messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": id, "title": title, "provider": provider, "model": model, "system_prompt": None,
        "options": {}, "created_at": created_at, "updated_at": max(updated_at, created_at),
        "current_leaf": current_leaf, "imported_from": {"app": app, "id": source_id},
        "messages": messages,
    }


def document(conversations: Iterable[dict[str, Any]]) -> dict[str, Any]:
    exported_at = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    return {"format": "desktop-chat", "version": FORMAT_VERSION, "exported_at": exported_at,
            "conversations": list(conversations)}


def title_from(title: Any, messages: list[dict[str, Any]]) -> str:
    """The source's title, else the first line of the first question, else "Untitled"."""
    if isinstance(title, str) and title.strip():
        return " ".join(title.split())
    for m in messages:
        line = next((ln.strip() for ln in m["text"].splitlines() if ln.strip()), "")
        if m["role"] == "user" and line:
            return line if len(line) <= 60 else line[:59] + "…"
    return "Untitled"
