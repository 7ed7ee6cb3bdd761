"""Where a collection keeps its vectors, behind one interface: here, or a vector database server.

    sqlite   (default) float32 bytes in ``knowledge.sqlite3`` beside the chunks, searched exactly
             with numpy over an in-memory matrix. Why not sqlite-vec: measured here, exact search
             over 100,000 rows took ≈ 12-17 ms with numpy against ≈ 57 ms with sqlite-vec 0.1.9,
             and sqlite-vec needs a sqlite3 that loads extensions (the pyenv Pythons cannot). The
             cost is memory while a collection is searched: 2 KB per chunk (512 float32), i.e.
             ≈ 200 MB for 100,000 chunks — nothing while no collection is in use, since the matrix
             is built on the first query and the window does not import this module at start.
    qdrant   qdrant-client (optional extra ``vectors``): a server (URL + key) or its embedded mode
             (a folder, or ":memory:") — no Qdrant server can be installed from the registries.
    chroma   a Chroma server (``chroma run``) over its REST API v2 with httpx: the official
             client would pull its heavy dependencies into the app.

The chunk texts and the keyword index always stay in the local SQLite file (the keyword half of
hybrid retrieval needs them, and the sources list shows them); a server holds the vectors with
the file, page and text as payload, keyed by the local chunk id. Scores are cosine similarities
(the vectors are unit length), higher is better, on every backend.
"""

from __future__ import annotations

import atexit
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from desktop_chat.documents.kb.errors import KbError, ServerUnreachable
from desktop_chat.documents.kb.store import KbStore

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]

__all__ = ["BACKENDS", "ChromaVectors", "LocalVectors", "QdrantVectors", "VectorBackend", "open_backend"]

BACKENDS = ("sqlite", "qdrant", "chroma")


class VectorBackend(Protocol):
    """*payloads* go with the vectors to a server (the file, page and text), for its own users."""

    stores_locally: bool

    def upsert(self, ids: Sequence[int], vectors: Vectors, payloads: Sequence[dict[str, Any]]) -> None: ...
    def delete(self, ids: Sequence[int]) -> None: ...
    def search(self, vector: Vectors, k: int) -> list[tuple[int, float]]: ...
    def drop(self) -> None: ...


class LocalVectors:
    """Vectors in the collection's own SQLite rows; an exact numpy search over all of them."""

    stores_locally = True
    _cache: dict[tuple[str, int], tuple[int, Any, Any]] = {}  # (db, collection) -> (version, ids, matrix)
    _cache_lock = threading.Lock()

    def __init__(self, store: KbStore, collection_id: int) -> None:
        self.store = store
        self.collection_id = collection_id

    def upsert(self, ids: Sequence[int], vectors: Vectors, payloads: Sequence[dict[str, Any]]) -> None:
        self.store.mark_embedded(self.collection_id, ids, [row.tobytes() for row in vectors])

    def delete(self, ids: Sequence[int]) -> None:
        pass  # the rows went with their chunks

    def drop(self) -> None:
        with self._cache_lock:
            self._cache.pop((str(self.store.path), self.collection_id), None)

    def matrix(self) -> tuple[Any, Any]:
        """(ids, matrix) of the collection, rebuilt when its version moved (any process wrote)."""
        import numpy as np

        key = (str(self.store.path), self.collection_id)
        version = self.store.version(self.collection_id)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] == version:
                return cached[1], cached[2]
        ids, blob = self.store.vectors(self.collection_id)
        id_array = np.asarray(ids, dtype=np.int64)
        matrix = np.frombuffer(blob, dtype=np.float32).reshape(len(ids), -1) if ids else np.zeros((0, 0), np.float32)
        with self._cache_lock:
            self._cache[key] = (version, id_array, matrix)
        return id_array, matrix

    def search(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        import numpy as np

        ids, matrix = self.matrix()
        if len(ids) == 0 or k <= 0:
            return []
        if matrix.shape[1] != vector.shape[-1]:
            raise KbError("This knowledge base's vectors come from another embedding model: "
                          "run `desktop-chat kb update` to index it again.")
        scores = matrix @ vector.reshape(-1)
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(ids[i]), float(scores[i])) for i in top]


