"""Conversation storage: SQLite (WAL) with named migrations and full-text search that works for CJK.

Imports only the standard library and ``desktop_chat.domain``.
"""

from typing import TYPE_CHECKING, Any

from desktop_chat.store.database import UNSET, SearchHit, Store
from desktop_chat.store.migrations import (MIGRATIONS, Migration, StoreError, applied_migrations, migrate,
                                          pending_upgrade)
from desktop_chat.store.search_text import HIGHLIGHT_END, HIGHLIGHT_START

if TYPE_CHECKING:
    from desktop_chat.store.exchange import ImportResult, export_json, export_markdown, import_json

_EXCHANGE = ("ImportResult", "export_json", "export_markdown", "import_json")


def __getattr__(name: str) -> Any:
    """Import and export (the CLI, the settings dialog) load on first use: the window's start does not need them."""
    if name in _EXCHANGE:
        from desktop_chat.store import exchange

        return getattr(exchange, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    "pending_upgrade",
]
