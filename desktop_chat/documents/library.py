"""One object for the front end: attach a file, get its text, index it, find passages, re-send it.

    library = DocumentLibrary(config.data_dir())        # the caller passes the data dir (see below)
    doc = library.attach(path, password=..., cancel=event, progress=callback)   # worker thread
    plan = plan_delivery([doc], native_pdf=..., context_tokens=..., reserved_tokens=...)
    sources = library.search(plan.retrieval_hashes, question, plan.passages)
    pdf_bytes = library.original(doc.sha256)            # native PDF, preview, after the file moved

The data dir is passed in rather than read from ``desktop_chat.config``: the import contract keeps
``documents`` independent of its sibling ``config``, and it lets tests and other front ends put the
files wherever they like.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec

from desktop_chat.documents.cache import BlobStore, ExtractionCache
from desktop_chat.documents.document import ExtractedDocument, TextQuality
from desktop_chat.documents.errors import Cancelled
from desktop_chat.documents.extraction import Progress, extract_bytes, read_file, sha256_of
from desktop_chat.documents.retrieval import DEFAULT_K, DocumentIndex, Source

if TYPE_CHECKING:
    from desktop_chat.documents.images import PreparedImage

__all__ = ["DocumentLibrary"]

log = logging.getLogger(__name__)
_P = ParamSpec("_P")


class DocumentLibrary:
    def __init__(self, data_dir: Path) -> None:
        self.cache = ExtractionCache.in_data_dir(data_dir)
        self.blobs = BlobStore.in_data_dir(data_dir)
        self.index = DocumentIndex.in_data_dir(data_dir)

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> DocumentLibrary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def attach(
        self,
        path: Path | str,
        *,
        password: str | None = None,
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
        index: bool = True,
    ) -> ExtractedDocument:
        """Read, extract (or find in the cache), keep the original bytes and index *path*.

        Raises DocumentError or Cancelled. Runs in a worker thread; ``progress(done, total)``
        counts pages.
        """
        path = Path(path)
        data = read_file(path)
        return self.attach_bytes(data, path.name, password=password, cancel=cancel, progress=progress, index=index)

    def attach_bytes(
        self,
        data: bytes,
        file_name: str,
        *,
        password: str | None = None,
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
        index: bool = True,
    ) -> ExtractedDocument:
        digest = sha256_of(data)
        document = self.cache.get(digest, file_name)
        if document is None:
            document = extract_bytes(
                data, file_name, password=password, cancel=cancel, progress=progress, sha256=digest
            )
            _best_effort("cache the text of", file_name, self.cache.put, document)
        elif progress:
            progress(document.page_count, document.page_count)
        if document.kind == "pdf" and document.quality is TextQuality.NONE:
            document = self._read_scan(data, document, cancel, progress)
        # Without the stored copy the document can still be sent now, just not re-sent once the
        # original has moved: a full disk must not stop the user from attaching.
        _best_effort("keep a copy of", file_name, self.blobs.put, data, sha256=digest)
        if index and document.quality.usable:
            self.index.add(document, cancel=cancel)
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        return document

    def _read_scan(self, data: bytes, document: ExtractedDocument, cancel: threading.Event | None,
                   progress: Progress | None) -> ExtractedDocument:
        """A scanned PDF (no text layer) read by OCR where Tesseract is installed (documents/ocr.py);
        the result is cached like any extraction."""
        from desktop_chat.documents import ocr

        if not ocr.available():
            return document
        read = ocr.ocr_scanned_pdf(data, document, cancel=cancel, progress=progress)
        if read is not document:
            _best_effort("cache the text of", document.file_name, self.cache.put, read)
        return read

    def document(self, sha256: str, file_name: str | None = None, *, password: str | None = None) -> ExtractedDocument:
        """An attachment's text by hash: from the cache, else re-extracted from the stored bytes."""
        document = self.cache.get(sha256, file_name)
        if document is not None:
            return document
        data = self.blobs.get(sha256)
        document = extract_bytes(data, file_name or sha256[:12], password=password, sha256=sha256)
        _best_effort("cache the text of", document.file_name, self.cache.put, document)
        return document

    def attach_image(self, data: bytes, file_name: str) -> PreparedImage:
        """Clean an image (documents/images.py) and keep it by the hash of the clean bytes, which is
        what is sent and re-sent. Raises ImageError; OSError if it cannot be stored (an image that
        is not stored could not be sent again). Worker thread."""
        from desktop_chat.documents.images import prepare_image

        prepared = prepare_image(data, file_name)
        self.blobs.put(prepared.data, sha256=prepared.sha256)
        return prepared

    def original(self, sha256: str) -> bytes:
        """The attachment's original bytes (FileMissing if they are no longer stored)."""
        return self.blobs.get(sha256)

    def search(
        self,
        doc_hashes: Iterable[str],
        question: str,
        k: int = DEFAULT_K,
        *,
        names: Mapping[str, str] | None = None,
    ) -> list[Source]:
        return self.index.search(doc_hashes, question, k, names=names)


def _best_effort(
    what: str, file_name: str, action: Callable[_P, object], *args: _P.args, **kwargs: _P.kwargs
) -> None:
    try:
        action(*args, **kwargs)
    except OSError as exc:
        log.warning("could not %s %s: %s", what, file_name, exc)
