"""Export format version 2 keeps every version; version 1 files still import; Markdown shows the branch."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_chat.domain.parts import ThinkingPart
from desktop_chat.store import ImportResult, Store, export_json, export_markdown, import_json


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "source.sqlite3") as s:
        yield s


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "target.sqlite3") as s:
        yield s


def branched(store: Store) -> str:
    """q → a1, a2 (regenerated, with a thinking part) ; the user went back to a1 and asked on."""
    cid = store.create_conversation("Branches").id
    q = store.add_message(cid, "user", "question")
    a1 = store.add_message(cid, "assistant", "first answer")
    store.add_message(cid, "assistant", "second answer", parent_id=q.id,
                      parts=[ThinkingPart("thinking it over", signature="s1").to_dict()])
    store.switch_to(a1.id)
    store.add_message(cid, "user", "follow-up")
    return cid


def test_version_2_round_trip_keeps_every_version_and_the_current_branch(source: Store, target: Store) -> None:
    cid = branched(source)
    document = json.loads(json.dumps(export_json(source)))
    (conversation,) = document["conversations"]
    assert [m["text"] for m in conversation["messages"]] == [
        "question", "first answer", "second answer", "follow-up"]  # creation order, every version
    assert conversation["messages"][2]["parts"][0]["type"] == "thinking"
    assert conversation["current_leaf"] == conversation["messages"][3]["id"]

    assert import_json(target, document) == ImportResult(1, 0)
    assert import_json(target, document) == ImportResult(0, 1)  # twice adds nothing
    again = export_json(target)
    assert again["conversations"] == document["conversations"]
    assert target.list_messages(cid) == source.list_messages(cid)
    second = [m for m in target.versions(conversation["messages"][1]["id"])]
    assert [m.text for m in second] == ["first answer", "second answer"]
    assert second[1].typed_parts == [ThinkingPart("thinking it over", "s1")]


def test_version_1_files_import_as_one_branch(target: Store) -> None:
    document = {
        "format": "desktop-chat", "version": 1,
        "conversations": [{"id": "old", "title": "Old", "created_at": 1700000000, "messages": [
            {"id": f"m{i}", "role": "user" if i % 2 == 0 else "assistant", "text": f"text {i}",
             "created_at": 1700000000 + i} for i in range(4)]}],
    }
    assert import_json(target, document) == ImportResult(1, 0)
    messages = target.list_messages("old")
    assert [m.id for m in messages] == ["m0", "m1", "m2", "m3"]
    assert [m.parent_id for m in messages] == [None, "m0", "m1", "m2"]
    assert target.get_conversation("old").current_leaf == "m3"  # type: ignore[union-attr]


def test_a_version_2_document_from_another_app_keeps_where_it_came_from(target: Store) -> None:
    document = {
        "format": "desktop-chat", "version": 2,
        "conversations": [{
            "id": "chatgpt-123", "title": "Imported", "created_at": 1700000000,
            "imported_from": {"app": "chatgpt", "id": "123"}, "options": {"temperature": 1},
            "messages": [
                {"id": "u", "parent_id": None, "role": "user", "text": "hi", "created_at": 1700000000},
                {"id": "a", "parent_id": "u", "role": "assistant", "text": "hello", "created_at": 1700000001,
                 "parts": [{"type": "some_future_part", "x": 1}]},
                {"id": "b", "parent_id": "u", "role": "assistant", "text": "hey", "created_at": 1700000002},
            ],
            "current_leaf": "a",
        }],
    }
    assert import_json(target, document) == ImportResult(1, 0)
    conversation = target.get_conversation("chatgpt-123")
    assert conversation is not None
    assert conversation.options == {"temperature": 1, "imported_from": {"app": "chatgpt", "id": "123"}}
    assert [m.text for m in target.list_messages("chatgpt-123")] == ["hi", "hello"]
    assert [m.text for m in target.versions("a")] == ["hello", "hey"]
    assert target.get_message("a").parts == [{"type": "some_future_part", "x": 1}]  # kept, not read
    assert target.get_message("a").typed_parts == []  # type: ignore[union-attr]


def test_markdown_exports_the_current_branch(source: Store) -> None:
    branched(source)
    markdown = export_markdown(source)
    assert "first answer" in markdown and "follow-up" in markdown
    assert "second answer" not in markdown
    assert "Other versions: 1 more message(s), not shown" in markdown
