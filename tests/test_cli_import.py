"""`desktop-chat import conversations.json` from ChatGPT's and Claude's data exports, as a user runs it.

Another app's message tree is stored as it is (export format version 2: every version and
branch); the import runs end to end, twice, and the second time adds nothing.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from desktop_chat.cli import run
from desktop_chat.store import exchange
from desktop_chat.store.importers import convert

FIXTURES = Path(__file__).parent / "store" / "fixtures"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), stdin=io.StringIO(""), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def fixture(name: str) -> str:
    return str(FIXTURES / f"{name}_conversations.json")


def exported() -> list[dict]:
    code, out, _ = cli("export")
    assert code == 0
    return json.loads(out)["conversations"]


def test_chatgpt_export_imports_every_branch_once() -> None:
    code, out, err = cli("import", fixture("chatgpt"))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Read 3 conversation(s) with 13 message(s) from a ChatGPT export.",
        "Imported 2 conversation(s) with 10 message(s); skipped 0 already present.",
        "Not imported: 2 image(s) in “Trip plan”",
        "Not imported: 1 part(s) of the model's reasoning (“thoughts”) in “CSV 行数统计”",
        "Not imported: 1 part(s) of the model's reasoning (“reasoning_recap”) in “CSV 行数统计”",
        "Not imported: 1 code execution result(s) in “CSV 行数统计”",
        "Not imported: 1 empty conversation(s): “New chat”",
    ]
    first = exported()
    code, out, _ = cli("import", fixture("chatgpt"))
    assert code == 0
    assert out.splitlines()[1:] == [
        "Imported 0 conversation(s) with 0 message(s); skipped 2 already present.",
        "Not imported: 1 empty conversation(s): “New chat”",  # still not imported, still said
    ]
    assert exported() == first
    _same_tree(first, "chatgpt")


def test_claude_export_imports_every_branch_once() -> None:
    code, out, err = cli("import", fixture("claude"))
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == [
        "Read 3 conversation(s) with 10 message(s) from a Claude export.",
        "Imported 2 conversation(s) with 10 message(s); skipped 0 already present.",
    ]
    assert "Not imported: 1 image(s) in “Refactor a Python helper”" in out.splitlines()
    first = exported()
    code, out, _ = cli("import", fixture("claude"))
    assert code == 0 and out.splitlines()[1] == (
        "Imported 0 conversation(s) with 0 message(s); skipped 2 already present.")
    assert exported() == first
    _same_tree(first, "claude")


def _same_tree(stored: list[dict], name: str) -> None:
    """What the history exports again is the converted tree: ids, parents, current leaf, texts."""
    conversion = convert(json.loads(Path(fixture(name)).read_text(encoding="utf-8")))[1]
    assert conversion is not None
    expected = {c["id"]: c for c in conversion.document["conversations"]}
    assert {c["id"] for c in stored} == set(expected)
    for conversation in stored:
        want = expected[conversation["id"]]
        assert conversation["current_leaf"] == want["current_leaf"]
        assert {(m["id"], m["parent_id"], m["text"]) for m in conversation["messages"]} == {
            (m["id"], m["parent_id"], m["text"]) for m in want["messages"]}
