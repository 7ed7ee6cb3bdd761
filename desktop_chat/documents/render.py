"""Page images for the source preview ("this answer came from page 12": show page 12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_chat.documents import _mupdf
from desktop_chat.documents.errors import DamagedPdf, PasswordRequired, WrongPassword
from desktop_chat.documents.extraction import ensure_pdf, read_file

__all__ = ["MAX_PIXELS", "find_passage", "render_page_png"]

MAX_PIXELS = 25_000_000  # a zoom that would make a larger image is reduced: a preview, not a poster


def render_page_png(
    source: Path | str | bytes,
    page_number: int,
    zoom: float = 1.5,
    *,
    password: str | None = None,
    highlight: str = "",
) -> bytes:
    """PNG bytes of page *page_number* (1-based) of a PDF, at *zoom* × 72 dpi.

    *highlight*: a passage's text (an excerpt shown under an answer) to mark on the page, as a
    reader's highlighter would; the parts of it found on the page are marked, the rest ignored.

    *source* is a path or the PDF's bytes (e.g. from the BlobStore). Raises ValueError for a page
    that does not exist, and the DocumentErrors of extraction for a file that cannot be opened.
    Safe to call from any thread (MuPDF calls are serialised).
    """
    if zoom <= 0:
        raise ValueError("zoom must be positive")
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, name = bytes(source), "the document"
    else:
        path = Path(source)
        data, name = read_file(path), path.name
    ensure_pdf(data, name)
    fitz = _mupdf.pymupdf()
    with _mupdf.LOCK:
        try:
            doc = fitz.open(stream=data, filetype="pdf")
        except Exception:
            raise DamagedPdf(f"“{name}” cannot be opened: the PDF is damaged.", file_name=name) from None
        try:
            if doc.needs_pass:
                if password is None:
                    raise PasswordRequired(f"“{name}” is protected by a password.", file_name=name)
                if not doc.authenticate(password):
                    raise WrongPassword(f"The password for “{name}” is not correct.", file_name=name)
            if not 1 <= page_number <= doc.page_count:
                raise ValueError(f"page {page_number} does not exist (the document has {doc.page_count})")
            page = doc.load_page(page_number - 1)
            rect = page.rect
            pixels = rect.width * zoom * rect.height * zoom
            if pixels > MAX_PIXELS:
                zoom *= (MAX_PIXELS / pixels) ** 0.5
            for rect in find_passage(page, highlight):
                page.add_highlight_annot(rect)  # in memory only: the document is never saved
            pixmap = page.get_pixmap(matrix=fitz.Matrix(zoom, zoom), alpha=False)
            return pixmap.tobytes("png")
        finally:
            doc.close()


HIGHLIGHT_WORDS = 6  # the excerpt is looked for in runs of this many words (then of 3)


def find_passage(page: Any, text: str) -> list[Any]:
    """The rectangles on a pymupdf page where the words of *text* are, in runs of a few words.

    An excerpt is whitespace-normalised and may be cut short ("…"): the page's lines break it
    elsewhere, so it is looked for a few words at a time, and runs not found are skipped."""
    words = [w for w in text.replace("…", " ").replace("“", " ").replace("”", " ").split() if w]
    if not words:
        return []
    for size in (HIGHLIGHT_WORDS, 3):
        found: list[Any] = []
        for start in range(0, len(words), size):
            run = words[start:start + size]
            if len(run) < 2 and start:
                continue
            found += page.search_for(" ".join(run))
        if found:
            return found
    return []
