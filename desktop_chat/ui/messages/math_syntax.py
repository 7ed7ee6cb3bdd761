"""Where maths is in a model's markdown: `$…$`, `\\(…\\)` inline; `$$…$$`, `\\[…\\]` display.

Pure Python (no Qt): a markdown-it plugin that turns maths into tokens, so code spans and fences
keep their dollars (markdown-it sees them first) and everything else about the text stays
markdown's business. Three token types come out:

    math_inline           `$x$`, `\\(x\\)`                      typeset at the text's size, on its baseline
    math_inline_display   `$$x$$`, `\\[x\\]` inside a paragraph  display style, in the line
    math_block            `$$` / `\\[` starting a line, closed at a line's end: a centred block

A dollar is maths by pandoc's rules, so that prices stay text ("$5 and $10"): the opening `$` is
not followed by a space, the closing `$` is not preceded by a space and not followed by a digit (and a dollar
that cannot close ends the search: "$5, $x$" has one formula, `x`). A formula that is not closed is not maths: while an answer streams, `$x^` stays text until its
`$` arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline

__all__ = ["INLINE", "INLINE_DISPLAY", "BLOCK", "find_inline", "math_plugin", "may_have_math", "top_level_text"]

INLINE = "math_inline"
INLINE_DISPLAY = "math_inline_display"
BLOCK = "math_block"


def may_have_math(markdown: str) -> bool:
    """A quick test before any parse: could `markdown` hold a formula at all?"""
    return "$" in markdown or "\\(" in markdown or "\\[" in markdown


def _closing_dollar(src: str, start: int, end: int) -> int:
    """The position of the `$` closing a single-dollar formula whose content starts at `start`, or -1."""
    pos = start
    while pos < end:
        char = src[pos]
        if char == "\\":
            pos += 2  # `\$` inside maths is a literal dollar
            continue
        if char == "$":
            if not src[pos - 1].isspace() and not (pos + 1 < end and src[pos + 1].isdigit()):
                return pos
            return -1  # a dollar that cannot close is not inside maths either ("$5, $x$")
        pos += 1
    return -1


def find_inline(src: str, pos: int, end: int) -> tuple[str, str, int] | None:
    """(token type, latex, position after the closing delimiter) for a formula starting at `pos`."""
    head = src[pos:pos + 2]
    if head == "$$":
        close = src.find("$$", pos + 2, end)
        latex = src[pos + 2:close] if close >= 0 else ""
        return (INLINE_DISPLAY, latex.strip(), close + 2) if latex.strip() else None
    if head in ("\\(", "\\["):
        closer = "\\)" if head == "\\(" else "\\]"
        close = src.find(closer, pos + 2, end)
        latex = src[pos + 2:close] if close >= 0 else ""
        kind = INLINE if head == "\\(" else INLINE_DISPLAY
        return (kind, latex.strip(), close + 2) if latex.strip() else None
    if src[pos] == "$":
        if pos + 1 >= end or src[pos + 1].isspace():
            return None
        close = _closing_dollar(src, pos + 1, end)
        if close < 0:
            return None
        return INLINE, src[pos + 1:close], close + 1
    return None


def _inline_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] not in "$\\":
        return False
    found = find_inline(src, pos, state.posMax)
    if found is None:
        return False
    kind, latex, after = found
    if not silent:
        token = state.push(kind, "math", 0)
        token.content = latex
        token.markup = src[pos:pos + 2] if src[pos] == "\\" or src[pos + 1] == "$" else "$"
    state.pos = after
    return True


def _block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # an indented code block
    src = state.src
    opener = src[begin:begin + 2]
    if opener not in ("$$", "\\["):
        return False
    closer = "$$" if opener == "$$" else "\\]"
    line = start_line
    first = begin + 2
    while line < end_line:
        line_start = first if line == start_line else state.bMarks[line] + state.tShift[line]
        line_end = state.eMarks[line]
        text = src[line_start:line_end].rstrip()
        if line > start_line and not text:
            return False  # display maths holds no blank line: this one is not closed
        if line == start_line and closer in text[:-2]:
            return False  # `$$a$$ and more`: inline maths in a paragraph
        if text.endswith(closer) and (line > start_line or len(text) >= 2):
            content_end = line_start + len(text) - 2
            latex = src[first:content_end] if content_end >= first else ""
            if not latex.strip():
                return False
            if silent:
                return True
            token = state.push(BLOCK, "math", 0)
            token.block = True
            token.content = latex.strip()
            token.markup = opener
            token.map = [start_line, line + 1]
            state.line = line + 1
            return True
        line += 1
    return False


def math_plugin(md: MarkdownIt) -> None:
    """Teach `md` the maths tokens (the renderer needs a rule for each of INLINE, INLINE_DISPLAY, BLOCK)."""
    # Before "escape": `\(` and `\[` are ours, not escaped brackets.
    md.inline.ruler.before("escape", "math_inline", _inline_rule)
    md.block.ruler.before("fence", "math_block", _block_rule,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})


def top_level_text(latex: str) -> list[tuple[bool, str]] | None:
    """`latex` cut at its top-level `\\text{…}` groups: (is text, piece) in order, or None when a
    `\\text` sits inside a group (or its braces do not close).

    The maths fonts have no Chinese, Japanese or Korean letters; words in those scripts are typeset
    by Qt between the formula's pieces instead, which works only for words at the top level."""
    out: list[tuple[bool, str]] = []
    depth = 0
    piece_start = 0
    pos = 0
    while pos < len(latex):
        char = latex[pos]
        if char == "\\":
            if latex.startswith("\\text{", pos):
                if depth:
                    return None
                close = _matching_brace(latex, pos + 5)
                if close < 0:
                    return None
                out.append((False, latex[piece_start:pos]))
                out.append((True, latex[pos + 6:close]))
                pos = piece_start = close + 1
                continue
            pos += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        pos += 1
    out.append((False, latex[piece_start:]))
    return [(is_text, piece) for is_text, piece in out if piece.strip() or is_text]


def _matching_brace(latex: str, open_at: int) -> int:
    depth = 0
    pos = open_at
    while pos < len(latex):
        char = latex[pos]
        if char == "\\":
            pos += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return -1
