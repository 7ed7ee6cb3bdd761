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
            rects = find_passage(page, highlight) if highlight else []
            if rects:
                page.add_highlight_annot(rects)  # in memory only: the document is never saved
            pixmap = page.get_pixmap(matrix=fitz.Matrix(zoom, zoom), alpha=False)
            return pixmap.tobytes("png")
        finally:
            doc.close()


MIN_RUN = 3  # words in a row that make a match (fewer could be anywhere on the page)
_PUNCTUATION = ".,;:!?()[]{}“”‘’\"'…«»—–-"


def _word(text: str) -> str:
    return text.strip(_PUNCTUATION).casefold()


def find_passage(page: Any, text: str) -> list[Any]:
    """One rectangle per line of a pymupdf page covering the words of *text*, where they stand
    in a row on the page (the first such place), or [] when they do not.

    The excerpt is whitespace-normalised and may be cut at either end ("…"), and a passage that
    spans pages continues on the next one: the longest run of its words that the page holds in
    order is what is marked, starting from the excerpt's start or a little later."""
    wanted = [w for w in (_word(t) for t in text.split()) if w]
    if len(wanted) < MIN_RUN:
        return []
    words = page.get_text("words")  # (x0, y0, x1, y1, word, block, line, number), in reading order
    tokens = [_word(w[4]) for w in words]
    best_start, best_length = 0, 0
    for offset in range(len(wanted) - MIN_RUN + 1):
        first = wanted[offset]
        for start, token in enumerate(tokens):
            if token != first:
                continue
            length = 0
            while (start + length < len(tokens) and offset + length < len(wanted)
                   and tokens[start + length] == wanted[offset + length]):
                length += 1
            if length > best_length:
                best_start, best_length = start, length
        if best_length >= MIN_RUN:
            break  # the earliest part of the excerpt found on the page
    if best_length < MIN_RUN:
        return []
    fitz = _mupdf.pymupdf()
    lines: dict[tuple[int, int], Any] = {}
    for word in words[best_start:best_start + best_length]:
        rect = fitz.Rect(word[:4])
        key = (word[5], word[6])
        lines[key] = lines[key] | rect if key in lines else rect
    return list(lines.values())
