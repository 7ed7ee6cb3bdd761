"""Moving conversations in and out: JSON (round-trips exactly) and Markdown (for reading).

JSON, format version 2 (what :func:`export_json` writes)::

    {
      "format": "desktop-chat",              required, exactly this string
      "version": 2,                          required; 1 is still read (see below)
      "exported_at": "2025-01-31T12:00:00Z", optional, informative only
      "conversations": [                     required, a list (may be empty)
        {
          "id": "…",                         required, non-empty string, unique in the file
          "title": "…",                      required, non-empty string
          "provider": "…" | null,            optional: the endpoint id last used
          "model": "…" | null,               optional
          "system_prompt": "…" | null,       optional
          "options": {…},                    optional object (engine options, "forked_from", …)
          "created_at": 1738324800.0,        required, seconds since 1970 (UTC)
          "updated_at": 1738324800.0,        optional, defaults to created_at
          "current_leaf": "…" | null,        optional: the id of the last message of the branch
                                             the user is on; null or absent: the newest message
          "imported_from": {"app": "chatgpt", "id": "…"},
                                             optional, for importers of other apps' exports:
                                             kept in options["imported_from"]
          "messages": [                      optional list, EVERY version of every message, in the
                                             order they were created: a parent before its children
            {
              "id": "…",                     required, non-empty string, unique in the file
              "parent_id": "…" | null,       required in version 2: the message this one answers
                                             or follows, listed earlier in this conversation;
                                             null for a first message. Siblings of the same
                                             role are versions (regenerated answers, edits)
              "seq": 3,                      optional positive integer, increasing through the
                                             list; defaults to the previous one + 1
              "role": "user" | "assistant",  required
              "text": "…",                   required string (may be empty)
              "parts": [{"type": …}, …],     optional list of typed non-text parts: "thinking"
                                             {text, signature, redacted}, "tool_call" {call_id,
                                             name, arguments}, "tool_result" {call_id, content,
                                             is_error}, "image" {sha256, media_type, width,
                                             height, file_name} (domain/parts.py). A part of a
                                             known type must be readable; other types are kept
              "status": "complete",          optional: complete | stopped | error | interrupted
                                             (streaming is imported as interrupted)
              "attachments": [{…}, …],       optional list of objects (documents, delivery)
              "provider", "model",           optional strings
              "input_tokens", "output_tokens",
                                             optional non-negative integers
              "ttft_ms", "duration_ms",      optional numbers
              "stop_reason", "error",        optional strings
              "error_text": {"template": "…", "params": {…}},
                                             optional: the error, translatable
              "created_at": …,               required, seconds since 1970 (UTC)
              "updated_at": …                optional, defaults to created_at
            }, …
          ]
        }, …
      ]
    }

Version 1 is the same without "parent_id", "parts" and "current_leaf": its conversations are
linear, so each message's parent is the one before it and the branch ends at the last one.

Exports hold conversation data only: never settings, keys or anything else from the data folder.
Import validates the whole document before writing anything, keeps ids, and skips conversations
that already exist, so importing the same file twice creates no duplicates. Markdown holds each
conversation's current branch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from desktop_chat.domain.messages import Conversation, Message, MessageStatus, branch_of
from desktop_chat.domain.parts import ThinkingPart, part_from_dict
from desktop_chat.domain.texts import Text
from desktop_chat.store.database import Store

__all__ = ["FORMAT", "VERSION", "ImportResult", "export_json", "export_markdown", "import_json"]

FORMAT = "desktop-chat"
VERSION = 2

_ROLES = ("user", "assistant")
_STATUSES = {status.value for status in MessageStatus}
_KNOWN_PARTS = ("text", "document", "image", "thinking", "tool_call", "tool_result")


@dataclass(frozen=True)
class ImportResult:
    imported: int  # conversations added
    skipped: int  # conversations already present (same id), left untouched


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _conversation_dict(conversation: Conversation, messages: Sequence[Message]) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "title": conversation.title,
        "provider": conversation.provider,
        "model": conversation.model,
        "system_prompt": conversation.system_prompt,
        "options": conversation.options,
        "created_at": conversation.created_at,
        "updated_at": conversation.updated_at,
        "current_leaf": conversation.current_leaf,
        "messages": [_message_dict(m) for m in messages],
    }


def _message_dict(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "parent_id": m.parent_id,
        "seq": m.seq,
        "role": m.role,
        "text": m.text,
        "parts": m.parts,
        "status": MessageStatus(m.status).value,
        "attachments": m.attachments,
        "provider": m.provider,
        "model": m.model,
        "input_tokens": m.input_tokens,
        "output_tokens": m.output_tokens,
        "ttft_ms": m.ttft_ms,
        "duration_ms": m.duration_ms,
        "stop_reason": m.stop_reason,
        "error": m.error,
        "error_text": m.error_text,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    }


def export_json(store: Store, conversation_ids: Sequence[str] | None = None) -> dict[str, Any]:
    """All conversations (or the given ones), newest first, as a JSON-serialisable document."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(datetime.now(timezone.utc).timestamp()),
        "conversations": [
            _conversation_dict(c, ms) for c, ms in store.conversations_with_messages(conversation_ids)
        ],
    }


