"""Bring a collection in line with its files and folders: resumable, cancellable, with progress.

One pass (``sync``):

1. scan the roots (a file as it is; a folder recursively, for PDFs and text/Markdown files,
   hidden entries skipped) and compare with what is stored. A file whose size and modification
   time are unchanged is not read; otherwise its SHA-256 decides: the same bytes are only
   re-dated, other bytes are re-indexed. Stored files that are gone are removed. A root that is
   missing (an unmounted drive) keeps its files and is reported, never taken as "all deleted";
2. each new or changed file is extracted and chunked, and its chunks and keywords committed in
   one transaction (state "chunked"); a file that cannot be read (damaged, password-protected,
   no text) is recorded as failed with the reason and the others go on;
3. its chunks are embedded in batches, each batch committed (``embedded = 1``) before the next.

So a pass killed at any point loses at most one batch: the next pass skips the files already
indexed and embeds only the chunks still pending. Cancelling (a ``threading.Event``) stops between
pages and between batches, and leaves the same resumable state.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_chat.documents.chunking import chunk_pages
from desktop_chat.documents.errors import Cancelled, DocumentError
from desktop_chat.documents.extraction import TEXT_SUFFIXES, extract_bytes, read_file
from desktop_chat.documents.kb.embedders import BATCH, Embedder
from desktop_chat.documents.kb.store import Collection, FileRow, KbStore
from desktop_chat.documents.kb.vectors import VectorBackend

__all__ = ["CHUNKING", "SUFFIXES", "IndexProgress", "SyncReport", "scan", "sync"]

SUFFIXES = frozenset({".pdf"}) | TEXT_SUFFIXES
# Smaller than the attachment chunks (800-1,200 tokens): a sentence embedding of a long passage
# is an average that matches nothing well; ≈ 150-300 tokens keeps one topic per vector.
CHUNKING = {"min_tokens": 150, "max_tokens": 300, "overlap_tokens": 30}


@dataclass(frozen=True)
class IndexProgress:
    """Where a pass is. ``eta`` is seconds left (None until something was done), estimated from
    the bytes of the files still to index and the speed so far."""

    phase: str  # "scanning", "reading", "embedding", "done"
    files_done: int
    files_total: int
    pages_done: int
    chunks_done: int
    current: str
    elapsed: float
    eta: float | None


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)  # files whose vectors were completed
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    missing_roots: list[str] = field(default_factory=list)
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    cancelled: bool = False


def scan(roots: Sequence[str]) -> tuple[list[Path], list[str]]:
    """The files the roots hold now (sorted, each once) and the roots that do not exist."""
    found: dict[str, Path] = {}
    missing: list[str] = []
    for root in roots:
        path = Path(root)
        if path.is_file():
            found[str(path)] = path
        elif path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES:
                        found[os.path.join(folder, name)] = Path(folder, name)
        else:
            missing.append(root)
    return [found[key] for key in sorted(found)], missing


def sync(
    store: KbStore,
    collection: Collection,
    embedder: Embedder,
    backend: VectorBackend,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[IndexProgress], None] | None = None,
) -> SyncReport:
    started = time.monotonic()
    report = SyncReport()
    cid = collection.id
    files, report.missing_roots = scan(collection.roots)
    stored = {row.path: row for row in store.files(cid)}
    current = {str(p) for p in files}
    under_missing = tuple(os.path.join(root, "") for root in report.missing_roots)

    for known in stored:
        if known not in current and not known.startswith(under_missing) and known not in report.missing_roots:
            backend.delete(store.remove_file(cid, known))
            report.removed.append(known)

    # What needs work: (path, stat) of new/changed files and files whose vectors are pending.
    todo: list[tuple[Path, os.stat_result]] = []
    for file in files:
        try:
            stat = file.stat()
        except OSError as exc:
            report.failed.append((str(file), f"“{file.name}” cannot be read ({exc.strerror or exc})."))
            continue
        row = stored.get(str(file))
        if row is not None and row.size == stat.st_size and row.mtime_ns == stat.st_mtime_ns \
                and row.state in ("indexed", "failed"):
            report.unchanged += 1
            continue
        todo.append((file, stat))

    meter = _Meter(started, sum(stat.st_size for _, stat in todo) or 1, len(todo), progress)
    try:
        for path, stat in todo:
            _check(cancel)
            meter.start_file(path, stat.st_size)
            _index_file(store, cid, stored.get(str(path)), path, stat, embedder, backend, report, meter, cancel)
            meter.finish_file()
    except Cancelled:
        report.cancelled = True
    report.seconds = time.monotonic() - started
    meter.emit("done")
    return report


def _index_file(store: KbStore, cid: int, previous: FileRow | None, path: Path, stat: os.stat_result, embedder: Embedder,
                backend: VectorBackend, report: SyncReport, meter: _Meter,
                cancel: threading.Event | None) -> None:
    key = str(path)
    try:
        data = read_file(path)
    except DocumentError as exc:
        backend.delete(store.mark_failed(cid, key, stat.st_size, stat.st_mtime_ns, "", exc.message))
        report.failed.append((key, exc.message))
        return
    digest = hashlib.sha256(data).hexdigest()
    if previous is not None and previous.sha256 == digest and previous.state != "failed":
        store.touch_file(previous.id, stat.st_size, stat.st_mtime_ns)  # same bytes, new date
        if previous.state == "indexed":
            report.unchanged += 1
            return
        file_id, resumed = previous.id, True
    else:
        meter.emit("reading")
        try:
            document = extract_bytes(data, path.name, sha256=digest, cancel=cancel,
                                     progress=lambda done, total: meter.pages(done, total))
        except DocumentError as exc:
            backend.delete(store.mark_failed(cid, key, stat.st_size, stat.st_mtime_ns, digest, exc.message))
            report.failed.append((key, exc.message))
            return
        chunks = chunk_pages(document.pages, **CHUNKING)
        if not chunks:
            reason = f"“{path.name}” has no text to index (a scan or pictures only?)."
            backend.delete(store.mark_failed(cid, key, stat.st_size, stat.st_mtime_ns, digest, reason))
            report.failed.append((key, reason))
            return
        _check(cancel)
        backend.delete(store.replace_file(cid, key, stat.st_size, stat.st_mtime_ns, digest,
                                          document.page_count, chunks))
        report.pages += document.page_count
        (report.updated if previous is not None else report.added).append(key)
        file_id, resumed = _file_id(store, cid, key), False
    pending = store.pending_chunks(file_id)
    meter.chunks_in_file = max(1, len(pending))
    meter.emit("embedding")
    for start in range(0, len(pending), BATCH):
        _check(cancel)
        batch = pending[start:start + BATCH]
        vectors = embedder.embed([text for _, text, _ in batch])
        ids = [chunk_id for chunk_id, _, _ in batch]
        payloads = [{"path": key, "file": path.name, "page": page, "text": text} for _, text, page in batch]
        backend.upsert(ids, vectors, payloads)
        if not backend.stores_locally:
            store.mark_embedded(cid, ids, None)
        report.chunks += len(batch)
        meter.embedded(len(batch))
    store.finish_file(file_id)
    if resumed:
        report.resumed.append(key)


def _file_id(store: KbStore, cid: int, path: str) -> int:
    return int(store.query("SELECT id FROM files WHERE collection_id = ? AND path = ?", (cid, path))[0][0])


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


class _Meter:
    """Turns file, page and batch steps into IndexProgress, at most every 0.1 s (plus phase changes)."""

    def __init__(self, started: float, total_bytes: int, files_total: int,
                 sink: Callable[[IndexProgress], None] | None) -> None:
        self.started = started
        self.total_bytes = total_bytes
        self.files_total = files_total
        self.sink = sink
        self.phase = "scanning"
        self.files_done = 0
        self.bytes_done = 0
        self.file_bytes = 0
        self.file_fraction = 0.0
        self.pages_done = 0
        self.chunks_done = 0
        self.chunks_in_file = 1
        self.embedded_in_file = 0
        self.current = ""
        self._last = 0.0
        self.emit()

    def start_file(self, path: Path, size: int) -> None:
        self.current, self.file_bytes, self.file_fraction, self.embedded_in_file = path.name, size, 0.0, 0

    def pages(self, done: int, total: int) -> None:
        self.pages_done += 1
        self.file_fraction = 0.3 * done / max(1, total)  # reading is ≈ a third of a file's time
        self.emit()

    def embedded(self, count: int) -> None:
        self.chunks_done += count
        self.embedded_in_file += count
        self.file_fraction = 0.3 + 0.7 * min(1.0, self.embedded_in_file / self.chunks_in_file)
        self.emit()

    def finish_file(self) -> None:
        self.files_done += 1
        self.bytes_done += self.file_bytes
        self.file_bytes, self.file_fraction = 0, 0.0
        self.emit(force=True)

    def emit(self, phase: str | None = None, force: bool = False) -> None:
        if phase is not None:
            self.phase = phase
        now = time.monotonic()
        if self.sink is None or (not force and phase is None and now - self._last < 0.1 and self.phase != "scanning"):
            return
        self._last = now
        elapsed = now - self.started
        done = self.bytes_done + self.file_bytes * self.file_fraction
        eta = None if done <= 0 or self.phase == "done" else elapsed * (self.total_bytes - done) / done
        self.sink(IndexProgress(self.phase, self.files_done, self.files_total, self.pages_done, self.chunks_done,
                                self.current, elapsed, eta))
