"""`desktop-chat fork MESSAGE_ID` and `desktop-chat delete MESSAGE_ID --version-only | --and-after`."""

from __future__ import annotations

from desktop_chat import config
from desktop_chat.__main__ import main
from desktop_chat.store import Store
from tests.test_cli import cli


def history() -> tuple[str, dict[str, str]]:
    """q1 → a1, a1b (regenerated, current); a1b → q2 → a2. The conversation id and the message ids."""
    with Store(config.database_path()) as store:
        cid = store.create_conversation("Planets").id
        q1 = store.add_message(cid, "user", "Name a planet.")
        a1 = store.add_message(cid, "assistant", "Mars.")
        a1b = store.add_message(cid, "assistant", "Venus.", parent_id=q1.id)
        q2 = store.add_message(cid, "user", "Another?")
        a2 = store.add_message(cid, "assistant", "Jupiter.")
    return cid, {"q1": q1.id, "a1": a1.id, "a1b": a1b.id, "q2": q2.id, "a2": a2.id}


def branch(cid: str) -> list[str]:
    with Store(config.database_path()) as store:
        return [m.text for m in store.list_messages(cid)]


def test_fork_prints_the_new_conversations_id_and_copies_the_branch_up_to_the_message():
    cid, ids = history()
    code, out, err = cli("fork", ids["q2"])
    assert code == 0 and err == "Forked into “Planets (fork)”.\n"
    new_id = out.strip()
    assert out == new_id + "\n" and new_id != cid
    assert branch(new_id) == ["Name a planet.", "Venus.", "Another?"]
    assert branch(cid) == ["Name a planet.", "Venus.", "Another?", "Jupiter."]
    with Store(config.database_path()) as store:
        fork = store.get_conversation(new_id)
    assert fork is not None and fork.options["forked_from"] == {"conversation_id": cid, "message_id": ids["q2"]}


def test_fork_of_an_unknown_message_is_one_line_and_exit_1():
    assert cli("fork", "nope") == (1, "", "error: there is no message with id nope\n")


def test_delete_version_only_keeps_the_other_version():
    cid, ids = history()
    assert cli("delete", ids["a1b"], "--version-only") == (0, "Deleted 3 messages.\n", "")
    assert branch(cid) == ["Name a planet.", "Mars."]


def test_delete_and_after_removes_every_version_and_what_follows():
    cid, ids = history()
    assert cli("delete", ids["a1"], "--and-after") == (0, "Deleted 4 messages.\n", "")
    assert branch(cid) == ["Name a planet."]
    assert cli("delete", ids["a2"], "--and-after") == (1, "", f"error: there is no message with id {ids['a2']}\n")


def test_delete_needs_exactly_one_of_the_two_scopes():
    _, ids = history()
    code, out, err = cli("delete", ids["a2"])
    assert code == 2 and out == "" and "one of the arguments --version-only --and-after is required" in err
    code, _, err = cli("delete", ids["a2"], "--version-only", "--and-after")
    assert code == 2 and "not allowed with argument" in err
    assert cli("delete", ids["a2"], "--version-only") == (0, "Deleted 1 message.\n", "")


def test_the_entry_point_routes_fork_and_delete_to_the_command_line(capsys):
    cid, ids = history()
    assert main(["delete", ids["a2"], "--version-only"]) == 0
    assert capsys.readouterr().out == "Deleted 1 message.\n"
    assert main(["fork", ids["q1"]]) == 0
    assert branch(capsys.readouterr().out.strip()) == ["Name a planet."]


def test_switch_makes_that_version_the_branch_the_next_ask_continues():
    cid, ids = history()
    code, out, err = cli("switch", ids["a1"])
    assert (code, err) == (0, "")
    assert out == "Now on version 1 of 2 of that assistant message; the conversation's branch has 2 messages.\n"
    assert branch(cid) == ["Name a planet.", "Mars."]
    code, out, _ = cli("switch", ids["a2"])  # back to the other branch, through a message deep in it
    assert code == 0 and out.startswith("Now on version 1 of 1 of that assistant message; ")
    assert branch(cid) == ["Name a planet.", "Venus.", "Another?", "Jupiter."]


def test_switch_to_an_unknown_message_is_one_line_and_exit_1():
    history()
    assert cli("switch", "no-such-id") == (1, "", "error: there is no message with id no-such-id\n")
