"""The database schema as a list of named migrations, applied in order, each in its own transaction.

A migration is a plain Python function of a connection; its name is recorded in
``schema_migrations`` once it has been applied. Never edit a migration that has shipped: add a new
one. Before pending migrations are applied to an existing database, the file is copied aside
with SQLite's backup API; if a migration fails, the copy is restored and :class:`StoreError` says
where it is.

:func:`migrate` takes the list of migrations as an argument, so tests can build a database at an
older schema (``MIGRATIONS[:1]``) or inject a failing migration without touching internals.
A long migration may report its progress (``Migration.report``); :func:`pending_upgrade` tells a
front end, without changing anything, whether opening the file will upgrade it (the window then
shows a progress window: ui/window/migration_progress.py).
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from desktop_chat.store import search_text

__all__ = ["MIGRATIONS", "Migration", "Progress", "StoreError", "applied_migrations", "error_kind", "migrate",
           "pending_upgrade"]

Progress = Callable[[float], None]
"""Told how far an upgrade is, from 0.0 to 1.0, on the thread that migrates (a front end's bar)."""


class StoreError(Exception):
    """The conversation database cannot be used; the message says why and what to do (English).

    ``kind`` is what went wrong, for a front end that words it in the reader's language:
    ``"full"`` (the disk is full), ``"readonly"`` (the file or its folder cannot be written),
    ``"busy"`` (another program kept it locked), ``"damaged"``, ``"migration_failed"`` (an
    upgrade failed and ``backup`` was restored; ``step`` names the migration),
    ``"restore_failed"`` (… and restoring failed too: ``backup`` is the copy to put back by hand),
    ``"newer_version"``, ``"closed"`` or ``"other"``. ``path`` is the database, ``detail`` the
    underlying error's own words.
    """

    def __init__(self, message: str, *, kind: str = "other", path: Path | str | None = None,
                 backup: Path | None = None, step: str | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.path = str(path) if path is not None else None
        self.backup = backup
        self.step = step
        self.detail = detail


# SQLite's primary result codes that say something a user can act on.
_KINDS = {13: "full", 8: "readonly", 3: "readonly", 5: "busy", 6: "busy", 11: "damaged", 26: "damaged"}


def error_kind(exc: BaseException) -> str:
    """The StoreError kind for an sqlite3 or OS error."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return _KINDS.get(code & 0xFF, "other")
    import errno

    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return "full"
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return "readonly"
    return "other"


class Migration(NamedTuple):
    """One step of the schema, applied once, in order, inside a transaction."""

    name: str
    apply: Callable[[sqlite3.Connection], None]
    # A long migration can also say how far it is: migrate() then calls report(conn, progress)
    # instead of apply(conn), progress going from 0 to 1 over its own work. None for quick ones.
    report: Callable[[sqlite3.Connection, Progress], None] | None = None


def _conversations_and_messages(conn: sqlite3.Connection) -> None:
    conn.execute(
        """
        CREATE TABLE conversations (
            id            TEXT PRIMARY KEY,
            title         TEXT NOT NULL,
            provider      TEXT,
            model         TEXT,
            system_prompt TEXT,
            options       TEXT NOT NULL DEFAULT '{}',
            created_at    REAL NOT NULL,
            updated_at    REAL NOT NULL
        )
        """
    )
    # Serves "newest first" (scanned backwards) with a deterministic tie-break.
    conn.execute("CREATE INDEX conversations_by_updated ON conversations (updated_at, id)")
    # `num` is an explicit INTEGER PRIMARY KEY (an alias of the rowid) because the full-text index
    # is keyed by the rowid and VACUUM may renumber an implicit rowid. `id` stays the public key.
    conn.execute(
        """
        CREATE TABLE messages (
            num             INTEGER PRIMARY KEY,
            id              TEXT NOT NULL UNIQUE,
            conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            seq             INTEGER NOT NULL,
            role            TEXT NOT NULL,
            text            TEXT NOT NULL DEFAULT '',
            attachments     TEXT NOT NULL DEFAULT '[]',
            status          TEXT NOT NULL DEFAULT 'complete',
            provider        TEXT,
            model           TEXT,
            input_tokens    INTEGER,
            output_tokens   INTEGER,
            error           TEXT,
            created_at      REAL NOT NULL,
            updated_at      REAL NOT NULL,
            UNIQUE (conversation_id, seq)
        )
        """
    )
    # Start-up looks for answers left streaming by a crash: make that a lookup, not a scan.
    conn.execute("CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming'")


def _message_metrics_and_search(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE messages ADD COLUMN ttft_ms REAL")
    conn.execute("ALTER TABLE messages ADD COLUMN duration_ms REAL")
    conn.execute("ALTER TABLE messages ADD COLUMN stop_reason TEXT")
    # The index holds text prepared by search_text.index_text, keyed by messages.num; the Store
    # maintains it explicitly. Prefix indexes make short prefix queries (as-you-type) cheap.
    conn.execute(
        """
        CREATE VIRTUAL TABLE messages_fts USING fts5 (
            text, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
        )
        """
    )
    rows = conn.execute("SELECT num, text FROM messages WHERE status != 'streaming'")
    conn.executemany(
        "INSERT INTO messages_fts (rowid, text) VALUES (?, ?)",
        ((num, search_text.index_text(text)) for num, text in rows),
    )


def _message_error_text(conn: sqlite3.Connection) -> None:
    # A failed answer's error as JSON {"template", "params"} (domain/texts.py), next to the English
    # `error`, so the UI can show it in the reader's language. Older rows keep NULL and show `error`.
    conn.execute("ALTER TABLE messages ADD COLUMN error_text TEXT")


def _message_conversation_by_num(conn: sqlite3.Connection) -> None:
    # Search hits are message nums (the full-text index's rowids); the conversation list wants
    # their conversations. Looking each num up in the table itself reads rows full of text: for a
    # word in half of 100,000 messages that join was ≈ 30 ms of a 47 ms filter, where the index
    # scan took 4 ms. This narrow index answers the same lookups at a fraction of the pages.
    conn.execute("CREATE INDEX messages_conversation_by_num ON messages (num, conversation_id)")


def _quiet(_fraction: float) -> None:
    pass


# Rows per UPDATE of the tree migration's parents: small enough for a progress bar that moves,
# large enough that the extra statements cost nothing measurable (100,000 messages: within the
# noise of one UPDATE of every row).
_TREE_CHUNK = 10_000


def _message_tree(conn: sqlite3.Connection, progress: Progress = _quiet) -> None:
    # History becomes a tree: regenerate and edit add siblings instead of deleting what followed.
    # Each message knows its parent (NULL for a first message); each conversation knows the last
    # message of the branch the user is on. A linear history is one branch: every message's
    # parent is the one before it, and the branch ends at the newest.
    conn.execute("ALTER TABLE messages ADD COLUMN parent_id TEXT")
    # Typed non-text parts (thinking, tool calls and results, images: domain/parts.py) as JSON.
    conn.execute("ALTER TABLE messages ADD COLUMN parts TEXT NOT NULL DEFAULT '[]'")
    conn.execute("ALTER TABLE conversations ADD COLUMN current_leaf TEXT")
    # LAG numbers the parents in one pass; a keyed temporary table then feeds the UPDATE (UPDATE …
    # FROM would do both at once, but needs SQLite 3.33, newer than some Pythons still link).
    conn.execute("CREATE TEMP TABLE message_parents (num INTEGER PRIMARY KEY, parent_id TEXT)")
    conn.execute(
        """
        INSERT INTO message_parents (num, parent_id)
        SELECT num, lag(id) OVER (PARTITION BY conversation_id ORDER BY seq) FROM messages
        """
    )
    progress(0.1)
    # Updated in runs of _TREE_CHUNK rows (by num, the primary key) so that the progress can move;
    # the result is the same as one UPDATE of every row.
    total = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    start = conn.execute("SELECT min(num) FROM messages").fetchone()[0]
    done = 0
    while start is not None:
        after = conn.execute("SELECT num FROM messages WHERE num >= ? ORDER BY num LIMIT 1 OFFSET ?",
                             (start, _TREE_CHUNK)).fetchone()
        end = None if after is None else after[0]
        conn.execute(
            "UPDATE messages SET parent_id = (SELECT parent_id FROM message_parents p WHERE p.num = messages.num) "
            "WHERE num >= ? AND (? IS NULL OR num < ?)", (start, end, end))
        done = total if end is None else done + _TREE_CHUNK
        progress(0.1 + 0.7 * done / max(1, total))
        start = end
    conn.execute("DROP TABLE message_parents")
    conn.execute(
        """
        UPDATE conversations SET current_leaf = (
            SELECT id FROM messages WHERE conversation_id = conversations.id ORDER BY seq DESC LIMIT 1
        )
        """
    )
    # Children of a message (versions, switching branches) and a conversation's first messages
    # (parent_id IS NULL) are index lookups, newest child last.
    progress(0.85)
    conn.execute("CREATE INDEX messages_children ON messages (conversation_id, parent_id, seq)")
    progress(1.0)


def _pinned_conversations(conn: sqlite3.Connection) -> None:
    # NULL: not pinned; else when it was pinned (store/pins.py). The partial index keeps the
    # pinned few a lookup, and leaves the rest of the table out of it.
    conn.execute("ALTER TABLE conversations ADD COLUMN pinned_at REAL")
    conn.execute("CREATE INDEX conversations_pinned ON conversations (pinned_at) WHERE pinned_at IS NOT NULL")


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_conversations_and_messages", _conversations_and_messages),
    Migration("0002_message_metrics_and_search", _message_metrics_and_search),
    Migration("0003_message_error_text", _message_error_text),
    Migration("0004_message_conversation_by_num", _message_conversation_by_num),
    Migration("0005_message_tree", _message_tree, report=_message_tree),
    Migration("0006_pinned_conversations", _pinned_conversations),
)


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names recorded in ``schema_migrations``, in the order they were applied."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return []
    return [name for (name,) in conn.execute("SELECT name FROM schema_migrations ORDER BY rowid")]


def pending_upgrade(path: Path | str, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """The migrations opening the existing database at *path* would apply, without applying any.

    Empty for a missing or new file (creating the schema is quick), for an up-to-date one, and for
    a file that cannot be read here (opening it reports that, as it always did). Read-only: a
    front end asks this before it opens the store to know whether to show an upgrade's progress.
    """
    file = Path(path)
    if not file.is_file():
        return []
    try:
        with contextlib.closing(sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            applied = set(applied_migrations(conn))
    except sqlite3.Error:
        return []
    if not applied:
        return []
    return [m.name for m in migrations if m.name not in applied]


def migrate(
    conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS, *, progress: Progress | None = None
) -> list[str]:
    """Apply the pending *migrations* to the database behind *conn*; return the names applied.

    The connection must not be inside a transaction. If the database already had a schema, it is
    backed up to ``<file>.before-<first pending migration>.bak`` first; the copy is kept after a
    successful upgrade (a way back if the new version misbehaves). *progress*, if given, hears how
    far the backup and the migrations are (0 → 1, on this thread; see ``Migration.report``).
    """
    if conn.in_transaction:
        raise StoreError("internal error: migrate() called inside a transaction")
    isolation = conn.isolation_level
    conn.isolation_level = None  # we issue BEGIN / COMMIT ourselves
    try:
        return _migrate(conn, migrations, progress)
    finally:
        conn.isolation_level = isolation


# Shares of an upgrade's bar: the backup copies every page once, a migration that reports its
# progress (the long ones) counts as this many backups, a quick one as nothing.
_BACKUP_SHARE = 1.0
_REPORTING_SHARE = 2.0


def _migrate(conn: sqlite3.Connection, migrations: Sequence[Migration], progress: Progress | None) -> list[str]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)"
    )
    applied = applied_migrations(conn)
    known = {m.name for m in migrations}
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise StoreError(
            f"The conversation database {_db_file(conn) or '(in memory)'} was upgraded by a newer "
            f"version of Desktop Chat (schema {unknown[-1]}). Install that version again to use it.",
            kind="newer_version", path=_db_file(conn) or None, step=unknown[-1],
        )
    already = set(applied)
    pending = [m for m in migrations if m.name not in already]
    if not pending:
        return []
    shares = [_REPORTING_SHARE if progress is not None and m.report is not None else 0.0 for m in pending]
    whole = (_BACKUP_SHARE if applied else 0.0) + sum(shares)

    def part(start: float, share: float) -> Progress:
        """*progress* for one piece of the upgrade, which reports its own 0 → 1."""
        def told(fraction: float) -> None:
            if progress is not None:
                progress(min(1.0, (start + share * min(1.0, max(0.0, fraction))) / whole) if whole else 1.0)
        return told

    if progress is not None:
        progress(0.0)
    backup = _backup(conn, pending[0].name, part(0.0, _BACKUP_SHARE) if progress else None) if applied else None
    base = _BACKUP_SHARE if applied else 0.0
    done: list[str] = []
    for migration, share in zip(pending, shares):
        try:
            conn.execute("BEGIN IMMEDIATE")
            if share and migration.report is not None:
                migration.report(conn, part(base, share))
            else:
                migration.apply(conn)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                (migration.name, time.time()),
            )
            conn.execute("COMMIT")
        except Exception as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if backup is None:
                raise StoreError(
                    f"Could not set up the conversation database ({migration.name} failed: {exc}).",
                    kind=error_kind(exc), path=_db_file(conn) or None, step=migration.name, detail=str(exc),
                ) from exc
            _restore(conn, backup, migration.name)
            raise StoreError(
                f"Upgrading the conversation database failed at {migration.name} ({exc}). "
                f"It was restored from the copy made before the upgrade, which is kept at {backup}.",
                kind="migration_failed", path=_db_file(conn) or None, backup=backup, step=migration.name,
                detail=str(exc),
            ) from exc
        done.append(migration.name)
        base += share
    if progress is not None:
        progress(1.0)
    return done


def _db_file(conn: sqlite3.Connection) -> str:
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or ""
    return ""


# Pages per step of the backup when someone watches its progress (4 MB at SQLite's 4 KB pages).
_BACKUP_STEP_PAGES = 1024


def _backup(conn: sqlite3.Connection, first_pending: str, progress: Progress | None) -> Path | None:
    file = _db_file(conn)
    if not file:
        return None  # an in-memory database has nothing to lose on disk
    target = Path(f"{file}.before-{first_pending}.bak")
    try:
        with contextlib.closing(sqlite3.connect(target)) as copy:
            if progress is None:
                conn.backup(copy)  # in one step, as always
            else:
                told = progress
                conn.backup(copy, pages=_BACKUP_STEP_PAGES,
                            progress=lambda _status, remaining, total: told(1 - remaining / total if total else 1))
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(
            f"Could not copy the conversation database to {target} before upgrading it ({exc}); "
            "nothing was changed. Free some disk space and start again.",
            kind=error_kind(exc), path=file, backup=target, step=first_pending, detail=str(exc),
        ) from exc
    return target


def _restore(conn: sqlite3.Connection, backup: Path, step: str) -> None:
    try:
        with contextlib.closing(sqlite3.connect(backup)) as copy:
            copy.backup(conn)
    except sqlite3.Error as exc:
        raise StoreError(
            f"Upgrading the conversation database failed and restoring it also failed ({exc}). "
            f"The copy made before the upgrade is at {backup}: copy it over {_db_file(conn)} by hand.",
            kind="restore_failed", path=_db_file(conn) or None, backup=backup, step=step, detail=str(exc),
        ) from exc
