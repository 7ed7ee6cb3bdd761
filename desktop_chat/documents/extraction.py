"""Read a dropped file into an :class:`ExtractedDocument`: PDFs page by page, text files as one page.

Runs in a worker thread. Between pages it checks ``cancel`` (raising :class:`Cancelled`) and calls
``progress(done, total)``; it never touches the UI. Everything that can go wrong becomes one of the
:mod:`~desktop_chat.documents.errors` with a sentence for the user.

What MuPDF does with bad input, and what we do about it:

* it sniffs content rather than trusting ``filetype="pdf"``: a PNG opens as a one-page "document"
  and an HTML file is laid out as one. So a PDF is recognised by its own header (``%PDF-`` within
  the first 1024 bytes, as readers accept) before MuPDF sees it, and anything else is described
  ("it is a PNG image") instead of being extracted;
* a truncated or damaged file opens "repaired", silently, with fewer pages or none: we look at
  ``is_repaired``, the missing ``%%EOF`` and the page count the file declares, and say that pages
  may be missing — or raise :class:`NoReadablePages` when none survived;
* an encrypted file opens with ``needs_pass`` set: :class:`PasswordRequired`, then
  :class:`WrongPassword` if the password given does not authenticate.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_chat.documents import _mupdf
from desktop_chat.documents._text import cjk_count, non_space_count
from desktop_chat.documents.signatures import signature
from desktop_chat.documents.document import ExtractedDocument, TextQuality
from desktop_chat.documents.errors import (
    Cancelled,
    DamagedPdf,
    EmptyFile,
    FileMissing,
    FileTooLarge,
    FileUnreadable,
    NoReadablePages,
    NotAPdf,
    PasswordRequired,
    WrongPassword,
)

__all__ = [
    "LOW_TEXT_CHARS_PER_PAGE",
    "MAX_FILE_BYTES",
    "TEXT_SUFFIXES",
    "Progress",
    "describe_content",
    "ensure_pdf",
    "extract",
    "extract_bytes",
    "read_file",
    "sha256_of",
]

if TYPE_CHECKING:  # for the annotations only: pymupdf is imported lazily (see _mupdf)
    from pymupdf import Document, Page

Progress = Callable[[int, int], None]

MAX_FILE_BYTES = 512 * 1024 * 1024  # the whole file is read into memory (hash, cache, blob store)
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
# A real text page has 1,500-3,000 characters; fewer than this on average means a form, a scan
# with a header, labels or a few garbled words.
LOW_TEXT_CHARS_PER_PAGE = 50

# No ligatures (MuPDF expands "ﬂ" to "fl"), keep white space, clip to the media box. Not the
# CID-for-unknown-Unicode flag: it turns glyphs without a Unicode mapping into control and
# random characters (habibi-rotated-arabic.pdf); without it they become U+FFFD, which we squeeze.
_TEXT_FLAGS = 2 | 64
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REPLACEMENTS = re.compile("\ufffd{2,}")
_BLANK_LINES = re.compile(r"\n{3,}")
# A word broken at the end of a line ("adip-\niscing"): join it. Lower-case on both sides only,
# so "Lorem-\nIpsum" and "1-\n2" stay as they are.
_HYPHENATED = re.compile(r"(?<=[^\W\d_])-\n(?=[^\W\d_A-ZÄÖÜ])")
_PAGES_COUNT = re.compile(rb"/Count\s+(\d+)")
_PAGES_TYPE = re.compile(rb"/Type\s*/Pages\b")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def extract(
    path: Path | str,
    *,
    password: str | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> ExtractedDocument:
    """Extract *path* (a PDF, or a .txt/.md file). Raises DocumentError or Cancelled."""
    path = Path(path)
    data = read_file(path)
    return extract_bytes(data, path.name, password=password, cancel=cancel, progress=progress)


def read_file(path: Path) -> bytes:
    """The file's bytes, or FileMissing / FileUnreadable / EmptyFile / FileTooLarge."""
    name = path.name
    try:
        if path.is_dir():
            raise FileMissing(f"“{name}” is a folder, not a file.", file_name=name)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileTooLarge(
                f"“{name}” is too large to attach ({_megabytes(size)}; the limit is {_megabytes(MAX_FILE_BYTES)}).",
                file_name=name, size_bytes=size, limit_bytes=MAX_FILE_BYTES,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileMissing(f"“{name}” was not found: it may have been moved or deleted.", file_name=name) from None
    except PermissionError:
        raise FileUnreadable(f"“{name}” cannot be read: permission denied.", file_name=name) from None
    except OSError as exc:
        raise FileUnreadable(f"“{name}” cannot be read ({exc.strerror or exc}).", file_name=name) from None
    if not data:
        raise EmptyFile(f"“{name}” is empty (0 bytes).", file_name=name)
    return data


def extract_bytes(
    data: bytes,
    file_name: str,
    *,
    password: str | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    sha256: str | None = None,
) -> ExtractedDocument:
    """Like :func:`extract`, for bytes already in memory (a blob, a drop from another app)."""
    _check(cancel)
    if not data:
        raise EmptyFile(f"“{file_name}” is empty (0 bytes).", file_name=file_name)
    digest = sha256 or sha256_of(data)
    if _pdf_header_at(data) >= 0:
        return _extract_pdf(data, file_name, digest, password, cancel, progress)
    suffix = Path(file_name).suffix.lower()
    detected = describe_content(data)
    if suffix != ".pdf" and (suffix in TEXT_SUFFIXES or (detected and detected[0] == "text")):
        text = _decode_text(data)
        if text is not None:
            if progress:
                progress(1, 1)
            return _text_document(text, file_name, digest, len(data))
    raise _not_a_pdf(file_name, suffix, detected)


# -- PDF -----------------------------------------------------------------------------------------

def ensure_pdf(data: bytes, file_name: str) -> None:
    """NotAPdf unless *data* starts like a PDF (MuPDF would happily lay out HTML or a PNG)."""
    if _pdf_header_at(data) < 0:
        raise _not_a_pdf(file_name, ".pdf", describe_content(data))


@dataclass
class _Pdf:
    """What we learn about an open PDF before and while reading its pages."""

    truncated: bool
    encrypted: bool = False
    repaired: bool = False
    page_count: int = 0
    form_fields: int = 0
    embedded: int = 0
    pages: list[str] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)  # page numbers whose text raised
    image_only: list[int] = field(default_factory=list)  # page numbers with images and no text


