"""The result of extracting a file: plain, immutable, serialisable (it is what the cache stores)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from desktop_chat.documents._text import estimate_tokens

__all__ = ["EXTRACTOR_VERSION", "DocumentKind", "ExtractedDocument", "TextQuality"]

# Bump when extraction output changes (flags, cleaning, warnings): cached results of an older
# version are ignored and the file is extracted again.
EXTRACTOR_VERSION = 1

DocumentKind = Literal["pdf", "text"]


class TextQuality(str, enum.Enum):
    """How much of the document a text-only model will see. Not an error: the UI warns."""

    OK = "ok"
    LOW = "low"  # a little text: a form, labels, a few garbled words, a scan with a text header
    NONE = "none"  # no text at all: scanned pages without a text layer, drawings

    @property
    def usable(self) -> bool:
        return self is not TextQuality.NONE


@dataclass(frozen=True)
class ExtractedDocument:
    """One attachment's text, page by page (pages are numbered from 1 everywhere in this package).

    ``warnings`` are user-facing sentences that do not name the file (the same cached result is
    shown under whatever name the file was dropped with): repaired/cut-off files, unreadable
    pages, little or no text.
    """

    file_name: str
    sha256: str
    kind: DocumentKind
    size_bytes: int
    pages: tuple[str, ...]
    quality: TextQuality = TextQuality.OK
    warnings: tuple[str, ...] = ()
    encrypted: bool = False  # it needed a password (providers cannot take it as a PDF)
    form_fields: int = 0
    char_count: int = field(init=False)
    estimated_tokens: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "char_count", sum(len(p) for p in self.pages))
        object.__setattr__(self, "estimated_tokens", sum(estimate_tokens(p) for p in self.pages))

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in self.pages if p)

    def page_text(self, page: int) -> str:
        """The text of page *page* (1-based)."""
        return self.pages[page - 1]

    def page_marked_text(self) -> str:
        """The whole text with a ``[page N]`` line before each page (none for a text file)."""
        if self.kind == "text":
            return self.text
        return "\n\n".join(f"[page {n}]\n{text}".rstrip() for n, text in enumerate(self.pages, 1))

    @property
    def whole_text_tokens(self) -> int:
        """Tokens of :meth:`page_marked_text`: the text plus ≈ 4 tokens per page marker."""
        markers = 0 if self.kind == "text" else 4 * self.page_count
        return self.estimated_tokens + markers

    def renamed(self, file_name: str) -> ExtractedDocument:
        return replace(self, file_name=file_name)

    # -- serialisation (the cache) --

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": EXTRACTOR_VERSION,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "kind": self.kind,
            "size_bytes": self.size_bytes,
            "pages": list(self.pages),
            "quality": self.quality.value,
            "warnings": list(self.warnings),
            "encrypted": self.encrypted,
            "form_fields": self.form_fields,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExtractedDocument:
        """Rebuild from :meth:`to_dict`; KeyError/ValueError/TypeError if it is not one."""
        if data.get("version") != EXTRACTOR_VERSION:
            raise ValueError(f"extractor version {data.get('version')!r}, expected {EXTRACTOR_VERSION}")
        kind = data["kind"]
        if kind not in ("pdf", "text"):
            raise ValueError(f"unknown kind {kind!r}")
        pages = data["pages"]
        if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
            raise TypeError("pages must be a list of strings")
        return cls(
            file_name=str(data["file_name"]),
            sha256=str(data["sha256"]),
            kind=kind,
            size_bytes=int(data["size_bytes"]),
            pages=tuple(pages),
            quality=TextQuality(data["quality"]),
            warnings=tuple(str(w) for w in data["warnings"]),
            encrypted=bool(data["encrypted"]),
            form_fields=int(data["form_fields"]),
        )