_STATUS_NOTE = {
    MessageStatus.STOPPED: "stopped",
    MessageStatus.ERROR: "failed",
    MessageStatus.INTERRUPTED: "interrupted",
    MessageStatus.STREAMING: "still being written",
}


def export_markdown(store: Store, conversation_ids: Sequence[str] | None = None, *,
                    with_thinking: bool = False) -> str:
    """All conversations (or the given ones) as one readable Markdown document. The model's
    reasoning is left out unless *with_thinking* (the JSON export always keeps it)."""
    parts: list[str] = []
    for conversation, every in store.conversations_with_messages(conversation_ids):
        messages = branch_of(every, conversation.current_leaf)
        lines = [f"# {_one_line(conversation.title)}", ""]
        model = " / ".join(x for x in (conversation.provider, conversation.model) if x)
        if model:
            lines.append(f"- Model: {model}")
        lines.append(f"- Created: {_iso(conversation.created_at)}")
        lines.append(f"- Updated: {_iso(conversation.updated_at)}")
        if len(every) > len(messages):
            lines.append(f"- Other versions: {len(every) - len(messages)} more message(s), not shown here "
                         "(the JSON export keeps every version)")
        lines.append("")
        if conversation.system_prompt:
            lines += ["## System prompt", "", conversation.system_prompt.rstrip(), ""]
        for m in messages:
            heading = "User" if m.role == "user" else "Assistant"
            if m.role == "assistant" and m.model:
                heading += f" ({m.model})"
            lines.append(f"## {heading}")
            lines.append("")
            if with_thinking:
                lines += _thinking_markdown(m)
            lines += [m.text.rstrip() or "*(no text)*", ""]
            for attachment in m.attachments:
                name = attachment.get("name") or attachment.get("filename") or attachment.get("path")
                if name:
                    lines.append(f"- Attachment: {name}")
            if m.attachments:
                lines.append("")
            note = _STATUS_NOTE.get(MessageStatus(m.status))
            if note:
                detail = f": {m.error}" if m.error else ""
                lines += [f"*(answer {note}{detail})*", ""]
        parts.append("\n".join(lines).rstrip() + "\n")
    return "\n---\n\n".join(parts)


def _thinking_markdown(message: Message) -> list[str]:
    """The message's reasoning as a collapsed <details> block (GitHub, Obsidian and most
    Markdown viewers fold it), before its answer; redacted reasoning is only mentioned."""
    lines: list[str] = []
    for part in message.typed_parts:
        if not isinstance(part, ThinkingPart):
            continue
        if part.redacted:
            lines += ["*(reasoning redacted by the provider)*", ""]
            continue
        if not part.text.strip():
            continue
        seconds = f" ({part.duration_ms / 1000:.0f} s)" if part.duration_ms is not None else ""
        lines += ["<details>", f"<summary>Thinking{seconds}</summary>", "", part.text.strip(), "", "</details>", ""]
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "Untitled"


# -- import ---------------------------------------------------------------------------------


