"""`desktop-chat ask --conversation ID --regenerate | --edit TEXT`: new versions, nothing lost."""

from __future__ import annotations

import pytest

from desktop_chat import config
from desktop_chat.store import Store
from tests.fakes.loopback import Scenario
from tests.test_cli import cli, configure
from tests.wiring import fake_for


def conversation_id() -> str:
    with Store(config.database_path()) as store:
        (conversation,) = store.list_conversations()
        return conversation.id


def branch(cid: str) -> list[str]:
    with Store(config.database_path()) as store:
        return [m.text for m in store.list_messages(cid)]


def sent(fake) -> list[tuple[str, str]]:
    body = fake.requests_to("/chat/completions")[-1].json
    return [(m["role"], m["content"]) for m in body["messages"]]


def test_regenerate_prints_a_new_version_and_keeps_the_old_one():
    with fake_for("openai", Scenario(chunks=["Four."])) as fake:
        configure("openai", fake)
        assert cli("ask", "What is 2+2?")[0] == 0
        cid = conversation_id()
        fake.default = Scenario(chunks=["2+2 = 4."])
        code, out, err = cli("ask", "--conversation", cid, "--regenerate")
        assert sent(fake) == [("user", "What is 2+2?")]
    assert (code, out, err) == (0, "2+2 = 4.\n", "")
    assert branch(cid) == ["What is 2+2?", "2+2 = 4."]
    with Store(config.database_path()) as store:
        answer = store.list_messages(cid)[-1]
        assert [m.text for m in store.versions(answer.id)] == ["Four.", "2+2 = 4."]


def test_edit_asks_a_new_version_of_the_last_question_and_answers_it():
    with fake_for("openai", Scenario(chunks=["A1"])) as fake:
        configure("openai", fake)
        assert cli("ask", "one")[0] == 0
        cid = conversation_id()
        fake.default = Scenario(chunks=["A2"])
        assert cli("ask", "--conversation", cid, "two")[0] == 0
        fake.default = Scenario(chunks=["A2, edited"])
        code, out, err = cli("ask", "--conversation", cid, "--edit", "two, edited")
        assert sent(fake) == [("user", "one"), ("assistant", "A1"), ("user", "two, edited")]
    assert (code, out, err) == (0, "A2, edited\n", "")
    assert branch(cid) == ["one", "A1", "two, edited", "A2, edited"]
    with Store(config.database_path()) as store:
        question = store.list_messages(cid)[2]
        assert [m.text for m in store.versions(question.id)] == ["two", "two, edited"]
        assert store.count_all_messages(cid) == 6


@pytest.mark.parametrize("argv, message", [
    (["--regenerate"], "--regenerate needs --conversation ID"),
    (["--edit", "new"], "--edit needs --conversation ID"),
    (["--conversation", "X", "--regenerate", "a", "prompt"], "--regenerate takes no prompt"),
    (["--conversation", "X", "--edit", "new", "a", "prompt"], "--edit takes no prompt"),
    (["--conversation", "X", "--edit", "  "], "the new text for --edit is empty"),
    (["--conversation", "X", "--regenerate", "--attach", "a.pdf"], "--regenerate cannot attach files"),
    (["--conversation", "X", "--regenerate", "--system", "Be brief."], "--system cannot be combined with --regenerate"),
    (["--conversation", "X", "--edit", "new", "--context-tokens", "9"], "--context-tokens cannot be combined with --edit"),
    (["--conversation", "no-such-id", "--regenerate"], "there is no conversation with id no-such-id"),
    (["--conversation", "no-such-id", "--edit", "new"], "there is no conversation with id no-such-id"),
])
def test_bad_usage_of_regenerate_and_edit_is_one_clear_line(argv, message):
    code, out, err = cli("ask", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err


def test_regenerate_and_edit_together_are_refused():
    code, _out, err = cli("ask", "--conversation", "X", "--regenerate", "--edit", "new")
    assert code == 2 and "not allowed with argument" in err


def test_regenerate_in_a_conversation_without_a_question_says_so():
    with Store(config.database_path()) as store:
        cid = store.create_conversation().id
    code, out, err = cli("ask", "--conversation", cid, "--regenerate")
    assert code == 1 and out == ""
    assert err == "error: There is no question to answer again in this conversation.\n"


def test_edit_in_a_conversation_without_a_question_says_so():
    with Store(config.database_path()) as store:
        cid = store.create_conversation().id
    code, out, err = cli("ask", "--conversation", cid, "--edit", "new text")
    assert (code, out) == (2, "")
    assert err == "desktop-chat ask: --edit: this conversation has no question to edit yet\n"
    assert branch(cid) == []
