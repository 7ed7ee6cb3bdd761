"""The history tree: branches, versions, switching, deleting a version or a whole position, forks.

Each message knows its parent (``parent_id``, NULL for a conversation's first messages) and each
conversation knows the last message of the branch the user is on (``current_leaf``). Regenerate
adds a sibling of an answer, edit-and-resend a sibling of a question: nothing is replaced.

A child is always stored after its parent, so ``seq`` increases along every branch; the branch is
read by walking up from the leaf (a recursive query over the unique index on ``id``), which costs
a lookup per message of the branch whatever the number of versions beside it.

:class:`TreeMixin` is part of :class:`~desktop_chat.store.database.Store` (it uses the Store's
connection, lock and write transactions).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from desktop_chat.domain.messages import Conversation, Message, MessageStatus
from desktop_chat.store import search_text
from desktop_chat.store.rows import (
    _CONVERSATION_COLUMNS,
    _MESSAGE_COLUMNS,
    StorePart,
    _error_text_to_db,
    _json,
    _locked,
    _message,
    _new_id,
    _select_in,
)

__all__ = ["TreeMixin"]

_M_COLUMNS = ", ".join(f"m.{name.strip()}" for name in _MESSAGE_COLUMNS.split(","))
_NO_LIMIT = -1
_CHUNK = 400  # bound parameters per query, far below SQLite's limit
_MAX_DEPTH = 10_000_000  # a parent loop in damaged data must end the walk, not hang it

# The branch ending at a message, walking up through parents; depth 0 is that message.
_UP = f"""
WITH RECURSIVE up(num, parent_id, depth) AS (
    SELECT num, parent_id, 0 FROM messages WHERE id = :leaf
    UNION ALL
    SELECT m.num, m.parent_id, up.depth + 1 FROM up JOIN messages m ON m.id = up.parent_id
    WHERE up.depth < {_MAX_DEPTH}
    LIMIT :walk
)
"""

# From a message down to the end of its branch, following at each step the newest child.
_DOWN = f"""
WITH RECURSIVE down(id, depth) AS (
    SELECT :start, 0
    UNION ALL
    SELECT (SELECT c.id FROM messages c WHERE c.conversation_id = :cid AND c.parent_id = down.id
            ORDER BY c.seq DESC LIMIT 1), down.depth + 1
    FROM down WHERE down.id IS NOT NULL AND down.depth < {_MAX_DEPTH}
)
SELECT id FROM down WHERE id IS NOT NULL ORDER BY depth DESC LIMIT 1
"""

# A set of messages (the temp table's ids) and everything under them.
_SUBTREE = """
WITH RECURSIVE sub(id, num) AS (
    SELECT id, num FROM messages WHERE conversation_id = ?1 AND id IN ({})
    UNION
    SELECT m.id, m.num FROM sub JOIN messages m ON m.conversation_id = ?1 AND m.parent_id = sub.id
)
SELECT num, id FROM sub
"""


class TreeMixin(StorePart):
    """Branch and version methods of the Store (see the module docstring)."""

    # -- reading branches ------------------------------------------------------------------------

    def _leaf(self, conn: sqlite3.Connection, conversation_id: str) -> str | None:
        """The conversation's current leaf; the newest message if it has none or it is gone."""
        row = conn.execute(
            "SELECT m.id FROM conversations c JOIN messages m ON m.id = c.current_leaf WHERE c.id = ?",
            (conversation_id,),
        ).fetchone()
        if row is not None:
            return str(row[0])
        row = conn.execute(
            "SELECT id FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1", (conversation_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def _branch(self, conn: sqlite3.Connection, leaf: str | None, *, limit: int | None = None,
                before_seq: int | None = None) -> list[Message]:
        if leaf is None:
            return []
        # Without before_seq the newest `limit` messages are the first `limit` steps of the walk.
        walk = limit if limit is not None and before_seq is None else _NO_LIMIT
        rows = conn.execute(
            f"{_UP} SELECT {_M_COLUMNS} FROM up JOIN messages m ON m.num = up.num "
            "WHERE m.seq < :upper ORDER BY up.depth LIMIT :limit",
            {"leaf": leaf, "walk": walk, "upper": before_seq if before_seq is not None else 2**62,
             "limit": limit if limit is not None else _NO_LIMIT},
        ).fetchall()
        rows.reverse()
        return [_message(row) for row in rows]

    @_locked
    def list_messages(
        self, conversation_id: str, *, limit: int | None = None, before_seq: int | None = None
    ) -> list[Message]:
        """The conversation's current branch, oldest first (every version: :meth:`versions`).

        With *limit*, the newest *limit* messages of the branch (older than *before_seq* if given),
        still oldest first: pass the first returned message's ``seq`` as *before_seq* to get the
        page before.
        """
        conn = self._db
        return self._branch(conn, self._leaf(conn, conversation_id), limit=limit, before_seq=before_seq)

    @_locked
    def branch_to(self, message_id: str) -> list[Message]:
        """The branch from the conversation's first message down to *message_id* (included);
        [] if there is no such message. What a request answering that message is built from."""
        return self._branch(self._db, message_id)

    @_locked
    def count_messages(self, conversation_id: str) -> int:
        """How many messages the current branch holds."""
        conn = self._db
        leaf = self._leaf(conn, conversation_id)
        if leaf is None:
            return 0
        return int(conn.execute(f"{_UP} SELECT count(*) FROM up", {"leaf": leaf, "walk": _NO_LIMIT}).fetchone()[0])

    @_locked
    def count_all_messages(self, conversation_id: str) -> int:
        """How many messages the conversation holds, every version of every branch."""
        return int(self._db.execute(
            "SELECT count(*) FROM messages WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()[0])

    @_locked
    def versions(self, message_id: str) -> list[Message]:
        """The message and its siblings of the same role (same parent), oldest first: "‹ 2/3 ›".

        [] if there is no such message.
        """
        message = self.get_message(message_id)
        if message is None:
            return []
        rows = self._db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND parent_id IS ? "
            "AND role = ? ORDER BY seq",
            (message.conversation_id, message.parent_id, message.role),
        ).fetchall()
        return [_message(row) for row in rows]

    @_locked
    def version_ids(self, messages: Sequence[Message]) -> dict[str, list[str]]:
        """For each of *messages* (one conversation's) that has other versions: the ids of all
        its versions, oldest first. One query for a page of messages, for "‹ 2/3 ›" switchers."""
        if not messages:
            return {}
        conn = self._db
        cid = messages[0].conversation_id
        parents = sorted({m.parent_id for m in messages if m.parent_id is not None})
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(parents), _CHUNK):
            chunk = parents[start:start + _CHUNK]
            rows += conn.execute(
                f"SELECT id, parent_id, role FROM messages WHERE conversation_id = ? AND parent_id IN "
                f"({', '.join('?' * len(chunk))}) ORDER BY seq", (cid, *chunk)).fetchall()
        if any(m.parent_id is None for m in messages):
            rows += conn.execute("SELECT id, parent_id, role FROM messages WHERE conversation_id = ? "
                                 "AND parent_id IS NULL ORDER BY seq", (cid,)).fetchall()
        groups: dict[tuple[str | None, str], list[str]] = {}
        for mid, parent_id, role in rows:
            groups.setdefault((parent_id, role), []).append(mid)
        found = ((m.id, groups.get((m.parent_id, m.role), [])) for m in messages)
        return {mid: ids for mid, ids in found if len(ids) > 1}

    # -- moving between branches -------------------------------------------------------------------

    def _descend(self, conn: sqlite3.Connection, conversation_id: str, start: str) -> str:
        return str(conn.execute(_DOWN, {"start": start, "cid": conversation_id}).fetchone()[0])

    def _set_leaf(self, conn: sqlite3.Connection, conversation_id: str, leaf: str | None) -> None:
        conn.execute("UPDATE conversations SET current_leaf = ? WHERE id = ?", (leaf, conversation_id))

    @_locked
    def switch_to(self, message_id: str) -> str | None:
        """Make the branch through *message_id* the current one; return its new leaf.

        The branch goes on below the message by the most recently created child at each step.
        None (and nothing changes) if there is no such message.
        """
        with self._write() as conn:
            row = conn.execute("SELECT conversation_id FROM messages WHERE id = ?", (message_id,)).fetchone()
            if row is None:
                return None
            leaf = self._descend(conn, row[0], message_id)
            self._set_leaf(conn, row[0], leaf)
        return leaf

    def open_branch_of(self, message_id: str) -> str | None:
        """For a search hit: make the branch holding *message_id* current (see :meth:`switch_to`)."""
        return self.switch_to(message_id)

    @_locked
    def branch_matching(self, conversation_id: str, query: str) -> str | None:
        """Where to open a conversation found by searching *query*: None when its current branch
        holds a match already (or nothing matches), else its newest matching message, which is
        on another branch (pass it to :meth:`open_branch_of`)."""
        match = search_text.match_query(query)
        conn = self._db
        leaf = self._leaf(conn, conversation_id)
        if match is None or leaf is None:
            return None
        on_branch = conn.execute(
            f"{_UP} SELECT 1 FROM up WHERE up.num IN "
            "(SELECT rowid FROM messages_fts WHERE messages_fts MATCH :match) LIMIT 1",
            {"leaf": leaf, "walk": _NO_LIMIT, "match": match},
        ).fetchone()
        if on_branch is not None:
            return None
        row = conn.execute(
            "SELECT m.id FROM messages_fts JOIN messages m ON m.num = messages_fts.rowid "
            "WHERE messages_fts MATCH ? AND m.conversation_id = ? ORDER BY m.num DESC LIMIT 1",
            (match, conversation_id),
        ).fetchone()
        return str(row[0]) if row else None

    # -- deleting --------------------------------------------------------------------------------

    def _delete_subtrees(self, conn: sqlite3.Connection, conversation_id: str, roots: Sequence[str]) -> set[str]:
        """Delete *roots* and everything under them (and their search entries); the ids deleted."""
        placeholders = ", ".join(f"?{i}" for i in range(2, len(roots) + 2))
        rows = conn.execute(_SUBTREE.format(placeholders), (conversation_id, *roots)).fetchall()
        conn.executemany("DELETE FROM messages_fts WHERE rowid = ?", ((num,) for num, _ in rows))
        conn.executemany("DELETE FROM messages WHERE num = ?", ((num,) for num, _ in rows))
        return {mid for _, mid in rows}

    def _repair_leaf(self, conn: sqlite3.Connection, conversation_id: str, deleted: set[str],
                     candidates: Sequence[str | None]) -> None:
        """After a deletion: if the current leaf went, continue from the first candidate still
        here (a sibling, the parent), else from the newest remaining first message."""
        row = conn.execute("SELECT current_leaf FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if row is None or (row[0] is not None and row[0] not in deleted):
            return
        for candidate in candidates:
            if candidate is not None and candidate not in deleted:
                self._set_leaf(conn, conversation_id, self._descend(conn, conversation_id, candidate))
                return
        root = conn.execute(
            "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS NULL ORDER BY seq DESC LIMIT 1",
            (conversation_id,),
        ).fetchone()
        self._set_leaf(conn, conversation_id, self._descend(conn, conversation_id, root[0]) if root else None)

    def _siblings(self, conn: sqlite3.Connection, message: Message) -> list[str]:
        return [mid for (mid,) in conn.execute(
            "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? AND role = ? ORDER BY seq",
            (message.conversation_id, message.parent_id, message.role),
        )]

    @_locked
    def delete_version(self, message_id: str) -> int:
        """Delete this version of a message and everything under it; return how many messages went.

        If the current branch ran through it, the branch moves to the version before it (or the
        one after), else to the parent.
        """
        message = self.get_message(message_id)
        if message is None:
            return 0
        with self._write() as conn:
            siblings = self._siblings(conn, message)
            at = siblings.index(message_id)
            candidates = [*reversed(siblings[:at]), *siblings[at + 1:], message.parent_id]
            deleted = self._delete_subtrees(conn, message.conversation_id, [message_id])
            self._repair_leaf(conn, message.conversation_id, deleted, candidates)
        return len(deleted)

    @_locked
    def delete_message_and_after(self, message_id: str) -> int:
        """Delete every version of this message (its siblings of the same role) and everything
        under them; return how many messages went. The branch moves to the parent."""
        message = self.get_message(message_id)
        if message is None:
            return 0
        with self._write() as conn:
            deleted = self._delete_subtrees(conn, message.conversation_id, self._siblings(conn, message))
            self._repair_leaf(conn, message.conversation_id, deleted, [message.parent_id])
        return len(deleted)

    @_locked
    def delete_message(self, message_id: str) -> bool:
        """Delete one message and no other; False if there was no such message.

        Its children move up to its parent (the branch stays whole), and a branch that ended at
        it ends at its parent. Its ``seq`` is not reused.
        """
        message = self.get_message(message_id)
        if message is None:
            return False
        with self._write() as conn:
            row = conn.execute("SELECT num FROM messages WHERE id = ?", (message_id,)).fetchone()
            conn.execute(
                "UPDATE messages SET parent_id = ? WHERE conversation_id = ? AND parent_id = ?",
                (message.parent_id, message.conversation_id, message_id),
            )
            conn.execute("DELETE FROM messages_fts WHERE rowid = ?", row)
            conn.execute("DELETE FROM messages WHERE num = ?", row)
            self._repair_leaf(conn, message.conversation_id, {message_id}, [message.parent_id])
        return True

    # -- forking ---------------------------------------------------------------------------------

    @_locked
    def fork(self, message_id: str) -> Conversation:
        """A new conversation holding copies (new ids) of the branch up to *message_id*.

        It remembers where it came from in ``options["forked_from"]`` (``conversation_id``,
        ``message_id``). Raises KeyError if there is no such message.
        """
        branch = self.branch_to(message_id)
        if not branch:
            raise KeyError(message_id)
        source = self.get_conversation(branch[-1].conversation_id)
        assert source is not None
        now = self._now()
        cid = _new_id()
        options = {**source.options, "forked_from": {"conversation_id": source.id, "message_id": message_id}}
        ids = {m.id: _new_id() for m in branch}
        with self._write() as conn:
            conn.execute(
                f"INSERT INTO conversations ({_CONVERSATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (cid, f"{source.title} (fork)", source.provider, source.model, source.system_prompt,
                 _json(options), now, now, ids[branch[-1].id]),
            )
            insert_messages(conn, cid, [
                _copy(m, ids[m.id], ids.get(m.parent_id) if m.parent_id else None, seq)
                for seq, m in enumerate(branch, start=1)
            ])
            self._index(conn, _select_in(
                conn, "SELECT num, text FROM messages WHERE status != 'streaming' AND id IN ({})", list(ids.values())))
        conversation = self.get_conversation(cid)
        assert conversation is not None
        return conversation


def _copy(message: Message, new_id: str, parent_id: str | None, seq: int) -> tuple[Any, ...]:
    """A message's row for a copy in another conversation (an answer still streaming elsewhere
    will never finish in the copy: it is copied as interrupted)."""
    status = MessageStatus(message.status)
    if status is MessageStatus.STREAMING:
        status = MessageStatus.INTERRUPTED
    return (new_id, seq, message.role, message.text, _json(message.attachments), status.value,
            message.provider, message.model, message.input_tokens, message.output_tokens, message.ttft_ms,
            message.duration_ms, message.stop_reason, message.error, message.created_at, message.updated_at,
            _error_text_to_db(message.error_text), parent_id,
            _json(message.parts))


def insert_messages(conn: sqlite3.Connection, conversation_id: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert message rows shaped like :func:`_copy`'s (everything but the conversation id)."""
    conn.executemany(
        f"INSERT INTO messages ({_MESSAGE_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(row[0], conversation_id, *row[1:]) for row in rows],
    )
