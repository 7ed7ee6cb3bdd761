"""Reading attached files off the GUI thread: a small queue in front of the DocumentLibrary.

Each file is a job with a key; `AttachmentLoader` runs at most CONCURRENCY jobs at once in
worker threads (`AsyncRunner.in_thread`), so dropping fifty files starts two extractions, not
fifty, and each chip still shows its own state. The extractor calls back from its worker
thread for every page: the loader passes on at most one update per PROGRESS_INTERVAL_S (and the
last one) to the GUI thread, so a 2,000-page file costs a few dozen repaints, not 2,000.

Removing a chip sets the job's cancel event: the extractor stops between two pages and raises
`Cancelled`, which is not reported (the user asked for it).

The library it reads with is the window's shared one (documents.LazyDocumentLibrary: imported
and opened on first use, in whichever worker thread needs it first).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_chat.documents import Cancelled, DocumentError, DocumentLibrary, ExtractedDocument, PasswordRequired
from desktop_chat.ui.runtime.async_runner import AsyncRunner

__all__ = ["CONCURRENCY", "AttachmentLoader"]

log = logging.getLogger(__name__)

CONCURRENCY = 2  # extractions at once: this is CPU work, and the GUI needs a core too
PROGRESS_INTERVAL_S = 0.1


@dataclass
class _Job:
    key: int
    file_name: str
    path: Path | None = None
    data: bytes | None = None
    password: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    task: asyncio.Task[Any] | None = None


class AttachmentLoader(QObject):
    """Extracts files in worker threads and reports by key. Every signal's first argument is the key."""

    started = Signal(int)  # a worker took the job (it was queued until then)
    progressed = Signal(int, int, int)  # pages done, pages in all
    finished = Signal(int, object)  # ExtractedDocument
    failed = Signal(int, object)  # DocumentError (PasswordRequired / WrongPassword included)

    def __init__(self, library: DocumentLibrary, runner: AsyncRunner, *, concurrency: int = CONCURRENCY,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.runner = runner
        self._concurrency = concurrency
        self._slots: asyncio.Semaphore | None = None  # made on first use, inside the running loop
        self._jobs: dict[int, _Job] = {}
        self._keys = itertools.count(1)

    # -- the queue ---------------------------------------------------------------------------------

    def add_path(self, path: Path) -> int:
        job = _Job(next(self._keys), Path(path).name, path=Path(path))
        return self._queue(job)

    def add_bytes(self, data: bytes, file_name: str) -> int:
        job = _Job(next(self._keys), file_name, data=data)
        return self._queue(job)

    def retry(self, key: int, password: str) -> None:
        """Read a password-protected file again with *password* (after PasswordRequired)."""
        job = self._jobs.get(key)
        if job is None:
            return
        job.password = password
        job.cancel = threading.Event()
        self._start(job)

    def cancel(self, key: int) -> None:
        job = self._jobs.pop(key, None)
        if job is None:
            return
        job.cancel.set()
        if job.task is not None and not job.task.done():
            job.task.cancel()  # queued: it never starts; running: the thread stops at the next page

    def cancel_all(self) -> None:
        for key in list(self._jobs):
            self.cancel(key)

    def forget(self, key: int) -> None:
        """The chip is done with this job (ready or failed): drop it, holding no bytes."""
        self._jobs.pop(key, None)

    def pending(self) -> int:
        return sum(1 for job in self._jobs.values() if job.task is not None and not job.task.done())

    # -- running -----------------------------------------------------------------------------------

    def _queue(self, job: _Job) -> int:
        self._jobs[job.key] = job
        self._start(job)
        return job.key

    def _start(self, job: _Job) -> None:
        job.task = self.runner.start(self._run(job), name=f"attach-{job.key}")

    async def _run(self, job: _Job) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._concurrency)
        async with self._slots:
            if self._jobs.get(job.key) is not job or job.cancel.is_set():
                return
            self.started.emit(job.key)
            report = self._progress_reporter(job)
            try:
                document = await self.runner.in_thread(self._extract, job, report)
            except Cancelled:
                return
            except DocumentError as exc:
                if self._jobs.get(job.key) is job:
                    if not isinstance(exc, PasswordRequired):
                        self._jobs.pop(job.key, None)
                    self.failed.emit(job.key, exc)
                return
            except Exception as exc:  # a bug in extraction must not leave a chip spinning forever
                log.exception("attaching %s failed", job.file_name)
                if self._jobs.pop(job.key, None) is job:
                    self.failed.emit(job.key, DocumentError(
                        f"“{job.file_name}” could not be read ({type(exc).__name__}).", file_name=job.file_name))
                return
        if self._jobs.get(job.key) is job and not job.cancel.is_set():
            self._jobs.pop(job.key, None)
            self.finished.emit(job.key, document)

    def _extract(self, job: _Job, progress: Any) -> ExtractedDocument:
        """Worker thread: read, extract (or find in the cache), keep and index the file."""
        if job.path is not None:
            return self.library.attach(job.path, password=job.password, cancel=job.cancel, progress=progress)
        assert job.data is not None
        return self.library.attach_bytes(job.data, job.file_name, password=job.password, cancel=job.cancel,
                                         progress=progress)

    def _progress_reporter(self, job: _Job) -> Any:
        """A progress callback for the worker thread that hops to the loop, throttled."""
        loop = asyncio.get_running_loop()
        last = [0.0]

        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if done < total and now - last[0] < PROGRESS_INTERVAL_S:
                return
            last[0] = now
            loop.call_soon_threadsafe(self._report, job, done, total)

        return report

    def _report(self, job: _Job, done: int, total: int) -> None:
        if self._jobs.get(job.key) is job and not job.cancel.is_set():
            self.progressed.emit(job.key, done, total)
