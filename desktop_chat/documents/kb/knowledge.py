"""The knowledge bases behind one object, for the CLI, the engine and the window's worker.

    create / add / remove / rename-free        named collections of files and folders
    sync(name, cancel, progress)               index what changed (indexing.py), resumable
    search(name, question, k, mode)            hybrid retrieval (hybrid.py) → Source with found_by
    set_embedder(name, spec)                   another model: every vector is recomputed
    infos()                                    collections with their counts, for lists

Everything here blocks (SQLite, files, the embedder): front ends call it from a worker thread
or process. *key_for(collection, purpose)* answers the key for "embedder" (an OpenAI-compatible
endpoint) or "server" (Qdrant/Chroma): the chat layer reads the keyring, this package never does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_chat.documents.kb.embedders import Embedder, EmbedderSpec, make_embedder, needs_key
from desktop_chat.documents.kb.errors import CollectionExists, KbError, NoSuchCollection
from desktop_chat.documents.kb.hybrid import hybrid_search
from desktop_chat.documents.kb.indexing import IndexProgress, SyncReport, sync
from desktop_chat.documents.kb.store import Collection, KbStore
from desktop_chat.documents.kb.vectors import BACKENDS, VectorBackend, open_backend
from desktop_chat.documents.retrieval import Source

__all__ = ["CollectionInfo", "KeyLookup", "KnowledgeBases"]

KeyLookup = Callable[[Collection, str], "str | None"]


@dataclass(frozen=True)
class CollectionInfo:
    collection: Collection
    files: int  # indexed
    pending: int  # read, vectors not all stored (an interrupted pass)
    failed: int
    pages: int
    chunks: int

    @property
    def name(self) -> str:
        return self.collection.name


class KnowledgeBases:
    def __init__(self, store: KbStore, *, key_for: KeyLookup | None = None,
                 embedder_factory: Callable[[EmbedderSpec, str | None], Embedder] = make_embedder) -> None:
        self.store = store
        self.key_for = key_for or (lambda _collection, _purpose: None)
        self.embedder_factory = embedder_factory
        self._backends: dict[tuple[int, str], VectorBackend] = {}
        self._lock = threading.Lock()

    @classmethod
    def in_data_dir(cls, data_dir: Path, **kwargs: object) -> KnowledgeBases:
        return cls(KbStore.in_data_dir(data_dir), **kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        self.store.close()

    # -- collections --

    def create(self, name: str, paths: Sequence[str | Path], *, embedder: EmbedderSpec | None = None,
               backend: dict[str, str] | None = None) -> Collection:
        name = name.strip()
        if not name:
            raise KbError("A knowledge base needs a name.")
        if self.store.collection(name) is not None:
            raise CollectionExists(name)
        backend = backend or {"kind": "sqlite"}
        if backend.get("kind") not in BACKENDS:
            raise KbError(f"Unknown vector store {backend.get('kind')!r} (one of {', '.join(BACKENDS)}).")
        return self.store.create_collection(name, (embedder or EmbedderSpec()).to_dict(), backend,
                                            _roots(paths))

    def get(self, name: str) -> Collection:
        found = self.store.collection(name)
        if found is None:
            raise NoSuchCollection(name)
        return found

    def add(self, name: str, paths: Sequence[str | Path]) -> Collection:
        collection = self.get(name)
        self.store.set_roots(collection.id, list(dict.fromkeys([*collection.roots, *_roots(paths)])))
        return self.get(name)

    def remove(self, name: str) -> None:
        collection = self.get(name)
        backend = self.backend(collection)
        if not backend.stores_locally:
            backend.drop()
        self.store.delete_collection(collection.id)
        with self._lock:
            self._backends.pop((collection.id, collection.backend.get("kind", "")), None)

    def set_embedder(self, name: str, spec: EmbedderSpec) -> Collection:
        collection = self.get(name)
        if EmbedderSpec.from_dict(collection.embedder).identity != spec.identity:
            backend = self.backend(collection)
            if not backend.stores_locally:
                backend.drop()  # the server's vectors are the old model's
            self.store.set_embedder(collection.id, spec.to_dict())
        return self.get(name)

    def check_server(self, name: str) -> None:
        """Ask *name*'s vector server whether it answers: ServerUnreachable/KbError if not; nothing
        to ask for a collection kept on this computer."""
        backend = self.backend(self.get(name))
        check = getattr(backend, "check", None)
        if check is not None:
            check()

    def infos(self) -> list[CollectionInfo]:
        out = []
        for collection in self.store.collections():
            counts = self.store.counts(collection.id)
            out.append(CollectionInfo(collection, counts["indexed"], counts["chunked"], counts["failed"],
                                      counts["pages"], counts["chunks"]))
        return out

    def names(self) -> list[str]:
        return [c.name for c in self.store.collections()]

    # -- parts --

    def embedder(self, collection: Collection) -> Embedder:
        spec = EmbedderSpec.from_dict(collection.embedder)
        return self.embedder_factory(spec, self.key_for(collection, "embedder") if needs_key(spec) else None)

    def backend(self, collection: Collection) -> VectorBackend:
        key = (collection.id, collection.backend.get("kind", "sqlite"))
        with self._lock:
            if key not in self._backends:
                server_key = None if key[1] == "sqlite" else self.key_for(collection, "server")
                self._backends[key] = open_backend(self.store, collection.id, collection.name,
                                                   collection.backend, server_key)
            return self._backends[key]

    # -- work --

    def sync(self, name: str, *, cancel: threading.Event | None = None,
             progress: Callable[[IndexProgress], None] | None = None) -> SyncReport:
        collection = self.get(name)
        return sync(self.store, collection, self.embedder(collection), self.backend(collection),
                    cancel=cancel, progress=progress)

    def search(self, name: str, question: str, k: int = 6, *, mode: str = "hybrid") -> list[Source]:
        collection = self.get(name)
        return hybrid_search(self.store, collection.id, self.embedder(collection), self.backend(collection),
                             question, k, mode=mode)


def _roots(paths: Sequence[str | Path]) -> list[str]:
    return [str(Path(p).expanduser().resolve()) for p in paths]
