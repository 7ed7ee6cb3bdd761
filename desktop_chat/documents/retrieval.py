"""Find the passages of attached documents that answer a question: SQLite FTS5, ranked by BM25.

One database file, ``<data dir>/documents.sqlite3``, separate from the conversation database:

* a document is chunked and indexed once, keyed by the SHA-256 of its bytes, and stays indexed:
  asking again, re-opening the conversation, or attaching the same file to another conversation
  costs nothing (an in-memory index per document would redo the work after every start);
* it is a cache, not user data: it can be deleted at any time and is rebuilt on demand, so it
  needs no migrations beyond "drop and rebuild" (``CHUNKER_VERSION`` and the schema version), and
  it keeps the conversation database small and its backups meaningful;
* it is a separate file from ``chat.sqlite3`` because the ``store`` package owns that one.

Text is NFKC-normalised before it is indexed and before a question is turned into a query (so the
ligature "ﬂ" in a PDF and "fl" typed by the user meet), and CJK characters are indexed one per
token (see :mod:`desktop_chat.documents._text`). The query is built from words only, each quoted,
so no user text can be FTS5 syntax.

One connection is shared by all threads behind a lock, as in the conversation store: the UI
indexes in a worker thread and may search from another.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_chat.documents import _text
from desktop_chat.documents.chunking import CHUNKER_VERSION, Chunk, chunk_pages
from desktop_chat.documents.document import ExtractedDocument
from desktop_chat.documents.errors import Cancelled

__all__ = ["DEFAULT_K", "DocumentIndex", "Source", "format_sources"]

DEFAULT_K = 6
_SCHEMA_VERSION = 1
_SNIPPET_TOKENS = 32  # each CJK character is a token, so also ≈ 32 Chinese characters
_HIT = "\x02"
_HIT_END = "\x03"
_BATCH = 200


@dataclass(frozen=True)
class Source:
    """One retrieved passage.

    ``page`` is the page of the best match inside the passage (what the preview opens);
    ``first_page``/``last_page`` are the pages the passage spans. ``excerpt`` is a short plain
    extract around the match for the UI; ``text`` is the whole passage, for the model.
    ``score`` is BM25, higher is better (0.0 for passages chosen without a match).
    ``found_by`` says how a knowledge base found it: "words", "meaning" or "both" ("" here).
    """

    file_name: str
    doc_hash: str
    page: int
    excerpt: str
    score: float
    text: str
    first_page: int = 0
    last_page: int = 0
    chunk_index: int = 0
    tokens: int = 0
    found_by: str = ""


class DocumentIndex:
    """Chunks of documents in an FTS5 table. ``path=":memory:"`` gives a private in-memory index."""

    def __init__(self, path: Path | str = ":memory:") -> None:
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = self._connect()
        try:
            self._setup()
        except sqlite3.DatabaseError:
            if path == ":memory:":
                raise
            # Not a database (damaged, or something else under this name): it is only a cache,
            # so keep it aside for a post-mortem and start afresh.
            self._conn.close()
            Path(path).replace(Path(f"{path}.damaged"))
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self._conn = self._connect()
            self._setup()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=5.0)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> DocumentIndex:
        return cls(Path(data_dir) / "documents.sqlite3")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> DocumentIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema --

    def _setup(self) -> None:
        conn = self._db()
        if self.path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, _SCHEMA_VERSION):
            # A cache: anything we do not recognise is dropped and rebuilt on demand.
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'chunks_fts_%'").fetchall():
                conn.execute(f'DROP TABLE IF EXISTS "{name}"')
        conn.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS documents (
                doc_hash TEXT PRIMARY KEY,
                file_name TEXT NOT NULL,
                page_count INTEGER NOT NULL,
                chunk_count INTEGER NOT NULL,
                chunker_version INTEGER NOT NULL,
                indexed_at REAL NOT NULL
            );
            CREATE TABLE IF NOT EXISTS chunks (
                id INTEGER PRIMARY KEY,
                doc_hash TEXT NOT NULL REFERENCES documents (doc_hash) ON DELETE CASCADE,
                seq INTEGER NOT NULL,
                first_page INTEGER NOT NULL,
                last_page INTEGER NOT NULL,
                page_starts TEXT NOT NULL,
                tokens INTEGER NOT NULL,
                text TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks (doc_hash, seq);
            CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5 (
                body, tokenize = 'unicode61 remove_diacritics 2'
            );
            PRAGMA user_version = {_SCHEMA_VERSION};
            """
        )

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("The document index is closed.")
        return self._conn

    # -- indexing --

    def is_indexed(self, doc_hash: str) -> bool:
        with self._lock:
            row = self._db().execute(
                "SELECT chunker_version FROM documents WHERE doc_hash = ?", (doc_hash,)
            ).fetchone()
        return row is not None and row[0] == CHUNKER_VERSION

    def add(self, document: ExtractedDocument, *, cancel: threading.Event | None = None) -> int:
        """Chunk and index *document* unless it already is; returns its number of chunks.

        Chunking happens outside the lock (it is pure Python); the insert is one transaction, so
        a cancelled or crashed indexing leaves nothing half-indexed. Raises Cancelled.
        """
        with self._lock:
            row = self._db().execute(
                "SELECT chunk_count, chunker_version FROM documents WHERE doc_hash = ?", (document.sha256,)
            ).fetchone()
            if row is not None and row[1] == CHUNKER_VERSION:
                self._db().execute("UPDATE documents SET file_name = ? WHERE doc_hash = ?",
                                   (document.file_name, document.sha256))
                return int(row[0])
        chunks = chunk_pages(document.pages)
        prepared = []
        for number, chunk in enumerate(chunks):
            if cancel is not None and number % 32 == 0 and cancel.is_set():
                raise Cancelled()
            prepared.append((chunk, _text.index_text(chunk.text)))
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        with self._lock:
            conn = self._db()
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._delete(conn, document.sha256)
                conn.execute(
                    "INSERT INTO documents (doc_hash, file_name, page_count, chunk_count, chunker_version, indexed_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (document.sha256, document.file_name, document.page_count, len(chunks),
                     CHUNKER_VERSION, time.time()),
                )
                for chunk, body in prepared:
                    cursor = conn.execute(
                        "INSERT INTO chunks (doc_hash, seq, first_page, last_page, page_starts, tokens, text) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (document.sha256, chunk.index, chunk.first_page, chunk.last_page,
                         _encode_starts(chunk.page_starts), chunk.tokens, chunk.text),
                    )
                    conn.execute("INSERT INTO chunks_fts (rowid, body) VALUES (?, ?)", (cursor.lastrowid, body))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return len(chunks)

    def remove(self, doc_hash: str) -> None:
        with self._lock:
            conn = self._db()
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._delete(conn, doc_hash)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @staticmethod
    def _delete(conn: sqlite3.Connection, doc_hash: str) -> None:
        conn.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE doc_hash = ?)", (doc_hash,))
        conn.execute("DELETE FROM chunks WHERE doc_hash = ?", (doc_hash,))
        conn.execute("DELETE FROM documents WHERE doc_hash = ?", (doc_hash,))

    def chunks(self, doc_hash: str) -> list[Chunk]:
        """The stored chunks of a document, in order."""
        with self._lock:
            rows = self._db().execute(
                "SELECT seq, text, tokens, page_starts FROM chunks WHERE doc_hash = ? ORDER BY seq", (doc_hash,)
            ).fetchall()
        return [Chunk(seq, text, tokens, _decode_starts(starts)) for seq, text, tokens, starts in rows]

    # -- search --

    def search(
        self,
        doc_hashes: Iterable[str],
        question: str,
        k: int = DEFAULT_K,
        *,
        names: Mapping[str, str] | None = None,
        fallback_to_start: bool = True,
    ) -> list[Source]:
        """The *k* passages of the given documents that best match *question*, best first.

        *names* maps a hash to the file name to show (the name in this conversation); otherwise
        the name the document was last indexed under is used. When nothing matches (a question
        such as "summarise this" shares no word with the text) and *fallback_to_start* is set,
        the first *k* passages are returned with score 0, in document order: the opening of a
        document is the best guess for a question about the document as a whole.
        """
        hashes = list(dict.fromkeys(doc_hashes))
        if not hashes or k <= 0:
            return []
        query = _text.question_query(question)
        placeholders = ",".join("?" * len(hashes))
        sources: list[Source] = []
        with self._lock:
            conn = self._db()
            if query is not None:
                rows = conn.execute(
                    f"""
                    SELECT c.doc_hash, c.seq, c.text, c.tokens, c.page_starts, d.file_name,
                           bm25(chunks_fts) AS rank,
                           snippet(chunks_fts, 0, '{_HIT}', '{_HIT_END}', '…', {_SNIPPET_TOKENS})
                    FROM chunks_fts
                    JOIN chunks c ON c.id = chunks_fts.rowid
                    JOIN documents d ON d.doc_hash = c.doc_hash
                    WHERE chunks_fts MATCH ? AND c.doc_hash IN ({placeholders})
                    ORDER BY rank LIMIT ?
                    """,
                    (query, *hashes, k),
                ).fetchall()
                sources = [_source(row, names) for row in rows]
            if not sources and fallback_to_start:
                rows = conn.execute(
                    f"""
                    SELECT c.doc_hash, c.seq, c.text, c.tokens, c.page_starts, d.file_name, 0.0, NULL
                    FROM chunks c JOIN documents d ON d.doc_hash = c.doc_hash
                    WHERE c.doc_hash IN ({placeholders})
                    ORDER BY c.seq, d.rowid LIMIT ?
                    """,
                    (*hashes, k),
                ).fetchall()
                sources = [_source(row, names) for row in rows]
        return sources


