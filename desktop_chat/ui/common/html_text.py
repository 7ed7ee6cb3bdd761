"""Text made safe to put inside HTML: the one escaping function of the UI.

It returns what the standard library's html.escape returns (tests/ui/test_markdown_render.py
compares them). The html package itself loads html.entities (≈ 2,000 names, ≈ 3 ms), and a
start that shows its answers from the render snapshot renders nothing, so it need not pay that.
"""

from __future__ import annotations

__all__ = ["escape_html"]


def escape_html(text: str, quote: bool = True) -> str:
    """`text` with &, < and > escaped, and with `quote` also " and ' (for attribute values)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("'", "&#x27;")
    return text
