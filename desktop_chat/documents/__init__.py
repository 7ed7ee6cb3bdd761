"""PDF extraction, chunking and retrieval (no Qt). Arrives with the PDF issue.

Only this package imports pymupdf, and only when a document is first opened (see ``_mupdf``).

    extract / extract_bytes        a file → ExtractedDocument (pages of text), in a worker thread
    ExtractionCache, BlobStore     text and original bytes by content hash, in the data dir
    chunk_pages                    page-aware passages for retrieval
    DocumentIndex.search           FTS5/BM25 over passages → Source (file, page, excerpt, text)
    plan_delivery                  native PDF, whole text or passages: the decision and its sentence
    render_page_png                a page image for the source preview
    DocumentLibrary                all of the above behind one object for the front end
"""

from desktop_chat.documents.cache import BlobStore, ExtractionCache
from desktop_chat.documents.chunking import Chunk, chunk_pages
from desktop_chat.documents.document import ExtractedDocument, TextQuality
from desktop_chat.documents.errors import (
    Cancelled,
    DamagedPdf,
    DocumentError,
    EmptyFile,
    FileMissing,
    FileTooLarge,
    FileUnreadable,
    NoReadablePages,
    NotAPdf,
    PasswordRequired,
    WrongPassword,
)
from desktop_chat.documents.extract import describe_content, extract, extract_bytes
from desktop_chat.documents.library import DocumentLibrary
from desktop_chat.documents.plan import DeliveryPlan, DocumentDelivery, plan_delivery
from desktop_chat.documents.render import render_page_png
from desktop_chat.documents.retrieval import DocumentIndex, Source, format_sources

__all__ = [
    "BlobStore",
    "Cancelled",
    "Chunk",
    "DamagedPdf",
    "DeliveryPlan",
    "DocumentDelivery",
    "DocumentError",
    "DocumentIndex",
    "DocumentLibrary",
    "EmptyFile",
    "ExtractedDocument",
    "ExtractionCache",
    "FileMissing",
    "FileTooLarge",
    "FileUnreadable",
    "NoReadablePages",
    "NotAPdf",
    "PasswordRequired",
    "Source",
    "TextQuality",
    "WrongPassword",
    "chunk_pages",
    "describe_content",
    "extract",
    "extract_bytes",
    "format_sources",
    "plan_delivery",
    "render_page_png",
]
