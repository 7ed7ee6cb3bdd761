"""The one door to pymupdf: imported lazily, configured once, used under one lock.

PyMuPDF does not support being called from several threads at once ("may cause incorrect
behaviour or even crash Python itself", its multiprocessing recipe). Extraction runs in a worker
thread while the preview may render in another, so every call into it holds :data:`LOCK`.
Extraction takes the lock per page, so a preview waits for one page, not for a whole book.
"""

from __future__ import annotations

import threading
from types import ModuleType

LOCK = threading.RLock()
_module: ModuleType | None = None


def pymupdf() -> ModuleType:
    """Import pymupdf on first use (it costs ≈ 75 ms, so not at start-up) and silence its stderr.

    MuPDF prints errors and warnings for every damaged file it repairs; they are not for the user
    (our errors and warnings say what matters) and tests must print nothing.
    """
    global _module
    if _module is None:
        with LOCK:
            if _module is None:
                import pymupdf as module

                module.TOOLS.mupdf_display_errors(False)
                module.TOOLS.mupdf_display_warnings(False)
                _module = module
    return _module
