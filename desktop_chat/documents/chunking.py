"""Page-aware chunks for retrieval: ≈ 800-1,200 tokens, cut at paragraphs, pages recorded.

Rules, in order of precedence:

* a chunk never exceeds ``max_tokens`` (a paragraph larger than that is cut at lines, then at
  sentence ends, then at spaces, then — CJK text has no spaces — anywhere);
* a chunk that has reached ``min_tokens`` ends at the end of its page, so most chunks lie on one
  page; short pages (slides, front matter) are merged with the next ones, and the chunk then
  records both its first and last page and where each page's text starts inside it;
* when a chunk is cut inside a page, the next one starts with the tail of the previous one
  (≈ ``overlap_tokens``), so a sentence split between two chunks is whole in one of them. There
  is no overlap across a page boundary: it would blur which page a passage is on.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_chat.documents._text import cjk_count, estimate_tokens

__all__ = ["CHUNKER_VERSION", "MAX_TOKENS", "MIN_TOKENS", "OVERLAP_TOKENS", "Chunk", "chunk_pages"]

CHUNKER_VERSION = 1  # bump when chunks change: indexed documents are then re-chunked
MIN_TOKENS = 800
MAX_TOKENS = 1200
OVERLAP_TOKENS = 100

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？;；])")  # zero-width: the parts keep their spaces


@dataclass(frozen=True)
class Chunk:
    """A passage of one document. ``page_starts`` holds (offset in ``text``, page) pairs, one per
    page the chunk touches, in order; the first offset is 0."""

    index: int
    text: str
    tokens: int
    page_starts: tuple[tuple[int, int], ...]

    @property
    def first_page(self) -> int:
        return self.page_starts[0][1]

    @property
    def last_page(self) -> int:
        return self.page_starts[-1][1]

    def page_at(self, offset: int) -> int:
        """The page of the character at *offset* in ``text``."""
        position = bisect_right([start for start, _ in self.page_starts], max(0, offset)) - 1
        return self.page_starts[max(0, position)][1]

    def page_segments(self) -> list[tuple[int, str]]:
        """(page, text of that page inside this chunk) for each page the chunk touches."""
        bounds = [start for start, _ in self.page_starts] + [len(self.text)]
        return [(page, self.text[bounds[i]:bounds[i + 1]]) for i, (_, page) in enumerate(self.page_starts)]


def chunk_pages(
    pages: Sequence[str],
    *,
    min_tokens: int = MIN_TOKENS,
    max_tokens: int = MAX_TOKENS,
    overlap_tokens: int = OVERLAP_TOKENS,
) -> list[Chunk]:
    """Split a document's pages (page 1 first) into chunks."""
    if not 0 < min_tokens <= max_tokens:
        raise ValueError("need 0 < min_tokens <= max_tokens")
    builder = _Builder(max_tokens)
    for page_number, page_text in enumerate(pages, 1):
        for piece in _pieces(page_text, max_tokens):
            if builder.pieces and builder.tokens_with(piece) > max_tokens:
                tail = _tail(builder.pieces[-1], overlap_tokens) if builder.pieces[-1][0] == page_number else None
                builder.emit()
                if tail and estimate_tokens(f"{tail}\n\n{piece}") <= max_tokens:
                    builder.add(page_number, tail)
            builder.add(page_number, piece)
        if builder.tokens >= min_tokens:
            builder.emit()
    builder.emit()
    return builder.chunks


class _Builder:
    def __init__(self, max_tokens: int) -> None:
        self.max_tokens = max_tokens
        self.chunks: list[Chunk] = []
        self.pieces: list[tuple[int, str]] = []
        self._chars = 0
        self._cjk = 0

    @property
    def tokens(self) -> int:
        """The estimate for the joined text (counted as estimate_tokens would count it)."""
        return self._cjk + (self._chars - self._cjk + 3) // 4

    def tokens_with(self, text: str) -> int:
        chars = self._chars + len(text) + (2 if self.pieces else 0)
        cjk = self._cjk + cjk_count(text)
        return cjk + (chars - cjk + 3) // 4

    def add(self, page: int, text: str) -> None:
        self._chars += len(text) + (2 if self.pieces else 0)  # "\n\n" joins the pieces
        self._cjk += cjk_count(text)
        self.pieces.append((page, text))

    def emit(self) -> None:
        if not self.pieces:
            return
        parts: list[str] = []
        starts: list[tuple[int, int]] = []
        offset = 0
        for page, text in self.pieces:
            if parts:
                offset += 2  # the "\n\n" joining the pieces
            if not starts or starts[-1][1] != page:
                starts.append((offset, page))
            parts.append(text)
            offset += len(text)
        text = "\n\n".join(parts)
        self.chunks.append(Chunk(len(self.chunks), text, estimate_tokens(text), tuple(starts)))
        self.pieces = []
        self._chars = self._cjk = 0


def _pieces(page_text: str, max_tokens: int) -> list[str]:
    """The page's paragraphs, each cut further until it fits in a chunk."""
    out: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(page_text):
        paragraph = paragraph.strip()
        if paragraph:
            out.extend(_fit(paragraph, max_tokens))
    return out


def _fit(text: str, max_tokens: int) -> list[str]:
    if estimate_tokens(text) <= max_tokens:
        return [text]
    for splitter, joiner in (("\n", "\n"), (_SENTENCE_END, ""), (" ", " ")):
        pieces = text.split(splitter) if isinstance(splitter, str) else splitter.split(text)
        parts = [p for p in pieces if p.strip()]
        if len(parts) > 1:
            return _pack(parts, joiner, max_tokens)
    # One unbroken run (CJK prose, a base64 blob): cut by size. Tokens per character vary from
    # 1/4 to 1, so halve until each piece fits.
    middle = len(text) // 2
    return _fit(text[:middle], max_tokens) + _fit(text[middle:], max_tokens)


def _pack(parts: list[str], joiner: str, max_tokens: int) -> list[str]:
    """Greedily join *parts* back into pieces of at most *max_tokens*."""
    out: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if estimate_tokens(candidate) <= max_tokens:
            current = candidate
            continue
        if current:
            out.append(current.strip())
        if estimate_tokens(part) > max_tokens:
            out.extend(_fit(part.strip(), max_tokens))
            current = ""
        else:
            current = part
    if current.strip():
        out.append(current.strip())
    return out


def _tail(piece: tuple[int, str], overlap_tokens: int) -> str | None:
    """The end of the previous chunk's last piece, ≈ *overlap_tokens*, starting at a word."""
    if overlap_tokens <= 0:
        return None
    text = piece[1]
    if estimate_tokens(text) <= overlap_tokens:
        return text
    # Walk back from the end until the estimate reaches the overlap (CJK counts one per char).
    start = len(text)
    while start > 0 and estimate_tokens(text[start:]) < overlap_tokens:
        start -= max(1, overlap_tokens // 4)
    start = max(0, start)
    space = text.find(" ", start)
    if 0 <= space < len(text) - 1 and space - start < 40:
        start = space + 1
    return text[start:].strip() or None
