"""Citation markers in an answer about documents: "[3]" names passage 3 of its references.

Pure Python (no Qt): a markdown-it inline rule, active only when the renderer is told how many
references the answer has (`env["citations"]`); in any other answer "[3]" stays text. It runs
before markdown's links, so "[1][2]" is two citations, while "[1](https://…)" stays a link and a
number beyond the references ("[9]" of 8) stays text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

__all__ = ["citation_plugin"]

_MARKER = re.compile(r"\[(\d{1,3})\]")


def _rule(state: StateInline, silent: bool) -> bool:
    count = state.env.get("citations", 0) if isinstance(state.env, dict) else 0
    if not count or state.src[state.pos] != "[":
        return False
    match = _MARKER.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    number = int(match.group(1))
    after = match.end()
    if not 1 <= number <= count or state.src[after:after + 1] in ("(", ":"):
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"n": number}
    state.pos = after
    return True


def citation_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "citation", _rule)
