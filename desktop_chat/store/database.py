"""The conversation database: one SQLite file, WAL mode, full-text search.

One connection is shared by every thread (the UI runs some queries in a worker thread); a
re-entrant lock serialises the public methods, and writes run in ``BEGIN IMMEDIATE`` transactions
so that a second process waits for the write lock (busy timeout) instead of failing half-way.

The Store's methods are spread over modules with one job each: the history tree (tree.py),
search (searching.py) and bulk export / import (bulk.py) are mixins of the Store; rows.py holds
what they share.

The full-text index (``messages_fts``) is maintained here, explicitly, rather than by triggers: the
text it holds is prepared in Python (see :mod:`desktop_chat.store.search_text`), and answers that
are still streaming are deliberately left out of it until they finish.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_chat.domain.messages import Conversation, Message, MessageStatus, Role
from desktop_chat.instance_lock import SharedLock
from desktop_chat.store import integrity, search_text
from desktop_chat.store.bulk import BulkMixin
from desktop_chat.store.migrations import MIGRATIONS, Migration, Progress, StoreError, migrate
from desktop_chat.store.rows import (
    _CONVERSATION_COLUMNS,
    _MESSAGE_COLUMNS,
    UNSET,
    _conversation,
    _error_text_to_db,
    _json,
    _kind,
    _locked,
    _message,
    _new_id,
    _Unset,
)
from desktop_chat.store.searching import SearchHit, SearchMixin
from desktop_chat.store.tree import TreeMixin

if TYPE_CHECKING:
    from desktop_chat.store.salvage import SalvageResult

__all__ = ["UNSET", "SearchHit", "Store"]

log = logging.getLogger(__name__)

_ROLES = ("user", "assistant")
_BUSY_TIMEOUT_S = 5.0
# Below this size the whole file is checked at every start the window makes (quick_check reads
# every page: a few ms here); above it only after a session that did not close the database.
FULL_CHECK_MAX_BYTES = 32 * 1024 * 1024



class Store(TreeMixin, SearchMixin, BulkMixin):
    """The conversation database at *path* (created, with its parent folders, if missing).

    Opening it applies pending migrations (backing the file up first) and, when no other process
    has the database open (see :mod:`desktop_chat.instance_lock`), turns answers that were left
    streaming by a crash into INTERRUPTED ones (``recovered`` says how many). An answer another
    process (a window, ``desktop-chat ask``) is streaming right now is never touched.

    With ``check_integrity`` (the window asks for it), a file that fails its check is moved aside
    first and a fresh database is created; ``moved_aside`` is then where the old file is (see
    :mod:`desktop_chat.store.integrity`). Use the store as a context manager or call :meth:`close`.
    """

    def __init__(self, path: Path | str, *, migrations: Sequence[Migration] | None = None,
                 check_integrity: bool = False, progress: Progress | None = None) -> None:
        # progress: hears how far an upgrade of the schema is (migrations.migrate), if one runs.
        self.path = Path(path)
        self._lock = threading.RLock()
        self._last_time = 0.0
        self._conn: sqlite3.Connection | None = None
        self._suspect = False  # a query said the file is damaged: check it at the next start
        self.moved_aside: Path | None = None
        self.salvaged: SalvageResult | None = None  # what came back from the moved-aside file
        self.recovered = 0
        on_disk = str(path) not in ("", ":memory:")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot open the conversation database {self.path}: {exc}",
                             kind=_kind(exc, self.path), path=self.path, detail=str(exc)) from exc
        self._presence = SharedLock(Path(f"{self.path}.lock")) if on_disk else None
        alone = self._enter()
        try:
            if alone and on_disk and check_integrity:
                self._ensure_healthy()
            self._conn = self._connect(MIGRATIONS if migrations is None else migrations, progress)
            if self.moved_aside is not None:
                self._salvage(self.moved_aside)
            if alone:
                try:
                    self.recovered = self.recover_interrupted()
                except StoreError as exc:  # a full disk must not stop the app from starting
                    if exc.kind not in ("full", "readonly", "busy"):
                        raise
                    log.warning("could not mark interrupted answers (%s): %s", exc.kind, exc)
                self._mark_in_use(True)
        except BaseException:
            self.close()
            raise
        if self._presence is not None:
            self._presence.share()

    def _enter(self) -> bool:
        """Join the processes using this database; True if there are no others."""
        if self._presence is None:
            return True
        try:
            return self._presence.enter()
        except OSError:  # no lock file possible (a read-only folder): nobody else can be writing
            self._presence = None
            return True

    def _marker(self) -> Path:
        return Path(f"{self.path}.in-use")

    def _mark_in_use(self, in_use: bool) -> None:
        """A file that exists while the database is open: found at start, the last session died."""
        try:
            if in_use:
                self._marker().touch()
            elif not self._suspect:
                self._marker().unlink(missing_ok=True)
        except OSError:
            pass

    def _ensure_healthy(self) -> None:
        if not self.path.exists():
            return
        try:
            full = (self._marker().exists() or self.path.stat().st_size <= FULL_CHECK_MAX_BYTES)
            why = integrity.problem(self.path, full=full)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"Cannot open the conversation database {self.path}: {exc}",
                             kind=_kind(exc, self.path), path=self.path, detail=str(exc)) from exc
        if why is None:
            return
        try:
            self.moved_aside = integrity.move_aside(self.path)
        except OSError as exc:
            raise StoreError(
                f"The conversation database {self.path} is damaged ({why}) and could not be moved "
                f"aside ({exc}). Move it away by hand and start again.",
                kind="damaged", path=self.path, detail=why,
            ) from exc
        self._marker().unlink(missing_ok=True)

    def _salvage(self, damaged: Path) -> None:
        """Put what can still be read from the damaged file into this fresh database."""
        from desktop_chat.store.salvage import salvage  # only ever needed after damage

        result = salvage(damaged)
        try:
            self.import_conversations(result.conversations)
        except (StoreError, ValueError) as exc:  # e.g. a full disk: the old file is still kept
            log.warning("could not put the salvaged conversations back: %s", exc)
            return
        self.salvaged = result

    def _connect(self, migrations: Sequence[Migration], progress: Progress | None = None) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"Cannot open the conversation database {self.path}: {exc}",
                             kind=_kind(exc, self.path), path=self.path, detail=str(exc)) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"The conversation database {self.path} cannot use WAL mode ({mode}).",
                                 path=self.path)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn, migrations, progress=progress)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(
                f"The conversation database {self.path} cannot be read ({exc}). "
                "If it is damaged, move it away and start again.",
                kind=_kind(exc, self.path), path=self.path, detail=str(exc),
            ) from exc
        except BaseException:
            conn.close()
            raise
        return conn

    # -- life cycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (idempotent). Any later call raises StoreError."""
        with self._lock:
            if self._conn is not None:
                try:
                    # Keeps the planner's statistics fresh; analysis_limit bounds its cost.
                    self._conn.execute("PRAGMA analysis_limit = 400")
                    self._conn.execute("PRAGMA optimize")
                except sqlite3.Error:
                    pass
                finally:
                    self._conn.close()
                    self._conn = None
                    if self._presence is not None and self._presence.last_one_out():
                        self._mark_in_use(False)
            if self._presence is not None:
                self._presence.leave()
                self._presence = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- helpers ----------------------------------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection:
        assert self._conn is not None
        return self._conn

    def _now(self) -> float:
        """Wall-clock seconds, strictly increasing within this store.

        Coarse clocks (Windows) can return the same time twice; "newest first" must still be
        the order in which things happened.
        """
        now = max(time.time(), self._last_time + 1e-6)
        self._last_time = now
        return now

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested use joins the outer one."""
        conn = self._db
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk, SQLITE_FULL): a second
            # ROLLBACK would fail and hide the real error.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _index(self, conn: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> None:
        """(Re)index messages given as (num, text).

        The old entry is always deleted first: a rowid can be reused after the newest message was
        deleted, and a stale entry must never make the insert fail.
        """
        rows = list(rows)
        if not rows:
            return
        conn.executemany("DELETE FROM messages_fts WHERE rowid = ?", ((num,) for num, _ in rows))
        conn.executemany(
            "INSERT INTO messages_fts (rowid, text) VALUES (?, ?)",
            ((num, search_text.index_text(text)) for num, text in rows),
        )

    # -- conversations ----------------------------------------------------------------------

    @_locked
    def create_conversation(
        self,
        title: str = "New conversation",
        provider: str | None = None,
        model: str | None = None,
        system_prompt: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> Conversation:
        now = self._now()
        conversation = Conversation(
            id=_new_id(), title=title, created_at=now, updated_at=now, provider=provider,
            model=model, system_prompt=system_prompt, options=dict(options or {}),
        )
        with self._write() as conn:
            conn.execute(
                f"INSERT INTO conversations ({_CONVERSATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (conversation.id, title, provider, model, system_prompt, _json(conversation.options),
                 now, now, None),
            )
        return conversation

    @_locked
    def get_conversation(self, conversation_id: str) -> Conversation | None:
        row = self._db.execute(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        return _conversation(row) if row else None

    @_locked
    def list_conversations(self, limit: int | None = None, offset: int = 0) -> list[Conversation]:
        """Conversations, the most recently updated first."""
        rows = self._db.execute(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations "
            "ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [_conversation(row) for row in rows]

    @_locked
    def count_conversations(self) -> int:
        return self._db.execute("SELECT count(*) FROM conversations").fetchone()[0]

    @_locked
    def update_conversation(
        self,
        conversation_id: str,
        *,
        title: str | _Unset = UNSET,
        provider: str | None | _Unset = UNSET,
        model: str | None | _Unset = UNSET,
        system_prompt: str | None | _Unset = UNSET,
        options: dict[str, Any] | None | _Unset = UNSET,
    ) -> Conversation | None:
        """Change the given fields (None clears one) and touch ``updated_at``.

        Returns the updated conversation, or None if there is no such conversation.
        """
        fields: dict[str, Any] = {}
        if title is not UNSET:
            if title is None:
                raise ValueError("A conversation's title cannot be None.")
            fields["title"] = title
        if provider is not UNSET:
            fields["provider"] = provider
        if model is not UNSET:
            fields["model"] = model
        if system_prompt is not UNSET:
            fields["system_prompt"] = system_prompt
        if options is not UNSET:
            fields["options"] = _json(options or {})
        fields["updated_at"] = self._now()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE conversations SET {assignments} WHERE id = ?", (*fields.values(), conversation_id)
            )
        return self.get_conversation(conversation_id) if cursor.rowcount else None

    @_locked
    def delete_conversation(self, conversation_id: str) -> bool:
        """Delete a conversation and its messages; False if there was no such conversation."""
        with self._write() as conn:
            conn.execute(
                "DELETE FROM messages_fts WHERE rowid IN "
                "(SELECT num FROM messages WHERE conversation_id = ?)",
                (conversation_id,),
            )
            cursor = conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
        return cursor.rowcount > 0

    # -- messages ---------------------------------------------------------------------------

    @_locked
    def add_message(
        self,
        conversation_id: str,
        role: Role,
        text: str,
        *,
        status: MessageStatus = MessageStatus.COMPLETE,
        provider: str | None = None,
        model: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
        parts: list[dict[str, Any]] | None = None,
        parent_id: str | None | _Unset = UNSET,
    ) -> Message:
        """Add a message to a conversation under *parent_id* and make it the current leaf
        (touching the conversation's ``updated_at``).

        *parent_id* defaults to the current leaf (the message is appended to the branch the user
        is on); None makes it a first message. *parts* are typed non-text parts as their
        ``to_dict()`` values (domain/parts.py). Raises KeyError if the conversation does not
        exist, ValueError if the parent is not a message of that conversation.
        """
        if role not in _ROLES:
            raise ValueError(f"A message's role must be 'user' or 'assistant', not {role!r}.")
        status = MessageStatus(status)
        now = self._now()
        attachments = list(attachments or [])
        parts = list(parts or [])
        with self._write() as conn:
            touched = conn.execute(
                "UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id)
            ).rowcount
            if not touched:
                raise KeyError(conversation_id)
            if parent_id is UNSET:
                parent_id = self._leaf(conn, conversation_id)
            elif parent_id is not None and conn.execute(
                "SELECT 1 FROM messages WHERE id = ? AND conversation_id = ?", (parent_id, conversation_id)
            ).fetchone() is None:
                raise ValueError(f"There is no message {parent_id} in conversation {conversation_id} to answer.")
            seq = conn.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()[0]
            message = Message(
                id=_new_id(), conversation_id=conversation_id, role=role,
                text=text, status=status, seq=seq, created_at=now, updated_at=now,
                provider=provider, model=model, attachments=attachments, parent_id=parent_id,
                parts=parts,
            )
            cursor = conn.execute(
                "INSERT INTO messages (id, conversation_id, seq, role, text, attachments, status, "
                "provider, model, created_at, updated_at, parent_id, parts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (message.id, conversation_id, seq, role, text, _json(attachments), status.value,
                 provider, model, now, now, parent_id, _json(parts)),
            )
            self._set_leaf(conn, conversation_id, message.id)
            if status is not MessageStatus.STREAMING:
                assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
                self._index(conn, [(cursor.lastrowid, text)])
        return message

    @_locked
    def update_message(
        self,
        message_id: str,
        *,
        text: str | _Unset = UNSET,
        status: MessageStatus | _Unset = UNSET,
        input_tokens: int | None | _Unset = UNSET,
        output_tokens: int | None | _Unset = UNSET,
        ttft_ms: float | None | _Unset = UNSET,
        duration_ms: float | None | _Unset = UNSET,
        stop_reason: str | None | _Unset = UNSET,
        error: str | None | _Unset = UNSET,
        error_text: dict[str, Any] | None | _Unset = UNSET,
        provider: str | None | _Unset = UNSET,
        model: str | None | _Unset = UNSET,
        attachments: list[dict[str, Any]] | _Unset = UNSET,
        parts: list[dict[str, Any]] | _Unset = UNSET,
    ) -> Message | None:
        """Change the given fields of a message; None if there is no such message.

        ``error_text`` is ``error`` as a Text's dict (template + parameters) for showing it
        translated; setting ``error`` without ``error_text`` clears it.

        The search index is refreshed only when the text changes on a message that is not
        streaming, or when a message leaves STREAMING: a streaming answer is saved every few
        hundred milliseconds and indexing each of those saves would be wasted work.
        """
        fields: dict[str, Any] = {}
        if text is not UNSET:
            if text is None:
                raise ValueError("A message's text cannot be None.")
            fields["text"] = text
        if status is not UNSET:
            status = MessageStatus(status)
            fields["status"] = status.value
        if attachments is not UNSET:
            fields["attachments"] = _json(list(attachments or []))
        if parts is not UNSET:  # typed parts (tool rounds, reasoning) as their to_dict() values
            fields["parts"] = _json(list(parts or []))
        if error_text is not UNSET:
            fields["error_text"] = _error_text_to_db(error_text)
        elif error is not UNSET:
            fields["error_text"] = None  # it translated the old error: never show it beside a new one
        for name, value in (
            ("input_tokens", input_tokens), ("output_tokens", output_tokens), ("ttft_ms", ttft_ms),
            ("duration_ms", duration_ms), ("stop_reason", stop_reason), ("error", error),
            ("provider", provider), ("model", model),
        ):
            if value is not UNSET:
                fields[name] = value
        fields["updated_at"] = self._now()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._write() as conn:
            before = conn.execute(
                "SELECT num, status FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if before is None:
                return None
            num, old_status = before
            conn.execute(f"UPDATE messages SET {assignments} WHERE num = ?", (*fields.values(), num))
            new_status = fields.get("status", old_status)
            was_streaming = old_status == MessageStatus.STREAMING.value
            if new_status == MessageStatus.STREAMING.value:
                if not was_streaming:  # it is being continued: its old text is about to change
                    conn.execute("DELETE FROM messages_fts WHERE rowid = ?", (num,))
            elif text is not UNSET or was_streaming:
                current = text if text is not UNSET else conn.execute(
                    "SELECT text FROM messages WHERE num = ?", (num,)
                ).fetchone()[0]
                self._index(conn, [(num, current)])
        return self.get_message(message_id)

    @_locked
    def get_message(self, message_id: str) -> Message | None:
        row = self._db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        return _message(row) if row else None

    @_locked
    def recover_interrupted(self) -> int:
        """Mark answers left STREAMING (the app died mid-answer) as INTERRUPTED and index them.

        Called when the store opens; returns how many messages were recovered.
        """
        with self._write() as conn:
            rows = conn.execute(
                "SELECT num, text FROM messages WHERE status = 'streaming'"
            ).fetchall()
            if not rows:
                return 0
            conn.execute(
                "UPDATE messages SET status = ?, updated_at = ? WHERE status = 'streaming'",
                (MessageStatus.INTERRUPTED.value, self._now()),
            )
            self._index(conn, rows)
        return len(rows)

    @_locked
    def conversation_totals(self, conversation_id: str) -> tuple[int, int]:
        """(input tokens, output tokens) summed over the conversation's messages."""
        row = self._db.execute(
            "SELECT coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0) "
            "FROM messages WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchone()
        return int(row[0]), int(row[1])
