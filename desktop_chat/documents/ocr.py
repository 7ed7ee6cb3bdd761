"""Text read from pictures by OCR: Tesseract's own program, where it is installed (no Python binding).

Two uses, both in a worker thread:

    read_image_text(data)          an image's text, for a model that cannot see images: sent
                                   as a text attachment instead of the image
    ocr_scanned_pdf(data, doc)     a PDF without a text layer (a scan): each page rendered
                                   (pymupdf, 200 dpi) and read, so that every model can use it

Tesseract reads English and Simplified Chinese exactly here in ≈ 0.5-1.2 s a page (Debian's
``tesseract-ocr`` and ``tesseract-ocr-chi-sim``); the languages used are those of eng, chi_sim,
chi_tra, jpn, deu, fra, spa that are installed. ``available()`` says whether it can run at all;
callers offer OCR only then.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import replace

from desktop_chat.documents.document import ExtractedDocument, TextQuality
from desktop_chat.documents.errors import Cancelled
from desktop_chat.documents.images import ImageError
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

__all__ = ["MAX_PAGES", "OCR_WARNING", "OcrFailed", "available", "languages", "ocr_scanned_pdf",
           "read_image_text"]

log = logging.getLogger(__name__)

WANTED_LANGUAGES = ("eng", "chi_sim", "chi_tra", "jpn", "deu", "fra", "spa")
PAGE_TIMEOUT_S = 120.0
MAX_PAGES = 60  # a longer scan is read this far (≈ a minute): the rest is named in a warning
ZOOM = 200 / 72  # 200 dpi: what Tesseract reads best at for body text
OCR_WARNING = "Its text was read from the page images by OCR: names and numbers may be misread."


class OcrFailed(ImageError):
    code = "ocr_failed"


def _binary() -> str | None:
    return shutil.which("tesseract")


def available() -> bool:
    """Whether Tesseract is installed (with at least one language we read)."""
    return _binary() is not None and bool(languages())


@functools.lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    binary = _binary()
    if binary is None:
        return ()
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("tesseract --list-langs failed: %s", exc)
        return ()
    installed = set(listed.stdout.split()) | set(listed.stderr.split())
    return tuple(lang for lang in WANTED_LANGUAGES if lang in installed)


def read_image_text(data: bytes, file_name: str = "") -> str:
    """The text Tesseract reads in an image (PNG, JPEG…: what it decodes). OcrFailed if it cannot
    run or reads nothing."""
    binary = _binary()
    if binary is None or not languages():
        raise OcrFailed(Text.of(QT_TRANSLATE_NOOP(
            "engine", "No text could be read from “{name}”: OCR needs Tesseract, which is not installed."),
            name=file_name or "?"), file_name=file_name)
    try:
        run = subprocess.run([binary, "stdin", "stdout", "-l", "+".join(languages()), "--psm", "3"],
                             input=data, capture_output=True, timeout=PAGE_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise OcrFailed(Text.of(QT_TRANSLATE_NOOP(
            "engine", "No text could be read from “{name}”: OCR failed ({error})."),
            name=file_name or "?", error=type(exc).__name__), file_name=file_name) from None
    text = _tidy(run.stdout.decode("utf-8", "replace"))
    if run.returncode != 0 or not text:
        raise OcrFailed(Text.of(QT_TRANSLATE_NOOP(
            "engine", "No text could be read from “{name}”: OCR found none."),
            name=file_name or "?"), file_name=file_name)
    return text


def ocr_scanned_pdf(data: bytes, document: ExtractedDocument, *, cancel: threading.Event | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ExtractedDocument:
    """*document* (a PDF that came out without text) with the text read from its page images.
    Pages that read nothing stay empty; *document* itself if no page reads anything."""
    from desktop_chat.documents.render import render_page_png

    count = min(document.page_count, MAX_PAGES)
    pages = list(document.pages)
    for index in range(count):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        try:
            pages[index] = read_image_text(render_page_png(data, index + 1, ZOOM), document.file_name)
        except OcrFailed:
            pages[index] = ""
        if progress is not None:
            progress(index + 1, count)
    if not any(pages):
        return document
    warnings = [OCR_WARNING]
    if document.page_count > count:
        warnings.append(f"Only the first {count} of its {document.page_count} pages were read by OCR.")
    return replace(document, pages=tuple(pages), quality=TextQuality.OK, warnings=tuple(warnings))


_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK}) +(?={_CJK})")


def _tidy(text: str) -> str:
    """Tesseract's output without its form feeds, trailing blanks and the spaces it puts between
    Chinese characters (which Chinese text has none of)."""
    lines = [_CJK_GAP.sub("", line.rstrip()) for line in text.replace("\f", "\n").splitlines()]
    return "\n".join(lines).strip()
