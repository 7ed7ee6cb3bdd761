"""A message's place among its versions, for a front end's "‹ 2/3 ›" switcher.

Qt-free, so that the window, the command line and a future server share it. A regenerated answer
or an edited question is a version beside the earlier one (see store/tree.py); reading versions,
switching and deleting them is the conversation service's (chat/conversations.py).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Versions"]


@dataclass(frozen=True)
class Versions:
    """A message's place among its versions: "‹ index+1 / len(ids) ›"."""

    ids: tuple[str, ...]  # every version, oldest first
    index: int  # of the message itself

    @property
    def previous(self) -> str | None:
        return self.ids[self.index - 1] if self.index > 0 else None

    @property
    def next(self) -> str | None:
        return self.ids[self.index + 1] if self.index + 1 < len(self.ids) else None
