"""How many of a conversation's newest messages fill the window when it opens.

Why: reopening the last conversation is part of every start, and each message widget costs
≈ 3 ms to build, style and lay out. Building only what covers the view (the rest of the page is
held and built as the user scrolls up; MessageView._fill_viewport builds more at once if the
guess fell short) keeps the first frame quick without showing anything different.

The guess runs before anything is laid out, so it is arithmetic on the text alone, tuned to
err on the side of building a message too many: wide lines (few of them) and short chrome.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop_chat.ui.messages.message_scroll import MAX_CONTENT_WIDTH

__all__ = ["first_screenful", "screenful"]

CHAR_PX = 7.5  # a body character's width at the theme's 15 px (on average)
LINE_PX = 22  # body line height (15 px text with the theme's line spacing)
SIDEBAR_PX = 300  # the conversation list and margins beside the messages
CHROME_PX = 72  # spacing, the actions row and the figures of one message (≈ 100 px measured)


def estimated_height(text: str, width_px: int) -> int:
    """A lower estimate of one message's height at `width_px` of text column."""
    per_line = max(20, int(width_px / CHAR_PX))
    # Blank lines count nothing: markdown folds them into the spacing between paragraphs.
    lines = sum(-(-len(line.strip()) // per_line) for line in text.split("\n"))
    return CHROME_PX + LINE_PX * max(1, lines)


def screenful(texts: Sequence[str], *, height_px: int, width_px: int, least: int, most: int) -> int:
    """How many of `texts` (oldest first) to build, counted from the newest, to cover `height_px`:
    at least `least` (when there are that many), at most `most`. Nothing more for something to
    scroll to: the user's first scroll builds the next held batch anyway (MessageView
    _on_user_scrolled), so a spare message above the window was only ≈ 3 ms more at start."""
    covered = 0
    count = 0
    for text in reversed(texts):
        if count >= most or (count >= least and covered >= height_px):
            break
        covered += estimated_height(text, width_px)
        count += 1
    return count


def first_screenful(texts: Sequence[str], window_width: int, window_height: int, *, most: int) -> int:
    """How many of a conversation's newest messages (`texts`, oldest first) to build when it opens
    in a window of this size (the view is not laid out yet: the window stands for it)."""
    width = min(MAX_CONTENT_WIDTH, max(320, window_width - SIDEBAR_PX))
    return screenful(texts, height_px=window_height, width_px=width, least=2, most=most)
