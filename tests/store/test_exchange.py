"""Export to JSON / Markdown and import back: exact round trip, no duplicates, clear refusals."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import ImportResult, Store, export_json, export_markdown, import_json


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "source.sqlite3") as s:
        yield s


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "target.sqlite3") as s:
        yield s


def populate(store: Store) -> list[str]:
    a = store.create_conversation("Walruses", provider="anthropic", model="claude-x",
                                  system_prompt="You are a zoologist.", options={"temperature": 0.3, "max_tokens": 512})
    store.add_message(a.id, "user", "What do walruses eat?",
                      attachments=[{"name": "notes.pdf", "pages": 2, "text": "Clams."}])
    answer = store.add_message(a.id, "assistant", "", status=MessageStatus.STREAMING,
                               provider="anthropic", model="claude-x")
    store.update_message(answer.id, text="Mostly **clams**.\n\n```python\nprint('shell')\n```",
                         status=MessageStatus.COMPLETE, input_tokens=40, output_tokens=12,
                         ttft_ms=312.25, duration_ms=1500.5, stop_reason="end_turn")
    b = store.create_conversation("机器学习")
    store.add_message(b.id, "user", "我喜欢机器学习和自然语言处理")
    failed = store.add_message(b.id, "assistant", "部分回答", status=MessageStatus.STREAMING)
    store.update_message(failed.id, status=MessageStatus.ERROR, error="Overloaded: try again later.")
    c = store.create_conversation("Empty")
    return [a.id, b.id, c.id]


def without_timestamp(document: dict[str, Any]) -> dict[str, Any]:
    document = dict(document)
    document.pop("exported_at")
    return document


def test_export_document_shape(source: Store) -> None:
    ids = populate(source)
    document = export_json(source)
    assert document["format"] == "desktop-chat" and document["version"] == 2
    assert document["exported_at"].endswith("Z")
    assert set(document) == {"format", "version", "exported_at", "conversations"}
    assert [c["id"] for c in document["conversations"]] == list(reversed(ids))  # newest first
    walrus = document["conversations"][2]
    assert walrus["options"] == {"temperature": 0.3, "max_tokens": 512}
    assert [m["seq"] for m in walrus["messages"]] == [1, 2]
    assert walrus["messages"][1]["ttft_ms"] == 312.25
    first, second = walrus["messages"]
    assert first["parent_id"] is None and second["parent_id"] == first["id"]
    assert walrus["current_leaf"] == second["id"] and second["parts"] == []
    json.dumps(document)  # serialisable as is


def test_export_selected_conversations(source: Store) -> None:
    a, b, _ = populate(source)
    document = export_json(source, [b, "no-such-id", b])
    assert [c["id"] for c in document["conversations"]] == [b]
    assert export_json(source, [])["conversations"] == []


def test_round_trip_is_identical_and_second_import_skips(source: Store, target: Store) -> None:
    ids = populate(source)
    exported = json.loads(json.dumps(export_json(source)))

    assert import_json(target, exported) == ImportResult(imported=3, skipped=0)
    again = export_json(target)
    assert without_timestamp(again) == without_timestamp(exported)
    for cid in ids:
        assert target.get_conversation(cid) == source.get_conversation(cid)
        assert target.list_messages(cid) == source.list_messages(cid)

    assert import_json(target, exported) == ImportResult(imported=0, skipped=3)
    assert target.count_conversations() == 3
    assert without_timestamp(export_json(target)) == without_timestamp(exported)


def test_imported_messages_are_searchable_and_continue_their_seq(source: Store, target: Store) -> None:
    a, b, _ = populate(source)
    import_json(target, export_json(source))
    assert {h.conversation_id for h in target.search("学习")} == {b}
    assert {h.conversation_id for h in target.search("clams")} == {a}
    assert target.add_message(a, "user", "more").seq == 3


def test_partial_overlap_imports_only_the_new(source: Store, target: Store) -> None:
    a, b, c = populate(source)
    import_json(target, export_json(source, [a]))
    assert import_json(target, export_json(source)) == ImportResult(imported=2, skipped=1)
    assert target.count_conversations() == 3


def test_streaming_message_in_a_file_arrives_interrupted(source: Store, target: Store) -> None:
    c = source.create_conversation()
    m = source.add_message(c.id, "assistant", "half", status=MessageStatus.STREAMING)
    import_json(target, export_json(source))
    assert target.get_message(m.id).status is MessageStatus.INTERRUPTED  # type: ignore[union-attr]
    assert [h.message_id for h in target.search("half")] == [m.id]


def test_markdown_export(source: Store) -> None:
    populate(source)
    text = export_markdown(source)
    assert text.index("# 机器学习") < text.index("# Walruses")  # newest first
    assert "- Model: anthropic / claude-x" in text
    assert "## System prompt\n\nYou are a zoologist." in text
    assert "## User\n\nWhat do walruses eat?" in text
    assert "- Attachment: notes.pdf" in text
    assert "## Assistant (claude-x)\n\nMostly **clams**." in text
    assert "```python\nprint('shell')\n```" in text
    assert "*(answer failed: Overloaded: try again later.)*" in text
    assert "\n---\n" in text


def test_markdown_of_nothing(source: Store) -> None:
    assert export_markdown(source) == ""


def good_document(source: Store) -> dict[str, Any]:
    populate(source)
    return json.loads(json.dumps(export_json(source)))


def broken(document: dict[str, Any], change: Any) -> Any:
    document = copy.deepcopy(document)
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something-else"), "not a Desktop Chat export"),
        (lambda d: d.pop("format"), "not a Desktop Chat export"),
        (lambda d: d.update(version=3), "newer Desktop Chat"),
        (lambda d: d.update(version="1"), "version"),
        (lambda d: d.update(version=0), "Unknown Desktop Chat export version"),
        (lambda d: d.pop("conversations"), "conversations"),
        (lambda d: d.update(conversations={}), "conversations"),
        (lambda d: d["conversations"].append("nope"), "conversation #4: expected an object"),
        (lambda d: d["conversations"][0].pop("id"), 'conversation #1: the field "id" is missing'),
        (lambda d: d["conversations"][0].pop("title"), '"title" is missing'),
        (lambda d: d["conversations"][0].update(created_at="yesterday"), '"created_at" must be a number'),
        (lambda d: d["conversations"][0].update(options=[1]), '"options" must be an object'),
        (lambda d: d["conversations"][0].update(messages="hi"), '"messages" must be a list'),
        (lambda d: d["conversations"][1]["messages"][0].update(role="system"), "message #1: \"role\""),
        (lambda d: d["conversations"][1]["messages"][0].update(status="weird"), "unknown \"status\""),
        (lambda d: d["conversations"][1]["messages"][0].pop("text"), '"text" is missing'),
        (lambda d: d["conversations"][1]["messages"][0].update(text=5), '"text" must be a string'),
        (lambda d: d["conversations"][1]["messages"][0].update(input_tokens=-1), "whole number"),
        (lambda d: d["conversations"][1]["messages"][0].update(attachments="x"), "attachments"),
        (lambda d: d["conversations"][1]["messages"][1].update(seq=1), "must increase"),
        (lambda d: d["conversations"].append(copy.deepcopy(d["conversations"][0])), "appears twice"),
        (lambda d: d["conversations"][1]["messages"][1].pop("parent_id"), 'the field "parent_id" is missing'),
        (lambda d: d["conversations"][1]["messages"][1].update(parent_id="ghost"),
         "message #2: \"parent_id\" 'ghost' is not a message listed before it"),
        (lambda d: d["conversations"][1]["messages"][0].update(parent_id=d["conversations"][1]["messages"][1]["id"]),
         "message #1: \"parent_id\""),
        (lambda d: d["conversations"][1].update(current_leaf="ghost"), "\"current_leaf\" 'ghost' is not one of"),
        (lambda d: d["conversations"][1]["messages"][0].update(parts="x"), '"parts" must be a list'),
        (lambda d: d["conversations"][1]["messages"][0].update(parts=[1]), 'part #1: expected an object'),
        (lambda d: d["conversations"][1]["messages"][0].update(parts=[{"type": "thinking"}]),
         "part #1: not a valid 'thinking' part"),
        (lambda d: d["conversations"][0].update(imported_from={"app": "chatgpt"}), '"imported_from" must be'),
        (lambda d: d["conversations"][0].update(
            id="other", messages=copy.deepcopy(d["conversations"][1]["messages"])), "message id"),
    ],
)
def test_import_rejects_bad_documents_and_writes_nothing(
    source: Store, target: Store, change: Any, message: str
) -> None:
    document = broken(good_document(source), change)
    with pytest.raises(ValueError, match=re.escape(message)):
        import_json(target, document)
    assert target.count_conversations() == 0


@pytest.mark.parametrize("garbage", [None, [], "desktop-chat", 42, {"format": "desktop-chat"}])
def test_import_rejects_garbage(target: Store, garbage: Any) -> None:
    with pytest.raises(ValueError):
        import_json(target, garbage)


def test_message_id_clash_with_another_conversation_imports_nothing(source: Store, target: Store) -> None:
    document = good_document(source)
    import_json(target, document)
    clash = copy.deepcopy(document)
    clash["conversations"][0]["id"] = "a-new-conversation"
    clash["conversations"][0]["messages"] = copy.deepcopy(document["conversations"][2]["messages"])
    with pytest.raises(ValueError, match="message id"):
        import_json(target, clash)
    assert target.count_conversations() == 3


def test_minimal_hand_written_document(target: Store) -> None:
    document = {
        "format": "desktop-chat", "version": 1,
        "conversations": [{"id": "hand", "title": "By hand", "created_at": 1700000000,
                           "messages": [{"id": "h1", "role": "user", "text": "hello there", "created_at": 1700000000}]}],
    }
    assert import_json(target, document) == ImportResult(1, 0)
    [m] = target.list_messages("hand")
    assert (m.seq, m.status, m.updated_at) == (1, MessageStatus.COMPLETE, 1700000000.0)
    assert [h.message_id for h in target.search("hello")] == ["h1"]
