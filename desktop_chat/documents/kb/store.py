"""The knowledge bases' own SQLite file: collections, their files, chunks, keywords and vectors.

One file, ``<data dir>/knowledge.sqlite3``, beside the history (``chat.sqlite3`` belongs to the
``store`` package; ``documents.sqlite3`` is a disposable cache, while a collection is user data
that takes minutes to rebuild, so it gets its own file with WAL and a schema version).

* ``chunks`` carries ``collection_id`` itself (not only through ``files``) so that the keyword and
  vector searches filter one collection without a join per row;
* ``chunks.vector`` is the embedding as float32 bytes for the embedded backend (NULL until
  embedded); ``chunks.embedded`` is set once a chunk's vector is stored wherever the collection
  keeps its vectors (here or a server). Indexing commits per batch, so a killed process resumes
  with the chunks still at 0;
* ``collections.version`` is bumped by every change of a collection's chunks: the in-memory
  vector matrix (vectors.py) is rebuilt when it moves, also when another process (the CLI, the
  window's indexing worker) did the writing.

One connection shared by the threads behind a lock, as in the document index.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_chat.documents import _text
from desktop_chat.documents.chunking import Chunk

__all__ = ["Collection", "FileRow", "KbStore", "StoredChunk"]

_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Collection:
    id: int
    name: str
    embedder: dict[str, str]  # the EmbedderSpec as a dict (embedders.py)
    backend: dict[str, str]  # the VectorBackend settings (vectors.py): kind, url, …
    roots: tuple[str, ...]
    created_at: float
    version: int


@dataclass(frozen=True)
class FileRow:
    id: int
    path: str
    size: int
    mtime_ns: int
    sha256: str
    state: str  # "chunked" (vectors pending), "indexed", "failed"
    error: str
    pages: int
    chunks: int


@dataclass(frozen=True)
class StoredChunk:
    id: int
    file_id: int
    path: str
    sha256: str
    seq: int
    text: str
    tokens: int
    page_starts: tuple[tuple[int, int], ...]

    def as_chunk(self) -> Chunk:
        return Chunk(self.seq, self.text, self.tokens, self.page_starts)


class KbStore:
    def __init__(self, path: Path | str = ":memory:") -> None:
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=30.0)
        self._setup()

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> KbStore:
        return cls(Path(data_dir) / "knowledge.sqlite3")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("The knowledge base store is closed.")
        return self._conn

    def _setup(self) -> None:
        conn = self._db()
        if self.path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS collections (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                embedder TEXT NOT NULL,
                backend TEXT NOT NULL,
                roots TEXT NOT NULL DEFAULT '[]',
                created_at REAL NOT NULL,
                version INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS files (
                id INTEGER PRIMARY KEY,
                collection_id INTEGER NOT NULL,
                path TEXT NOT NULL,
                size INTEGER NOT NULL DEFAULT 0,
                mtime_ns INTEGER NOT NULL DEFAULT 0,
                sha256 TEXT NOT NULL DEFAULT '',
                state TEXT NOT NULL,
                error TEXT NOT NULL DEFAULT '',
                pages INTEGER NOT NULL DEFAULT 0,
                chunks INTEGER NOT NULL DEFAULT 0,
                UNIQUE (collection_id, path)
            );
            CREATE TABLE IF NOT EXISTS chunks (
                id INTEGER PRIMARY KEY,
                collection_id INTEGER NOT NULL,
                file_id INTEGER NOT NULL,
                seq INTEGER NOT NULL,
                page_starts TEXT NOT NULL,
                tokens INTEGER NOT NULL,
                text TEXT NOT NULL,
                embedded INTEGER NOT NULL DEFAULT 0,
                vector BLOB
            );
            CREATE INDEX IF NOT EXISTS chunks_by_file ON chunks (file_id, seq);
            CREATE INDEX IF NOT EXISTS chunks_by_collection ON chunks (collection_id, embedded);
            CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5 (
                body, tokenize = 'unicode61 remove_diacritics 2'
            );
            PRAGMA user_version = {_SCHEMA_VERSION};
            """
        )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._db()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db().execute(sql, params).fetchall()

    # -- collections --

    def create_collection(self, name: str, embedder: dict[str, str], backend: dict[str, str],
                          roots: Sequence[str]) -> Collection:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO collections (name, embedder, backend, roots, created_at) VALUES (?, ?, ?, ?, ?)",
                (name, json.dumps(embedder), json.dumps(backend), json.dumps(list(roots)), time.time()))
        found = self.collection(name)
        assert found is not None
        return found

    def collection(self, name: str) -> Collection | None:
        rows = self.query("SELECT id, name, embedder, backend, roots, created_at, version FROM collections "
                          "WHERE name = ?", (name,))
        return _collection(rows[0]) if rows else None

    def collections(self) -> list[Collection]:
        rows = self.query("SELECT id, name, embedder, backend, roots, created_at, version FROM collections "
                          "ORDER BY name COLLATE NOCASE")
        return [_collection(row) for row in rows]

    def set_roots(self, collection_id: int, roots: Sequence[str]) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE collections SET roots = ? WHERE id = ?", (json.dumps(list(roots)), collection_id))

    def set_embedder(self, collection_id: int, embedder: dict[str, str]) -> None:
        """A new embedder: every vector of the old one is dropped (never mix two models' vectors)."""
        with self.transaction() as conn:
            conn.execute("UPDATE collections SET embedder = ?, version = version + 1 WHERE id = ?",
                         (json.dumps(embedder), collection_id))
            conn.execute("UPDATE chunks SET embedded = 0, vector = NULL WHERE collection_id = ?", (collection_id,))
            conn.execute("UPDATE files SET state = 'chunked' WHERE collection_id = ? AND state = 'indexed'",
                         (collection_id,))

    def delete_collection(self, collection_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE collection_id = ?)",
                         (collection_id,))
            conn.execute("DELETE FROM chunks WHERE collection_id = ?", (collection_id,))
            conn.execute("DELETE FROM files WHERE collection_id = ?", (collection_id,))
            conn.execute("DELETE FROM collections WHERE id = ?", (collection_id,))

    def version(self, collection_id: int) -> int:
        rows = self.query("SELECT version FROM collections WHERE id = ?", (collection_id,))
        return int(rows[0][0]) if rows else -1

    # -- files --

    def files(self, collection_id: int) -> list[FileRow]:
        rows = self.query("SELECT id, path, size, mtime_ns, sha256, state, error, pages, chunks FROM files "
                          "WHERE collection_id = ? ORDER BY path", (collection_id,))
        return [FileRow(*row) for row in rows]

    def touch_file(self, file_id: int, size: int, mtime_ns: int) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE id = ?", (size, mtime_ns, file_id))

    def mark_failed(self, collection_id: int, path: str, size: int, mtime_ns: int, sha256: str,
                    error: str) -> list[int]:
        """The file could not be read: its old chunks go (their ids returned), the reason stays."""
        with self.transaction() as conn:
            removed = self._drop_chunks(conn, collection_id, path)
            conn.execute(
                "INSERT INTO files (collection_id, path, size, mtime_ns, sha256, state, error) "
                "VALUES (?, ?, ?, ?, ?, 'failed', ?) ON CONFLICT (collection_id, path) DO UPDATE SET "
                "size = excluded.size, mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, "
                "state = 'failed', error = excluded.error, pages = 0, chunks = 0",
                (collection_id, path, size, mtime_ns, sha256, error))
        return removed

    def replace_file(self, collection_id: int, path: str, size: int, mtime_ns: int, sha256: str,
                     pages: int, chunks: Sequence[Chunk]) -> list[int]:
        """Store a file's new chunks (state "chunked": vectors pending) in one transaction;
        returns the ids of the chunks it replaced (to delete from a vector server)."""
        bodies = [_text.index_text(chunk.text) for chunk in chunks]
        with self.transaction() as conn:
            removed = self._drop_chunks(conn, collection_id, path)
            conn.execute(
                "INSERT INTO files (collection_id, path, size, mtime_ns, sha256, state, error, pages, chunks) "
                "VALUES (?, ?, ?, ?, ?, 'chunked', '', ?, ?) ON CONFLICT (collection_id, path) DO UPDATE SET "
                "size = excluded.size, mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, state = 'chunked', "
                "error = '', pages = excluded.pages, chunks = excluded.chunks",
                (collection_id, path, size, mtime_ns, sha256, pages, len(chunks)))
            file_id = conn.execute("SELECT id FROM files WHERE collection_id = ? AND path = ?",
                                   (collection_id, path)).fetchone()[0]
            for chunk, body in zip(chunks, bodies):
                cursor = conn.execute(
                    "INSERT INTO chunks (collection_id, file_id, seq, page_starts, tokens, text) VALUES (?, ?, ?, ?, ?, ?)",
                    (collection_id, file_id, chunk.index, _encode_starts(chunk.page_starts), chunk.tokens, chunk.text))
                conn.execute("INSERT INTO chunks_fts (rowid, body) VALUES (?, ?)", (cursor.lastrowid, body))
            conn.execute("UPDATE collections SET version = version + 1 WHERE id = ?", (collection_id,))
        return removed

    def remove_file(self, collection_id: int, path: str) -> list[int]:
        with self.transaction() as conn:
            removed = self._drop_chunks(conn, collection_id, path)
            conn.execute("DELETE FROM files WHERE collection_id = ? AND path = ?", (collection_id, path))
        return removed

    @staticmethod
    def _drop_chunks(conn: sqlite3.Connection, collection_id: int, path: str) -> list[int]:
        row = conn.execute("SELECT id FROM files WHERE collection_id = ? AND path = ?", (collection_id, path)).fetchone()
        if row is None:
            return []
        ids = [r[0] for r in conn.execute("SELECT id FROM chunks WHERE file_id = ?", (row[0],))]
        conn.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE file_id = ?)", (row[0],))
        conn.execute("DELETE FROM chunks WHERE file_id = ?", (row[0],))
        if ids:
            conn.execute("UPDATE collections SET version = version + 1 WHERE id = ?", (collection_id,))
        return ids

    # -- chunks and vectors --

    def pending_chunks(self, file_id: int) -> list[tuple[int, str, int]]:
        """(id, text, first page) of a file's chunks whose vectors are not stored yet, in order."""
        return [(int(i), str(t), _decode_starts(s)[0][1]) for i, t, s in self.query(
            "SELECT id, text, page_starts FROM chunks WHERE file_id = ? AND embedded = 0 ORDER BY seq", (file_id,))]

    def mark_embedded(self, collection_id: int, ids: Sequence[int], vectors: Sequence[bytes] | None) -> None:
        """The vectors of *ids* are stored: here as float32 bytes (*vectors*), or on a server (None)."""
        with self.transaction() as conn:
            if vectors is None:
                conn.executemany("UPDATE chunks SET embedded = 1 WHERE id = ?", [(i,) for i in ids])
            else:
                conn.executemany("UPDATE chunks SET embedded = 1, vector = ? WHERE id = ?",
                                 list(zip(vectors, ids)))
            conn.execute("UPDATE collections SET version = version + 1 WHERE id = ?", (collection_id,))

    def finish_file(self, file_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE files SET state = 'indexed' WHERE id = ? AND NOT EXISTS "
                         "(SELECT 1 FROM chunks WHERE file_id = ? AND embedded = 0)", (file_id, file_id))

    def vectors(self, collection_id: int) -> tuple[list[int], bytes]:
        """Every stored vector of a collection: ids and their float32 bytes, concatenated."""
        with self._lock:
            rows = self._db().execute(
                "SELECT id, vector FROM chunks WHERE collection_id = ? AND embedded = 1 AND vector IS NOT NULL",
                (collection_id,)).fetchall()
        return [r[0] for r in rows], b"".join(r[1] for r in rows)

    def chunks_by_id(self, ids: Iterable[int]) -> dict[int, StoredChunk]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = self.query(
            f"SELECT c.id, c.file_id, f.path, f.sha256, c.seq, c.text, c.tokens, c.page_starts FROM chunks c "
            f"JOIN files f ON f.id = c.file_id WHERE c.id IN ({marks})", wanted)
        return {row[0]: StoredChunk(row[0], row[1], row[2], row[3], row[4], row[5], row[6], _decode_starts(row[7]))
                for row in rows}

    def keyword_search(self, collection_id: int, query: str, limit: int) -> list[tuple[int, float, str]]:
        """(chunk id, BM25 score — higher is better, snippet) for an FTS5 *query*, best first."""
        rows = self.query(
            f"""
            SELECT c.id, bm25(chunks_fts), snippet(chunks_fts, 0, '{_HIT}', '{_HIT_END}', '…', 32)
            FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
            WHERE chunks_fts MATCH ? AND c.collection_id = ?
            ORDER BY bm25(chunks_fts) LIMIT ?
            """, (query, collection_id, limit))
        return [(int(i), -float(rank), str(snippet)) for i, rank, snippet in rows]

    def counts(self, collection_id: int) -> dict[str, int]:
        files = self.query("SELECT state, count(*), sum(pages) FROM files WHERE collection_id = ? GROUP BY state",
                           (collection_id,))
        chunks = self.query("SELECT count(*), sum(embedded) FROM chunks WHERE collection_id = ?", (collection_id,))
        out = {"indexed": 0, "chunked": 0, "failed": 0, "pages": 0}
        for state, count, pages in files:
            out[state] = int(count)
            out["pages"] += int(pages or 0)
        out["chunks"] = int(chunks[0][0] or 0)
        out["embedded"] = int(chunks[0][1] or 0)
        return out


_HIT = "\x02"
_HIT_END = "\x03"


def _collection(row: tuple[Any, ...]) -> Collection:
    cid, name, embedder, backend, roots, created_at, version = row
    return Collection(cid, name, json.loads(embedder), json.loads(backend), tuple(json.loads(roots)),
                      created_at, version)


def _encode_starts(starts: tuple[tuple[int, int], ...]) -> str:
    return " ".join(f"{offset}:{page}" for offset, page in starts)


def _decode_starts(value: str) -> tuple[tuple[int, int], ...]:
    pairs = (item.split(":") for item in value.split())
    return tuple((int(offset), int(page)) for offset, page in pairs)
