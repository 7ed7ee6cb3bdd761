"""What can go wrong with a dropped file, in words a user can act on.

    DocumentError                  base; str(error) is a sentence for the user, .code is stable
    ├── FileMissing                the path does not exist (moved, deleted, unmounted) or is a folder
    ├── FileUnreadable             the operating system refused to read it (permissions, I/O)
    ├── EmptyFile                  zero bytes
    ├── FileTooLarge               above MAX_FILE_BYTES
    ├── NotAPdf                    magic bytes or MuPDF say it is something else; .detected names it
    ├── PasswordRequired           encrypted: ask for the password and try again
    │   └── WrongPassword          the password given did not open it: ask again
    └── DamagedPdf                 MuPDF cannot open it at all (often: the file is cut off)
        └── NoReadablePages        it opens, but no page survives the repair

    Cancelled                      not a DocumentError: the user asked to stop, nothing to show

A file that opens but holds (almost) no text is *not* an error: see
:class:`~desktop_chat.documents.document.TextQuality` and ``ExtractedDocument.warnings``.
The messages are English; ``code`` and the attributes let a front end word them in its own
language.
"""

from __future__ import annotations

__all__ = [
    "Cancelled",
    "DamagedPdf",
    "DocumentError",
    "EmptyFile",
    "FileMissing",
    "FileTooLarge",
    "FileUnreadable",
    "NoReadablePages",
    "NotAPdf",
    "PasswordRequired",
    "WrongPassword",
]


class DocumentError(Exception):
    code = "document_error"

    def __init__(self, message: str, *, file_name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.file_name = file_name

    def __str__(self) -> str:
        return self.message


class FileMissing(DocumentError):
    code = "file_missing"


class FileUnreadable(DocumentError):
    code = "file_unreadable"


class EmptyFile(DocumentError):
    code = "empty_file"


class FileTooLarge(DocumentError):
    code = "file_too_large"

    def __init__(self, message: str, *, file_name: str = "", size_bytes: int = 0, limit_bytes: int = 0) -> None:
        super().__init__(message, file_name=file_name)
        self.size_bytes = size_bytes
        self.limit_bytes = limit_bytes


class NotAPdf(DocumentError):
    code = "not_a_pdf"

    def __init__(self, message: str, *, file_name: str = "", detected: str | None = None) -> None:
        super().__init__(message, file_name=file_name)
        # What the file really is, when we can tell: "png", "jpeg", "gif", "webp", "tiff", "zip",
        # "docx", "xlsx", "pptx", "epub", "ole", "gzip", "rtf", "postscript", "html", "text".
        self.detected = detected


class PasswordRequired(DocumentError):
    code = "password_required"


class WrongPassword(PasswordRequired):
    code = "wrong_password"


class DamagedPdf(DocumentError):
    code = "damaged_pdf"

    def __init__(self, message: str, *, file_name: str = "", truncated: bool = False) -> None:
        super().__init__(message, file_name=file_name)
        self.truncated = truncated


class NoReadablePages(DamagedPdf):
    code = "no_readable_pages"


class Cancelled(Exception):
    """The caller set the cancel event; the work stopped between two pages."""
