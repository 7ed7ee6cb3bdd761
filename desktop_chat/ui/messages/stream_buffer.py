"""Split streaming markdown into finished blocks and an unfinished tail (pure Python, no Qt).

A streaming answer is rendered incrementally: every finished markdown block is rendered once and
appended to the document; only the unfinished tail is re-rendered each frame. A block is finished
at a blank line that is outside an open code fence and is followed by a line that starts at the
left margin. The second condition keeps list items with indented continuation paragraphs and
indented code blocks together, which a split at the blank line would tear apart.

Appending costs O(len(delta)); each scan looks only at the complete lines that arrived since the
previous scan, so the work per frame does not grow with the length of the answer.
"""

from __future__ import annotations

import re

__all__ = ["StreamBuffer"]

# An opening fence, possibly inside list items or block quotes: "```py", "- ```", "> ~~~~".
_FENCE_OPEN = re.compile(
    r"^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?)*(?P<fence>`{3,}|~{3,})(?P<info>.*)$"
)
_FENCE_CLOSE = re.compile(r"^[ \t]*(?:>[ \t]?)*(?P<fence>`{3,}|~{3,})[ \t]*$")


class StreamBuffer:
    """Accumulates streamed text and hands out the finished part block by block."""

    def __init__(self, text: str = "") -> None:
        self._taken: list[str] = []  # text already handed out by take_finished
        self._pending = ""  # text after what was taken: finished-but-not-taken + the tail
        self._new: list[str] = []  # appended since the last scan, not yet joined
        self._scan_pos = 0  # offset in _pending up to which complete lines were scanned
        self._fence: tuple[str, int] | None = None  # (char, length) of the open fence
        self._blank_at: int | None = None  # end offset of a blank line awaiting confirmation
        self._boundaries: list[int] = []  # confirmed block ends in _pending, ascending
        self._dirty = False
        if text:
            self.append(text)

    # -- input ---------------------------------------------------------------------------------

    def append(self, text: str) -> None:
        if text:
            self._new.append(text)
            self._dirty = True

    # -- state -----------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """Everything appended so far."""
        self._join()
        return "".join(self._taken) + self._pending

    @property
    def dirty(self) -> bool:
        """True when text arrived since the last `mark_clean`."""
        return self._dirty

    def mark_clean(self) -> None:
        self._join()
        self._dirty = False

    def mark_dirty(self) -> None:
        """Ask for the next frame although no text arrived (what is shown should be drawn again)."""
        self._dirty = True

    def has_finished(self) -> bool:
        """True when at least one finished block has not been taken yet."""
        self._scan()
        return bool(self._boundaries)

    # -- output ----------------------------------------------------------------------------------

    def take_finished(self, max_chars: int | None = None) -> str:
        """Return the finished blocks not yet taken ("" if none) and mark them as taken.

        With `max_chars`, stop at the last block boundary within that many characters (but
        always return at least one block), so a large burst can be rendered over several frames.
        """
        end = self._finished_end(max_chars)
        if not end:
            return ""
        chunk = self._pending[:end]
        self._taken.append(chunk)
        self._pending = self._pending[end:]
        self._scan_pos -= end
        self._boundaries = [b - end for b in self._boundaries if b > end]
        if self._blank_at is not None:
            self._blank_at -= end
        return chunk

    def peek_finished(self, max_chars: int | None = None) -> str:
        """What `take_finished(max_chars)` would return now, without taking it."""
        return self._pending[:self._finished_end(max_chars)]

    def _finished_end(self, max_chars: int | None) -> int:
        self._scan()
        if not self._boundaries:
            return 0
        end = self._boundaries[-1]
        if max_chars is not None and end > max_chars:
            within = [b for b in self._boundaries if b <= max_chars]
            end = within[-1] if within else self._boundaries[0]
        return end

    def tail(self) -> str:
        """The text after everything taken. Equals the unfinished tail once has_finished() is False."""
        self._join()
        return self._pending

    # -- scanning --------------------------------------------------------------------------------

    def _join(self) -> None:
        if self._new:
            self._pending += "".join(self._new)
            self._new.clear()

    def _scan(self) -> None:
        self._join()
        pending = self._pending
        pos = self._scan_pos
        while True:
            nl = pending.find("\n", pos)
            if nl < 0:
                break
            self._scan_line(pending[pos:nl], nl + 1)
            pos = nl + 1
        self._scan_pos = pos
        # A paragraph often arrives as one long line: its first character is enough to confirm
        # the boundary before it, so the previous block need not wait in the tail.
        if self._blank_at is not None and pos < len(pending) and not pending[pos].isspace():
            self._boundaries.append(self._blank_at)
            self._blank_at = None

    def _scan_line(self, line: str, end: int) -> None:
        if self._fence is not None:
            closing = _FENCE_CLOSE.match(line)
            char, length = self._fence
            if closing and closing["fence"][0] == char and len(closing["fence"]) >= length:
                self._fence = None
            return
        if not line.strip():
            self._blank_at = end
            return
        if self._blank_at is not None:
            # The first non-blank line after a blank one decides whether the block ended there.
            if not line[:1].isspace():
                self._boundaries.append(self._blank_at)
            self._blank_at = None
        opening = _FENCE_OPEN.match(line)
        if opening:
            fence = opening["fence"]
            if not (fence[0] == "`" and "`" in opening["info"]):
                self._fence = (fence[0], len(fence))
