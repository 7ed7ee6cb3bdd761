"""Importing ChatGPT's and Claude's data exports: detection, conversion to our format version 2
(every branch, the current leaf, code, Chinese), what is counted as not imported, and stable ids."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from desktop_chat.store.importers import NotAnExport, convert, detect
from desktop_chat.store.importers.document import fenced, message_id, order_by_creation, our_id

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}_conversations.json").read_text(encoding="utf-8"))


def by_title(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["title"]: c for c in document["conversations"]}


def texts(conversation: dict[str, Any]) -> dict[str, str]:
    """Message id → text."""
    return {m["id"]: m["text"] for m in conversation["messages"]}


def branch(conversation: dict[str, Any]) -> list[str]:
    """The texts on the current branch, first message first."""
    messages = {m["id"]: m for m in conversation["messages"]}
    out, node = [], messages[conversation["current_leaf"]]
    while node is not None:
        out.append(node["text"])
        node = messages.get(node["parent_id"])
    return out[::-1]


# -- detection ---------------------------------------------------------------------------------

def test_detects_each_export_by_content() -> None:
    assert detect(load("chatgpt")) == "chatgpt"
    assert detect(load("claude")) == "claude"
    assert detect({"format": "desktop-chat", "version": 1, "conversations": []}) == "desktop-chat"


@pytest.mark.parametrize("data", [
    [], {}, None, "text", 3, {"format": "other-app"}, {"conversations": []},
    [{"title": "x"}],  # a list of something else
    [{"mapping": {}}],  # ChatGPT-like but without current_node
    [{"uuid": "a", "name": "b"}],  # Claude-like but without chat_messages
    [{"mapping": {}, "current_node": None}, {"uuid": "a", "chat_messages": []}],  # a mixture
    [{"mapping": {}, "current_node": None}, "stray"],
])
def test_anything_else_is_not_recognised(data: Any) -> None:
    assert detect(data) is None
    with pytest.raises(NotAnExport, match="expected a Desktop Chat JSON export, or conversations.json "
                                          "from a ChatGPT or Claude data export"):
        convert(data)


# -- ChatGPT -----------------------------------------------------------------------------------

def test_chatgpt_keeps_every_branch_with_its_parent_and_the_current_leaf() -> None:
    source, conversion = convert(load("chatgpt"))
    assert source == "chatgpt" and conversion is not None
    doc = conversion.document
    assert (doc["format"], doc["version"]) == ("desktop-chat", 2)
    trip = by_title(doc)["Trip plan"]
    source_id = "6650a1b2-c3d4-8000-9e5f-0a1b2c3d4e5f"
    assert trip["id"] == our_id("chatgpt", source_id)
    assert trip["imported_from"] == {"app": "chatgpt", "id": source_id}
    assert (trip["provider"], trip["model"]) == ("openai", "gpt-4o-mini")  # the current branch's last answer
    assert (trip["created_at"], trip["updated_at"]) == (1717400000.123456, 1717400900.5)

    def mid(node: str) -> str:
        return message_id("chatgpt", source_id, node)

    question, answer = mid("aaa2b1c4-1111-4d7e-8f00-0000000000u1"), mid("b3f9e2d1-2222-4c6b-9a11-0000000000a1")
    asked, edited = mid("aaa2b1c4-3333-4d7e-8f00-0000000000u2"), mid("aaa2b1c4-4444-4d7e-8f00-000000000u2b")
    first, regenerated = mid("b3f9e2d1-6666-4c6b-9a11-0000000000a3"), mid("b3f9e2d1-7777-4c6b-9a11-000000000a3b")
    parents = {m["id"]: m["parent_id"] for m in trip["messages"]}
    # The root, the hidden system message and the hidden custom instructions are gone; the first
    # question hangs from nothing.
    assert parents == {
        question: None, answer: question,
        asked: answer, mid("b3f9e2d1-5555-4c6b-9a11-0000000000a2"): asked,  # the question before its edit
        edited: answer, first: edited, regenerated: edited,  # the edit, answered twice
    }
    assert trip["current_leaf"] == regenerated
    assert branch(trip)[-2:] == ["京都有什么必吃的美食？请用中文回答。",
                                 "京都必吃：\n1. 汤豆腐（南禅寺附近）\n2. 锦市场的小吃\n3. 宇治抹茶冰淇淋"]
    assert texts(trip)[first] == "推荐：汤豆腐、鲭鱼寿司和抹茶甜点。"
    # Creation order, parents first, seq 1..n.
    assert [m["seq"] for m in trip["messages"]] == list(range(1, 8))
    assert [m["id"] for m in trip["messages"]][:2] == [question, answer]
    by_id = {m["id"]: m for m in trip["messages"]}
    assert (by_id[regenerated]["role"], by_id[regenerated]["provider"], by_id[regenerated]["model"]) == (
        "assistant", "openai", "gpt-4o-mini")
    assert (by_id[question]["role"], by_id[question]["provider"], by_id[question]["model"]) == ("user", None, None)
    assert by_id[question]["text"].startswith("Here are two photos of the ryokan")  # the text of a multimodal question
    assert by_id[question]["created_at"] == 1717400010.25


def test_chatgpt_message_records_have_the_version_2_shape() -> None:
    _, conversion = convert(load("chatgpt"))
    assert conversion is not None
    conversation = conversion.document["conversations"][0]
    assert set(conversation) == {"id", "title", "provider", "model", "system_prompt", "options", "created_at",
                                 "updated_at", "current_leaf", "imported_from", "messages"}
    for m in conversation["messages"]:
        assert set(m) == {"id", "parent_id", "seq", "role", "text", "parts", "status", "attachments", "provider",
                          "model", "input_tokens", "output_tokens", "ttft_ms", "duration_ms", "stop_reason",
                          "error", "error_text", "created_at", "updated_at"}
        assert (m["status"], m["parts"], m["attachments"]) == ("complete", [], [])
        assert isinstance(m["created_at"], float) and m["updated_at"] >= m["created_at"]
    json.dumps(conversion.document)  # serialisable as it is


def test_chatgpt_code_is_fenced_and_tool_output_and_reasoning_are_counted() -> None:
    _, conversion = convert(load("chatgpt"))
    assert conversion is not None
    csv = by_title(conversion.document)["CSV 行数统计"]
    assert branch(csv) == [
        "How many rows does data.csv have? Use Python.",
        "```python\nimport pandas as pd\n\ndf = pd.read_csv(\"/mnt/data/data.csv\")\nprint(len(df))  # 行数\n```",
        "`data.csv` has **1042** rows (not counting the header).",
    ]
    assert csv["model"] == "o3"
    assert conversion.skipped.in_conversation(csv["id"]) == {
        "thoughts": 1, "reasoning_recap": 1, "execution_output": 1}


def test_chatgpt_skipped_parts_and_empty_conversations_are_named() -> None:
    _, conversion = convert(load("chatgpt"))
    assert conversion is not None
    assert (conversion.conversations_read, len(conversion.document["conversations"])) == (3, 2)
    # The shown ones: 7 in "Trip plan", 6 in "CSV 行数统计"; not the hidden or the empty system ones.
    assert conversion.messages_read == 13
    assert [str(line) for line in conversion.skipped.lines()] == [
        "2 image(s) in “Trip plan”",
        "1 part(s) of the model's reasoning (“thoughts”) in “CSV 行数统计”",
        "1 part(s) of the model's reasoning (“reasoning_recap”) in “CSV 行数统计”",
        "1 code execution result(s) in “CSV 行数统计”",
        "1 empty conversation(s): “New chat”",
    ]


def test_chatgpt_unknown_roles_and_content_types_are_counted_by_name() -> None:
    data = load("chatgpt")[:1]
    mapping = data[0]["mapping"]
    answer = mapping["b3f9e2d1-5555-4c6b-9a11-0000000000a2"]
    answer["message"]["content"] = {"content_type": "tether_browsing_display", "result": "…", "summary": None}
    answer["message"]["author"]["role"] = "tool"
    regenerated = mapping["b3f9e2d1-7777-4c6b-9a11-000000000a3b"]["message"]
    regenerated["content"] = {"content_type": "sonic_webpage", "url": "https://example.org"}
    mapping["aaa2b1c4-3333-4d7e-8f00-0000000000u2"]["message"]["author"]["role"] = "critic"
    _, conversion = convert(data)
    assert conversion is not None
    assert [str(line) for line in conversion.skipped.lines()] == [
        "2 image(s) in “Trip plan”",
        "1 message(s) from “critic” in “Trip plan”",
        "1 part(s) of type “tether_browsing_display” in “Trip plan”",
        "1 part(s) of type “sonic_webpage” in “Trip plan”",
    ]
    (trip,) = conversion.document["conversations"]
    # current_node was left out: the current leaf is its nearest kept ancestor, the edited question.
    assert branch(trip)[-1] == "京都有什么必吃的美食？请用中文回答。"


def test_chatgpt_damaged_structure_is_a_clear_error() -> None:
    data = load("chatgpt")
    data[1]["mapping"] = None
    with pytest.raises(ValueError, match=r"ChatGPT conversation #2 has no id or no message tree"):
        convert(data)


def test_chatgpt_loop_in_the_tree_loses_nothing() -> None:
    data = load("chatgpt")[1:2]
    mapping = data[0]["mapping"]
    first = "e1d2c3b4-0001-4f00-8a00-00000000000u"
    mapping[first]["parent"] = "e1d2c3b4-0006-4f00-8a00-0000000000an"  # first ← last ← … ← first
    _, conversion = convert(data)
    assert conversion is not None
    (csv,) = conversion.document["conversations"]
    assert len(csv["messages"]) == 3 and sorted(m["seq"] for m in csv["messages"]) == [1, 2, 3]
    assert sum(m["parent_id"] is None for m in csv["messages"]) == 1


# -- Claude ------------------------------------------------------------------------------------

def test_claude_keeps_every_branch_and_makes_the_newest_message_current() -> None:
    source, conversion = convert(load("claude"))
    assert source == "claude" and conversion is not None
    refactor = by_title(conversion.document)["Refactor a Python helper"]
    source_id = "9f2c4e1a-7b3d-4c5e-8f6a-1b2c3d4e5f60"
    assert refactor["id"] == our_id("claude", source_id)
    assert refactor["imported_from"] == {"app": "claude", "id": source_id}
    assert refactor["provider"] == "anthropic"

    def mid(n: int) -> str:
        return message_id("claude", source_id, f"c000000{n}-aaaa-4bbb-8ccc-00000000000{n}")

    parents = {m["id"]: m["parent_id"] for m in refactor["messages"]}
    assert parents == {
        mid(1): None,  # the all-zero parent
        mid(2): mid(1), mid(3): mid(1),  # an answer and its retry
        mid(4): mid(3), mid(5): mid(4),  # one follow-up …
        mid(6): mid(3), mid(7): mid(6),  # … and the edited follow-up, newest
    }
    assert refactor["current_leaf"] == mid(7)
    assert [m["id"] for m in refactor["messages"]] == [mid(n) for n in range(1, 8)]
    assert [m["seq"] for m in refactor["messages"]] == list(range(1, 8))
    assert refactor["created_at"] == 1741942800.0  # 2025-03-14T09:00:00Z
    by_id = {m["id"]: m for m in refactor["messages"]}
    assert by_id[mid(5)]["text"] == "截图里的错误是 `TypeError`：你把字符串传给了 `add`。"  # text blocks only
    assert by_id[mid(2)]["text"].startswith("Here it is:\n\n```python\ndef add(a: float")
    assert (by_id[mid(2)]["role"], by_id[mid(2)]["provider"]) == ("assistant", "anthropic")
    assert (by_id[mid(1)]["role"], by_id[mid(1)]["provider"]) == ("user", None)


def test_claude_attachment_text_is_appended_as_a_marked_block() -> None:
    _, conversion = convert(load("claude"))
    assert conversion is not None
    first = by_title(conversion.document)["Refactor a Python helper"]["messages"][0]
    assert first["text"] == (
        "Can you refactor this helper so it also accepts floats?\n\n"
        "Attached file “utils.py”:\n\n```\ndef add(a: int, b: int) -> int:\n    return a + b\n```"
    )


def test_claude_linear_export_without_parents_and_skipped_parts() -> None:
    _, conversion = convert(load("claude"))
    assert conversion is not None
    haiku = by_title(conversion.document)["秋天的俳句"]
    assert branch(haiku) == ["写一首关于秋天的俳句。", "枫叶落无声\n寒鸦栖于枯枝上\n夕阳染山红",
                             "Here is the PDF of my poem collection, what do you think?"]
    assert len(haiku["messages"]) == 3
    assert (conversion.conversations_read, conversion.messages_read) == (3, 10)
    assert [str(line) for line in conversion.skipped.lines()] == [
        "1 part(s) of the model's reasoning (“thinking”) in “Refactor a Python helper”",
        "1 image(s) in “Refactor a Python helper”",
        "1 tool call(s) in “Refactor a Python helper”",
        "1 tool result(s) in “Refactor a Python helper”",
        "1 attached file(s) without readable text in “秋天的俳句”",
        "1 empty conversation(s): “Untitled”",
    ]


def test_claude_damaged_structure_is_a_clear_error() -> None:
    data = load("claude")
    data[0]["chat_messages"] = {"not": "a list"}
    with pytest.raises(ValueError, match=r"Claude conversation #1 has no id or no message list"):
        convert(data)


# -- determinism and shared pieces ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["chatgpt", "claude"])
def test_converting_twice_gives_the_same_ids(name: str) -> None:
    first, second = convert(load(name))[1], convert(load(name))[1]
    assert first is not None and second is not None
    a, b = first.document, second.document
    assert a.pop("exported_at") and b.pop("exported_at")
    assert a == b
    ids = [m["id"] for c in a["conversations"] for m in c["messages"]] + [c["id"] for c in a["conversations"]]
    assert len(ids) == len(set(ids))  # no id used twice across conversations and messages
    # ChatGPT and Claude conversations with the same source id still get different ids.
    assert our_id("chatgpt", "x") != our_id("claude", "x")


def test_summary_of_the_same_kind_over_many_conversations() -> None:
    data = [copy.deepcopy(load("chatgpt")[0]) for _ in range(7)]
    for n, conversation in enumerate(data):
        conversation["id"] = conversation["conversation_id"] = f"conversation-{n}"
        conversation["title"] = f"Trip {n}"
    _, conversion = convert(data)
    assert conversion is not None
    (line,) = conversion.skipped.lines()
    assert str(line) == ("14 image(s) in “Trip 0” (2), “Trip 1” (2), “Trip 2” (2), “Trip 3” (2), “Trip 4” (2) "
                         "and 2 more conversation(s)")
    (line,) = conversion.skipped.lines(leave_out={our_id("chatgpt", f"conversation-{n}") for n in range(1, 7)})
    assert str(line) == "2 image(s) in “Trip 0”"


def test_fenced_code_survives_backticks_inside_it() -> None:
    assert fenced("print('```')\n", "python") == "````python\nprint('```')\n````"
    assert fenced("x = 1", "unknown") == "```\nx = 1\n```"


def test_creation_order_puts_parents_first_even_against_the_clock() -> None:
    def message(id: str, parent: str | None, at: float) -> dict[str, Any]:
        return {"id": id, "parent_id": parent, "created_at": at, "seq": -1}

    ordered = order_by_creation([message("child", "parent", 1.0), message("parent", None, 5.0),
                                 message("other", None, 3.0)])
    assert [(m["id"], m["seq"]) for m in ordered] == [("other", 1), ("parent", 2), ("child", 3)]
