"""A DocumentLibrary that is imported and opened on first use, from whichever thread uses it first.

The window and the engine share one library from start-up on, but most sessions never attach a
document. Importing the package's modules (extraction, chunking, retrieval, planning) cost
≈ 15 ms of every start and opening its files (a SQLite index, two folders) touches the disk;
both now wait for the first call, which always comes from a worker thread (extraction, the
page preview, planning a turn's documents).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_chat.documents.library import DocumentLibrary

__all__ = ["LazyDocumentLibrary"]


class LazyDocumentLibrary:
    """Stands for `DocumentLibrary(data_dir)`: any attribute opens it (once, thread-safe)."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = Path(data_dir)
        self._lock = threading.Lock()
        self._library: DocumentLibrary | None = None
        self._closed = False

    def _open(self) -> DocumentLibrary:
        with self._lock:
            if self._library is None:
                if self._closed:
                    raise RuntimeError("the document library is closed")
                from desktop_chat.documents.library import DocumentLibrary

                self._library = DocumentLibrary(self._data_dir)
            return self._library

    def __getattr__(self, name: str) -> Any:
        # Only reached for what this class does not define itself: the library's own API.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._open(), name)

    @property
    def opened(self) -> bool:
        return self._library is not None

    def close(self) -> None:
        """Close the library if it was opened; afterwards it cannot be opened again."""
        with self._lock:
            self._closed = True
            if self._library is not None:
                self._library.close()
