"""The composition root: the one place that wires the engine's parts from settings and a store.

The window, the command line and the benchmarks each used to build a ChatEngine themselves, with
different wiring (the window asked its Ollama panel and built-in model controller for context
lengths, the benchmarks asked nobody). Now they all build :class:`AppServices`, which gives them:

- ``conversations``: the conversation service (chat/conversations.py), built at once (it is a thin
  layer over the store);
- ``documents``: the document library shared by the engine and the front end;
- ``pool`` and ``engine``: the providers and the chat engine, imported and built on first use,
  because the window must show its conversations before paying for them (≈ 15-20 ms of imports).

Context lookups (how many tokens of context a model runs with: chat/context.py) default to
Ollama's and the built-in engine's; a front end that already has those objects (the window's
Ollama panel caches Ollama's answers) passes its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_chat.chat.conversations import ConversationService
from desktop_chat.config import Settings
from desktop_chat.store import Store

if TYPE_CHECKING:
    from desktop_chat.chat.context import ContextLookup
    from desktop_chat.chat.engine import ChatEngine
    from desktop_chat.chat.pool import ProviderPool

__all__ = ["AppServices"]


class AppServices:
    """Settings + store → conversation service, document library, provider pool, chat engine."""

    def __init__(self, store: Store, settings: Settings, *, documents: Any = None,
                 data_dir: Path | None = None,
                 context_lookups: Callable[[], Sequence[ContextLookup | None]] | None = None) -> None:
        """*documents*: the DocumentLibrary to share (the front end then closes it); without one, a
        LazyDocumentLibrary in *data_dir* (default: the settings' data dir), opened on first use
        and closed by :meth:`aclose`. *context_lookups*: called when the engine is built, for the
        lookups to ask in turn; None: Ollama's and the built-in engine's, on this pool."""
        self.store = store
        self.settings = settings
        self.conversations = ConversationService(store)
        self._documents = documents
        self._owns_documents = documents is None
        self._data_dir = data_dir
        self._context_lookups = context_lookups
        self._pool: ProviderPool | None = None
        self._engine: ChatEngine | None = None

    @property
    def documents(self) -> Any:
        """The DocumentLibrary the engine plans attached documents with and the front end attaches
        files to (a LazyDocumentLibrary unless one was given)."""
        if self._documents is None:
            from desktop_chat.config import data_dir
            from desktop_chat.documents.lazy_library import LazyDocumentLibrary

            self._documents = LazyDocumentLibrary(self._data_dir or data_dir())
        return self._documents

    @property
    def pool(self) -> ProviderPool:
        """The providers (one client per endpoint, reused across turns)."""
        if self._pool is None:
            from desktop_chat.chat.pool import ProviderPool

            self._pool = ProviderPool(self.settings)
        return self._pool

    @property
    def engine_built(self) -> bool:
        """Whether :attr:`engine` exists yet (asking for it would build it)."""
        return self._engine is not None

    @property
    def engine(self) -> ChatEngine:
        """The chat engine, imported and built on first use."""
        if self._engine is None:
            from desktop_chat.chat.context import chain_lookups
            from desktop_chat.chat.engine import ChatEngine

            lookups = self._context_lookups() if self._context_lookups is not None else self._default_lookups()
            from desktop_chat.chat.tool_rounds import tool_box

            self._engine = ChatEngine(self.store, self.settings, pool=self.pool, documents=self.documents,
                                      context_lookup=chain_lookups(*lookups), tools=tool_box())
        return self._engine

    def _default_lookups(self) -> list[ContextLookup]:
        """Ollama's own context length (and the user's num_ctx), then the built-in engine's."""
        from desktop_chat.chat.local_models import LocalModels
        from desktop_chat.chat.ollama_admin import OllamaAdmin

        return [OllamaAdmin(self.pool, self.settings).lookup_context, LocalModels(self.settings).lookup_context]

    async def aclose(self) -> None:
        """Close the engine's providers (if built) and a document library this object opened."""
        try:
            if self._engine is not None:
                await self._engine.aclose()
            elif self._pool is not None:
                await self._pool.aclose()
        finally:
            if self._owns_documents and self._documents is not None:
                self._documents.close()
