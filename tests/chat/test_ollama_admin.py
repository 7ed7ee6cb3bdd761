"""OllamaAdmin (status, models, details, pull, delete, ps, unload, per-model options) against FakeOllama,
through the engine's ProviderPool, as the window and the command line use it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.chat.ollama_admin import ModelOptions, OllamaAdmin, PullProgress, parse_keep_alive
from desktop_chat.chat.pool import ProviderPool
from desktop_chat.config import Settings
from desktop_chat.domain import errors
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import Store
from tests.fakes.loopback import Scenario, free_port
from tests.fakes.ollama_server import PULL_NO_INTERNET, PULL_UNKNOWN, FakeOllama
from tests.wiring import settings_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 0.25  # every status line arrives a quarter of a second after the last
        return self.now


@pytest.fixture
def fake():
    with FakeOllama() as server:
        yield server


@pytest.fixture
async def admin(fake):
    settings = settings_for("ollama", fake)
    pool = ProviderPool(settings)
    yield OllamaAdmin(pool, settings, clock=Clock())
    await pool.aclose()




async def pull_all(admin: OllamaAdmin, name: str) -> list[PullProgress]:
    return [p async for p in admin.pull(name)]


# -- where Ollama is, and whether it runs ----------------------------------------------------------


async def test_status_running_with_version_and_host(fake, admin):
    fake.version = "0.13.0"
    status = await admin.status()
    assert status.running and status.version == "0.13.0" and status.host == fake.base_url
    assert str(status.text) == f"Ollama 0.13.0 is running at {fake.base_url}."


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])  # both go through the start-up probe
async def test_status_not_running_is_one_plain_sentence(host):
    url = f"http://{host}:{free_port()}"
    settings = Settings(ollama_host=url)
    pool = ProviderPool(settings)
    try:
        status = await OllamaAdmin(pool, settings).status()
    finally:
        await pool.aclose()
    assert not status.running and status.refused and status.host == url
    assert str(status.text) == f"Ollama is not running at {url}; start it with `ollama serve`."


async def test_the_host_comes_from_settings_else_ollama_host_else_the_default(fake, monkeypatch):
    settings = Settings()
    pool = ProviderPool(settings)
    admin = OllamaAdmin(pool, settings)
    try:
        assert admin.host == "http://127.0.0.1:11434"
        host = fake.base_url.removeprefix("http://")  # OLLAMA_HOST is often host:port
        monkeypatch.setenv("OLLAMA_HOST", host)
        assert admin.host == fake.base_url
        assert (await admin.status()).running
        settings.ollama_host = f"http://127.0.0.1:{free_port()}"  # the setting wins, and applies at once
        status = await admin.status()
        assert not status.running and status.host == settings.ollama_host
    finally:
        await pool.aclose()


async def test_a_remote_ollama_that_does_not_resolve_says_so():
    settings = Settings(ollama_host="gpu-box.invalid")
    pool = ProviderPool(settings)
    try:
        status = await OllamaAdmin(pool, settings).status()
    finally:
        await pool.aclose()
    assert status.host == "http://gpu-box.invalid:11434" and not status.running and not status.refused
    assert "could not be resolved" in str(status.text) and "gpu-box.invalid" in str(status.text)


async def test_status_of_an_ollama_that_does_not_answer_gives_up(fake, admin):
    fake.enqueue(Scenario(hang_before_headers=True))
    status = await admin.status(timeout=0.3)
    assert not status.running
    assert str(status.text) == f"Ollama did not answer at {fake.base_url} within 0.3 s."


async def test_status_after_ollama_went_away(fake, admin):
    assert (await admin.status()).running
    await asyncio.to_thread(fake.stop)
    status = await admin.status()
    assert not status.running and "is not running at" in str(status.text)


# -- models and their details --------------------------------------------------------------------


async def test_models_with_size_family_parameters_and_quantisation(admin):
    models = {m.id: m.details for m in await admin.models()}
    assert models["llava:13b"]["size"] == 8_011_256_494
    assert models["llava:13b"]["family"] == "llama"
    assert models["llava:13b"]["parameter_size"] == "13B"
    assert models["llava:13b"]["quantization_level"] == "Q4_0"


async def test_details_and_context_length_are_cached(fake, admin):
    info = await admin.details("llava:13b")
    assert info.context_length == 4096 and "vision" in info.details["capabilities"]
    assert await admin.context_length("llava:13b") == 4096
    assert await admin.context_length("llama3.2") == 131_072  # the short name is the same model
    assert await admin.context_length("llama3.2:latest") == 131_072
    assert len(fake.requests_to("/api/show")) == 2


async def test_context_length_of_an_unknown_model_is_model_not_found(admin):
    with pytest.raises(errors.ModelNotFoundError):
        await admin.context_length("nosuch:1b")


# -- pull --------------------------------------------------------------------------------------------


async def test_pull_reports_per_layer_bytes_percent_and_speed_then_lists_the_model(fake, admin):
    progress = await pull_all(admin, "gemma3:1b")
    assert progress[0].phase == "manifest" and progress[0].percent is None
    downloading = [p for p in progress if p.phase == "downloading"]
    assert downloading and all(p.current is not None for p in downloading)
    percents = [p.percent for p in downloading if p.percent is not None]
    assert percents[-1] == 100.0
    weights = downloading[0].current
    assert weights.total == fake.find_model("gemma3:1b").layers()[0][1] and weights.completed == 0
    half = next(p for p in downloading if p.current.completed == weights.total // 2)
    assert half.current.percent == pytest.approx(50.0)
    assert half.bytes_per_second and half.bytes_per_second > 0
    assert half.seconds_left is not None and half.seconds_left > 0
    assert [p.phase for p in progress[-4:]] == ["verifying", "writing", "cleaning", "success"]
    final = progress[-1]
    assert final.done and final.percent == 100.0
    assert final.total == fake.find_model("gemma3:1b").size == final.completed
    assert len(final.layers) == 4
    assert "gemma3:1b" in [m.id for m in await admin.models()]
    assert await admin.context_length("gemma3:1b") == 32_768


async def test_pull_of_an_unknown_name_gives_ollamas_message(fake, admin):
    with pytest.raises(errors.ModelNotFoundError) as info:
        await pull_all(admin, "no-such-model")
    assert PULL_UNKNOWN in str(info.value)


async def test_pull_without_internet_on_ollamas_side_gives_ollamas_message(fake, admin):
    words = PULL_NO_INTERNET.format(name="gemma3")
    fake.enqueue(Scenario(error_event_after=3, error_message=words))
    received = []
    with pytest.raises(errors.CannotConnectError) as info:
        async for p in admin.pull("gemma3:1b"):
            received.append(p)
    assert words in str(info.value)
    assert received[-1].phase == "downloading"


async def test_pull_cancelled_half_way(fake, admin):
    fake.pull_gate = threading.Event()
    seen: list[PullProgress] = []

    async def consume() -> None:
        async for p in admin.pull("gemma3:1b"):
            seen.append(p)

    task = asyncio.create_task(consume())
    assert await asyncio.to_thread(fake.pull_halfway.wait, 5)
    while not seen or not seen[-1].percent:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (sent,) = fake.requests_to("/api/pull")
    assert await asyncio.to_thread(sent.disconnected.wait, 2)
    assert 0 < seen[-1].current.percent < 100 and not seen[-1].done
    assert "gemma3:1b" not in [m.id for m in await admin.models()]


async def test_pull_needs_a_name(admin):
    with pytest.raises(ValueError, match="Type the name"):
        await pull_all(admin, "  ")


# -- delete, loaded, unload ------------------------------------------------------------------------


async def test_delete_forgets_the_model_and_its_cached_details(fake, admin):
    assert await admin.context_length("qwen2.5:7b") == 32_768
    await admin.delete("qwen2.5:7b")
    assert "qwen2.5:7b" not in [m.id for m in await admin.models()]
    with pytest.raises(errors.ModelNotFoundError):
        await admin.context_length("qwen2.5:7b")
    with pytest.raises(errors.ModelNotFoundError):
        await admin.delete("qwen2.5:7b")


async def test_loaded_models_and_unload(fake, admin):
    with Store(config.database_path()) as store:
        engine = ChatEngine(store, admin.settings, pool=admin.pool)
        assert (await engine.send(None, "hi", model="qwen2.5:7b")).ok
    assert [m.name for m in await admin.loaded()] == ["qwen2.5:7b"]
    await admin.unload("qwen2.5:7b")
    assert await admin.loaded() == []


# -- per-model options -------------------------------------------------------------------------------


def test_keep_alive_values():
    assert parse_keep_alive("5m") == "5m"
    assert parse_keep_alive("1h30m") == "1h30m"
    assert parse_keep_alive(" 0 ") == 0
    assert parse_keep_alive("-1") == -1
    assert parse_keep_alive(300) == 300
    assert parse_keep_alive("") is None and parse_keep_alive(None) is None
    for bad in ("five minutes", "5 m", "m5", "1d"):
        with pytest.raises(ValueError, match="not a duration Ollama understands"):
            parse_keep_alive(bad)


def test_options_are_validated_and_kept_under_the_full_name(admin):
    saved = admin.set_model_options("llama3.2", ModelOptions(num_ctx=16384, temperature=0.2, keep_alive="1h"))
    assert saved == ModelOptions(16384, 0.2, "1h")
    assert admin.settings.ollama_model_options == {
        "llama3.2:latest": {"num_ctx": 16384, "temperature": 0.2, "keep_alive": "1h"}}
    assert admin.model_options("llama3.2:latest") == saved
    assert admin.configured_context("llama3.2") == 16384
    with pytest.raises(ValueError, match="between 0 and 2"):
        admin.set_model_options("llama3.2", ModelOptions(temperature=3.0))
    with pytest.raises(ValueError, match="whole number of tokens"):
        admin.set_model_options("llama3.2", ModelOptions(num_ctx=0))
    admin.set_model_options("llama3.2", ModelOptions())  # all defaults: the entry goes away
    assert admin.settings.ollama_model_options == {}


def test_options_survive_the_settings_file_and_a_damaged_entry_is_ignored(admin):
    admin.set_model_options("qwen2.5:7b", ModelOptions(num_ctx=8192, keep_alive=-1))
    config.save_settings(admin.settings)
    again = config.load_settings()
    assert again.ollama_model_options == {"qwen2.5:7b": {"num_ctx": 8192, "keep_alive": -1}}
    assert ModelOptions.from_dict({"num_ctx": "big", "temperature": True, "keep_alive": "soon"}) == ModelOptions()
    path = config.settings_path()
    path.write_text('{"ollama_model_options": ["not", "a", "table"]}', encoding="utf-8")
    assert config.load_settings().ollama_model_options == {}


async def test_every_turn_carries_the_options_set_for_its_model(fake, admin):
    admin.set_model_options("llama3.2:latest", ModelOptions(num_ctx=12288, temperature=0.1, keep_alive="30m"))
    with Store(config.database_path()) as store:
        engine = ChatEngine(store, admin.settings, pool=admin.pool)
        assert (await engine.send(None, "hi", endpoint_id="ollama", model="llama3.2:latest")).ok
        assert (await engine.send(None, "hi", endpoint_id="ollama", model="qwen2.5:7b")).ok
        admin.set_model_options("qwen2.5:7b", ModelOptions(num_ctx=4096))  # applies to the next turn
        assert (await engine.send(None, "again", endpoint_id="ollama", model="qwen2.5:7b")).ok
    first, second, third = (r.json for r in fake.requests_to("/api/chat"))
    assert first["options"] == {"num_predict": 4096, "temperature": 0.1, "num_ctx": 12288}
    assert first["keep_alive"] == "30m"
    assert "num_ctx" not in second["options"] and "keep_alive" not in second
    assert third["options"]["num_ctx"] == 4096


# -- offline -------------------------------------------------------------------------------------------


async def test_offline_ollama_chats_while_a_remote_provider_says_no_connection(fake, monkeypatch):
    # No network: the public API's name does not resolve. Ollama on this computer still answers.
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://api.anthropic.invalid")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-offline")
    settings = settings_for("ollama", fake)
    settings.max_attempts = 1
    with Store(config.database_path()) as store:
        engine = ChatEngine(store, settings)
        remote = await engine.send(None, "hi", endpoint_id="anthropic", model="claude-test")
        local = await engine.send(None, "hi", endpoint_id="ollama", model="llama3.2:latest")
        models = await engine.list_models("ollama")
        await engine.aclose()
    assert isinstance(remote.error, errors.CannotConnectError)
    assert remote.message.status is MessageStatus.ERROR
    assert "could not be resolved" in remote.error.message and "Check your network connection" in remote.error.message
    assert local.ok and local.message.text == "Hello, world!"
    assert "llama3.2:latest" in [m.id for m in models]


async def test_the_engine_plans_documents_with_ollamas_own_context():
    """lookup_context answers for Ollama only, with the model's length and the user's num_ctx."""
    from desktop_chat.chat.context import ModelContext
    from desktop_chat.chat.ollama_admin import OllamaAdmin
    from desktop_chat.chat.pool import ProviderPool
    from tests.fakes.ollama_server import FakeOllama
    from tests.wiring import settings_for

    with FakeOllama() as fake:
        settings = settings_for("ollama", fake)
        pool = ProviderPool(settings)
        admin = OllamaAdmin(pool, settings)
        model = fake.models[0]
        assert await admin.lookup_context("anthropic", "claude-x") is None
        found = await admin.lookup_context("ollama", model.name)
        assert found == ModelContext(length=model.context_length, configured=admin.configured_context(model.name))
        fake.stop()  # Ollama went away: the user's setting still counts, the length is unknown
        assert (await admin.lookup_context("ollama", "never-seen:latest")).length is None
        await pool.aclose()
