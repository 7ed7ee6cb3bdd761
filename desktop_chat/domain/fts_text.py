"""Text preparation for SQLite FTS5 that works for Chinese, Japanese and Korean.

Shared by the store (message search) and documents (passage retrieval), which sit side by side
above this layer. FTS5's ``unicode61`` tokenizer splits on anything that is not a letter or a
digit; CJK scripts put no spaces between words, so a whole Chinese sentence would be one token
and a word inside it could never be found. The stdlib ``sqlite3`` module cannot register a custom
tokenizer, so text is prepared in Python: a zero-width space (a separator for ``unicode61``, and
invisible) goes on each side of every CJK character, making each character its own token.
Snippets have the separators stripped again, so users see the original text.
"""

from __future__ import annotations

import re

__all__ = ["CJK_CHAR", "QUERY_PIECE", "WORD", "clean_snippet", "fts_quote", "index_text"]

_SEP = "\u200b"  # category Cf: a token separator for unicode61, and never shown

# Han (unified ideographs, extensions A-G, compatibility ideographs), the ideographic iteration
# marks, Hiragana, Katakana (with phonetic extensions and half-width forms), Bopomofo, Hangul.
CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u3005-\u3007"  # 々 〆 〇
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff"  # Katakana
    "\u3100-\u312f"  # Bopomofo
    "\u3130-\u318f"  # Hangul compatibility jamo
    "\u31a0-\u31bf"  # Bopomofo extended
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended A
    "\uac00-\ud7af"  # Hangul syllables
    "\ud7b0-\ud7ff"  # Hangul Jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\uffa0-\uffdc"  # half-width Hangul
    "\U00020000-\U0003134f"  # CJK extensions B-G and compatibility supplement
)
_CJK = f"[{CJK_RANGES}]"


class _LazyPattern:
    """A regular expression compiled on first use: these take ≈ 8 ms each to compile (the CJK
    ranges), and the window imports this module at start-up without searching anything."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> object:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
        return getattr(compiled, name)


CJK_CHAR: re.Pattern[str] = _LazyPattern(_CJK)  # type: ignore[assignment]
# One zero-width position on each side of a CJK character (but not at the ends of the text).
_CJK_BOUNDARY: re.Pattern[str] = _LazyPattern(f"(?<={_CJK})(?=.)|(?<=.)(?={_CJK})", re.DOTALL)  # type: ignore[assignment]
# A query piece: a run of CJK characters, or a run of anything else that is not white space.
QUERY_PIECE: re.Pattern[str] = _LazyPattern(f"({_CJK}+)|([^\\s{CJK_RANGES}]+)")  # type: ignore[assignment]
# What unicode61 keeps as token characters (letters and digits, not the underscore).
WORD = re.compile(r"[^\W_]+")


def index_text(text: str) -> str:
    """*text* as stored in a full-text index: each CJK character its own token."""
    if not CJK_CHAR.search(text):
        return text
    return _CJK_BOUNDARY.sub(_SEP, text)


def clean_snippet(snippet: str) -> str:
    """Remove the invisible separators that :func:`index_text` added."""
    return snippet.replace(_SEP, "")


def fts_quote(phrase: str) -> str:
    """An FTS5 string: whatever the user typed is searched as text, never parsed as syntax."""
    return '"' + phrase.replace('"', '""') + '"'
