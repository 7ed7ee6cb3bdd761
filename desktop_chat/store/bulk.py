"""Whole conversations in and out of the Store in a few bulk queries (export, import, undo).

:class:`BulkMixin` is part of :class:`~desktop_chat.store.database.Store`.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop_chat.domain.messages import Conversation, Message, MessageStatus
from desktop_chat.store.rows import (
    _CONVERSATION_COLUMNS,
    _MESSAGE_COLUMNS,
    StorePart,
    _conversation,
    _error_text_to_db,
    _json,
    _locked,
    _message,
    _select_in,
)
from desktop_chat.store.tree import insert_messages

__all__ = ["BulkMixin"]


class BulkMixin(StorePart):
    # -- bulk (export / import) -------------------------------------------------------------

    @_locked
    def conversations_with_messages(
        self, conversation_ids: Sequence[str] | None = None
    ) -> list[tuple[Conversation, list[Message]]]:
        """Conversations (newest-updated first) with all their messages, in a few bulk queries.

        Unknown ids are ignored. Used by export, which must not make one query per conversation.
        """
        conn = self._db
        conn.execute("BEGIN")  # one consistent snapshot across the queries
        try:
            if conversation_ids is None:
                conversation_rows = conn.execute(
                    f"SELECT {_CONVERSATION_COLUMNS} FROM conversations"
                ).fetchall()
                message_rows = conn.execute(
                    f"SELECT {_MESSAGE_COLUMNS} FROM messages ORDER BY conversation_id, seq"
                ).fetchall()
            else:
                ids = list(dict.fromkeys(conversation_ids))
                conversation_rows = _select_in(
                    conn, f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id IN ({{}})", ids
                )
                message_rows = _select_in(
                    conn,
                    f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id IN ({{}}) "
                    "ORDER BY conversation_id, seq",
                    ids,
                )
        finally:
            conn.execute("COMMIT")
        conversations = sorted(
            (_conversation(row) for row in conversation_rows),
            key=lambda c: (c.updated_at, c.id),
            reverse=True,
        )
        by_conversation: dict[str, list[Message]] = {c.id: [] for c in conversations}
        for row in message_rows:
            messages = by_conversation.get(row[1])  # row[1] is conversation_id
            if messages is not None:
                messages.append(_message(row))
        return [(c, by_conversation[c.id]) for c in conversations]

    @_locked
    def import_conversations(
        self, items: Sequence[tuple[Conversation, Sequence[Message]]]
    ) -> tuple[int, int]:
        """Insert whole conversations keeping their ids, seqs, parents and timestamps; return
        (imported, skipped). The current branch is the conversation's ``current_leaf`` if that is
        one of its messages, else the branch of its newest message.

        A conversation whose id already exists is skipped, so importing the same file twice
        creates no duplicates. Everything happens in one transaction. Raises ValueError (and
        imports nothing) if a message id is already used by another conversation. The caller
        validates the data (see :mod:`desktop_chat.store.exchange`).
        """
        with self._write() as conn:
            existing = {
                cid for (cid,) in _select_in(
                    conn, "SELECT id FROM conversations WHERE id IN ({})", [c.id for c, _ in items]
                )
            }
            new = [(c, ms) for c, ms in items if c.id not in existing]
            clash = _select_in(
                conn, "SELECT id FROM messages WHERE id IN ({})", [m.id for _, ms in new for m in ms]
            )
            if clash:
                raise ValueError(
                    f"The file reuses message id {clash[0][0]}, which belongs to another conversation here."
                )
            conn.executemany(
                f"INSERT INTO conversations ({_CONVERSATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (c.id, c.title, c.provider, c.model, c.system_prompt, _json(c.options or {}),
                     c.created_at, c.updated_at, _imported_leaf(c, ms))
                    for c, ms in new
                ),
            )
            for c, messages in new:
                insert_messages(conn, c.id, [
                    (m.id, m.seq, m.role, m.text, _json(m.attachments or []),
                     MessageStatus(m.status).value, m.provider, m.model, m.input_tokens,
                     m.output_tokens, m.ttft_ms, m.duration_ms, m.stop_reason, m.error,
                     m.created_at, m.updated_at, _error_text_to_db(m.error_text), m.parent_id,
                     _json(m.parts or []))
                    for m in messages
                ])
            self._index(conn, _select_in(
                conn,
                "SELECT num, text FROM messages WHERE status != 'streaming' AND conversation_id IN ({})",
                [c.id for c, _ in new],
            ))
        return len(new), len(items) - len(new)


def _imported_leaf(conversation: Conversation, messages: Sequence[Message]) -> str | None:
    if any(m.id == conversation.current_leaf for m in messages):
        return conversation.current_leaf
    return max(messages, key=lambda m: m.seq).id if messages else None
