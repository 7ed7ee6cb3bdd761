"""The conversation service: everything a front end does to conversations, without Qt.

Create, rename, delete (with undo), the list's pages and search, the messages of the current
branch and their versions, switching and deleting versions, forking, totals. The window, its
conversation list and the command line all go through it, so that none of them writes to the
store itself and a future server gets the same rules for free. Turns (send, regenerate, edit)
are the engine's (chat/engine.py); the store (store/) keeps the tree.

Every method is quick and indexed (a page of messages, one conversation) except :meth:`search`,
:meth:`delete` and :meth:`restore`, which read or write a whole conversation: the window calls
those from a worker thread or an async task.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from desktop_chat.chat.versions import Versions
from desktop_chat.domain.messages import Conversation, Message
from desktop_chat.store import Store

if TYPE_CHECKING:
    from desktop_chat.store.importers import ImportReport

__all__ = ["ConversationService", "DeletedConversation", "ForkOrigin", "MessagePage", "DeleteScope"]

DeleteScope = Literal["version", "after"]  # this version only | every version and what follows


class MessagePage(NamedTuple):
    """Some messages of the current branch, oldest first, and whether older ones exist."""

    messages: list[Message]
    has_older: bool

    @property
    def oldest_seq(self) -> int | None:
        return self.messages[0].seq if self.messages else None


class DeletedConversation(NamedTuple):
    """What :meth:`ConversationService.delete` took away: enough to put it back exactly (its ids,
    every version and branch, which branch was current)."""

    conversation: Conversation
    messages: list[Message]

    @property
    def title(self) -> str:
        return self.conversation.title


class ForkOrigin(NamedTuple):
    """Where a forked conversation came from. ``title`` is None when the original is gone."""

    conversation_id: str
    message_id: str
    title: str | None


class ConversationService:
    """One Store's conversations as a front end sees them (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # Conversations created for a first message whose turn has not started yet: if the turn is
        # refused (no key, no model), the empty conversation goes again (see discard_unused).
        self._provisional: set[str] = set()
        self._lock = threading.Lock()

    # -- one conversation ------------------------------------------------------------------------

    def get(self, conversation_id: str) -> Conversation | None:
        return self.store.get_conversation(conversation_id)

    def exists(self, conversation_id: str) -> bool:
        return self.store.get_conversation(conversation_id) is not None

    def title(self, conversation_id: str) -> str | None:
        conversation = self.store.get_conversation(conversation_id)
        return conversation.title if conversation is not None else None

    def create(self, *, provider: str | None = None, model: str | None = None,
               system_prompt: str | None = None, provisional: bool = False) -> Conversation:
        """A new, empty conversation. *provisional*: made for a first message about to be sent;
        it stays only once :meth:`turn_started` says the turn began (else :meth:`discard_unused`).
        Raises StoreError when the history cannot be written (a full disk, a read-only folder)."""
        conversation = self.store.create_conversation(provider=provider, model=model,
                                                      system_prompt=system_prompt or None)
        if provisional:
            with self._lock:
                self._provisional.add(conversation.id)
        return conversation

    def set_options(self, conversation_id: str, changes: Mapping[str, Any]) -> None:
        """Change a conversation's options (a None value removes one), e.g. its thinking budget."""
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            return
        options = {k: v for k, v in {**conversation.options, **changes}.items() if v is not None}
        if options != conversation.options:
            self.store.update_conversation(conversation_id, options=options)

    def turn_started(self, conversation_id: str) -> None:
        """Its first turn began: a provisional conversation is a real one from now on."""
        with self._lock:
            self._provisional.discard(conversation_id)

    def discard_unused(self, conversation_id: str) -> bool:
        """A turn could not start: a provisional conversation that still holds no message is
        deleted (it never showed in the list). True if it was."""
        with self._lock:
            if conversation_id not in self._provisional:
                return False
            self._provisional.discard(conversation_id)
        if self.store.count_messages(conversation_id) != 0:
            return False
        self.store.delete_conversation(conversation_id)
        return True

    def rename(self, conversation_id: str, title: str) -> Conversation | None:
        """Give it *title* (white space collapsed); None if the title is empty, unchanged or the
        conversation is gone, else the updated conversation."""
        title = " ".join(title.split())
        current = self.store.get_conversation(conversation_id)
        if not title or current is None or current.title == title:
            return None
        return self.store.update_conversation(conversation_id, title=title)

    def set_model(self, conversation_id: str, provider: str | None, model: str | None) -> None:
        """The provider and model the conversation's next turns use."""
        self.store.update_conversation(conversation_id, provider=provider, model=model or None)

    def set_system_prompt(self, conversation_id: str, prompt: str | None) -> None:
        self.store.update_conversation(conversation_id, system_prompt=prompt or None)

    def set_option(self, conversation_id: str, key: str, value: Any) -> None:
        """One of the options its next turns use (e.g. "knowledge_base", chat/knowledge.py); None removes it."""
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            return
        options = {k: v for k, v in conversation.options.items() if k != key}
        if value is not None:
            options[key] = value
        if options != conversation.options:
            self.store.update_conversation(conversation_id, options=options)

    def totals(self, conversation_id: str | None) -> tuple[int, int]:
        """Input and output tokens of the whole conversation; (0, 0) for none."""
        return (0, 0) if conversation_id is None else self.store.conversation_totals(conversation_id)

    # -- deleting with undo ----------------------------------------------------------------------

    def delete(self, conversation_id: str) -> DeletedConversation | None:
        """Delete the conversation and return what :meth:`restore` needs to bring it back
        (None, and nothing deleted, if there is no such conversation)."""
        snapshot = self.store.conversations_with_messages([conversation_id])
        if not snapshot:
            return None
        conversation, messages = snapshot[0]
        self.store.delete_conversation(conversation_id)
        with self._lock:
            self._provisional.discard(conversation_id)
        return DeletedConversation(conversation, list(messages))

    def restore(self, deleted: DeletedConversation) -> Conversation:
        """Undo :meth:`delete`: the same ids, versions, branches and current branch."""
        self.store.import_conversations([(deleted.conversation, deleted.messages)])
        restored = self.store.get_conversation(deleted.conversation.id)
        assert restored is not None  # just imported (or still there: importing again adds nothing)
        return restored

    # -- the list --------------------------------------------------------------------------------

    def newest(self, *, limit: int | None = None, offset: int = 0) -> list[Conversation]:
        """Newest first."""
        return self.store.list_conversations(limit=limit, offset=offset)

    def count(self) -> int:
        return self.store.count_conversations()

    # -- pins: the window's list shows pinned conversations above the dated groups ----------------

    def set_pinned(self, conversation_id: str, pinned: bool) -> bool:
        """Pin or unpin; False if the conversation is gone. Its place by date does not change."""
        return self.store.set_pinned(conversation_id, pinned)

    def pinned(self) -> list[Conversation]:
        """The pinned conversations, most recently pinned first."""
        return self.store.pinned_conversations()

    def pinned_ids(self) -> set[str]:
        return self.store.pinned_ids()

    def newest_unpinned(self, *, limit: int | None = None, offset: int = 0) -> list[Conversation]:
        """The conversations not pinned, newest first."""
        return self.store.list_unpinned_conversations(limit=limit, offset=offset)

    def count_unpinned(self) -> int:
        return self.store.count_unpinned_conversations()

    def search(self, query: str, limit: int | None = None) -> list[Conversation]:
        """Conversations holding every word of *query*, in any version of any message."""
        return self.store.search_conversations(query, limit)

    def open_search_result(self, conversation_id: str, query: str) -> bool:
        """Before showing a conversation found by searching *query*: if its current branch holds no
        match, make the branch of its newest match current. True if the branch changed."""
        target = self.store.branch_matching(conversation_id, query)
        return target is not None and self.store.open_branch_of(target) is not None

    # -- messages of the current branch ----------------------------------------------------------

    def get_message(self, message_id: str) -> Message | None:
        return self.store.get_message(message_id)

    def first_page(self, conversation_id: str, size: int) -> MessagePage:
        """The newest *size* messages of the current branch."""
        # One more than a page says whether there are older ones: counting the branch would walk
        # all of it (≈ 13 ms for 5,000 messages), the extra row costs nothing.
        messages = self.store.list_messages(conversation_id, limit=size + 1)
        return MessagePage(messages[-size:] if size else [], len(messages) > size)

    def older_page(self, conversation_id: str, before_seq: int, size: int) -> MessagePage:
        """The *size* messages of the current branch before *before_seq*."""
        messages = self.store.list_messages(conversation_id, limit=size + 1, before_seq=before_seq)
        return MessagePage(messages[-size:] if size else [], len(messages) > size)

    def branch(self, conversation_id: str) -> list[Message]:
        """The whole current branch, oldest first (the command line's view of a conversation)."""
        return self.store.list_messages(conversation_id)

    def count_messages(self, conversation_id: str) -> int:
        return self.store.count_messages(conversation_id)

    # -- versions and branches -------------------------------------------------------------------

    def versions_of(self, messages: Sequence[Message]) -> dict[str, Versions]:
        """For each of *messages* (one conversation's) that has other versions, where it stands."""
        return {mid: Versions(tuple(ids), ids.index(mid))
                for mid, ids in self.store.version_ids(messages).items()}

    def version_count(self, message_id: str) -> int:
        """How many versions the message has (itself included); 0 if it is gone."""
        return len(self.store.versions(message_id))

    def switch_version(self, message_id: str) -> str | None:
        """Make the branch through the version *message_id* current; its new leaf (None if gone)."""
        return self.store.switch_to(message_id)

    def delete_message(self, message_id: str, scope: DeleteScope) -> int:
        """Delete *message_id* and everything under it ("version"), or every version of that
        message and everything under them ("after"); how many messages went. The current branch
        moves to a remaining version, else to the parent (store/tree.py)."""
        if scope == "version":
            return self.store.delete_version(message_id)
        if scope == "after":
            return self.store.delete_message_and_after(message_id)
        raise ValueError(f"unknown delete scope {scope!r}")

    def fork(self, message_id: str) -> Conversation:
        """A new conversation holding a copy of the branch up to *message_id*, which remembers
        where it came from (:meth:`origin`). Raises KeyError if there is no such message."""
        return self.store.fork(message_id)

    def origin(self, conversation: Conversation) -> ForkOrigin | None:
        """Where a forked conversation came from; None for one that was not forked."""
        found: Any = conversation.options.get("forked_from")
        if not isinstance(found, dict) or not isinstance(found.get("conversation_id"), str):
            return None
        source = found["conversation_id"]
        message = found.get("message_id")
        return ForkOrigin(source, message if isinstance(message, str) else "", self.title(source))

    # -- moving conversations in and out ---------------------------------------------------------------

    def import_document(self, data: Any) -> ImportReport:
        """A parsed export file (ours, ChatGPT's or Claude's, told apart by content) into the history.
        Nothing is written if any of it is invalid; conversations already here are skipped."""
        from desktop_chat.chat.image_exchange import restore_images
        from desktop_chat.store import importers  # the importers load only when something is imported

        return importers.import_data(self.store, restore_images(data))

    def export_json(self, conversation_ids: Sequence[str] | None = None) -> dict[str, Any]:
        """All conversations (or the given ones), every version, as our JSON export document."""
        from desktop_chat.chat.image_exchange import embed_images
        from desktop_chat.store import exchange

        return embed_images(exchange.export_json(self.store, conversation_ids))

    def export_markdown(self, conversation_ids: Sequence[str] | None = None, *,
                        with_thinking: bool = False) -> tuple[str, int]:
        """The current branch of all conversations (or the given ones) as Markdown, and how many;
        the model's reasoning only *with_thinking*."""
        count = len(conversation_ids) if conversation_ids else self.store.count_conversations()
        from desktop_chat.store import exchange

        from desktop_chat.chat.image_exchange import image_link

        return exchange.export_markdown(self.store, conversation_ids, with_thinking=with_thinking,
                                        image_link=image_link), count
