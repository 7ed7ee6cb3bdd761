"""PDF extraction, chunking and retrieval (no Qt). Arrives with the PDF issue.

Only this package imports pymupdf, and only when a document is first opened (see ``_mupdf``).

    extract / extract_bytes        a file → ExtractedDocument (pages of text), in a worker thread
    ExtractionCache, BlobStore     text and original bytes by content hash, in the data dir
    chunk_pages                    page-aware passages for retrieval
    DocumentIndex.search           FTS5/BM25 over passages → Source (file, page, excerpt, text)
    plan_delivery                  native PDF, whole text or passages: the decision and its sentence
    render_page_png                a page image for the source preview
    DocumentLibrary                all of the above behind one object for the front end
    LazyDocumentLibrary            the same, imported and opened on first use (start-up)
    kb (sub-package)               knowledge bases: collections, resumable indexing, embeddings,
                                   hybrid retrieval (BM25 + vectors); see documents/kb/__init__.py
"""

import importlib
from typing import TYPE_CHECKING, Any

# Each public name and the module that defines it: imported on first use (PEP 562), so that
# importing one of them, or the package, does not load the rest (start-up time; see lazy_library).
# No submodule may share a public name: importing it would rebind the package's attribute.
_WHERE = {
    "BlobStore": "cache",
    "ExtractionCache": "cache",
    "Chunk": "chunking",
    "chunk_pages": "chunking",
    "ExtractedDocument": "document",
    "TextQuality": "document",
    "Cancelled": "errors",
    "DamagedPdf": "errors",
    "DocumentError": "errors",
    "EmptyFile": "errors",
    "FileMissing": "errors",
    "FileTooLarge": "errors",
    "FileUnreadable": "errors",
    "NoReadablePages": "errors",
    "NotAPdf": "errors",
    "PasswordRequired": "errors",
    "WrongPassword": "errors",
    "describe_content": "extraction",
    "extract": "extraction",
    "extract_bytes": "extraction",
    "DocumentLibrary": "library",
    "DeliveryPlan": "plan",
    "DocumentDelivery": "plan",
    "plan_delivery": "plan",
    "render_page_png": "render",
    "DocumentIndex": "retrieval",
    "Source": "retrieval",
    "format_sources": "retrieval",
    "LazyDocumentLibrary": "lazy_library",
}

if TYPE_CHECKING:
    from desktop_chat.documents.cache import BlobStore, ExtractionCache
    from desktop_chat.documents.chunking import Chunk, chunk_pages
    from desktop_chat.documents.document import ExtractedDocument, TextQuality
    from desktop_chat.documents.errors import (Cancelled, DamagedPdf, DocumentError, EmptyFile, FileMissing,
                                               FileTooLarge, FileUnreadable, NoReadablePages, NotAPdf,
                                               PasswordRequired, WrongPassword)
    from desktop_chat.documents.extraction import describe_content, extract, extract_bytes
    from desktop_chat.documents.library import DocumentLibrary
    from desktop_chat.documents.plan import DeliveryPlan, DocumentDelivery, plan_delivery
    from desktop_chat.documents.render import render_page_png
    from desktop_chat.documents.retrieval import DocumentIndex, Source, format_sources
    from desktop_chat.documents.lazy_library import LazyDocumentLibrary


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next lookup does not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


__all__ = sorted(_WHERE)
