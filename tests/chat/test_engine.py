"""The engine end to end: real providers and SDKs against the loopback fakes, a real store."""

from __future__ import annotations

import asyncio
import time

import pytest

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.chat.events import TurnStarted
from desktop_chat.chat.retry import RetryPolicy
from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, Retrying, Started, TextDelta, Usage
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import Store
from tests.fakes.loopback import Scenario
from tests.wiring import FAMILIES, chat_path, fake_for, settings_for


@pytest.fixture
def store():
    with Store(config.database_path()) as store:
        yield store


class Recorder:
    """Collects the engine's events; `sleeps` records retry waits instead of waiting."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self.sleeps: list[float] = []

    def __call__(self, event: object) -> None:
        self.events.append(event)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def text(self) -> str:
        return "".join(e.text for e in self.of(TextDelta))


def engine_for(store: Store, settings: config.Settings, recorder: Recorder, **kw) -> ChatEngine:
    return ChatEngine(store, settings, sleep=recorder.sleep, **kw)


async def disconnected(request, timeout: float = 2.0) -> bool:
    return await asyncio.to_thread(request.disconnected.wait, timeout)


# -- the happy path, for every family ------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES + ("local",))
async def test_a_turn_streams_exact_text_and_is_stored_complete(family, store):
    with fake_for(family, Scenario(chunks=["Bonjour", ", ", "le ", "monde"], input_tokens=21,
                                   output_tokens=7)) as fake:
        rec = Recorder()
        engine = engine_for(store, settings_for(family, fake), rec)
        result = await engine.send(None, "Say hello in French", on_event=rec)
        await engine.aclose()
    assert result.ok, result.error
    assert rec.text == "Bonjour, le monde"
    assert [type(e) for e in rec.events[:2]] == [TurnStarted, Started]
    assert rec.of(Usage) == [Usage(21, 7)]
    assert len(rec.of(Finished)) == 1
    answer = result.message
    assert answer.status is MessageStatus.COMPLETE
    assert (answer.text, answer.input_tokens, answer.output_tokens) == ("Bonjour, le monde", 21, 7)
    assert answer.ttft_ms is not None and answer.duration_ms >= answer.ttft_ms
    assert answer.stop_reason
    conversation = store.get_conversation(answer.conversation_id)
    assert conversation.title == "Say hello in French"
    assert (conversation.provider, conversation.model) == (engine.settings.default_endpoint, answer.model)
    assert [m.role for m in store.list_messages(conversation.id)] == ["user", "assistant"]


@pytest.mark.parametrize("family", FAMILIES)
async def test_multi_turn_requests_carry_the_system_prompt_and_the_whole_conversation(family, store):
    with fake_for(family, Scenario(chunks=["first answer"])) as fake:
        rec = Recorder()
        engine = engine_for(store, settings_for(family, fake), rec)
        first = await engine.send(None, "one", system_prompt="Be terse.")
        fake.default = Scenario(chunks=["second answer"])
        await engine.send(first.message.conversation_id, "two")
        await engine.aclose()
        body = fake.requests_to(chat_path(family))[-1].json
    turns = [(m["role"], m["content"]) for m in body["messages"]]
    if family == "anthropic":
        assert body["system"] == "Be terse."
    else:
        assert turns.pop(0) == ("system", "Be terse.")
    assert turns == [("user", "one"), ("assistant", "first answer"), ("user", "two")]


# -- retries -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES)
async def test_429_is_retried_after_retry_after_and_the_retry_is_an_event(family, store):
    with fake_for(family) as fake:
        fake.enqueue(Scenario(status=429, retry_after="3", error_message="slow down"))
        rec = Recorder()
        engine = engine_for(store, settings_for(family, fake), rec)
        result = await engine.send(None, "hi", on_event=rec)
        await engine.aclose()
        assert len(fake.requests_to(chat_path(family))) == 2
    assert result.ok and result.message.text == "Hello, world!"
    assert rec.sleeps == [3.0]
    (retry,) = rec.of(Retrying)
    assert (retry.attempt, retry.max_attempts, retry.delay) == (2, 4, 3.0)
    assert "Rate limited" in retry.describe() and "attempt 2 of 4" in retry.describe()


async def test_backoff_grows_with_jitter_and_stops_after_max_attempts(store):
    with fake_for("openai", Scenario(status=500)) as fake:
        rec = Recorder()
        engine = engine_for(store, settings_for("openai", fake), rec)
        result = await engine.send(None, "hi", on_event=rec)
        await engine.aclose()
        assert len(fake.requests_to("/chat/completions")) == 4
    assert isinstance(result.error, errors.ServerError)
    assert result.message.status is MessageStatus.ERROR
    assert result.message.error == result.error.message
    assert [r.attempt for r in rec.of(Retrying)] == [2, 3, 4]
    first, second, third = rec.sleeps
    assert 0.5 <= first <= 1.0 and 1.0 <= second <= 2.0 and 2.0 <= third <= 4.0


def test_retry_policy_respects_its_limits():
    policy = RetryPolicy(max_attempts=3)
    limited = errors.RateLimitedError("x", retry_after=10)
    assert policy.should_retry(limited, 1, text_received=False)
    assert not policy.should_retry(limited, 1, text_received=True)  # never after the first token
    assert not policy.should_retry(limited, 3, text_received=False)  # out of attempts
    assert not policy.should_retry(errors.AuthenticationError("x"), 1, text_received=False)
    assert not policy.should_retry(errors.RateLimitedError("x", retry_after=3600), 1, text_received=False)
    assert policy.delay(limited, 1) == 10


@pytest.mark.parametrize("family", FAMILIES)
async def test_no_retry_once_text_was_shown_and_the_partial_answer_is_kept(family, store):
    with fake_for(family, Scenario(chunks=["partial ", "answer ", "lost"], drop_after=2)) as fake:
        rec = Recorder()
        engine = engine_for(store, settings_for(family, fake), rec)
        result = await engine.send(None, "hi", on_event=rec)
        await engine.aclose()
        assert len(fake.requests_to(chat_path(family))) == 1
    assert isinstance(result.error, errors.BrokenStreamError)
    assert rec.of(Retrying) == []
    assert result.message.status is MessageStatus.ERROR
    assert result.message.text == "partial answer "
    assert "broke off" in result.message.error


@pytest.mark.parametrize("family", FAMILIES)
async def test_a_stream_without_a_stop_reason_is_an_error_not_a_success(family, store):
    with fake_for(family, Scenario(chunks=["cut", " short", " here"], no_stop_after=2)) as fake:
        engine = engine_for(store, settings_for(family, fake), Recorder())
        result = await engine.send(None, "hi")
        await engine.aclose()
    assert isinstance(result.error, errors.BrokenStreamError)
    assert (result.message.status, result.message.text) == (MessageStatus.ERROR, "cut short")


async def test_an_invalid_key_fails_at_once_with_a_message_about_the_key(store):
    with fake_for("anthropic") as fake:
        settings = settings_for("anthropic", fake)
        fake.expected_key = "a-different-key"
        engine = engine_for(store, settings, Recorder())
        result = await engine.send(None, "hi")
        await engine.aclose()
        assert len(fake.requests_to("/v1/messages")) == 1
    assert isinstance(result.error, errors.AuthenticationError)
    assert "API key" in result.error.message and "Settings" in result.error.message


async def test_no_key_at_all_says_how_to_add_one_and_sends_nothing(store):
    with fake_for("anthropic") as fake:
        settings = config.Settings(anthropic_base_url=fake.base_url)
        engine = engine_for(store, settings, Recorder())
        result = await engine.send(None, "hi")
        await engine.aclose()
        assert fake.requests == []
    assert isinstance(result.error, errors.MissingKeyError)
    assert "No API key for Anthropic" in result.error.message
    assert "keys set anthropic" in result.error.message
    # the question is never lost
    assert [m.text for m in store.list_messages(result.message.conversation_id)][0] == "hi"


# -- cancellation --------------------------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES)
async def test_cancel_closes_the_connection_at_once_and_keeps_the_text_as_stopped(family, store):
    chunks = [f"w{i} " for i in range(200)]
    with fake_for(family, Scenario(chunks=chunks, chunk_delay=0.02)) as fake:
        rec = Recorder()
        engine = engine_for(store, settings_for(family, fake), rec)
        task = asyncio.ensure_future(engine.send(None, "talk", on_event=rec))
        while len(rec.of(TextDelta)) < 5:
            await asyncio.sleep(0.005)
        cancelled_at = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        (request,) = fake.requests_to(chat_path(family))
        assert await disconnected(request)
        await engine.aclose()
    # Closed at once by the cancel, not later by the 5 s read timeout or by garbage collection.
    # (The figure itself, ≈ milliseconds, is measured by the benchmarks, not asserted here.)
    assert request.disconnected_at - cancelled_at < 1.0
    started = rec.of(TurnStarted)[0]
    answer = store.get_message(started.assistant_message.id)
    assert answer.status is MessageStatus.STOPPED
    assert answer.text == rec.text and answer.text.startswith("w0 w1 w2 w3 w4")


async def test_the_answer_is_saved_while_it_streams(store):
    chunks = [f"t{i} " for i in range(40)]
    with fake_for("openai", Scenario(chunks=chunks, chunk_delay=0.01)) as fake:
        rec = Recorder()
        engine = engine_for(store, settings_for("openai", fake), rec, save_interval=0.05)
        seen_in_db: list[str] = []

        def watch(event):
            rec(event)
            if isinstance(event, TextDelta) and len(rec.of(TextDelta)) % 10 == 0:
                answer_id = rec.of(TurnStarted)[0].assistant_message.id
                stored = store.get_message(answer_id)
                assert stored.status is MessageStatus.STREAMING
                seen_in_db.append(stored.text)

        result = await engine.send(None, "count", on_event=watch)
        await engine.aclose()
    assert result.ok
    assert any(text and len(text) < len(result.message.text) for text in seen_in_db)


async def test_a_burst_of_turns_queues_behind_the_per_provider_limit(store):
    with fake_for("local", Scenario(chunks=["a", "b", "c"], chunk_delay=0.05)) as fake:
        settings = settings_for("local", fake)
        settings.concurrent_requests = 2
        engine = engine_for(store, settings, Recorder())
        active = peak = 0

        def track(event):
            nonlocal active, peak
            if isinstance(event, Started):
                active += 1
                peak = max(peak, active)
            elif isinstance(event, Finished):
                active -= 1

        results = await asyncio.gather(*(engine.send(None, f"q{i}", on_event=track) for i in range(5)))
        await engine.aclose()
    assert all(r.ok for r in results)
    assert peak == 2


# -- the other kinds of turn -------------------------------------------------------------------

async def test_regenerate_makes_a_second_version_and_keeps_the_first(store):
    with fake_for("local", Scenario(chunks=["first"])) as fake:
        engine = engine_for(store, settings_for("local", fake), Recorder())
        first = await engine.send(None, "q")
        fake.default = Scenario(chunks=["second"])
        again = await engine.regenerate(first.message.conversation_id)
        await engine.aclose()
        last_body = fake.requests_to("/chat/completions")[-1].json
    messages = store.list_messages(first.message.conversation_id)
    assert [(m.role, m.text) for m in messages] == [("user", "q"), ("assistant", "second")]
    assert again.message.id != first.message.id
    assert [m.text for m in store.versions(again.message.id)] == ["first", "second"]
    assert again.message.parent_id == first.message.parent_id == messages[0].id
    # the old answer is not part of the request that makes the new one
    assert [(m["role"], m["content"]) for m in last_body["messages"]] == [("user", "q")]


async def test_edit_and_resend_makes_a_new_branch_and_keeps_the_old_one(store):
    with fake_for("local", Scenario(chunks=["A1"])) as fake:
        engine = engine_for(store, settings_for("local", fake), Recorder())
        first = await engine.send(None, "question one")
        conversation_id = first.message.conversation_id
        fake.default = Scenario(chunks=["A2"])
        await engine.send(conversation_id, "question two")
        user_one = store.list_messages(conversation_id)[0]
        fake.default = Scenario(chunks=["A1 edited"])
        await engine.edit_and_resend(user_one.id, "question one, edited")
        await engine.aclose()
        last_body = fake.requests_to("/chat/completions")[-1].json
    assert [(m.role, m.text) for m in store.list_messages(conversation_id)] == [
        ("user", "question one, edited"), ("assistant", "A1 edited")]
    assert [m["content"] for m in last_body["messages"]] == ["question one, edited"]
    edited = store.list_messages(conversation_id)[0]
    assert [m.text for m in store.versions(edited.id)] == ["question one", "question one, edited"]
    store.switch_to(user_one.id)  # the original question and every turn after it are still there
    assert [m.text for m in store.list_messages(conversation_id)] == [
        "question one", "A1", "question two", "A2"]


async def test_continue_appends_to_a_stopped_answer(store):
    with fake_for("anthropic", Scenario(chunks=["Once upon ", "a time"], drop_after=1)) as fake:
        engine = engine_for(store, settings_for("anthropic", fake), Recorder())
        broken = await engine.send(None, "tell a story")
        assert broken.message.text == "Once upon "
        fake.default = Scenario(chunks=["a time."])
        done = await engine.continue_answer(broken.message.id)
        await engine.aclose()
        body = fake.requests_to("/v1/messages")[-1].json
    assert done.ok and done.message.id == broken.message.id
    assert done.message.text == "Once upon a time."
    assert done.message.status is MessageStatus.COMPLETE
    # the partial answer went out as a prefill without trailing whitespace
    assert body["messages"][-1] == {"role": "assistant", "content": "Once upon"}


async def test_models_are_listed_and_a_model_is_picked_when_none_is_configured(store):
    with fake_for("ollama") as fake:
        settings = settings_for("ollama", fake)
        settings.default_models.clear()
        engine = engine_for(store, settings, Recorder())
        models = await engine.list_models("ollama")
        result = await engine.send(None, "hi")
        await engine.aclose()
    assert [m.id for m in models][:1] == [result.message.model]


async def test_a_stall_mid_answer_times_out_keeps_the_text_and_is_not_retried(store):
    with fake_for("anthropic", Scenario(chunks=["so far ", "so good", "never"], stall_after=2)) as fake:
        settings = settings_for("anthropic", fake)
        settings.read_timeout = 0.3
        engine = engine_for(store, settings, Recorder())
        result = await engine.send(None, "hi")
        await engine.aclose()
        assert len(fake.requests_to("/v1/messages")) == 1
    assert isinstance(result.error, errors.ProviderTimeoutError)
    assert (result.message.status, result.message.text) == (MessageStatus.ERROR, "so far so good")
    assert "timed out" in result.message.error


async def test_a_server_that_never_answers_is_retried_then_reported(store):
    with fake_for("ollama", Scenario(hang_before_headers=True)) as fake:
        settings = settings_for("ollama", fake)
        settings.read_timeout = 0.2
        settings.max_attempts = 2
        engine = ChatEngine(store, settings, sleep=Recorder().sleep)
        result = await engine.send(None, "hi")
        await engine.aclose()
        assert len(fake.requests_to("/api/chat")) == 2
    assert isinstance(result.error, errors.ProviderTimeoutError)
    assert result.message.text == "" and result.message.status is MessageStatus.ERROR
