"""Versions of messages for a front end: which version of which a message is, and switching.

Qt-free, so that the window, the command line and a future server share it. A regenerated answer
or an edited question is a version beside the earlier one (see store/tree.py); moving to another
version makes the branch through it the conversation's current one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_chat.domain.messages import Message
from desktop_chat.store import Store

__all__ = ["Versions", "open_search_result", "switch_version", "versions_of"]


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


def versions_of(store: Store, messages: Sequence[Message]) -> dict[str, Versions]:
    """For each of *messages* (one conversation's) that has other versions, where it stands."""
    return {mid: Versions(tuple(ids), ids.index(mid)) for mid, ids in store.version_ids(messages).items()}


def switch_version(store: Store, message_id: str) -> str | None:
    """Make the branch through the version *message_id* current; its new leaf (None if it is gone)."""
    return store.switch_to(message_id)


def open_search_result(store: Store, conversation_id: str, query: str) -> bool:
    """Before showing a conversation found by searching *query*: if its current branch holds no
    match, make the branch of its newest match current. True if the branch changed."""
    target = store.branch_matching(conversation_id, query)
    return target is not None and store.open_branch_of(target) is not None
