"""Conversation storage: SQLite (WAL) with named migrations and full-text search that works for CJK.

Imports only the standard library and ``desktop_chat.domain``.
"""

from desktop_chat.store.database import UNSET, SearchHit, Store
from desktop_chat.store.exchange import ImportResult, export_json, export_markdown, import_json
from desktop_chat.store.migrations import MIGRATIONS, Migration, StoreError, applied_migrations, migrate
from desktop_chat.store.search_text import HIGHLIGHT_END, HIGHLIGHT_START

__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "MIGRATIONS",
    "UNSET",
    "ImportResult",
    "Migration",
    "SearchHit",
    "Store",
    "StoreError",
    "applied_migrations",
    "export_json",
    "export_markdown",
    "import_json",
    "migrate",
]
