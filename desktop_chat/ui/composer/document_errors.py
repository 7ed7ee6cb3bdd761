"""What the window says about a file the user attaches, in the interface language: one place.

The documents package words its errors and warnings in English (it never imports Qt); its
errors carry a stable ``code`` and the numbers, so the sentences are worded here again, through
``QCoreApplication.translate("Attachments", …)``, naming the file:

    document_error_text(error)        a DocumentError ("“photo.pdf” is a PNG image, not a PDF.")
    unsupported_file_text(name, …)    a dropped folder or a type we do not read
    warning_text(sentence)            one of ExtractedDocument.warnings, translated when known
    quality_text(quality)             the chip's short note for TextQuality LOW / NONE

An English warning we do not know is shown as it is: better English than nothing.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from desktop_chat.documents import DocumentError, TextQuality
# The engine's marker, not PySide6's: the same no-op for lupdate, typed to return the str.
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP
from desktop_chat.ui.common.units import format_bytes

__all__ = ["document_error_text", "quality_text", "unsupported_file_text", "warning_text"]

CONTEXT = "Attachments"
FOLDER_SUFFIX = "is a folder, not a file."  # documents/extraction.py's FileMissing for a folder


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


# Sentences by what happened. QT_TRANSLATE_NOOP marks them for lupdate; _say translates them
# when they are shown (so a language change applies to the next sentence).
_SENTENCES = {
    "missing": QT_TRANSLATE_NOOP("Attachments", "“{name}” was not found: it may have been moved or deleted."),
    "folder": QT_TRANSLATE_NOOP("Attachments", "“{name}” is a folder: drop the files inside it instead."),
    "permission": QT_TRANSLATE_NOOP("Attachments", "“{name}” cannot be read: you do not have permission to open it."),
    "unreadable": QT_TRANSLATE_NOOP("Attachments", "“{name}” cannot be read: the disk or the system refused it."),
    "empty": QT_TRANSLATE_NOOP("Attachments", "“{name}” is empty (0 bytes): there is nothing to read."),
    "too_large": QT_TRANSLATE_NOOP("Attachments", "“{name}” is too large to attach ({size}; the limit is {limit})."),
    "wrong_password": QT_TRANSLATE_NOOP("Attachments", "The password for “{name}” is not correct."),
    "password": QT_TRANSLATE_NOOP("Attachments", "“{name}” is protected by a password."),
    "no_pages_cut": QT_TRANSLATE_NOOP("Attachments", "“{name}” has no readable pages: the file seems to be cut off "
                                                     "(an incomplete download or copy?)."),
    "no_pages": QT_TRANSLATE_NOOP("Attachments", "“{name}” has no readable pages: its page structure is damaged."),
    "damaged_cut": QT_TRANSLATE_NOOP("Attachments", "“{name}” cannot be opened: the file seems to be cut off "
                                                    "(an incomplete download or copy?)."),
    "damaged": QT_TRANSLATE_NOOP("Attachments", "“{name}” cannot be opened: the PDF is damaged."),
    "text_binary": QT_TRANSLATE_NOOP("Attachments", "“{name}” is not a text file: it holds binary data."),
    "text_is": QT_TRANSLATE_NOOP("Attachments", "“{name}” is not a text file: it is {what}."),
    "pdf_unknown": QT_TRANSLATE_NOOP("Attachments", "“{name}” is not a PDF: its contents are not recognisable."),
    "pdf_is": QT_TRANSLATE_NOOP("Attachments", "“{name}” is {what}, not a PDF."),
    "unsupported": QT_TRANSLATE_NOOP("Attachments", "“{name}” cannot be attached: only PDF, .txt and .md files "
                                                    "and PNG, JPEG, WebP and GIF images can be read."),
    "unsupported_is": QT_TRANSLATE_NOOP("Attachments", "“{name}” cannot be attached: it is {what}. Only PDF, .txt "
                                                       "and .md files and PNG, JPEG, WebP and GIF images can be "
                                                       "read."),
    "no_text": QT_TRANSLATE_NOOP("Attachments", "It has no extractable text (a scan?). Claude can still read it as "
                                                "a PDF; other models will not see its contents."),
    "little_text": QT_TRANSLATE_NOOP("Attachments", "Very little text could be read from it."),
}

# What a file really is (NotAPdf.detected), as a noun phrase with its article.
_KINDS = {
    "png": QT_TRANSLATE_NOOP("Attachments", "a PNG image"),
    "jpeg": QT_TRANSLATE_NOOP("Attachments", "a JPEG image"),
    "gif": QT_TRANSLATE_NOOP("Attachments", "a GIF image"),
    "webp": QT_TRANSLATE_NOOP("Attachments", "a WebP image"),
    "tiff": QT_TRANSLATE_NOOP("Attachments", "a TIFF image"),
    "bmp": QT_TRANSLATE_NOOP("Attachments", "a BMP image"),
    "zip": QT_TRANSLATE_NOOP("Attachments", "a ZIP archive"),
    "gzip": QT_TRANSLATE_NOOP("Attachments", "a gzip archive"),
    "7z": QT_TRANSLATE_NOOP("Attachments", "a 7-Zip archive"),
    "rar": QT_TRANSLATE_NOOP("Attachments", "a RAR archive"),
    "docx": QT_TRANSLATE_NOOP("Attachments", "a Word document"),
    "xlsx": QT_TRANSLATE_NOOP("Attachments", "an Excel workbook"),
    "pptx": QT_TRANSLATE_NOOP("Attachments", "a PowerPoint presentation"),
    "odf": QT_TRANSLATE_NOOP("Attachments", "an OpenDocument file"),
    "epub": QT_TRANSLATE_NOOP("Attachments", "an EPUB e-book"),
    "ole": QT_TRANSLATE_NOOP("Attachments", "an older Microsoft Office document"),
    "rtf": QT_TRANSLATE_NOOP("Attachments", "an RTF document"),
    "postscript": QT_TRANSLATE_NOOP("Attachments", "a PostScript file"),
    "html": QT_TRANSLATE_NOOP("Attachments", "a web page (HTML)"),
    "text": QT_TRANSLATE_NOOP("Attachments", "a plain-text file"),
}


def _say(key: str, **values: object) -> str:
    return _tr(_SENTENCES[key]).format(**values)


def _what(detected: str | None) -> str | None:
    phrase = _KINDS.get(detected or "")
    return _tr(phrase) if phrase else None


def document_error_text(error: DocumentError) -> str:
    """One sentence naming the file and saying what is wrong (and, where it helps, what to do)."""
    name = error.file_name or "?"
    code = error.code
    truncated = bool(getattr(error, "truncated", False))
    if code == "file_missing":
        return _say("folder" if error.message.endswith(FOLDER_SUFFIX) else "missing", name=name)
    if code == "file_unreadable":
        return _say("permission" if "permission denied" in error.message else "unreadable", name=name)
    if code == "empty_file":
        return _say("empty", name=name)
    if code == "file_too_large":
        return _say("too_large", name=name, size=format_bytes(getattr(error, "size_bytes", 0)),
                    limit=format_bytes(getattr(error, "limit_bytes", 0)))
    if code == "not_a_pdf":
        return _not_a_pdf_text(name, getattr(error, "detected", None))
    if code == "wrong_password":
        return _say("wrong_password", name=name)
    if code == "password_required":
        return _say("password", name=name)
    if code == "no_readable_pages":
        return _say("no_pages_cut" if truncated else "no_pages", name=name)
    if code == "damaged_pdf":
        return _say("damaged_cut" if truncated else "damaged", name=name)
    return str(error)  # a code added later: its English sentence


def _not_a_pdf_text(name: str, detected: str | None) -> str:
    what = _what(detected)
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("txt", "text", "md", "markdown"):
        return _say("text_is", name=name, what=what) if what else _say("text_binary", name=name)
    if suffix == "pdf":
        return _say("pdf_is", name=name, what=what) if what else _say("pdf_unknown", name=name)
    return _say("unsupported_is", name=name, what=what) if what else _say("unsupported", name=name)


def unsupported_file_text(name: str, *, is_folder: bool = False, detected: str | None = None) -> str:
    """A dropped (or command-line) item that is not something we attach; *detected* is what its
    first bytes say it is (documents.describe_content's code), when we looked."""
    if is_folder:
        return _say("folder", name=name)
    what = _what(detected)
    return _say("unsupported_is", name=name, what=what) if what else _say("unsupported", name=name)


def quality_text(quality: TextQuality | str) -> str | None:
    """The chip's note when a model that reads only text will see little or nothing."""
    value = getattr(quality, "value", quality)
    if value == TextQuality.NONE.value:
        return _say("no_text")
    if value == TextQuality.LOW.value:
        return _say("little_text")
    return None


# The extractor's warnings (documents/extraction.py), matched to translatable templates. In English
# the extractor's own sentence is shown (its plurals and all); a translation replaces it when the
# catalogue has one. QT_TRANSLATE_NOOP only marks the template for lupdate.
_WARNINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"The file seems to be cut off \(an incomplete download or copy\?\): some pages or text may be missing\."),
     QT_TRANSLATE_NOOP("Attachments", "The file seems to be cut off (an incomplete download or copy?): "
                                      "some pages or text may be missing.")),
    (re.compile(r"The file was damaged and has been repaired: some pages or text may be missing\."),
     QT_TRANSLATE_NOOP("Attachments", "The file was damaged and has been repaired: some pages or text may be missing.")),
    (re.compile(r"Its text was read from the page images by OCR: names and numbers may be misread\."),
     QT_TRANSLATE_NOOP("Attachments", "Its text was read from the page images by OCR: names and numbers may be "
                                      "misread.")),
    (re.compile(r"Only the first (?P<count>\d+) of its (?P<pages>\d+) pages were read by OCR\."),
     QT_TRANSLATE_NOOP("Attachments", "Only the first {count} of its {pages} pages were read by OCR.")),
    (re.compile(r"Only (?P<read>\d+) of its (?P<declared>\d+) pages could be read\."),
     QT_TRANSLATE_NOOP("Attachments", "Only {read} of its {declared} pages could be read.")),
    (re.compile(r"(?P<empty>\d+) of its (?P<count>\d+) pages? came out empty\."),
     QT_TRANSLATE_NOOP("Attachments", "{empty} of its {count} pages came out empty.")),
    (re.compile(r"Pages? (?P<pages>[\d, ]+?)(?P<more> and \d+ more)? could not be read\."),
     QT_TRANSLATE_NOOP("Attachments", "Pages that could not be read: {pages}.")),
    (re.compile(r"It carries (?P<count>\d+) embedded files?, which (?:is|are) not included\."),
     QT_TRANSLATE_NOOP("Attachments", "It carries {count} embedded files, which are not included.")),
    (re.compile(r"No text could be read: its pages appear to be scanned images\. .*"),
     QT_TRANSLATE_NOOP("Attachments", "No text could be read: its pages appear to be scanned images. "
                                      "A model that only reads text will not see its contents.")),
    (re.compile(r"No text could be read from this file\."),
     QT_TRANSLATE_NOOP("Attachments", "No text could be read from this file.")),
    (re.compile(r"The file contains no text\."), QT_TRANSLATE_NOOP("Attachments", "The file contains no text.")),
    (re.compile(r"Almost no text could be read \((?P<chars>[\d,]+) characters? on (?P<count>\d+) pages?\): "
                r"it is a form with (?P<fields>\d+) fields?\."),
     QT_TRANSLATE_NOOP("Attachments", "Almost no text could be read ({chars} characters on {count} pages): "
                                      "it is a form with {fields} fields.")),
    (re.compile(r"Almost no text could be read \((?P<chars>[\d,]+) characters? on (?P<count>\d+) pages?\): "
                r"most pages appear to be scanned images\."),
     QT_TRANSLATE_NOOP("Attachments", "Almost no text could be read ({chars} characters on {count} pages): "
                                      "most pages appear to be scanned images.")),
    (re.compile(r"Only a little text could be read \((?P<chars>[\d,]+) characters? on (?P<count>\d+) pages?\)\."),
     QT_TRANSLATE_NOOP("Attachments", "Only a little text could be read ({chars} characters on {count} pages).")),
    (re.compile(r"Pages? (?P<pages>[\d, ]+?)(?P<more> and \d+ more)? appears? to be scanned, with no text to read\."),
     QT_TRANSLATE_NOOP("Attachments", "Pages that appear to be scanned, with no text to read: {pages}.")),
)


def warning_text(sentence: str) -> str:
    """An extraction warning in the interface language (the extractor's English when untranslated)."""
    for pattern, template in _WARNINGS:
        match = pattern.fullmatch(sentence)
        if match is None:
            continue
        translated = _tr(template)
        if translated == template:
            return sentence
        values = {k: v for k, v in match.groupdict().items() if v is not None}
        if values.pop("more", None):
            values["pages"] = f"{values['pages']}, …"
        try:
            return translated.format(**values)
        except (KeyError, IndexError, ValueError):
            return sentence
    return sentence
