"""What fixes an error is decided once, where the error is made, and kept with the answer."""

from __future__ import annotations

import pytest

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.domain import errors
from desktop_chat.domain.errors import ErrorAction, stored_action
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.providers import http_errors
from desktop_chat.providers.ollama_probe import not_running
from desktop_chat.store import Store
from tests.fakes.loopback import Scenario, free_port
from tests.wiring import fake_for, settings_for


@pytest.fixture
def store():
    with Store(config.database_path()) as store:
        yield store


@pytest.mark.parametrize(("status", "model", "action"), [
    (401, None, ErrorAction.OPEN_SETTINGS),
    (403, "m", ErrorAction.OPEN_SETTINGS),
    (404, "gpt-nope", ErrorAction.CHOOSE_MODEL),
    (404, None, ErrorAction.OPEN_SETTINGS),  # no model named: the base URL is the likely culprit
    (429, None, ErrorAction.RETRY),
    (529, None, ErrorAction.RETRY),
    (500, None, ErrorAction.RETRY),
    (400, None, ErrorAction.NONE),  # the request itself is wrong: retrying it as it is cannot help
])
def test_each_status_carries_its_fix(status, model, action):
    assert http_errors.error_for_status(status, provider="P", model=model).action is action


def test_transport_failures_and_ollama_not_running():
    assert http_errors.cannot_connect("P", "https://x", "refused").action is ErrorAction.RETRY
    assert http_errors.timed_out("P", 5).action is ErrorAction.RETRY
    assert http_errors.broken_stream("P", "closed").action is ErrorAction.RETRY
    error = not_running("Ollama", "http://127.0.0.1:11434")
    assert isinstance(error, errors.CannotConnectError) and error.action is ErrorAction.START_OLLAMA


def test_the_stored_action_reads_back_and_old_answers_keep_their_retry():
    error = errors.MissingKeyError("No API key.")
    assert stored_action(errors.error_record(error)) is ErrorAction.OPEN_SETTINGS
    assert stored_action({"template": "{text}", "params": {"text": "old"}}) is ErrorAction.RETRY
    assert stored_action(None) is ErrorAction.RETRY
    assert stored_action({"action": "made-up"}) is ErrorAction.RETRY


async def test_a_missing_key_is_stored_with_open_settings(store):
    with fake_for("openai") as fake:
        settings = settings_for("openai", fake)
        settings.key_hosts.clear()
        from tests.fakes import memory_keyring

        memory_keyring.clear()
        engine = ChatEngine(store, settings)
        result = await engine.send(None, "hi")
        await engine.aclose()
    assert isinstance(result.error, errors.MissingKeyError)
    stored = store.get_message(result.message.id)
    assert stored is not None and stored.status is MessageStatus.ERROR
    assert stored_action(stored.error_text) is ErrorAction.OPEN_SETTINGS


async def test_an_unknown_model_is_stored_with_choose_another(store):
    with fake_for("openai", Scenario(status=404, error_message="The model does not exist")) as fake:
        engine = ChatEngine(store, settings_for("openai", fake))
        result = await engine.send(None, "hi")
        await engine.aclose()
    assert isinstance(result.error, errors.ModelNotFoundError)
    assert stored_action(store.get_message(result.message.id).error_text) is ErrorAction.CHOOSE_MODEL


async def test_a_refused_turn_keeps_the_fix_of_what_refused_it(store):
    settings = config.Settings()
    settings.ollama_host = f"http://127.0.0.1:{free_port()}"
    settings.default_endpoint = "ollama"  # no model chosen: the engine must list them, and cannot
    engine = ChatEngine(store, settings)
    with pytest.raises(errors.ConfigurationError) as refused:
        await engine.send(None, "hi")
    await engine.aclose()
    assert "not running" in refused.value.message
    assert refused.value.action is ErrorAction.START_OLLAMA