def _extract_pdf(
    data: bytes,
    file_name: str,
    digest: str,
    password: str | None,
    cancel: threading.Event | None,
    progress: Progress | None,
) -> ExtractedDocument:
    fitz = _mupdf.pymupdf()
    pdf = _Pdf(truncated=_looks_truncated(data))
    with _mupdf.LOCK:
        try:
            doc = fitz.open(stream=data, filetype="pdf")
        except Exception:
            raise DamagedPdf(_damaged_message(file_name, pdf.truncated), file_name=file_name,
                             truncated=pdf.truncated) from None
    try:
        _inspect(doc, pdf, file_name, password)
        _read_pages(doc, pdf, cancel, progress)
    finally:
        with _mupdf.LOCK:
            doc.close()
    if len(pdf.unreadable) == pdf.page_count:
        raise NoReadablePages(f"“{file_name}” has no readable pages.", file_name=file_name, truncated=pdf.truncated)
    quality, warnings = _pdf_warnings(data, pdf)
    return ExtractedDocument(
        file_name=file_name,
        sha256=digest,
        kind="pdf",
        size_bytes=len(data),
        pages=tuple(pdf.pages),
        quality=quality,
        warnings=warnings,
        encrypted=pdf.encrypted,
        form_fields=pdf.form_fields,
    )


def _inspect(doc: Document, pdf: _Pdf, file_name: str, password: str | None) -> None:
    with _mupdf.LOCK:
        pdf.encrypted = bool(doc.needs_pass)
        if pdf.encrypted:
            if password is None:
                raise PasswordRequired(f"“{file_name}” is protected by a password.", file_name=file_name)
            if not doc.authenticate(password):
                raise WrongPassword(f"The password for “{file_name}” is not correct.", file_name=file_name)
        try:
            pdf.page_count = doc.page_count
        except Exception:  # "Invalid number of pages": the page tree is beyond repair
            pdf.page_count = 0
        pdf.repaired = bool(doc.is_repaired)
        if pdf.page_count:
            pdf.form_fields = _form_field_count(doc)
            pdf.embedded = _embedded_file_count(doc)
    if pdf.page_count == 0:
        cause = "it seems to be cut off" if pdf.truncated else "its page structure is damaged"
        raise NoReadablePages(f"“{file_name}” has no readable pages: {cause}.", file_name=file_name,
                              truncated=pdf.truncated)


def _read_pages(doc: Document, pdf: _Pdf, cancel: threading.Event | None, progress: Progress | None) -> None:
    for index in range(pdf.page_count):
        _check(cancel)
        with _mupdf.LOCK:  # per page, so a preview waits for one page, not the whole book
            try:
                page = doc.load_page(index)
                text = _page_text(page, pdf.form_fields > 0)
                if non_space_count(text) < 10 and page.get_images():
                    pdf.image_only.append(index + 1)
            except Exception:  # one damaged page must not lose the others
                text = ""
                pdf.unreadable.append(index + 1)
        pdf.pages.append(text)
        if progress:
            progress(index + 1, pdf.page_count)
    _check(cancel)


