"""What the Store's modules share: the lock-and-translate decorator, row conversion, small SQL helpers.

Split out of database.py so that the history tree (tree.py) can be a mixin of the Store without
an import cycle.
"""

from __future__ import annotations

import enum
import functools
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar

from desktop_chat.domain.messages import Conversation, Message, MessageStatus
from desktop_chat.store.migrations import StoreError, error_kind


class StorePart:
    """Base of the Store's mixins (messages.py, tree.py, searching.py, bulk.py, pins.py): what they
    use of the Store, declared for the type checker only (the Store and its mixins provide it)."""

    if TYPE_CHECKING:
        path: Path
        _lock: Any
        _conn: sqlite3.Connection | None
        _suspect: bool

        @property
        def _db(self) -> sqlite3.Connection: ...
        def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _now(self) -> float: ...
        def _index(self, conn: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> None: ...
        def _leaf(self, conn: sqlite3.Connection, conversation_id: str) -> str | None: ...
        def _set_leaf(self, conn: sqlite3.Connection, conversation_id: str, leaf: str | None) -> None: ...
        def get_conversation(self, conversation_id: str) -> Conversation | None: ...
        def get_message(self, message_id: str) -> Message | None: ...


class _Locking(Protocol):
    """What _locked needs of the object it guards (the Store)."""

    path: Path
    _lock: Any
    _conn: sqlite3.Connection | None
    _suspect: bool


class _Unset(enum.Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset.UNSET
"""Default of the update methods' keyword arguments: "leave this field alone" (None sets NULL)."""



def _kind(exc: BaseException, path: Path) -> str:
    """error_kind, and a disk with no room left behind SQLite's vaguer "disk I/O error"."""
    kind = error_kind(exc)
    if kind == "other" and (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == 10:  # SQLITE_IOERR
        try:
            if shutil.disk_usage(path.parent).free < _NEARLY_FULL_BYTES:
                return "full"
        except OSError:
            pass
    return kind


_NEARLY_FULL_BYTES = 1024 * 1024
_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S", bound=_Locking)


def _locked(method: Callable[Concatenate[_S, _P], _R]) -> Callable[Concatenate[_S, _P], _R]:
    @functools.wraps(method)
    def wrapper(self: _S, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            if self._conn is None:
                raise StoreError("The conversation database is closed.", kind="closed", path=self.path)
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as exc:
                # Locked by another program for too long, disk full, read-only, damaged file.
                kind = _kind(exc, self.path)
                if kind == "damaged":
                    self._suspect = True  # the next start checks the whole file
                raise StoreError(f"The conversation database {self.path} failed: {exc}",
                                 kind=kind, path=self.path, detail=str(exc)) from exc

    return wrapper


_CONVERSATION_COLUMNS = (
    "id, title, provider, model, system_prompt, options, created_at, updated_at, current_leaf"
)
_MESSAGE_COLUMNS = (
    "id, conversation_id, seq, role, text, attachments, status, provider, model, input_tokens, "
    "output_tokens, ttft_ms, duration_ms, stop_reason, error, created_at, updated_at, error_text, "
    "parent_id, parts"
)


def _conversation(row: tuple[Any, ...]) -> Conversation:
    cid, title, provider, model, system_prompt, options, created_at, updated_at, current_leaf = row
    return Conversation(
        id=cid,
        title=title,
        created_at=created_at,
        updated_at=updated_at,
        provider=provider,
        model=model,
        system_prompt=system_prompt,
        options={} if options == "{}" else json.loads(options),
        current_leaf=current_leaf,
    )


def _message(row: tuple[Any, ...]) -> Message:
    (mid, conversation_id, seq, role, text, attachments, status, provider, model, input_tokens,
     output_tokens, ttft_ms, duration_ms, stop_reason, error, created_at, updated_at, error_text,
     parent_id, parts) = row
    return Message(
        id=mid,
        conversation_id=conversation_id,
        role=role,
        text=text,
        status=MessageStatus(status),
        seq=seq,
        created_at=created_at,
        updated_at=updated_at,
        provider=provider,
        model=model,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        ttft_ms=ttft_ms,
        duration_ms=duration_ms,
        stop_reason=stop_reason,
        error=error,
        attachments=[] if attachments == "[]" else json.loads(attachments),
        error_text=_error_text_from_db(error_text),
        parent_id=parent_id,
        parts=[] if parts == "[]" else _parts_from_db(parts),
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _error_text_to_db(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"A message's error_text must be a dict or None, not {type(value).__name__}.")
    return _json(value)


def _error_text_from_db(value: str | None) -> dict[str, Any] | None:
    # Display data only: a damaged value must not make the conversation unreadable.
    if value is None:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _parts_from_db(value: str) -> list[dict[str, Any]]:
    # Like error_text: damaged or unknown parts must not make the conversation unreadable.
    try:
        data = json.loads(value)
    except ValueError:
        return []
    return [p for p in data if isinstance(p, dict)] if isinstance(data, list) else []


def _new_id() -> str:
    import uuid  # here: `uuid` imports `platform`, ≈ 3 ms of every start

    return uuid.uuid4().hex

_IN_CHUNK = 500  # stays far below SQLite's limit on bound parameters, old builds included


def _select_in(conn: sqlite3.Connection, sql: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run *sql* (with ``{}`` where the ``IN`` list goes) for *values* in chunks; all rows."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(values), _IN_CHUNK):
        chunk = values[start:start + _IN_CHUNK]
        rows += conn.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall()
    return rows

