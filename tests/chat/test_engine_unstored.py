"""ChatEngine.answer_unstored: a turn over messages built in memory, with nothing stored."""

from __future__ import annotations

import logging

import pytest

from desktop_chat import config
from desktop_chat.domain import errors
from desktop_chat.domain.events import Retrying, Started
from desktop_chat.domain.messages import Message
from desktop_chat.store import Store
from tests.chat.test_engine import Recorder, engine_for
from tests.fakes.loopback import Scenario
from tests.wiring import fake_for, settings_for


def history(*texts: str) -> list[Message]:
    roles = ["user", "assistant"]
    return [Message(f"m{i}", "", roles[i % 2], text, parent_id=f"m{i - 1}" if i else None)  # type: ignore[arg-type]
            for i, text in enumerate(texts)]


@pytest.fixture
def store():
    with Store(config.database_path()) as store:
        yield store


async def test_answers_the_history_and_stores_nothing(store, caplog) -> None:
    caplog.set_level(logging.INFO, "desktop_chat.chat.engine")
    recorder = Recorder()
    with fake_for("openai", Scenario(chunks=["Fine", "."])) as fake:
        engine = engine_for(store, settings_for("openai", fake), recorder)
        answer = await engine.answer_unstored(history("Hi", "Hello", "How are you?"), system_prompt="Be brief.",
                                              options={"max_tokens": 9}, on_event=recorder)
        await engine.aclose()
    assert (answer.text, answer.endpoint_id, answer.model, answer.stop_reason) == ("Fine.", "openai", "gpt-test", "stop")
    assert answer.usage is not None and answer.usage.output_tokens == 4
    assert recorder.text == "Fine." and recorder.of(Started)
    sent = fake.requests_to("/chat/completions")[0].json
    assert [m["content"] for m in sent["messages"]] == ["Be brief.", "Hi", "Hello", "How are you?"]
    assert sent["max_tokens"] == 9
    assert store.list_conversations() == []
    assert any("status=complete" in r.getMessage() for r in caplog.records)  # the same request log


async def test_retries_before_the_first_token_then_raises(store) -> None:
    recorder = Recorder()
    with fake_for("openai") as fake:
        fake.enqueue(Scenario(status=429, retry_after="2"), Scenario(status=500), Scenario(status=500),
                     Scenario(status=500))
        engine = engine_for(store, settings_for("openai", fake), recorder)
        with pytest.raises(errors.ServerError):
            await engine.answer_unstored(history("Hi"), on_event=recorder)
        await engine.aclose()
    assert len(recorder.of(Retrying)) == 3 and recorder.sleeps[0] == 2
    assert store.list_conversations() == []


async def test_unknown_endpoint_is_a_configuration_error(store) -> None:
    with fake_for("openai") as fake:
        engine = engine_for(store, settings_for("openai", fake), Recorder())
        with pytest.raises(errors.ConfigurationError):
            await engine.answer_unstored(history("Hi"), endpoint_id="nowhere")
        await engine.aclose()
    assert fake.requests_to("/chat/completions") == []  # nothing went out
