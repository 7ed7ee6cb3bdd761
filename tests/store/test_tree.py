"""The history tree in the store: branches, versions, switching, deleting, forking, search."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_chat.domain.messages import Message, MessageStatus
from desktop_chat.domain.parts import ThinkingPart, ToolCallPart
from desktop_chat.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "chat.sqlite3") as s:
        yield s


def texts(messages: list[Message]) -> list[str]:
    return [m.text for m in messages]


class Tree:
    """q1 → a1, a1' (regenerated) ; under a1': q2 → a2 ; q2' (edited) → a2'.

    Current branch after building: q1, a1', q2', a2'.
    """

    def __init__(self, store: Store) -> None:
        self.cid = store.create_conversation("Tree").id
        add = store.add_message
        self.q1 = add(self.cid, "user", "question one")
        self.a1 = add(self.cid, "assistant", "answer one")
        self.a1b = add(self.cid, "assistant", "answer one, again", parent_id=self.q1.id)
        self.q2 = add(self.cid, "user", "question two")
        self.a2 = add(self.cid, "assistant", "answer two")
        self.q2b = add(self.cid, "user", "question two, edited", parent_id=self.a1b.id)
        self.a2b = add(self.cid, "assistant", "answer two, edited")


@pytest.fixture
def tree(store: Store) -> Tree:
    return Tree(store)


def test_add_message_appends_to_the_current_branch_and_becomes_its_leaf(store: Store, tree: Tree) -> None:
    assert tree.a1.parent_id == tree.q1.id and tree.q1.parent_id is None
    assert tree.q2.parent_id == tree.a1b.id  # the default parent is the leaf at the time
    assert texts(store.list_messages(tree.cid)) == [
        "question one", "answer one, again", "question two, edited", "answer two, edited"]
    assert store.get_conversation(tree.cid).current_leaf == tree.a2b.id  # type: ignore[union-attr]
    assert store.count_messages(tree.cid) == 4 and store.count_all_messages(tree.cid) == 7


def test_a_parent_from_another_conversation_is_refused(store: Store, tree: Tree) -> None:
    other = store.create_conversation()
    with pytest.raises(ValueError, match="no message"):
        store.add_message(other.id, "user", "x", parent_id=tree.q1.id)
    assert store.count_all_messages(other.id) == 0


def test_versions_are_the_siblings_of_the_same_role_oldest_first(store: Store, tree: Tree) -> None:
    assert texts(store.versions(tree.a1b.id)) == ["answer one", "answer one, again"]
    assert texts(store.versions(tree.a1.id)) == ["answer one", "answer one, again"]
    assert texts(store.versions(tree.q2.id)) == ["question two", "question two, edited"]
    assert texts(store.versions(tree.q1.id)) == ["question one"]
    assert store.versions("no-such-id") == []


def test_switch_to_follows_the_newest_child_down_to_a_leaf(store: Store, tree: Tree) -> None:
    assert store.switch_to(tree.a1.id) == tree.a1.id
    assert texts(store.list_messages(tree.cid)) == ["question one", "answer one"]
    assert store.switch_to(tree.q2.id) == tree.a2.id
    assert texts(store.list_messages(tree.cid)) == [
        "question one", "answer one, again", "question two", "answer two"]
    assert store.switch_to(tree.a1b.id) == tree.a2b.id  # the edited question is its newest child
    assert store.switch_to("no-such-id") is None
    assert store.get_conversation(tree.cid).current_leaf == tree.a2b.id  # type: ignore[union-attr]


def test_paging_walks_the_current_branch(store: Store) -> None:
    cid = store.create_conversation().id
    q = store.add_message(cid, "user", "q")
    for i in range(10):
        store.add_message(cid, "assistant", f"old {i}", parent_id=q.id)  # versions beside the branch
    for i in range(20):
        store.add_message(cid, "user" if i % 2 else "assistant", f"m{i}")
    page = store.list_messages(cid, limit=5)
    assert texts(page) == [f"m{i}" for i in range(15, 20)]
    older = store.list_messages(cid, limit=5, before_seq=page[0].seq)
    assert texts(older) == [f"m{i}" for i in range(10, 15)]
    assert texts(store.list_messages(cid, limit=50, before_seq=older[0].seq))[:2] == ["q", "old 9"]
    assert store.count_messages(cid) == 22 and store.count_all_messages(cid) == 31


def test_branch_to_is_what_a_request_for_that_message_is_built_from(store: Store, tree: Tree) -> None:
    assert texts(store.branch_to(tree.q2.id)) == ["question one", "answer one, again", "question two"]
    assert store.branch_to("no-such-id") == []


def test_delete_version_removes_it_and_what_follows_and_moves_to_a_sibling(store: Store, tree: Tree) -> None:
    assert store.delete_version(tree.q2b.id) == 2
    assert store.get_message(tree.a2b.id) is None
    assert texts(store.list_messages(tree.cid)) == [
        "question one", "answer one, again", "question two", "answer two"]
    assert store.search("edited") == []
    # deleting the only version of the last answer leaves the branch at its question
    assert store.delete_version(tree.a2.id) == 1
    assert texts(store.list_messages(tree.cid)) == ["question one", "answer one, again", "question two"]


def test_delete_version_of_a_branch_not_shown_leaves_the_current_one(store: Store, tree: Tree) -> None:
    assert store.delete_version(tree.a1.id) == 1
    assert texts(store.list_messages(tree.cid))[-1] == "answer two, edited"
    assert texts(store.versions(tree.a1b.id)) == ["answer one, again"]


def test_delete_message_and_after_removes_every_version_of_that_position(store: Store, tree: Tree) -> None:
    assert store.delete_message_and_after(tree.a1.id) == 6
    assert texts(store.list_messages(tree.cid)) == ["question one"]
    assert store.count_all_messages(tree.cid) == 1
    assert store.search("answer") == []
    assert store.delete_message_and_after(tree.q1.id) == 1
    assert store.list_messages(tree.cid) == []
    assert store.get_conversation(tree.cid).current_leaf is None  # type: ignore[union-attr]


def test_delete_message_keeps_the_branch_whole(store: Store, tree: Tree) -> None:
    assert store.delete_message(tree.q2b.id)
    assert texts(store.list_messages(tree.cid)) == ["question one", "answer one, again", "answer two, edited"]
    assert store.get_message(tree.a2b.id).parent_id == tree.a1b.id  # type: ignore[union-attr]


def test_fork_copies_the_branch_and_remembers_where_it_came_from(store: Store, tree: Tree) -> None:
    store.update_conversation(tree.cid, system_prompt="Be brief.", options={"temperature": 0.2})
    fork = store.fork(tree.q2.id)
    assert fork.id != tree.cid and fork.title == "Tree (fork)" and fork.system_prompt == "Be brief."
    assert fork.options == {"temperature": 0.2,
                            "forked_from": {"conversation_id": tree.cid, "message_id": tree.q2.id}}
    copied = store.list_messages(fork.id)
    assert texts(copied) == ["question one", "answer one, again", "question two"]
    assert not {m.id for m in copied} & {tree.q1.id, tree.a1b.id, tree.q2.id}
    assert [m.seq for m in copied] == [1, 2, 3] and copied[1].parent_id == copied[0].id
    assert store.count_all_messages(fork.id) == 3  # the copy holds one branch, no other version
    assert {h.conversation_id for h in store.search("question two")} >= {fork.id, tree.cid}
    with pytest.raises(KeyError):
        store.fork("no-such-id")


def test_fork_of_an_answer_still_streaming_copies_it_as_interrupted(store: Store) -> None:
    cid = store.create_conversation().id
    store.add_message(cid, "user", "go")
    live = store.add_message(cid, "assistant", "half", status=MessageStatus.STREAMING)
    fork = store.fork(live.id)
    assert store.list_messages(fork.id)[-1].status is MessageStatus.INTERRUPTED
    assert store.get_message(live.id).status is MessageStatus.STREAMING  # type: ignore[union-attr]


def test_search_finds_a_version_not_shown_and_open_branch_of_switches_to_it(store: Store, tree: Tree) -> None:
    walrus = store.add_message(tree.cid, "assistant", "a walrus appears", parent_id=tree.q2.id)
    store.switch_to(tree.a2b.id)  # the walrus is on a branch that is not shown
    (hit,) = store.search("walrus")
    assert (hit.message_id, hit.conversation_id) == (walrus.id, tree.cid)
    assert [c.id for c in store.search_conversations("walrus")] == [tree.cid]
    assert store.open_branch_of(hit.message_id) == walrus.id
    assert texts(store.list_messages(tree.cid)) == [
        "question one", "answer one, again", "question two", "a walrus appears"]


def test_parts_are_stored_and_read_back(store: Store) -> None:
    cid = store.create_conversation().id
    parts = [ThinkingPart("hmm", signature="sig").to_dict(), ToolCallPart("c1", "search", {"q": "x"}).to_dict()]
    stored = store.add_message(cid, "assistant", "done", parts=parts)
    again = store.get_message(stored.id)
    assert again is not None and again.parts == parts
    assert again.typed_parts == [ThinkingPart("hmm", "sig"), ToolCallPart("c1", "search", {"q": "x"})]


def test_branch_matching_points_at_another_branch_only_when_the_current_one_has_no_match(
        store: Store, tree: Tree) -> None:
    assert store.branch_matching(tree.cid, "edited") is None  # on the current branch already
    assert store.branch_matching(tree.cid, "nowhere") is None
    assert store.branch_matching(tree.cid, "answer one") is None  # "answer one, again" is shown
    store.switch_to(tree.a1.id)  # now the branch is question one / answer one
    assert store.branch_matching(tree.cid, "again") == tree.a1b.id  # the newest match elsewhere
    assert store.open_branch_of(tree.a1b.id) == tree.a2b.id
