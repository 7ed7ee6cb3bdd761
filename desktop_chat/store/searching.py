"""Full-text search over every message (every version of every branch), for the Store.

:class:`SearchMixin` is part of :class:`~desktop_chat.store.database.Store`.
"""

from __future__ import annotations

from typing import NamedTuple

from desktop_chat.domain.messages import Conversation
from desktop_chat.store import search_text
from desktop_chat.store.rows import _CONVERSATION_COLUMNS, StorePart, _conversation, _locked

__all__ = ["SearchHit", "SearchMixin"]

_SNIPPET_TOKENS = 24  # each CJK character is a token, so this is also ~24 Chinese characters
_RANK_WINDOW = 1000


class SearchHit(NamedTuple):
    """One message that matched a search.

    ``snippet`` is a short excerpt around the match in which each matched term is wrapped in
    :data:`~desktop_chat.store.search_text.HIGHLIGHT_START` / ``HIGHLIGHT_END`` (control
    characters that never occur in text); escape the snippet for display, then replace them.
    """

    conversation_id: str
    conversation_title: str
    message_id: str
    snippet: str

    @property
    def plain_snippet(self) -> str:
        """The snippet without highlight marks."""
        return self.snippet.replace(search_text.HIGHLIGHT_START, "").replace(search_text.HIGHLIGHT_END, "")


class SearchMixin(StorePart):
    # -- search -----------------------------------------------------------------------------

    @_locked
    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Messages matching *query* (every term; CJK as substrings), best first (bm25).

        When more than ``_RANK_WINDOW`` (1,000) messages match, the ranking is among the most
        recently stored 1,000 of them: a bounded cost, and for a word that common, recent is
        what the user is after.
        """
        match = search_text.match_query(query)
        if match is None or limit <= 0:
            return []
        # bm25 has to score every match before it can sort, ~3 µs each: a common word in 100,000
        # messages would take a quarter of a second. So rank only the newest _RANK_WINDOW
        # matches (finding where they start walks the index in rowid order, which is cheap).
        oldest = self._db.execute(
            "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (match, _RANK_WINDOW - 1),
        ).fetchone()
        # Rank and cut inside the FTS table first, so snippets and joins are made for the top
        # `limit` rows only.
        rows = self._db.execute(
            """
            WITH hits AS (
                SELECT rowid, rank, snippet(messages_fts, 0, ?, ?, '…', ?) AS snippet
                FROM messages_fts WHERE messages_fts MATCH ? AND rowid >= ? ORDER BY rank LIMIT ?
            )
            SELECT m.conversation_id, c.title, m.id, hits.snippet
            FROM hits
            JOIN messages m ON m.num = hits.rowid
            JOIN conversations c ON c.id = m.conversation_id
            ORDER BY hits.rank
            """,
            (search_text.HIGHLIGHT_START, search_text.HIGHLIGHT_END, _SNIPPET_TOKENS, match,
             oldest[0] if oldest else 0, limit),
        )
        return [
            SearchHit(cid, title, mid, search_text.clean_snippet(snippet))
            for cid, title, mid, snippet in rows
        ]

    @_locked
    def search_conversations(self, query: str, limit: int | None = None) -> list[Conversation]:
        """Conversations with at least one message matching *query*, newest-updated first."""
        match = search_text.match_query(query)
        if match is None:
            return []
        rows = self._db.execute(
            f"""
            SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id IN (
                SELECT m.conversation_id FROM messages_fts
                JOIN messages m INDEXED BY messages_conversation_by_num ON m.num = messages_fts.rowid
                WHERE messages_fts MATCH ?
            )
            ORDER BY updated_at DESC, id DESC LIMIT ?
            """,
            (match, -1 if limit is None else limit),
        )
        return [_conversation(row) for row in rows]
