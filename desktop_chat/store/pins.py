"""Pinned conversations, for the Store: the sidebar shows them at the top, above the dated groups.

:class:`PinMixin` is part of :class:`~desktop_chat.store.database.Store`. A pin is a time
(`conversations.pinned_at`, NULL when not pinned; migration 0006): pinned conversations are listed
most recently pinned first, and pinning touches nothing else (not `updated_at`, so a conversation
does not jump to "Today" by being pinned). The other listings (`list_conversations`, the CLI's,
exports) are unchanged: a pin is how the window arranges its list, not part of a conversation.
"""

from __future__ import annotations

from desktop_chat.domain.messages import Conversation
from desktop_chat.store.rows import _CONVERSATION_COLUMNS, StorePart, _conversation, _locked

__all__ = ["PinMixin"]


class PinMixin(StorePart):
    @_locked
    def set_pinned(self, conversation_id: str, pinned: bool) -> bool:
        """Pin (now) or unpin a conversation; False if there is no such conversation."""
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE conversations SET pinned_at = ? WHERE id = ?",
                (self._now() if pinned else None, conversation_id),
            )
        return cursor.rowcount > 0

    @_locked
    def pinned_conversations(self) -> list[Conversation]:
        """The pinned conversations, most recently pinned first (a handful: no paging)."""
        rows = self._db.execute(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE pinned_at IS NOT NULL "
            "ORDER BY pinned_at DESC, id DESC"
        )
        return [_conversation(row) for row in rows]

    @_locked
    def pinned_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT id FROM conversations WHERE pinned_at IS NOT NULL")}

    @_locked
    def list_unpinned_conversations(self, limit: int | None = None, offset: int = 0) -> list[Conversation]:
        """The conversations not pinned, the most recently updated first (the index on
        updated_at walks backwards; the few pinned rows are skipped on the way)."""
        rows = self._db.execute(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE pinned_at IS NULL "
            "ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [_conversation(row) for row in rows]

    @_locked
    def count_unpinned_conversations(self) -> int:
        return self._db.execute("SELECT count(*) FROM conversations WHERE pinned_at IS NULL").fetchone()[0]
