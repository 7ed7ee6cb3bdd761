"""The conversation database: one SQLite file, WAL mode, full-text search.

One connection is shared by every thread (the UI runs some queries in a worker thread); a
re-entrant lock serialises the public methods, and writes run in ``BEGIN IMMEDIATE`` transactions
so that a second process waits for the write lock (busy timeout) instead of failing half-way.

The Store's methods are spread over modules with one job each: messages (messages.py), the
history tree (tree.py), search (searching.py), pins (pins.py) and bulk export / import (bulk.py)
are mixins of the Store; rows.py holds what they share. This module opens the file (integrity,
migrations, recovery), holds the connection and its write transactions, and keeps conversations.

The full-text index (``messages_fts``) is maintained explicitly (``_index`` here, called where
messages are written), rather than by triggers: the text it holds is prepared in Python (see
:mod:`desktop_chat.store.search_text`), and answers that are still streaming are deliberately
left out of it until they finish.
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

from desktop_chat.domain.messages import Conversation
from desktop_chat.instance_lock import SharedLock
from desktop_chat.store import integrity, search_text
from desktop_chat.store.bulk import BulkMixin
from desktop_chat.store.messages import MessageMixin
from desktop_chat.store.migrations import MIGRATIONS, Migration, Progress, StoreError, migrate
from desktop_chat.store.pins import PinMixin
from desktop_chat.store.rows import (
    _CONVERSATION_COLUMNS,
    UNSET,
    _conversation,
    _json,
    _kind,
    _locked,
    _new_id,
    _Unset,
)
from desktop_chat.store.searching import SearchHit, SearchMixin
from desktop_chat.store.tree import TreeMixin

if TYPE_CHECKING:
    from desktop_chat.store.salvage import SalvageResult

__all__ = ["UNSET", "SearchHit", "Store"]

log = logging.getLogger(__name__)

_BUSY_TIMEOUT_S = 5.0
# Below this size the whole file is checked at every start the window makes (quick_check reads
# every page: a few ms here); above it only after a session that did not close the database.
FULL_CHECK_MAX_BYTES = 32 * 1024 * 1024



class Store(MessageMixin, TreeMixin, SearchMixin, BulkMixin, PinMixin):
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
