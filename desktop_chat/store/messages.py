"""Messages, for the Store: adding one to a branch, changing its fields as an answer streams and
ends, reading one back, marking answers a crash left streaming as interrupted, token totals.

:class:`MessageMixin` is part of :class:`~desktop_chat.store.database.Store` (it uses the Store's
connection, lock, write transactions and search index). The full-text index is kept up to date
here, explicitly: answers that are still streaming are left out of it until they finish.
"""

from __future__ import annotations

from typing import Any

from desktop_chat.domain.messages import Message, MessageStatus, Role
from desktop_chat.store.rows import (
    _MESSAGE_COLUMNS,
    UNSET,
    StorePart,
    _error_text_to_db,
    _json,
    _locked,
    _message,
    _new_id,
    _Unset,
)

__all__ = ["MessageMixin"]

_ROLES = ("user", "assistant")


class MessageMixin(StorePart):
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