def _pdf_warnings(data: bytes, pdf: _Pdf) -> tuple[TextQuality, tuple[str, ...]]:
    warnings: list[str] = []
    if pdf.truncated:
        warnings.append("The file seems to be cut off (an incomplete download or copy?): "
                        "some pages or text may be missing.")
    elif pdf.repaired:
        warnings.append("The file was damaged and has been repaired: some pages or text may be missing.")
    if pdf.repaired or pdf.truncated:
        declared = _declared_page_count(data) if pdf.repaired else None
        if declared and declared > pdf.page_count:
            warnings.append(f"Only {pdf.page_count} of its {declared} pages could be read.")
        empty = sum(1 for text in pdf.pages if not text.strip())
        if empty:
            warnings.append(f"{empty} of its {pdf.page_count} {_plural(pdf.page_count, 'page')} came out empty.")
    if pdf.unreadable:
        warnings.append(f"{_pages_phrase(pdf.unreadable)} could not be read.")
    if pdf.embedded:
        warnings.append(f"It carries {pdf.embedded} embedded {_plural(pdf.embedded, 'file')}, which "
                        f"{'is' if pdf.embedded == 1 else 'are'} not included.")
    quality, note = _assess(pdf.pages, pdf.form_fields, pdf.image_only)
    if note:
        warnings.append(note)
    elif pdf.image_only:
        verb = "appears" if len(pdf.image_only) == 1 else "appear"
        warnings.append(f"{_pages_phrase(pdf.image_only)} {verb} to be scanned, with no text to read.")
    return quality, tuple(warnings)


def _page_text(page: Page, with_fields: bool) -> str:
    # Blocks, in the order the content stream gives them (not sorted by position: sorting breaks
    # two-column layouts, which LaTeX and most writers emit column by column), one paragraph each.
    parts = [block[4].strip() for block in page.get_text("blocks", flags=_TEXT_FLAGS) if block[6] == 0]
    if with_fields:
        # Filled-in form values live in widget appearances, which text extraction does not read.
        for widget in page.widgets() or ():
            value = widget.field_value
            if isinstance(value, str) and value.strip() and value not in ("Off", "No"):
                parts.append(f"{widget.field_label or widget.field_name}: {value.strip()}")
    return _clean("\n\n".join(p for p in parts if p))


def _form_field_count(doc: Document) -> int:
    try:
        count = doc.is_form_pdf  # False, or the number of fields
    except Exception:  # a damaged AcroForm must not stop extraction
        return 0
    return int(count) if count else 0


def _embedded_file_count(doc: Document) -> int:
    try:
        return int(doc.embfile_count())
    except Exception:  # a damaged name tree must not stop extraction
        return 0


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")
    text = _CONTROL.sub("", text)
    text = _REPLACEMENTS.sub("\ufffd", text)
    text = _HYPHENATED.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def _assess(pages: list[str], form_fields: int, image_only: list[int]) -> tuple[TextQuality, str | None]:
    chars = sum(non_space_count(p) for p in pages)
    count = len(pages)
    scanned = len(image_only) * 2 > count  # most pages are pictures without text
    # A Chinese character carries about what four Latin letters do.
    weighted = chars + 3 * sum(cjk_count(p) for p in pages)
    if chars == 0:
        if scanned:
            return TextQuality.NONE, ("No text could be read: its pages appear to be scanned images. "
                                      "A model that only reads text will not see its contents.")
        return TextQuality.NONE, "No text could be read from this file."
    if weighted < LOW_TEXT_CHARS_PER_PAGE * count:
        amount = f"{chars:,} {_plural(chars, 'character')} on {count} {_plural(count, 'page')}"
        if form_fields:
            return TextQuality.LOW, (f"Almost no text could be read ({amount}): it is a form with "
                                     f"{form_fields} {_plural(form_fields, 'field')}.")
        if scanned:
            return TextQuality.LOW, (f"Almost no text could be read ({amount}): "
                                     "most pages appear to be scanned images.")
        return TextQuality.LOW, f"Only a little text could be read ({amount})."
    return TextQuality.OK, None


def _pdf_header_at(data: bytes) -> int:
    return data.find(b"%PDF-", 0, 1024)


def _looks_truncated(data: bytes) -> bool:
    # Every complete PDF (and every incremental update) ends with %%EOF, within the last 1 KB.
    return b"%%EOF" not in data[-1024:]


