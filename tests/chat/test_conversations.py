"""The conversation service (chat/conversations.py) over a real Store on a temporary file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_chat.chat.conversations import ConversationService, ForkOrigin
from desktop_chat.chat.versions import Versions
from desktop_chat.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "chat.sqlite3") as s:
        yield s


@pytest.fixture
def service(store: Store) -> ConversationService:
    return ConversationService(store)


class Tree:
    """q1 → a1, a1b (regenerated); under a1b: q2 → a2. Current branch: q1, a1b, q2, a2."""

    def __init__(self, store: Store) -> None:
        self.cid = store.create_conversation("Tree").id
        add = store.add_message
        self.q1 = add(self.cid, "user", "question one")
        self.a1 = add(self.cid, "assistant", "answer one")
        self.a1b = add(self.cid, "assistant", "answer one, again", parent_id=self.q1.id)
        self.q2 = add(self.cid, "user", "question two")
        self.a2 = add(self.cid, "assistant", "answer two")


@pytest.fixture
def tree(store: Store) -> Tree:
    return Tree(store)


def texts(service: ConversationService, cid: str) -> list[str]:
    return [m.text for m in service.branch(cid)]


# -- create, rename, provisional conversations ----------------------------------------------------

def test_create_and_rename_collapse_white_space_and_refuse_empty_or_unchanged(service: ConversationService) -> None:
    conversation = service.create(provider="openai", model="gpt-x", system_prompt="")
    assert service.get(conversation.id) is not None
    assert conversation.system_prompt is None  # an empty prompt is no prompt
    renamed = service.rename(conversation.id, "  A   new\ttitle ")
    assert renamed is not None and renamed.title == "A new title"
    assert service.title(conversation.id) == "A new title"
    assert service.rename(conversation.id, "A new title") is None
    assert service.rename(conversation.id, "   ") is None
    assert service.rename("no-such-id", "x") is None


def test_a_provisional_conversation_goes_when_its_turn_never_started(service: ConversationService) -> None:
    refused = service.create(provisional=True)
    assert service.discard_unused(refused.id) is True
    assert not service.exists(refused.id)

    started = service.create(provisional=True)
    service.turn_started(started.id)
    assert service.discard_unused(started.id) is False and service.exists(started.id)

    ordinary = service.create()  # not provisional: never discarded
    assert service.discard_unused(ordinary.id) is False and service.exists(ordinary.id)


def test_a_provisional_conversation_that_holds_a_message_stays(service: ConversationService, store: Store) -> None:
    conversation = service.create(provisional=True)
    store.add_message(conversation.id, "user", "stored before the refusal")
    assert service.discard_unused(conversation.id) is False
    assert service.exists(conversation.id)


def test_model_system_prompt_and_totals(service: ConversationService, store: Store) -> None:
    conversation = service.create()
    service.set_model(conversation.id, "anthropic", "")
    service.set_system_prompt(conversation.id, "Be brief.")
    updated = service.get(conversation.id)
    assert updated is not None
    assert (updated.provider, updated.model, updated.system_prompt) == ("anthropic", None, "Be brief.")
    answer = store.add_message(conversation.id, "assistant", "x")
    store.update_message(answer.id, input_tokens=7, output_tokens=3)
    assert service.totals(conversation.id) == (7, 3)
    assert service.totals(None) == (0, 0)


# -- delete with undo -----------------------------------------------------------------------------

def test_delete_and_restore_bring_back_every_version_and_the_current_branch(
        service: ConversationService, tree: Tree) -> None:
    service.switch_version(tree.a1.id)  # the current branch is the older answer
    deleted = service.delete(tree.cid)
    assert deleted is not None and deleted.title == "Tree" and len(deleted.messages) == 5
    assert not service.exists(tree.cid) and service.delete(tree.cid) is None
    restored = service.restore(deleted)
    assert restored.id == tree.cid
    assert texts(service, tree.cid) == ["question one", "answer one"]
    assert service.version_count(tree.a1b.id) == 2
    assert service.count_messages(tree.cid) == 2


# -- the list and search --------------------------------------------------------------------------

def test_pages_of_the_list_newest_first_and_search_in_every_version(
        service: ConversationService, store: Store, tree: Tree) -> None:
    others = [service.create() for _ in range(3)]
    for conversation in others:
        store.add_message(conversation.id, "user", "hello")
    assert service.count() == 4
    first, rest = service.newest(limit=2), service.newest(limit=10, offset=2)
    assert [c.id for c in first] == [others[2].id, others[1].id]
    assert [c.id for c in rest] == [others[0].id, tree.cid]
    # "answer one" without "again" lives on the branch that is not current
    assert [c.id for c in service.search("answer one")] == [tree.cid]
    assert service.open_search_result(tree.cid, "again") is False  # the current branch holds it
    service.switch_version(tree.a1.id)
    assert service.open_search_result(tree.cid, "again") is True
    assert texts(service, tree.cid) == ["question one", "answer one, again", "question two", "answer two"]


# -- messages: pages, versions, switching, deleting ------------------------------------------------

def test_first_and_older_pages_of_the_branch(service: ConversationService, store: Store) -> None:
    cid = service.create().id
    for i in range(7):
        store.add_message(cid, "user" if i % 2 == 0 else "assistant", f"m{i}")
    page = service.first_page(cid, 3)
    assert [m.text for m in page.messages] == ["m4", "m5", "m6"] and page.has_older
    assert page.oldest_seq is not None
    older = service.older_page(cid, page.oldest_seq, 3)
    assert [m.text for m in older.messages] == ["m1", "m2", "m3"] and older.has_older
    assert older.oldest_seq is not None
    last = service.older_page(cid, older.oldest_seq, 3)
    assert [m.text for m in last.messages] == ["m0"] and not last.has_older
    whole = service.first_page(cid, 7)
    assert len(whole.messages) == 7 and not whole.has_older


def test_versions_of_a_page_and_switching(service: ConversationService, tree: Tree) -> None:
    shown = service.branch(tree.cid)
    assert service.versions_of(shown) == {tree.a1b.id: Versions((tree.a1.id, tree.a1b.id), 1)}
    assert service.switch_version(tree.a1.id) == tree.a1.id
    assert texts(service, tree.cid) == ["question one", "answer one"]
    assert service.switch_version("gone") is None


def test_delete_this_version_only_keeps_the_other_and_moves_the_branch_to_it(
        service: ConversationService, tree: Tree) -> None:
    assert service.delete_message(tree.a1b.id, "version") == 3  # a1b, q2, a2
    assert texts(service, tree.cid) == ["question one", "answer one"]
    assert service.version_count(tree.a1.id) == 1


def test_delete_the_message_and_everything_after_it(service: ConversationService, tree: Tree) -> None:
    assert service.delete_message(tree.a1.id, "after") == 4  # both answers and what followed
    assert texts(service, tree.cid) == ["question one"]
    assert service.version_count(tree.a1.id) == 0
    assert service.delete_message(tree.a1.id, "after") == 0
    with pytest.raises(ValueError):
        service.delete_message(tree.q1.id, "everything")  # type: ignore[arg-type]


# -- fork -----------------------------------------------------------------------------------------

def test_fork_copies_the_branch_up_to_the_message_and_remembers_its_origin(
        service: ConversationService, tree: Tree) -> None:
    fork = service.fork(tree.q2.id)
    assert fork.id != tree.cid
    assert texts(service, fork.id) == ["question one", "answer one, again", "question two"]
    assert texts(service, tree.cid) == ["question one", "answer one, again", "question two", "answer two"]
    assert service.origin(fork) == ForkOrigin(tree.cid, tree.q2.id, "Tree")
    original = service.get(tree.cid)
    assert original is not None and service.origin(original) is None
    with pytest.raises(KeyError):
        service.fork("no-such-message")


def test_the_origin_of_a_fork_whose_original_was_deleted_has_no_title(
        service: ConversationService, tree: Tree) -> None:
    fork = service.fork(tree.a2.id)
    service.delete(tree.cid)
    assert service.origin(fork) == ForkOrigin(tree.cid, tree.a2.id, None)
