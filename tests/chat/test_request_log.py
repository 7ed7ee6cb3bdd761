"""The log file records every request — provider, model, status, timings — and never a key or,
unless the user turned on Settings.debug_log_content, a word of the conversation."""

from __future__ import annotations

import logging
import re

import pytest

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.logs import LOG_FILE_NAME, setup_logging
from desktop_chat.store import Store
from tests import wiring
from tests.fakes.loopback import Scenario
from tests.wiring import fake_for, settings_for

QUESTION = "What is the capital of Atlantis, privately?"
ANSWER = ["Poseidonia", " is ", "the capital."]


@pytest.fixture
def log_file():
    """The app's log file in this test's data folder, as the window and `ask` set it up."""
    handler = setup_logging(config.log_dir())
    try:
        yield config.log_dir() / LOG_FILE_NAME
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def request_lines(path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if " request provider=" in line]
    return [dict(re.findall(r"(\w+)=(\"[^\"]*\"|\S+)", line.split(" request ", 1)[1])) for line in lines]


async def ask(family: str, fake, *, scenario: Scenario | None = None, debug: bool = False):  # noqa: ANN001
    settings = settings_for(family, fake)
    settings.debug_log_content = debug
    with Store(config.database_path()) as store:
        engine = ChatEngine(store, settings, sleep=_no_wait)
        try:
            return await engine.send(None, QUESTION)
        finally:
            await engine.aclose()


async def _no_wait(_seconds: float) -> None:
    return None


@pytest.mark.parametrize("family", ["anthropic", "openai", "ollama"])
async def test_each_request_is_one_line_with_provider_model_status_and_timings(family, log_file):
    with fake_for(family, Scenario(chunks=ANSWER, input_tokens=31, output_tokens=5)) as fake:
        fake.enqueue(Scenario(status=429, retry_after="0"))
        result = await ask(family, fake)
    assert result.ok
    first, second = request_lines(log_file)
    model = {"anthropic": "claude-test", "openai": "gpt-test", "ollama": "llama3.2:latest"}[family]
    assert first["provider"] == family and first["model"] == f'"{model}"'
    assert (first["attempt"], first["status"], first["error"], first["http_status"]) == \
        ("1", "error", "RateLimitedError", "429")
    assert "ttft_ms" not in first and int(first["total_ms"]) >= 0
    assert (second["attempt"], second["status"]) == ("2", "complete")
    assert 0 <= int(second["ttft_ms"]) <= int(second["total_ms"])
    assert (second["input_tokens"], second["output_tokens"]) == ("31", "5")
    assert second["stop_reason"]
    logged = log_file.read_text(encoding="utf-8")
    for secret in (QUESTION, "Poseidonia", "Atlantis", wiring.ANTHROPIC_KEY, wiring.OPENAI_KEY):
        assert secret not in logged


async def test_a_refused_key_is_logged_as_a_status_not_as_the_key(log_file):
    with fake_for("openai") as fake:
        fake.expected_key = "sk-the-right-one"  # the one in the keyring is wrong: 401
        result = await ask("openai", fake)
    assert not result.ok
    (line,) = request_lines(log_file)
    assert (line["status"], line["error"], line["http_status"]) == ("error", "AuthenticationError", "401")
    logged = log_file.read_text(encoding="utf-8")
    assert wiring.OPENAI_KEY not in logged and wiring.OPENAI_KEY[-8:] not in logged


async def test_message_text_is_logged_only_with_the_debug_option(log_file):
    with fake_for("anthropic", Scenario(chunks=ANSWER)) as fake:
        await ask("anthropic", fake)
        assert QUESTION not in log_file.read_text(encoding="utf-8")
        await ask("anthropic", fake, debug=True)
    logged = log_file.read_text(encoding="utf-8")
    assert f'"text": "{QUESTION}"' in logged
    assert '"text": "Poseidonia is the capital."' in logged
    assert wiring.ANTHROPIC_KEY not in logged  # keys never, debug or not
    assert len(request_lines(log_file)) == 2


def test_the_debug_option_is_off_by_default_and_survives_a_save(tmp_path):
    assert config.Settings().debug_log_content is False
    settings = config.Settings(debug_log_content=True)
    config.save_settings(settings, tmp_path / "settings.json")
    assert config.load_settings(tmp_path / "settings.json").debug_log_content is True


async def test_the_http_stacks_do_not_log_request_lines(log_file):
    with fake_for("anthropic", Scenario(chunks=ANSWER)) as fake:
        await ask("anthropic", fake)
    logged = log_file.read_text(encoding="utf-8")
    assert "HTTP Request" not in logged and fake.base_url not in logged
