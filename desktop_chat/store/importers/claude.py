"""Claude's data export (``conversations.json``) → our export format version 2.

A conversation is {"uuid", "name", "created_at", "updated_at" (ISO 8601), "chat_messages"}; a
message is {"uuid", "sender": "human" | "assistant", "text", "content": [blocks], "created_at",
"parent_message_uuid", "attachments": [{"file_name", "extracted_content", …}], "files": […]}.

Newer exports give each message its parent (the first one's is missing or the all-zero uuid),
which is how edits and retries branch; older ones are a plain list, read in order. The export
does not say which branch was on screen: the newest message's branch becomes the current one.

Text comes from the "text" blocks of "content" (the top-level "text" when there are none). A
pasted or uploaded file's extracted text is appended to its message as a marked, fenced block so
that nothing the person gave is lost; files without text (images, PDFs Claude kept no text of),
thinking, tool calls and results are counted, not imported.
"""

from __future__ import annotations

from typing import Any

from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.store.importers.document import (
    conversation_record, fenced, iso_time, message_id, message_record, order_by_creation,
    our_id, string, title_from,
)
from desktop_chat.store.importers.report import ROLE_PREFIX, Conversion, SkipLog, convert_each

__all__ = ["APP", "convert"]

APP = "claude"
PROVIDER = "anthropic"
_ROLES = {"human": "user", "assistant": "assistant"}
_NO_PARENT = "00000000-0000-4000-8000-000000000000"
_IMAGE_ENDINGS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".bmp", ".svg")


def convert(data: list[Any]) -> Conversion:
    """Convert a parsed ``conversations.json``; raises ValueError (a Text) on a broken structure."""
    return convert_each(APP, data, _conversation)


def _conversation(raw: dict[str, Any], index: int, skipped: SkipLog) -> tuple[dict[str, Any] | None, int]:
    source_id = string(raw.get("uuid"))
    items = raw.get("chat_messages")
    if not source_id or not isinstance(items, list):
        raise ValueError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "Claude conversation #{number} has no id or no message list (\"chat_messages\"); "
                      "the file may be damaged."), number=index + 1))
    cid = our_id(APP, source_id)
    created = iso_time(raw.get("created_at"))
    items = [m for m in items if isinstance(m, dict) and string(m.get("uuid"))]
    parents = _source_parents(items)

    kept: dict[str, dict[str, Any]] = {}  # source uuid → our message
    found: list[str] = []
    last_time = created or 0.0
    for m in items:
        record = _message(source_id, m, found, default_time=last_time)
        if record is not None:
            kept[m["uuid"]] = record
            last_time = record["created_at"]
    for uuid, record in kept.items():
        record["parent_id"] = _nearest_kept(parents, parents.get(uuid), kept)

    messages = list(kept.values())
    title = title_from(raw.get("name"), messages)
    for kind in found:
        skipped.add(kind, cid, title)
    if not messages:
        skipped.add("empty conversation", cid, title)
        return None, len(items)
    # Newest by time; among equal times the later one in the file.
    leaf = max(enumerate(messages), key=lambda pair: (pair[1]["created_at"], pair[0]))[1]["id"]
    ordered = order_by_creation(messages)
    created_at = created if created is not None else ordered[0]["created_at"]
    updated = iso_time(raw.get("updated_at"))
    updated_at = updated if updated is not None else max(m["updated_at"] for m in ordered)
    model = string(raw.get("model"))  # recent exports name it; older ones do not
    return conversation_record(
        id=cid, title=title, provider=PROVIDER, model=model, created_at=created_at,
        updated_at=updated_at, current_leaf=leaf, app=APP, source_id=source_id, messages=ordered,
    ), len(items)


def _source_parents(items: list[dict[str, Any]]) -> dict[str, str | None]:
    """Source uuid → its parent's source uuid (None for a first message).

    When no message names a parent the list is linear. A message that names none, or one not in
    the file, follows the message before it in the list.
    """
    branched = any("parent_message_uuid" in m for m in items)
    known = {m["uuid"] for m in items}
    parents: dict[str, str | None] = {}
    previous: str | None = None
    for m in items:
        parent = m.get("parent_message_uuid") if branched else previous
        if parent == _NO_PARENT or (branched and "parent_message_uuid" in m and parent is None):
            parents[m["uuid"]] = None
        elif isinstance(parent, str) and parent in known and parent != m["uuid"]:
            parents[m["uuid"]] = parent
        else:
            parents[m["uuid"]] = previous
        previous = m["uuid"]
    return parents


def _nearest_kept(parents: dict[str, str | None], start: str | None,
                  kept: dict[str, dict[str, Any]]) -> str | None:
    seen: set[str] = set()
    uuid = start
    while uuid is not None and uuid not in seen:
        if uuid in kept:
            return str(kept[uuid]["id"])
        seen.add(uuid)
        uuid = parents.get(uuid)
    return None


def _message(source_id: str, m: dict[str, Any], found: list[str], *,
             default_time: float) -> dict[str, Any] | None:
    sender = string(m.get("sender")) or "unknown"
    role = _ROLES.get(sender)
    text, left_out = _text(m)
    if role is None:
        if text.strip() or left_out:
            found.append(ROLE_PREFIX + sender)
        return None
    found.extend(left_out)
    if not text.strip() and not left_out:
        return None  # an empty message (an answer that never came): nothing to lose
    created_at = iso_time(m.get("created_at")) or default_time
    return message_record(
        id=message_id(APP, source_id, m["uuid"]), parent_id=None, role=role, text=text,
        created_at=created_at, updated_at=iso_time(m.get("updated_at")) or created_at,
        provider=PROVIDER if role == "assistant" else None, model=None,
    )


def _text(m: dict[str, Any]) -> tuple[str, list[str]]:
    """The message's text with its files' extracted text appended, and the kinds left out."""
    texts: list[str] = []
    left_out: list[str] = []
    blocks = m.get("content")
    if isinstance(blocks, list) and blocks:
        for block in blocks:
            if not isinstance(block, dict):
                continue
            kind = string(block.get("type")) or "unknown"
            if kind == "text":
                if string(block.get("text")):
                    texts.append(block["text"])
            else:
                left_out.append(kind)
    elif string(m.get("text")):
        texts.append(m["text"])
    with_text: set[str] = set()
    for attachment in m.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        name = string(attachment.get("file_name")) or "file"
        content = string(attachment.get("extracted_content"))
        if content and content.strip():
            texts.append(f"Attached file “{name}”:\n\n{fenced(content, None)}")
            with_text.add(name)
        else:
            left_out.append(_file_kind(attachment))
    for file in m.get("files") or []:
        if isinstance(file, dict) and string(file.get("file_name")) not in with_text:
            left_out.append(_file_kind(file))
    return "\n\n".join(texts), left_out


def _file_kind(file: dict[str, Any]) -> str:
    name = (string(file.get("file_name")) or "").lower()
    mime = string(file.get("file_type")) or ""
    if file.get("file_kind") == "image" or mime.startswith("image/") or name.endswith(_IMAGE_ENDINGS):
        return "image"
    return "file"