def _source(row: tuple[Any, ...], names: Mapping[str, str] | None) -> Source:
    doc_hash, seq, text, tokens, starts, file_name, rank, snippet = row
    chunk = Chunk(seq, text, tokens, _decode_starts(starts))
    if snippet:
        excerpt, page = _locate(chunk, snippet)
    else:
        excerpt, page = _opening(text), chunk.first_page
    return Source(
        file_name=(names or {}).get(doc_hash, file_name),
        doc_hash=doc_hash,
        page=page,
        excerpt=excerpt,
        score=-float(rank) if rank else 0.0,  # FTS5's bm25() is "lower is better"
        text=text,
        first_page=chunk.first_page,
        last_page=chunk.last_page,
        chunk_index=seq,
        tokens=tokens,
    )


def _locate(chunk: Chunk, snippet: str) -> tuple[str, int]:
    """The plain excerpt, and the page on which its first matched term lies."""
    snippet = _text.clean_snippet(snippet)
    excerpt = " ".join(snippet.replace(_HIT, "").replace(_HIT_END, "").split())
    if chunk.first_page == chunk.last_page:
        return excerpt, chunk.first_page
    # The snippet is cut from the normalised text; find the matched term in each page's
    # normalised text, preferring the page holding the text right around it.
    term = snippet.split(_HIT, 1)[1].split(_HIT_END, 1)[0] if _HIT in snippet else ""
    context = snippet.replace(_HIT, "").replace(_HIT_END, "").strip("…").strip()
    segments = [(page, _text.normalize(text)) for page, text in chunk.page_segments()]
    for needle in (context, term):
        if needle:
            for page, text in segments:
                if needle in text:
                    return excerpt, page
    return excerpt, chunk.first_page


def _opening(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + " …"


def _encode_starts(starts: tuple[tuple[int, int], ...]) -> str:
    return " ".join(f"{offset}:{page}" for offset, page in starts)


def _decode_starts(value: str) -> tuple[tuple[int, int], ...]:
    pairs = (item.split(":") for item in value.split())
    return tuple((int(offset), int(page)) for offset, page in pairs)


def format_sources(sources: Iterable[Source]) -> str:
    """The passages as one block of text for the model, each headed by its file and pages."""
    blocks = []
    for number, source in enumerate(sources, 1):
        pages = (f"page {source.first_page}" if source.first_page == source.last_page
                 else f"pages {source.first_page}–{source.last_page}")
        blocks.append(f"[passage {number}: “{source.file_name}”, {pages}]\n{source.text}")
    return "\n\n".join(blocks)