def _declared_page_count(data: bytes) -> int | None:
    """The largest /Count of a /Type /Pages dictionary in the raw bytes: the page tree's own
    count, when it is not compressed into an object stream. Best effort, for the warning only."""
    best = 0
    for match in _PAGES_TYPE.finditer(data):
        window = data[max(0, match.start() - 400): match.end() + 400]
        for count in _PAGES_COUNT.findall(window):
            best = max(best, int(count))
    return best or None


def _damaged_message(file_name: str, truncated: bool) -> str:
    if truncated:
        return f"“{file_name}” cannot be opened: the file seems to be cut off (an incomplete download or copy?)."
    return f"“{file_name}” cannot be opened: the PDF is damaged."


# -- text files ----------------------------------------------------------------------------------

def _text_document(text: str, file_name: str, digest: str, size: int) -> ExtractedDocument:
    text = _BLANK_LINES.sub("\n\n", _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))).strip()
    quality = TextQuality.OK if text else TextQuality.NONE
    warnings = () if text else ("The file contains no text.",)
    return ExtractedDocument(
        file_name=file_name, sha256=digest, kind="text", size_bytes=size,
        pages=(text,), quality=quality, warnings=warnings,
    )


def _decode_text(data: bytes) -> str | None:
    """Decode a text file: BOMs first, then UTF-8, then the usual legacy encodings.

    UTF-8 with a few bad bytes (a file cut mid-character, one stray Latin-1 byte) stays UTF-8 with
    replacement characters. GB18030 (the Chinese Windows default) decodes most byte soup, so it is
    kept only when the result is mostly Chinese; cp1252 (the Western Windows default) is the last
    resort. None when the bytes are binary.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") <= max(1, len(lenient) // 1000):
        return lenient
    try:
        chinese = data.decode("gb18030")
        if cjk_count(chinese) * 2 > non_space_count(chinese) - _ascii_count(chinese):
            return chinese
    except UnicodeDecodeError:
        pass
    return data.decode("cp1252", errors="replace")


def _ascii_count(text: str) -> int:
    return sum(1 for ch in text if ch.isascii() and not ch.isspace())


# -- what is this file? --------------------------------------------------------------------------

_ZIP_KINDS: tuple[tuple[bytes, str, str], ...] = (
    (b"application/epub+zip", "epub", "an EPUB e-book"),
    (b"word/", "docx", "a Word document (.docx)"),
    (b"xl/", "xlsx", "an Excel workbook (.xlsx)"),
    (b"ppt/", "pptx", "a PowerPoint presentation (.pptx)"),
    (b"application/vnd.oasis.opendocument", "odf", "an OpenDocument file (LibreOffice)"),
)


def describe_content(data: bytes) -> tuple[str, str] | None:
    """What the bytes are, by their signature: (code, phrase), e.g. ("png", "a PNG image"),
    ("text", "a plain-text file"); None when we cannot tell."""
    if _pdf_header_at(data) >= 0:
        return "pdf", "a PDF"
    found = signature(data)  # images, archives, office files: told by their first bytes
    if found is not None:
        return found
    if data.startswith(b"PK\x03\x04"):
        head = data[:4096]
        for marker, code, phrase in _ZIP_KINDS:
            if marker in head:
                return code, phrase
        return "zip", "a ZIP archive"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]:
        return "html", "a web page (HTML)"
    if _looks_like_text(data[:8192]):
        return "text", "a plain-text file"
    return None


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\x00" in head:
        return False
    text = head.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") + len(_CONTROL.findall(text))
    return bad <= max(2, len(text) // 100)  # a cut multi-byte character at the end is fine


def _not_a_pdf(file_name: str, suffix: str, detected: tuple[str, str] | None) -> NotAPdf:
    code, phrase = detected or (None, None)
    if suffix == ".pdf":
        if phrase:
            message = f"“{file_name}” is not really a PDF: it is {phrase} with a .pdf name."
        else:
            message = (f"“{file_name}” is not a PDF: it does not start like one, "
                       "and its contents are not recognisable.")
    elif suffix in TEXT_SUFFIXES:
        message = f"“{file_name}” is not a text file: it is {phrase or 'binary data'}."
    elif phrase:
        message = f"“{file_name}” cannot be attached: it is {phrase}. Only PDF and plain-text files can be read."
    else:
        message = f"“{file_name}” cannot be attached: only PDF and plain-text files can be read."
    return NotAPdf(message, file_name=file_name, detected=code)


# -- small helpers -------------------------------------------------------------------------------

def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _pages_phrase(pages: list[int]) -> str:
    if len(pages) == 1:
        return f"Page {pages[0]}"
    shown = ", ".join(str(p) for p in pages[:10])
    more = f" and {len(pages) - 10} more" if len(pages) > 10 else ""
    return f"Pages {shown}{more}"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"
