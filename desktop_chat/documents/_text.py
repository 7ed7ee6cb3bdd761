"""Text preparation shared by chunking and retrieval: token estimates, FTS5 index text, queries.

The CJK tokenising rules are the store's, from :mod:`desktop_chat.domain.fts_text`; documents add
NFKC normalisation (ligatures in PDFs) on both the indexing and the query side.

The query builder is deliberately different from the store's ``match_query``: a search box wants
every word to occur (AND); a question asked of a document wants the passages that share the most
(rare) words with it, so terms are OR-ed and BM25 ranks them. A run of Chinese characters becomes
its overlapping two-character phrases, since a question's wording rarely occurs verbatim.
"""

from __future__ import annotations

import re
import unicodedata

from desktop_chat.domain.fts_text import CJK_CHAR, QUERY_PIECE, WORD, clean_snippet, fts_quote
from desktop_chat.domain.fts_text import index_text as _cjk_separated

__all__ = ["clean_snippet", "cjk_count", "estimate_tokens", "index_text", "non_space_count", "normalize",
           "question_query"]

_NON_SPACE = re.compile(r"\S")

MAX_QUERY_TERMS = 64  # a pasted page as a "question" must not become a 5,000-term query


def normalize(text: str) -> str:
    """NFKC: ligatures (ﬂ → fl), full-width forms, compatibility characters. For matching only."""
    return unicodedata.normalize("NFKC", text)


def cjk_count(text: str) -> int:
    return len(CJK_CHAR.findall(text))


def estimate_tokens(text: str) -> int:
    """≈ one token per four characters, and one per CJK character (what tokenizers do to Chinese)."""
    if not text:
        return 0
    cjk = cjk_count(text)
    return cjk + (len(text) - cjk + 3) // 4


def non_space_count(text: str) -> int:
    return len(_NON_SPACE.findall(text))


def index_text(text: str) -> str:
    """What goes into the FTS5 index: NFKC-normalised, each CJK character its own token."""
    return _cjk_separated(normalize(text))


def question_query(question: str) -> str | None:
    """A safe FTS5 MATCH expression (terms OR-ed) for a question, or None if it has no words.

    Every term is inside double quotes, so nothing the user types is FTS5 syntax. A word of six
    letters or more also matches its forms with a different ending (``Flächen`` finds ``Fläche``):
    a crude stemmer that costs nothing and suits English and German alike; the exact word is
    kept as a term too, so exact matches rank higher.
    """
    terms: list[str] = []
    seen: set[str] = set()

    def add(term: str) -> None:
        if term not in seen:
            seen.add(term)
            terms.append(term)

    for cjk, other in QUERY_PIECE.findall(normalize(question)):
        if cjk:
            if len(cjk) == 1:
                add(fts_quote(cjk))
            for a, b in zip(cjk, cjk[1:]):
                add(fts_quote(f"{a} {b}"))
        else:
            # No case folding here: unicode61 folds case itself (and would not turn ß into ss).
            for word in WORD.findall(other):
                if len(word) >= 6:
                    add(fts_quote(word))
                    add(fts_quote(word[:-2]) + "*")
                elif len(word) >= 3:
                    add(fts_quote(word) + "*")
                else:
                    add(fts_quote(word))
    if not terms:
        return None
    return " OR ".join(terms[:MAX_QUERY_TERMS])