def import_json(store: Store, data: Any) -> ImportResult:
    """Import a document made by :func:`export_json` (already parsed from JSON).

    Raises ValueError, with a message saying what is wrong and where, if the document is not a
    valid Desktop Chat export; nothing is imported in that case.
    """
    items = _parse(data)
    imported, skipped = store.import_conversations(items)
    return ImportResult(imported=imported, skipped=skipped)


def _parse(data: Any) -> list[tuple[Conversation, list[Message]]]:
    if not isinstance(data, dict):
        raise ValueError("This is not a Desktop Chat export: expected a JSON object at the top level.")
    if data.get("format") != FORMAT:
        raise ValueError(
            f"This is not a Desktop Chat export: its \"format\" is {data.get('format')!r}, "
            f"expected {FORMAT!r}."
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError("This Desktop Chat export has no valid \"version\" number.")
    if version > VERSION:
        raise ValueError(
            f"This export was made by a newer Desktop Chat (format version {version}); "
            f"this version reads version {VERSION}. Update Desktop Chat to import it."
        )
    if version < 1:
        raise ValueError(f"Unknown Desktop Chat export version {version}.")
    conversations = data.get("conversations")
    if not isinstance(conversations, list):
        raise ValueError("This Desktop Chat export has no \"conversations\" list.")
    items: list[tuple[Conversation, list[Message]]] = []
    seen_conversations: set[str] = set()
    seen_messages: set[str] = set()
    for index, raw in enumerate(conversations):
        where = f"conversation #{index + 1}"
        conversation, messages = _parse_conversation(raw, where, version)
        if conversation.id in seen_conversations:
            raise ValueError(f"{where}: the id {conversation.id!r} appears twice in the file.")
        seen_conversations.add(conversation.id)
        for m in messages:
            if m.id in seen_messages:
                raise ValueError(f"{where}: the message id {m.id!r} appears twice in the file.")
            seen_messages.add(m.id)
        items.append((conversation, messages))
    return items


def _parse_conversation(raw: Any, where: str, version: int) -> tuple[Conversation, list[Message]]:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected an object.")
    cid = _text(raw, "id", where, required=True)
    where = f"{where} ({cid})"
    options = raw.get("options") or {}
    if not isinstance(options, dict):
        raise ValueError(f"{where}: \"options\" must be an object.")
    imported_from = raw.get("imported_from")
    if imported_from is not None:
        if not isinstance(imported_from, dict) or not all(
                isinstance(imported_from.get(key), str) and imported_from[key] for key in ("app", "id")):
            raise ValueError(f"{where}: \"imported_from\" must be an object with \"app\" and \"id\" strings.")
        options = {**options, "imported_from": {"app": imported_from["app"], "id": imported_from["id"]}}
    created_at = _time(raw, "created_at", where)
    conversation = Conversation(
        id=cid,
        title=_text(raw, "title", where, required=True),
        created_at=created_at,
        updated_at=_time(raw, "updated_at", where, default=created_at),
        provider=_text(raw, "provider", where),
        model=_text(raw, "model", where),
        system_prompt=_text(raw, "system_prompt", where),
        options=options,
    )
    raw_messages = raw.get("messages", [])
    if not isinstance(raw_messages, list):
        raise ValueError(f"{where}: \"messages\" must be a list.")
    messages: list[Message] = []
    earlier: set[str] = set()
    last_seq = 0
    for index, raw_message in enumerate(raw_messages):
        here = f"{where}, message #{index + 1}"
        message = _parse_message(raw_message, cid, here, default_seq=last_seq + 1)
        if message.seq <= last_seq:
            raise ValueError(f"{here}: \"seq\" must increase through the conversation.")
        if version >= 2:
            message.parent_id = _parent(raw_message, here, earlier)
            message.parts = _parts(raw_message, here)
        else:  # version 1 is linear: each message follows the one before it
            message.parent_id = messages[-1].id if messages else None
        last_seq = message.seq
        earlier.add(message.id)
        messages.append(message)
    leaf = _text(raw, "current_leaf", where) if version >= 2 else None
    if leaf is not None and leaf not in earlier:
        raise ValueError(f"{where}: \"current_leaf\" {leaf!r} is not one of its messages.")
    conversation.current_leaf = leaf if leaf is not None else (messages[-1].id if messages else None)
    return conversation, messages


def _parent(raw: dict[str, Any], where: str, earlier: set[str]) -> str | None:
    if "parent_id" not in raw:
        raise ValueError(f"{where}: the field \"parent_id\" is missing (null for a first message).")
    parent = _text(raw, "parent_id", where)
    if parent is not None and parent not in earlier:
        raise ValueError(
            f"{where}: \"parent_id\" {parent!r} is not a message listed before it in this conversation."
        )
    return parent


def _parts(raw: dict[str, Any], where: str) -> list[dict[str, Any]]:
    parts = raw.get("parts")
    if parts is None:
        return []
    if not isinstance(parts, list):
        raise ValueError(f"{where}: \"parts\" must be a list.")
    for index, part in enumerate(parts):
        if not isinstance(part, dict) or not isinstance(part.get("type"), str):
            raise ValueError(f"{where}, part #{index + 1}: expected an object with a \"type\" string.")
        if part["type"] in _KNOWN_PARTS and part_from_dict(part) is None:
            raise ValueError(f"{where}, part #{index + 1}: not a valid {part['type']!r} part.")
    return parts


def _parse_message(raw: Any, conversation_id: str, where: str, *, default_seq: int) -> Message:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected an object.")
    role = raw.get("role")
    if role not in _ROLES:
        raise ValueError(f"{where}: \"role\" must be \"user\" or \"assistant\", not {role!r}.")
    status = raw.get("status", MessageStatus.COMPLETE.value)
    if status not in _STATUSES:
        raise ValueError(f"{where}: unknown \"status\" {status!r}.")
    if status == MessageStatus.STREAMING.value:
        status = MessageStatus.INTERRUPTED.value  # exported mid-answer: it will never finish now
    attachments = raw.get("attachments") or []
    if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
        raise ValueError(f"{where}: \"attachments\" must be a list of objects.")
    seq = raw.get("seq", default_seq)
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ValueError(f"{where}: \"seq\" must be a positive whole number.")
    created_at = _time(raw, "created_at", where)
    return Message(
        id=_text(raw, "id", where, required=True),
        conversation_id=conversation_id,
        role=role,
        text=_text(raw, "text", where, required=True, allow_empty=True),
        status=MessageStatus(status),
        seq=seq,
        created_at=created_at,
        updated_at=_time(raw, "updated_at", where, default=created_at),
        provider=_text(raw, "provider", where),
        model=_text(raw, "model", where),
        input_tokens=_count(raw, "input_tokens", where),
        output_tokens=_count(raw, "output_tokens", where),
        ttft_ms=_number(raw, "ttft_ms", where),
        duration_ms=_number(raw, "duration_ms", where),
        stop_reason=_text(raw, "stop_reason", where),
        error=_text(raw, "error", where),
        attachments=attachments,
        error_text=_error_text(raw, where),
    )


def _text(raw: dict[str, Any], key: str, where: str, *, required: bool = False,
          allow_empty: bool = False) -> Any:
    value = raw.get(key)
    if value is None:
        if required:
            raise ValueError(f"{where}: the field \"{key}\" is missing.")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}: \"{key}\" must be a string.")
    if required and not allow_empty and not value:
        raise ValueError(f"{where}: \"{key}\" is empty.")
    return value


def _error_text(raw: dict[str, Any], where: str) -> dict[str, Any] | None:
    value = raw.get("error_text")
    if value is None:
        return None
    if Text.from_dict(value) is None:
        raise ValueError(
            f"{where}: \"error_text\" must be an object with a \"template\" string and \"params\"."
        )
    return value


def _number(raw: dict[str, Any], key: str, where: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{where}: \"{key}\" must be a number.")
    return value


def _count(raw: dict[str, Any], key: str, where: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{where}: \"{key}\" must be a whole number.")
    return value


def _time(raw: dict[str, Any], key: str, where: str, *, default: float | None = None) -> float:
    value = _number(raw, key, where)
    if value is None:
        if default is None:
            raise ValueError(f"{where}: the field \"{key}\" is missing.")
        return default
    return float(value)
