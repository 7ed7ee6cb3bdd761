"""The HTML of one formula token (math_syntax.py) for the markdown renderer.

A formula becomes `<img src="dc-math:…">` (math_render.py sizes and draws it); inline ones are
aligned on the text's baseline, a display block is a centred paragraph. A formula already known
not to typeset shows its source as text. Chinese, Japanese or Korean words in a top-level
`\\text{…}` are written as text between the formula's pieces (the maths fonts lack those letters);
anywhere else they make the formula show its source.
"""

from __future__ import annotations

from desktop_chat.ui.common.html_text import escape_html
from desktop_chat.ui.messages.math_render import formula_url, formulas, has_cjk
from desktop_chat.ui.messages.math_syntax import BLOCK, INLINE, top_level_text

__all__ = ["formula_html", "source_of"]

_CLOSERS = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}


def source_of(latex: str, markup: str) -> str:
    """The formula as the model wrote it, delimiters included."""
    return f"{markup}{latex}{_CLOSERS.get(markup, markup)}"


def _image(latex: str, display: bool, colour: str) -> str:
    src = escape_html(formula_url(latex, display, colour))
    return f'<img src="{src}" align="middle" style="vertical-align: middle;" />'


def formula_html(kind: str, latex: str, markup: str, colour: str) -> str:
    display = kind != INLINE
    source = escape_html(source_of(latex, markup), quote=False)
    pieces = top_level_text(latex) if has_cjk(latex) else None
    if pieces is not None and not any(not is_text and has_cjk(piece) for is_text, piece in pieces):
        body = "".join(escape_html(piece, quote=False) if is_text else _image(piece, display, colour)
                       for is_text, piece in pieces)
    elif formulas.failed(latex, display):
        body = source
    else:
        body = _image(latex, display, colour)
    if kind == BLOCK:
        return f'<p align="center">{body}</p>'
    return body
