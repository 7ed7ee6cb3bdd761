"""Is the database file healthy enough to open? If not, move it aside (kept) so a fresh one can start.

The app must never refuse to start, let alone crash at every start, because its history file is
damaged; nor may it delete that file, which may still hold most of the user's conversations. So a
file that fails the check is renamed, with its WAL and shared-memory files, to
``chat.sqlite3.damaged-YYYYMMDD-HHMMSS`` (the pair stays openable together with any SQLite tool),
and the caller starts a fresh database and tells the user where the old one is.

Two levels of checking, because ``PRAGMA quick_check`` reads every page (≈ 0.3 s for 100,000
messages, far more from a cold disk):

- always: the header and the schema can be read (a file that is not a database, or truncated
  before its schema, fails here), which costs a millisecond;
- ``full=True``: ``PRAGMA quick_check`` as well. The store asks for it when the file is small
  (where it is cheap), when the last session did not close the database (a crash or a kill), or
  when a query reported the file damaged (see ``Store``).

Only "damaged" answers move the file: a database that is merely locked or unreadable for lack of
permission raises, and the caller says so.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from pathlib import Path

log = logging.getLogger(__name__)

SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
DAMAGED_CODES = (SQLITE_CORRUPT, SQLITE_NOTADB)
_COMPANIONS = ("-wal", "-shm", "-journal")

__all__ = ["DAMAGED_CODES", "is_damage", "move_aside", "problem"]


def is_damage(exc: sqlite3.Error) -> bool:
    """True when SQLite says the file itself is damaged (not locked, full or read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in DAMAGED_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def problem(path: Path, *, full: bool) -> str | None:
    """None if *path* looks healthy, else what is wrong with it (English, for the log).

    Raises sqlite3.Error for failures that are not damage (locked, no permission).
    """
    # Read-only: a check must change nothing. A read-write connection that finds the file
    # unreadable still deletes its WAL when it closes, and with it the last commits.
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5.0,
                           isolation_level=None)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if full:
            rows = conn.execute("PRAGMA quick_check(20)").fetchall()
            if rows != [("ok",)]:
                return "; ".join(str(row[0]) for row in rows)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return str(exc)
        raise
    finally:
        conn.close()
    return None


def move_aside(path: Path, now: float | None = None) -> Path:
    """Rename *path* (and its -wal/-shm/-journal files) to a timestamped name; return the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 2
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", *_COMPANIONS)):
        target = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
        number += 1
    # The companions first: a WAL left behind would be replayed into the fresh database.
    for suffix in _COMPANIONS:
        companion = Path(f"{path}{suffix}")
        with contextlib.suppress(FileNotFoundError):
            os.replace(companion, Path(f"{target}{suffix}"))
    os.replace(path, target)
    log.warning("the conversation database %s was damaged; moved to %s", path, target)
    return target
