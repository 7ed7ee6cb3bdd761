"""A history as the release before message trees left it (schema 0001–0004), of any size, made fast.

The rows go in with plain SQL at schema 0001, and 0002–0004 are then applied as an upgrade would
(0002 indexes the texts for search), so the file is what that release's Store would have made
for the same messages. The migration tests, the start-up window tests and the migration
benchmark (benchmarks/migrate.py) use it; tests/store/fixtures/v4.sqlite3.gz, made by that
release's own code, checks the details.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from desktop_chat.store import MIGRATIONS, migrate

V4 = MIGRATIONS[:4]
assert V4[-1].name == "0004_message_conversation_by_num"


def make_v4_history(path: Path, *, conversations: int, messages_each: int) -> int:
    """Write the history at *path* (a new file); return how many messages it holds. Conversation
    ``v4-c{i}`` is titled ``Conversation {i}``; its messages alternate user and assistant."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn, V4[:1])
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO conversations (id, title, options, created_at, updated_at) VALUES (?, ?, '{}', ?, ?)",
            ((f"v4-c{c}", f"Conversation {c}", 1000.0 + c, 1000.0 + c) for c in range(conversations)))
        conn.executemany(
            "INSERT INTO messages (id, conversation_id, seq, role, text, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((f"v4-m{c}-{s}", f"v4-c{c}", s, "user" if s % 2 else "assistant",
              f"Message {s} of conversation {c}: 一些中文 and some words to index.", 1000.0 + s, 1000.0 + s)
             for c in range(conversations) for s in range(1, messages_each + 1)))
        conn.execute("COMMIT")
        migrate(conn, V4)
    return conversations * messages_each
