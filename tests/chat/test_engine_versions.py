"""Versions and branches through the engine: what is kept, and what each request carries."""

from __future__ import annotations

import pytest

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.store import Store
from tests.fakes.loopback import Scenario
from tests.wiring import fake_for, settings_for


@pytest.fixture
def store():
    with Store(config.database_path()) as store:
        yield store


async def _sleep(_seconds: float) -> None:
    pass


def sent(fake) -> list[tuple[str, str]]:
    body = fake.requests_to("/chat/completions")[-1].json
    return [(m["role"], m["content"]) for m in body["messages"]]


async def test_after_switching_to_version_one_the_request_carries_that_branch_only(store):
    with fake_for("openai", Scenario(chunks=["Paris"])) as fake:
        engine = ChatEngine(store, settings_for("openai", fake), sleep=_sleep)
        first = await engine.send(None, "Capital of France?")
        cid = first.message.conversation_id
        fake.default = Scenario(chunks=["It is Paris."])
        second = await engine.regenerate(cid)
        assert [m.text for m in store.versions(first.message.id)] == ["Paris", "It is Paris."]

        store.switch_to(first.message.id)
        fake.default = Scenario(chunks=["About 2 million."])
        third = await engine.send(cid, "Its population?")
        await engine.aclose()
        assert sent(fake) == [("user", "Capital of France?"), ("assistant", "Paris"),
                              ("user", "Its population?")]
    assert [m.text for m in store.list_messages(cid)] == [
        "Capital of France?", "Paris", "Its population?", "About 2 million."]
    # the other version is still there and leads nowhere else
    store.switch_to(second.message.id)
    assert [m.text for m in store.list_messages(cid)] == ["Capital of France?", "It is Paris."]
    assert third.ok


async def test_edit_of_an_earlier_question_sends_only_what_came_before_it(store):
    with fake_for("openai", Scenario(chunks=["A1"])) as fake:
        engine = ChatEngine(store, settings_for("openai", fake), sleep=_sleep)
        first = await engine.send(None, "one")
        cid = first.message.conversation_id
        for question, answer in (("two", "A2"), ("three", "A3")):
            fake.default = Scenario(chunks=[answer])
            await engine.send(cid, question)
        two = store.list_messages(cid)[2]
        fake.default = Scenario(chunks=["A2 again"])
        result = await engine.edit_and_resend(two.id, "two, edited")
        await engine.aclose()
        assert sent(fake) == [("user", "one"), ("assistant", "A1"), ("user", "two, edited")]
    assert [m.text for m in store.list_messages(cid)] == ["one", "A1", "two, edited", "A2 again"]
    assert [m.text for m in store.versions(two.id)] == ["two", "two, edited"]
    assert result.message.parent_id == store.list_messages(cid)[2].id
    assert store.count_all_messages(cid) == 8  # nothing was deleted


async def test_regenerate_after_switching_answers_the_question_of_the_current_branch(store):
    with fake_for("openai", Scenario(chunks=["A1"])) as fake:
        engine = ChatEngine(store, settings_for("openai", fake), sleep=_sleep)
        first = await engine.send(None, "one")
        cid = first.message.conversation_id
        fake.default = Scenario(chunks=["A2"])
        await engine.send(cid, "two")
        two = store.list_messages(cid)[2]
        fake.default = Scenario(chunks=["A2 b"])
        await engine.edit_and_resend(two.id, "two b")
        store.switch_to(two.id)  # back to the first version of the second question
        fake.default = Scenario(chunks=["A2 again"])
        again = await engine.regenerate(cid)
        await engine.aclose()
        assert sent(fake) == [("user", "one"), ("assistant", "A1"), ("user", "two")]
    assert [m.text for m in store.versions(again.message.id)] == ["A2", "A2 again"]
    assert [m.text for m in store.list_messages(cid)] == ["one", "A1", "two", "A2 again"]


async def test_edit_keeps_the_original_attachments_unless_replaced(store):
    # Attachments are carried as the stored descriptions; the documents themselves are only
    # read when a request is planned, which this test does not reach (its answer fails first).
    with fake_for("openai", Scenario(status=400, error_message="no")) as fake:
        engine = ChatEngine(store, settings_for("openai", fake), sleep=_sleep)
        conversation = store.create_conversation()
        document = {"type": "document", "name": "a.pdf", "sha256": "00" * 32, "kind": "pdf",
                    "pages": 1, "size": 10, "tokens": 5}
        original = store.add_message(conversation.id, "user", "look", attachments=[document])
        edited_without = await engine.edit_and_resend(original.id, "look again", attachments=[])
        await engine.aclose()
    question = store.get_message(edited_without.message.parent_id)
    assert question.text == "look again" and question.attachments == []
    assert store.get_message(original.id).attachments == [document]
