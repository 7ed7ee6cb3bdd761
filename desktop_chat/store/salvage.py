"""Bring back what can still be read from a damaged history file.

When the database fails its check at start, the store moves the file aside (see integrity.py) and
starts a fresh one. Setting it aside keeps the user's data safe but out of reach; this module
reads the rows that survive and puts them into the fresh database, so that a few damaged pages
cost a few messages, not the whole history.

SQLite's own b-tree walk gives up as soon as one page on the way is damaged (a damaged interior
page hides every row below it), so the rows are read the way SQLite's recovery extension does:
page by page, from every table leaf page in the file (and the newest committed copy of each page
in the WAL), parsing each cell's record by the documented file format
(https://www.sqlite.org/fileformat2.html). Pages on the freelist are skipped: what the user
deleted stays deleted. A row is recognised as a message or a conversation by its shape (the
column order is fixed: later migrations only ever append columns), checked strictly enough that
rows of the search index or of other tables are never mistaken for either.

Everything here reads; nothing writes to the damaged file.
"""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_chat.domain.messages import Conversation, Message, MessageStatus

log = logging.getLogger(__name__)

__all__ = ["SalvageResult", "read_rows", "salvage"]

_LEAF_TABLE_PAGE = 0x0D
_WAL_MAGIC = (0x377F0682, 0x377F0683)
_STATUSES = {status.value for status in MessageStatus}

# Column order of each table, oldest columns first (ALTER TABLE ADD COLUMN appends; rows written
# before a migration simply have fewer columns). `num` is the rowid alias, stored as NULL.
_MESSAGE_COLUMNS = (
    "num", "id", "conversation_id", "seq", "role", "text", "attachments", "status", "provider", "model",
    "input_tokens", "output_tokens", "error", "created_at", "updated_at",  # 0001
    "ttft_ms", "duration_ms", "stop_reason",  # 0002
    "error_text",  # 0003
    "parent_id", "parts",  # 0005
)
_TREE_MESSAGE_VALUES = _MESSAGE_COLUMNS.index("parent_id") + 1  # a row this long knows its parent
_CONVERSATION_COLUMNS = ("id", "title", "provider", "model", "system_prompt", "options", "created_at", "updated_at",
                         "current_leaf")  # 0005
_CONVERSATION_VALUES = 8  # before 0005


@dataclass
class SalvageResult:
    """What came back: whole conversations (their messages in order) and how many messages."""

    conversations: list[tuple[Conversation, list[Message]]] = field(default_factory=list)

    @property
    def conversation_count(self) -> int:
        return len(self.conversations)

    @property
    def message_count(self) -> int:
        return sum(len(messages) for _, messages in self.conversations)


def salvage(path: Path) -> SalvageResult:
    """Every conversation and message that can be read from the damaged file at *path*.

    Messages whose conversation row was lost come back in a conversation of their own, titled
    "Recovered conversation"; answers that were being written when the file broke come back as
    interrupted. Never raises for a damaged file: what cannot be read is left out.
    """
    try:
        rows = list(read_rows(path))
    except OSError as exc:
        log.warning("cannot read %s to salvage it: %s", path, exc)
        return SalvageResult()
    conversations: dict[str, Conversation] = {}
    messages: dict[str, Message] = {}
    linear: set[str] = set()  # messages of a file from before message trees: no parent recorded
    for values in rows:
        message = _as_message(values)
        if message is not None:
            messages.setdefault(message.id, message)
            if len(values) < _TREE_MESSAGE_VALUES:
                linear.add(message.id)
            continue
        conversation = _as_conversation(values)
        if conversation is not None:
            conversations.setdefault(conversation.id, conversation)
    by_conversation: dict[str, list[Message]] = {}
    for message in messages.values():
        by_conversation.setdefault(message.conversation_id, []).append(message)
    result = SalvageResult()
    for conversation_id, found in by_conversation.items():
        found.sort(key=lambda m: m.seq)
        _mend_parents(found, linear)
        conversation = conversations.pop(conversation_id, None) or _placeholder(conversation_id, found)
        result.conversations.append((conversation, found))
    result.conversations += [(c, []) for c in conversations.values()]  # conversations whose messages were lost
    result.conversations.sort(key=lambda item: item[0].updated_at, reverse=True)
    log.info("salvaged %d conversations and %d messages from %s",
             result.conversation_count, result.message_count, path)
    return result


