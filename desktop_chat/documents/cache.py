"""Content-addressed storage in the data dir: extracted text, and the original bytes.

Both are keyed by the SHA-256 of the file's bytes, so the same file dropped again — under another
name, from another folder — is found at once, and a conversation can re-send a PDF after the
original has been moved or deleted.

    <data dir>/cache/extracted/<sha256>.json.gz     ExtractionCache: ExtractedDocument as gzip'd JSON
    <data dir>/attachments/<sha[:2]>/<sha256>       BlobStore: the original bytes, as they were

Why gzip'd JSON files rather than SQLite for the text cache: an entry is written once and only
ever read whole; the files are immutable (same key, same content), so there is nothing to lock or
migrate, concurrent writers of the same entry are harmless (last atomic rename wins, both wrote
the same thing), and a damaged entry is one file to ignore and delete. Text compresses ≈ 3-4×.
The cache can be emptied by deleting the folder at any time. Every write goes to a temporary file
in the same folder, is flushed to disk, and is then renamed over the target: a crash leaves either
the old state or the new one, never half a file.

Note: the text of a password-protected PDF is cached like any other once it has been opened with
its password (``ExtractedDocument.encrypted`` tells them apart, should that policy change).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from pathlib import Path

from desktop_chat.atomic_file import atomic_write

from desktop_chat.documents.document import ExtractedDocument
from desktop_chat.documents.errors import FileMissing

__all__ = ["BlobStore", "ExtractionCache"]

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _check_key(sha256: str) -> str:
    # The key becomes a file name: never let anything but a hex digest near the file system.
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


class ExtractionCache:
    """Extracted documents by content hash."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> ExtractionCache:
        return cls(Path(data_dir) / "cache" / "extracted")

    def _path(self, sha256: str) -> Path:
        return self.directory / f"{_check_key(sha256)}.json.gz"

    def get(self, sha256: str, file_name: str | None = None) -> ExtractedDocument | None:
        """The cached extraction of these bytes (renamed to *file_name* if given), or None.

        An entry that cannot be read (damaged, or written by another extractor version) is a
        miss; a damaged one is deleted so it is rebuilt.
        """
        path = self._path(sha256)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("extraction cache entry %s unreadable: %s", path.name, exc)
            return None
        try:
            document = ExtractedDocument.from_dict(json.loads(gzip.decompress(raw)))
        except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
            log.info("discarding extraction cache entry %s: %s", path.name, exc)
            self.discard(sha256)
            return None
        if document.sha256 != sha256:
            self.discard(sha256)
            return None
        return document.renamed(file_name) if file_name else document

    def put(self, document: ExtractedDocument) -> None:
        data = json.dumps(document.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        # mtime=0: the same document always compresses to the same bytes.
        atomic_write(self._path(document.sha256), gzip.compress(data, compresslevel=6, mtime=0))

    def discard(self, sha256: str) -> None:
        try:
            self._path(sha256).unlink()
        except FileNotFoundError:
            pass


class BlobStore:
    """The original bytes of attachments, by content hash; immutable once written."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> BlobStore:
        return cls(Path(data_dir) / "attachments")

    def path(self, sha256: str) -> Path:
        _check_key(sha256)
        return self.directory / sha256[:2] / sha256

    def contains(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes, *, sha256: str | None = None) -> str:
        """Store *data*; returns its SHA-256. Storing the same bytes again costs a stat()."""
        digest = sha256 or hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if not target.is_file():
            atomic_write(target, data)
        return digest

    def get(self, sha256: str, *, verify: bool = False) -> bytes:
        """The stored bytes; FileMissing if they are not here (or, with *verify*, damaged)."""
        path = self.path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise FileMissing("The attachment's original file is no longer stored: attach it again.") from None
        if verify and hashlib.sha256(data).hexdigest() != sha256:
            raise FileMissing("The stored copy of the attachment is damaged: attach it again.")
        return data

    def delete(self, sha256: str) -> None:
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            pass
