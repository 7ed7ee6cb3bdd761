"""ChatGPT's data export (``conversations.json``) → our export format version 2.

Each conversation holds its messages as a tree, ``mapping``: node id → {"id", "message",
"parent", "children"}. Editing a question or regenerating an answer adds a sibling, so every
version is in the tree; ``current_node`` is the last message of the branch on screen.

What is kept: user and assistant messages whose content is "text" (its string parts), "code"
(as a fenced block) or "multimodal_text" (its string parts; images are counted). What is left
out: the synthetic root (a node without a message), hidden nodes (custom instructions, memory
context), empty system messages, and placeholder messages with no text at all; a left-out
node's children hang from its nearest kept ancestor. Everything else (tool messages, other
content types such as "execution_output", "thoughts" or "tether_quote") is counted by kind.
"""

from __future__ import annotations

from typing import Any

from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.store.importers.document import (
    conversation_record, fenced, message_id, message_record, number, order_by_creation,
    our_id, string, title_from,
)
from desktop_chat.store.importers.report import ROLE_PREFIX, Conversion, SkipLog, convert_each

__all__ = ["APP", "convert"]

APP = "chatgpt"
PROVIDER = "openai"
_KEPT_ROLES = ("user", "assistant")
_TEXT_PARTS = ("text", "multimodal_text")


def convert(data: list[Any]) -> Conversion:
    """Convert a parsed ``conversations.json``; raises ValueError (a Text) on a broken structure."""
    return convert_each(APP, data, _conversation)


def _conversation(raw: dict[str, Any], index: int, skipped: SkipLog) -> tuple[dict[str, Any] | None, int]:
    source_id = string(raw.get("id")) or string(raw.get("conversation_id"))
    mapping = raw.get("mapping")
    if not source_id or not isinstance(mapping, dict):
        raise ValueError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "ChatGPT conversation #{number} has no id or no message tree (\"mapping\"); "
                      "the file may be damaged."), number=index + 1))
    cid = our_id(APP, source_id)
    title = string(raw.get("title")) or ""
    created = number(raw.get("create_time"))
    nodes = {key: node for key, node in mapping.items() if isinstance(node, dict)}

    kept: dict[str, dict[str, Any]] = {}  # node id → our message (parent not yet resolved)
    found: list[str] = []  # kinds of the parts left out, recorded once the title is known
    read = 0
    for node_id, node in nodes.items():
        message = node.get("message")
        if not isinstance(message, dict):
            continue  # the synthetic root
        read += _shown(message)
        record = _message(source_id, node_id, message, found)
        if record is not None:
            kept[node_id] = record

    for node_id, record in kept.items():
        record["parent_id"] = _nearest_kept(nodes, nodes[node_id].get("parent"), kept)
    messages = list(kept.values())
    _fill_times(messages, created)
    title = title_from(title, messages)
    for kind in found:
        skipped.add(kind, cid, title)
    if not messages:
        skipped.add("empty conversation", cid, title)
        return None, read
    ordered = order_by_creation(messages)
    leaf = _nearest_kept(nodes, raw.get("current_node"), kept) or ordered[-1]["id"]
    # The model that wrote the current branch's last answer; the conversation's default only when
    # no answer names one ("auto" is ChatGPT's own choice, no model anyone can ask for).
    default = string(raw.get("default_model_slug"))
    model = _leaf_model(ordered, leaf) or (default if default != "auto" else None)
    created_at = created if created is not None else ordered[0]["created_at"]
    updated = number(raw.get("update_time"))
    updated_at = updated if updated is not None else max(m["updated_at"] for m in ordered)
    return conversation_record(
        id=cid, title=title, provider=PROVIDER, model=model, created_at=created_at,
        updated_at=updated_at, current_leaf=leaf, app=APP, source_id=source_id, messages=ordered,
    ), read