def _mend_parents(messages: list[Message], linear: set[str]) -> None:
    """Keep the tree where it can be read: a message from before trees, or one whose parent was
    lost, follows the message stored before it (*messages* are in seq order)."""
    found = {m.id for m in messages}
    previous: Message | None = None
    for message in messages:
        lost = message.parent_id is not None and message.parent_id not in found
        if message.id in linear or lost:
            message.parent_id = previous.id if previous is not None else None
        previous = message


# -- reading the file's pages ---------------------------------------------------------------------

def read_rows(path: Path) -> Iterator[list[Any]]:
    """The values of every row on every live table leaf page of the database file at *path*."""
    data = path.read_bytes()
    if len(data) < 100:
        return
    # A scribbled magic string is no reason to give up: the page size beside it is all we need.
    page_size = struct.unpack(">H", data[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return
    usable = page_size - data[20]
    pages = {number: data[(number - 1) * page_size:number * page_size]
             for number in range(1, len(data) // page_size + 1)}
    pages.update(_wal_pages(Path(f"{path}-wal"), page_size))
    free = _freelist(pages, data, usable)
    for number in sorted(pages):
        if number in free:
            continue
        page = pages[number]
        offset = 100 if number == 1 else 0
        if len(page) < offset + 8 or page[offset] != _LEAF_TABLE_PAGE:
            continue
        yield from _leaf_rows(pages, page, offset, usable)


def _wal_pages(wal: Path, page_size: int) -> dict[int, bytes]:
    """The newest committed copy of each page in the write-ahead log, if there is one."""
    try:
        data = wal.read_bytes()
    except OSError:
        return {}
    if len(data) < 32 or struct.unpack(">I", data[:4])[0] not in _WAL_MAGIC:
        return {}
    if struct.unpack(">I", data[8:12])[0] != page_size:
        return {}
    salts = data[16:24]
    committed: dict[int, bytes] = {}
    pending: dict[int, bytes] = {}
    frame = 24 + page_size
    for start in range(32, len(data) - frame + 1, frame):
        header = data[start:start + 24]
        if header[8:16] != salts:  # a frame left over from an earlier generation of the log
            break
        number, commit_size = struct.unpack(">II", header[:8])
        pending[number] = data[start + 24:start + frame]
        if commit_size:  # a commit frame: everything up to here is durable
            committed.update(pending)
            pending.clear()
    return committed


def _freelist(pages: dict[int, bytes], data: bytes, usable: int) -> set[int]:
    """Pages the database no longer uses (trunk and leaf pages of the freelist)."""
    free: set[int] = set()
    trunk = struct.unpack(">I", data[32:36])[0]
    while trunk and trunk in pages and trunk not in free:
        free.add(trunk)
        page = pages[trunk]
        following, count = struct.unpack(">II", page[:8])
        count = min(count, (usable - 8) // 4)
        free.update(struct.unpack(f">{count}I", page[8:8 + 4 * count]))
        trunk = following
    return free


def _leaf_rows(pages: dict[int, bytes], page: bytes, offset: int, usable: int) -> Iterator[list[Any]]:
    cells = struct.unpack(">H", page[offset + 3:offset + 5])[0]
    pointers = offset + 8
    for index in range(cells):
        try:
            cell = struct.unpack(">H", page[pointers + 2 * index:pointers + 2 * index + 2])[0]
            rowid, payload = _cell_payload(pages, page, cell, usable)
            values = _record(payload)
        except (IndexError, ValueError, struct.error, UnicodeDecodeError):
            continue  # this cell is damaged: the others on the page may still be fine
        if values:
            values[0] = rowid if values[0] is None else values[0]
            yield values


def _cell_payload(pages: dict[int, bytes], page: bytes, cell: int, usable: int) -> tuple[int, bytes]:
    size, cell = _varint(page, cell)
    rowid, cell = _varint(page, cell)
    if size > 1 << 30:
        raise ValueError("implausible payload size")
    most = usable - 35
    if size <= most:
        return rowid, page[cell:cell + size]
    least = (usable - 12) * 32 // 255 - 23
    local = least + (size - least) % (usable - 4)
    local = local if local <= most else least
    payload = bytearray(page[cell:cell + local])
    overflow = struct.unpack(">I", page[cell + local:cell + local + 4])[0]
    seen: set[int] = set()
    while len(payload) < size:
        if overflow in seen or overflow not in pages:
            raise ValueError("broken overflow chain")
        seen.add(overflow)
        chunk = pages[overflow]
        overflow = struct.unpack(">I", chunk[:4])[0]
        payload += chunk[4:usable][:size - len(payload)]
    return rowid, bytes(payload)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(8):
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    return (value << 8) | data[at + 8], at + 9


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _record(payload: bytes) -> list[Any]:
    header_size, at = _varint(payload, 0)
    if header_size > len(payload):
        raise ValueError("record header runs past its payload")
    types = []
    while at < header_size:
        serial, at = _varint(payload, at)
        types.append(serial)
    body = header_size
    values: list[Any] = []
    for serial in types:
        if serial == 0:
            values.append(None)
        elif serial in _INT_SIZES:
            width = _INT_SIZES[serial]
            values.append(int.from_bytes(payload[body:body + width], "big", signed=True))
            body += width
        elif serial == 7:
            values.append(struct.unpack(">d", payload[body:body + 8])[0])
            body += 8
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial >= 12:
            width = (serial - 12) // 2
            raw = payload[body:body + width]
            values.append(raw.decode("utf-8") if serial % 2 else bytes(raw))
            body += width
        else:
            raise ValueError("reserved serial type")
        if body > len(payload):
            raise ValueError("record runs past its payload")
    return values


# -- recognising rows -----------------------------------------------------------------------------

def _named(values: list[Any], columns: tuple[str, ...]) -> dict[str, Any]:
    return {name: values[i] if i < len(values) else None for i, name in enumerate(columns)}


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def _is_time(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _json_or(value: Any, default: Any) -> Any:
    if not isinstance(value, str):
        return default
    try:
        parsed = json.loads(value)
    except ValueError:
        return default
    return parsed if isinstance(parsed, type(default)) else default


def _as_message(values: list[Any]) -> Message | None:
    if not 15 <= len(values) <= len(_MESSAGE_COLUMNS) + 8:  # later migrations may have added columns
        return None
    row = _named(values, _MESSAGE_COLUMNS)
    if not (_is_id(row["id"]) and _is_id(row["conversation_id"]) and isinstance(row["seq"], int)
            and row["role"] in ("user", "assistant") and isinstance(row["text"], str)
            and row["status"] in _STATUSES and _is_time(row["created_at"]) and _is_time(row["updated_at"])):
        return None
    status = MessageStatus(row["status"])
    if status is MessageStatus.STREAMING:  # the file broke while this answer was being written
        status = MessageStatus.INTERRUPTED
    error_text = _json_or(row["error_text"], {}) or None
    return Message(
        id=row["id"], conversation_id=row["conversation_id"], role=row["role"], text=row["text"],
        status=status, seq=row["seq"], created_at=float(row["created_at"]), updated_at=float(row["updated_at"]),
        provider=_text_or_none(row["provider"]), model=_text_or_none(row["model"]),
        input_tokens=_int_or_none(row["input_tokens"]), output_tokens=_int_or_none(row["output_tokens"]),
        ttft_ms=_number_or_none(row["ttft_ms"]), duration_ms=_number_or_none(row["duration_ms"]),
        stop_reason=_text_or_none(row["stop_reason"]), error=_text_or_none(row["error"]),
        attachments=_json_or(row["attachments"], []), error_text=error_text,
        parent_id=row["parent_id"] if _is_id(row["parent_id"]) else None,
        parts=[p for p in _json_or(row["parts"], []) if isinstance(p, dict)],
    )


def _as_conversation(values: list[Any]) -> Conversation | None:
    if not _CONVERSATION_VALUES <= len(values) <= len(_CONVERSATION_COLUMNS) + 8:
        return None
    row = _named(values, _CONVERSATION_COLUMNS)
    if not (_is_id(row["id"]) and isinstance(row["title"], str) and isinstance(row["options"], str)
            and row["options"].startswith("{") and _is_time(row["created_at"]) and _is_time(row["updated_at"])):
        return None
    return Conversation(
        id=row["id"], title=row["title"], created_at=float(row["created_at"]), updated_at=float(row["updated_at"]),
        provider=_text_or_none(row["provider"]), model=_text_or_none(row["model"]),
        system_prompt=_text_or_none(row["system_prompt"]), options=_json_or(row["options"], {}),
        current_leaf=row["current_leaf"] if _is_id(row["current_leaf"]) else None,
    )


def _placeholder(conversation_id: str, messages: list[Message]) -> Conversation:
    return Conversation(
        id=conversation_id, title="Recovered conversation",
        created_at=min(m.created_at for m in messages), updated_at=max(m.updated_at for m in messages),
    )


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