def server_collection_name(collection_id: int, name: str) -> str:
    """A name every server accepts (Chroma: 3-512 of [A-Za-z0-9._-], starting and ending alphanumeric)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:40] or "kb"
    return f"desktop-chat-{collection_id}-{slug}"


_EMBEDDED: dict[str, Any] = {}
_EMBEDDED_LOCK = threading.Lock()


def _close_embedded() -> None:
    """At exit, while Python can still import: qdrant-client's own __del__ would close them
    after module teardown and print an ImportError on every exit."""
    with _EMBEDDED_LOCK:
        for client in _EMBEDDED.values():
            try:
                client.close()
            except Exception:  # noqa: BLE001 - leaving anyway
                pass
        _EMBEDDED.clear()


class QdrantVectors:
    stores_locally = False

    def __init__(self, name: str, *, url: str = "", path: str = "", api_key: str | None = None) -> None:
        try:
            from qdrant_client import QdrantClient
        except ImportError:
            raise KbError("Qdrant support is not installed: pip install 'desktop-chat[vectors]'.") from None
        self.name = name
        self.url = url or path or ":memory:"
        if url:
            self.client = QdrantClient(url=url, api_key=api_key, timeout=30, check_compatibility=False)
        else:
            # Embedded mode locks its folder: one client per folder and process.
            key = path or ":memory:"
            with _EMBEDDED_LOCK:
                if not _EMBEDDED:
                    atexit.register(_close_embedded)
                if key not in _EMBEDDED:
                    _EMBEDDED[key] = QdrantClient(location=":memory:") if key == ":memory:" else QdrantClient(path=key)
                self.client = _EMBEDDED[key]
        self._exists: bool | None = None

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KbError:
            raise
        except Exception as exc:  # qdrant-client raises httpx/grpc/its own errors by transport
            if _unreachable(exc):
                raise ServerUnreachable(f"Could not reach the Qdrant server at {self.url} ({what}). "
                                        "Check the address in Settings and that the server is running.") from None
            raise KbError(f"The Qdrant server at {self.url} refused to {what}: {exc}") from None

    def _ensure(self, dimensions: int) -> None:
        from qdrant_client import models

        if self._exists is None:
            self._exists = bool(self._call("look up the collection", self.client.collection_exists, self.name))
        if not self._exists:
            self._call("create the collection", self.client.create_collection, self.name,
                       vectors_config=models.VectorParams(size=dimensions, distance=models.Distance.COSINE))
            self._exists = True

    def upsert(self, ids: Sequence[int], vectors: Vectors, payloads: Sequence[dict[str, Any]]) -> None:
        from qdrant_client import models

        if not ids:
            return
        self._ensure(int(vectors.shape[1]))
        points = [models.PointStruct(id=int(i), vector=v.tolist(), payload=p) for i, v, p in zip(ids, vectors, payloads)]
        self._call("store vectors", self.client.upsert, self.name, points=points, wait=True)

    def delete(self, ids: Sequence[int]) -> None:
        from qdrant_client import models

        if ids and self._call("look up the collection", self.client.collection_exists, self.name):
            self._call("delete vectors", self.client.delete, self.name,
                       points_selector=models.PointIdsList(points=[int(i) for i in ids]), wait=True)

    def search(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        if not self._call("look up the collection", self.client.collection_exists, self.name):
            return []
        result = self._call("search", self.client.query_points, self.name, query=vector.reshape(-1).tolist(), limit=k)
        return [(int(point.id), float(point.score)) for point in result.points]

    def check(self) -> None:
        """Raises ServerUnreachable/KbError unless the server answers (Settings' Check connection)."""
        self._call("answer", self.client.get_collections)

    def drop(self) -> None:
        if self._call("look up the collection", self.client.collection_exists, self.name):
            self._call("delete the collection", self.client.delete_collection, self.name)
        self._exists = False


class ChromaVectors:
    """A Chroma server over REST API v2 (tenant and database: Chroma's defaults)."""

    stores_locally = False

    def __init__(self, name: str, url: str, api_key: str | None = None,
                 tenant: str = "default_tenant", database: str = "default_database") -> None:
        self.name = name
        self.url = url.rstrip("/")
        self.base = f"{self.url}/api/v2/tenants/{tenant}/databases/{database}/collections"
        self.headers = {"x-chroma-token": api_key} if api_key else {}
        self._id: str | None = None

    def _request(self, what: str, method: str, url: str, body: Any = None) -> Any:
        import httpx

        try:
            response = httpx.request(method, url, json=body, headers=self.headers, timeout=30.0)
        except httpx.HTTPError:
            raise ServerUnreachable(f"Could not reach the Chroma server at {self.url} ({what}). "
                                    "Check the address in Settings and that `chroma run` is running.") from None
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise KbError(f"The Chroma server at {self.url} refused to {what} ({response.status_code}: "
                          f"{' '.join(response.text.split())[:200]}).")
        return response.json() if response.content else {}

    def _collection_id(self, create: bool) -> str | None:
        if self._id is None:
            if create:
                body = self._request("create the collection", "POST", self.base,
                                     {"name": self.name, "get_or_create": True})
            else:
                body = self._request("look up the collection", "GET", f"{self.base}/{self.name}")
            self._id = body["id"] if body else None
        return self._id

    def upsert(self, ids: Sequence[int], vectors: Vectors, payloads: Sequence[dict[str, Any]]) -> None:
        if not ids:
            return
        cid = self._collection_id(create=True)
        self._request("store vectors", "POST", f"{self.base}/{cid}/upsert", {
            "ids": [str(i) for i in ids],
            "embeddings": vectors.tolist(),
            "documents": [str(p.get("text", "")) for p in payloads],
            "metadatas": [{k: v for k, v in p.items() if k != "text"} for p in payloads],
        })

    def delete(self, ids: Sequence[int]) -> None:
        cid = self._collection_id(create=False)
        if ids and cid:
            self._request("delete vectors", "POST", f"{self.base}/{cid}/delete", {"ids": [str(i) for i in ids]})

    def search(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        cid = self._collection_id(create=False)
        if not cid:
            return []
        body = self._request("search", "POST", f"{self.base}/{cid}/query", {
            "query_embeddings": [vector.reshape(-1).tolist()], "n_results": k, "include": ["distances"]})
        ids, distances = body["ids"][0], body["distances"][0]
        # Chroma's default space is squared L2; for unit vectors cosine = 1 - d/2.
        return [(int(i), 1.0 - float(d) / 2.0) for i, d in zip(ids, distances)]

    def check(self) -> None:
        """Raises ServerUnreachable/KbError unless the server answers (Settings' Check connection)."""
        self._request("answer", "GET", f"{self.url}/api/v2/heartbeat")

    def drop(self) -> None:
        if self._collection_id(create=False):
            self._request("delete the collection", "DELETE", f"{self.base}/{self.name}")
        self._id = None


def open_backend(store: KbStore, collection_id: int, name: str, settings: dict[str, str],
                 api_key: str | None = None) -> VectorBackend:
    kind = settings.get("kind", "sqlite")
    if kind == "sqlite":
        return LocalVectors(store, collection_id)
    server_name = server_collection_name(collection_id, name)
    if kind == "qdrant":
        return QdrantVectors(server_name, url=settings.get("url", ""), path=settings.get("path", ""), api_key=api_key)
    if kind == "chroma":
        if not settings.get("url"):
            raise KbError("A Chroma knowledge base needs the server's URL, e.g. http://127.0.0.1:8000.")
        return ChromaVectors(server_name, settings["url"], api_key)
    raise KbError(f"Unknown vector store {kind!r} (one of {', '.join(BACKENDS)}).")


def _unreachable(exc: BaseException) -> bool:
    name = type(exc).__name__
    return any(word in name for word in ("Connect", "Timeout", "Unavailable")) or "Connection refused" in str(exc)