def _message(source_id: str, node_id: str, message: dict[str, Any], found: list[str]) -> dict[str, Any] | None:
    """Our record for one node's message, or None if it is left out (recorded in *found* if it held anything)."""
    metadata = _object(message, "metadata")
    if metadata.get("is_visually_hidden_from_conversation"):
        return None  # ChatGPT never shows these (custom instructions, context): not a loss
    author = _object(message, "author")
    role = string(author.get("role")) or "unknown"
    content = _object(message, "content")
    text, parts_left_out = _content(content)
    if role not in _KEPT_ROLES:
        if role == "system" and not (text or "").strip():
            return None  # the empty system message ChatGPT starts many trees with
        found.append(_left_out_kind(role, content))
        return None
    if text is None:  # a content type we cannot hold: the whole node is that one part
        found.append(string(content.get("content_type")) or "unknown")
        return None
    found.extend(parts_left_out)
    if not text.strip() and not parts_left_out:
        return None  # an empty placeholder (e.g. before a tool call): nothing to lose
    is_answer = role == "assistant"
    return message_record(
        id=message_id(APP, source_id, node_id), parent_id=None, role=role, text=text,
        created_at=number(message.get("create_time")) or 0.0,
        updated_at=number(message.get("update_time")) or 0.0,
        provider=PROVIDER if is_answer else None,
        model=string(metadata.get("model_slug")) if is_answer else None,
    )


def _object(message: dict[str, Any], key: str) -> dict[str, Any]:
    """The JSON object under *key*, or an empty one where the export has something else."""
    value = message.get(key)
    return value if isinstance(value, dict) else {}


def _shown(message: dict[str, Any]) -> bool:
    """Whether ChatGPT shows this message (what "messages read" counts): not hidden, not the
    empty system message at the top of the tree."""
    metadata = _object(message, "metadata")
    if metadata.get("is_visually_hidden_from_conversation"):
        return False
    author = _object(message, "author")
    content = _object(message, "content")
    parts = content.get("parts") or []
    return not (author.get("role") == "system" and not any(isinstance(p, str) and p.strip() for p in parts))


def _left_out_kind(role: str, content: dict[str, Any]) -> str:
    """How a message from another author is reported: a tool's output by its content type when
    that says more ("execution_output"), else as a tool message or a message from that role."""
    kind = string(content.get("content_type"))
    if role != "tool":
        return ROLE_PREFIX + role
    return kind if kind and kind not in _TEXT_PARTS else "tool message"


def _content(content: dict[str, Any]) -> tuple[str | None, list[str]]:
    """(text, kinds of parts left out); text is None when the content type is not one we keep."""
    kind = content.get("content_type")
    if kind == "code":
        return fenced(string(content.get("text")) or "", string(content.get("language"))), []
    if kind not in _TEXT_PARTS:
        return None, []
    texts: list[str] = []
    left_out: list[str] = []
    for part in content.get("parts") or []:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str) and \
                part.get("content_type") == "audio_transcription":
            texts.append(part["text"])  # what the person said aloud: it is their question
        elif isinstance(part, dict):
            part_kind = string(part.get("content_type")) or "unknown"
            left_out.append("image" if part_kind == "image_asset_pointer" else part_kind)
    return "\n".join(t for t in texts if t), left_out


def _nearest_kept(nodes: dict[str, dict[str, Any]], start: Any, kept: dict[str, Any]) -> str | None:
    """Our id of the nearest kept node from *start* upwards (itself included), or None."""
    seen: set[str] = set()
    node_id = start
    while isinstance(node_id, str) and node_id in nodes and node_id not in seen:
        if node_id in kept:
            return str(kept[node_id]["id"])
        seen.add(node_id)
        node_id = nodes[node_id].get("parent")
    return None


def _fill_times(messages: list[dict[str, Any]], created: float | None) -> None:
    """Messages without a time (some exports have nulls) take their parent's, else the conversation's."""
    by_id = {m["id"]: m for m in messages}
    for m in messages:
        if m["created_at"]:
            continue
        parent = by_id.get(m["parent_id"])
        seen = {m["id"]}
        while parent is not None and not parent["created_at"] and parent["id"] not in seen:
            seen.add(parent["id"])
            parent = by_id.get(parent["parent_id"])
        m["created_at"] = (parent["created_at"] if parent else None) or created or 0.0
        m["updated_at"] = max(m["updated_at"], m["created_at"])


def _leaf_model(ordered: list[dict[str, Any]], leaf: str) -> str | None:
    """The model of the newest answer on the current branch."""
    by_id = {m["id"]: m for m in ordered}
    node = by_id.get(leaf)
    while node is not None:
        if node["model"]:
            return str(node["model"])
        node = by_id.get(node["parent_id"])
    return None
