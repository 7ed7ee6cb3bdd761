"""Text preparation for SQLite FTS5, so that search works for Chinese, Japanese and Korean.

FTS5's ``unicode61`` tokenizer splits on anything that is not a letter or a digit. CJK scripts
put no spaces between words, so a whole Chinese sentence becomes one token and a word inside it
can never be found. We cannot register a custom tokenizer from the stdlib ``sqlite3`` module, so
the text is prepared in Python instead:

* for the index, a zero-width space (a separator for ``unicode61``) goes on each side of every
  CJK character, making each character its own token; the zero-width space is invisible and is
  stripped from snippets, so what the user sees is the original text;
* for a query, a run of CJK characters becomes a quoted phrase of single characters (adjacent,
  in order: a substring match), every other word becomes a quoted prefix term. Everything the
  user typed ends up inside double quotes, so ``AND``, ``NOT``, ``*``, ``(`` or an unbalanced
  quote are searched as text and can never be an FTS5 syntax error.
"""

from __future__ import annotations

import re

__all__ = ["HIGHLIGHT_END", "HIGHLIGHT_START", "clean_snippet", "index_text", "match_query"]

# Invisible, and a token separator for unicode61 (category Cf). Never shown: see clean_snippet.
_SEP = "\u200b"

# Han (CJK unified ideographs, extensions A-F, compatibility ideographs), the ideographic
# iteration marks, Hiragana, Katakana (with the phonetic extensions and half-width forms),
# Bopomofo and Hangul (syllables and jamo).
_CJK_RANGES = (
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
_CJK = f"[{_CJK_RANGES}]"
_CJK_CHAR = re.compile(_CJK)
# One zero-width position on each side of a CJK character (but not at the ends of the text).
_CJK_BOUNDARY = re.compile(f"(?<={_CJK})(?=.)|(?<=.)(?={_CJK})", re.DOTALL)
# A query piece: a run of CJK characters, or a run of anything else that is not white space.
_QUERY_PIECE = re.compile(f"({_CJK}+)|([^\\s{_CJK_RANGES}]+)")
# What unicode61 keeps as token characters (letters and digits, not the underscore).
_WORD = re.compile(r"[^\W_]+")

HIGHLIGHT_START = "\x02"
"""Marks the start of a matched term in a search snippet (escape the text, then replace)."""
HIGHLIGHT_END = "\x03"
"""Marks the end of a matched term in a search snippet."""


def index_text(text: str) -> str:
    """Return *text* as it is stored in the full-text index: each CJK character a token."""
    if not _CJK_CHAR.search(text):
        return text
    return _CJK_BOUNDARY.sub(_SEP, text)


def clean_snippet(snippet: str) -> str:
    """Remove the invisible separators that :func:`index_text` added."""
    return snippet.replace(_SEP, "")


def match_query(query: str) -> str | None:
    """Turn what a user typed into a safe FTS5 MATCH expression, or None if there is nothing to find.

    Every term must occur (implicit AND). ``机器学习`` becomes the phrase ``"机 器 学 习"``; ``e-mail``
    becomes the prefix phrase ``"e mail"*``; a single letter ``a`` stays the whole word ``"a"``;
    punctuation-only input yields no term at all.
    """
    terms: list[str] = []
    for cjk, other in _QUERY_PIECE.findall(query):
        if cjk:
            terms.append(_quote(" ".join(cjk)))
        else:
            words = _WORD.findall(other)
            if words:
                # A one-letter prefix would expand to every word starting with that letter (slow,
                # and no use to anyone): a single letter or digit is matched as a whole word.
                star = "*" if len(words[-1]) > 1 else ""
                terms.append(_quote(" ".join(words)) + star)
    return " ".join(terms) if terms else None


def _quote(phrase: str) -> str:
    # The words are letters and digits only, so this is belt and braces: a double quote inside
    # an FTS5 string is written twice.
    return '"' + phrase.replace('"', '""') + '"'
