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

from desktop_chat.domain.fts_text import QUERY_PIECE, WORD, clean_snippet, fts_quote, index_text

__all__ = ["HIGHLIGHT_END", "HIGHLIGHT_START", "clean_snippet", "index_text", "match_query"]

HIGHLIGHT_START = "\x02"
"""Marks the start of a matched term in a search snippet (escape the text, then replace)."""
HIGHLIGHT_END = "\x03"
"""Marks the end of a matched term in a search snippet."""


def match_query(query: str) -> str | None:
    """Turn what a user typed into a safe FTS5 MATCH expression, or None if there is nothing to find.

    Every term must occur (implicit AND). ``机器学习`` becomes the phrase ``"机 器 学 习"``; ``e-mail``
    becomes the prefix phrase ``"e mail"*``; a single letter ``a`` stays the whole word ``"a"``;
    punctuation-only input yields no term at all.
    """
    terms: list[str] = []
    for cjk, other in QUERY_PIECE.findall(query):
        if cjk:
            terms.append(fts_quote(" ".join(cjk)))
        else:
            words = WORD.findall(other)
            if words:
                # A one-letter prefix would expand to every word starting with that letter (slow,
                # and no use to anyone): a single letter or digit is matched as a whole word.
                star = "*" if len(words[-1]) > 1 else ""
                terms.append(fts_quote(" ".join(words)) + star)
    return " ".join(terms) if terms else None
