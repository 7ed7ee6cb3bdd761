"""The "Copy" links of a message's code blocks: which code each one copies, and its words.

The renderer asks for a link per code block (markdown_render's `register_code`); the link names a
key under a random nonce, so model text cannot forge one of ours (a link it writes with our scheme
copies nothing). Keys of the streaming tail ("t0", "t1"…) are dropped each time the tail is drawn
again; the others live as long as the document. Clicked, a link's words say "Copied ✓" for a moment.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextCursor, QTextDocument

__all__ = ["COPY_SCHEME", "CopyLinks", "links_in", "new_nonce", "relabel"]

COPY_SCHEME = "dc-copy"


def new_nonce() -> str:
    """16 hex digits from the OS's random source (what secrets.token_hex(8) returns; secrets
    itself would import hmac and hashlib before the first frame)."""
    return os.urandom(8).hex()


class CopyLinks:
    """The code behind each "Copy" link of one document."""

    def __init__(self) -> None:
        self.nonce = new_nonce()
        self.codes: dict[str, str] = {}
        self._tail: dict[str, str] = {}

    def register(self, code: str) -> str:
        key = str(len(self.codes))
        self.codes[key] = code
        return f"{COPY_SCHEME}:{self.nonce}/{key}"

    def register_tail(self, code: str) -> str:
        key = "t" + str(len(self._tail))
        self._tail[key] = code
        return f"{COPY_SCHEME}:{self.nonce}/{key}"

    def clear_tail(self) -> None:
        self._tail.clear()

    def clear(self) -> None:
        self.codes.clear()
        self._tail.clear()

    def adopt(self, nonce: str, codes: dict[str, str]) -> None:
        """Take the links of HTML rendered elsewhere (render_snapshot.py)."""
        self.nonce = nonce
        self.codes.update(codes)

    def code_for(self, url: QUrl) -> str | None:
        """The raw code behind one of our links, None for any other URL."""
        if url.scheme() != COPY_SCHEME:
            return None
        nonce, _, key = url.path().partition("/")
        if nonce != self.nonce:
            return None
        return self.codes.get(key) if not key.startswith("t") else self._tail.get(key)


def links_in(document: QTextDocument) -> list[QUrl]:
    """The "Copy" links in a document, in order."""
    out: list[QUrl] = []
    block = document.begin()
    while block.isValid():
        # Qt's iterator API, not `for … in block`: PySide6's stub types that loop as `object`.
        position = block.begin()
        while not position.atEnd():
            fmt = position.fragment().charFormat()
            if fmt.isAnchor() and fmt.anchorHref().startswith(COPY_SCHEME + ":"):
                out.append(QUrl(fmt.anchorHref()))
            position += 1
        block = block.next()
    return out


def relabel(document: QTextDocument, url: QUrl, label: str) -> tuple[int, int]:
    """Give the link to `url` the words `label`, keeping its format ("Copy" → "Copied ✓");
    (where it starts, how many characters longer it got), (-1, 0) when it is not there."""
    href = url.toString()
    block = document.begin()
    while block.isValid():
        position = block.begin()
        while not position.atEnd():
            fragment = position.fragment()
            fmt = fragment.charFormat()
            if fmt.isAnchor() and fmt.anchorHref() == href:
                start, length = fragment.position(), fragment.length()
                if fragment.text() == label:
                    return start, 0
                cursor = QTextCursor(document)
                cursor.setPosition(start)
                cursor.setPosition(start + length, QTextCursor.MoveMode.KeepAnchor)
                cursor.insertText(label, fmt)
                return start, len(label) - length
            position += 1
        block = block.next()
    return -1, 0
