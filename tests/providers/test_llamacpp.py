"""The built-in engine (LlamaCppProvider) with the real default model, and its failures.

Tests marked `localmodel` run SmolLM2-135M-Instruct (98 MB) for real, in this process, through
the ChatEngine and the store, as the window and `desktop-chat ask` do. They need llama-cpp-python
and the model (scripts/install_local_model.sh installs both; see tests/local_model.py for where
the model is found): outside CI a machine without them skips these tests, in CI they fail.

The last group runs `python -m llama_cpp.server` on the same model on 127.0.0.1: a real
OpenAI-compatible peer for OpenAICompatProvider, through a custom endpoint's base URL.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.chat.events import TurnStarted
from desktop_chat.chat.local_models import DEFAULT_MODEL, LocalModels
from desktop_chat.config import Settings
from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, TextDelta, Usage
from desktop_chat.domain.messages import ChatMessage, MessageStatus
from desktop_chat.providers import ProviderDependencies, create_provider
from desktop_chat.providers.base import ChatRequest, ProviderConfig
from desktop_chat.providers.gguf import read_gguf_info
from desktop_chat.providers.llamacpp import LlamaCppProvider
from desktop_chat.providers.llamacpp_runtime import MODEL_CACHE, GenerationStats, LocalRuntime, default_threads
from desktop_chat.store import Store
from tests.local_model import engine_or_skip, missing, real_model_path, write_gguf

QUESTION = "Which city is the capital of France?"  # SmolLM2 135M answers this one plainly at temperature 0


@pytest.fixture
def model_path() -> Path:
    return real_model_path()


@pytest.fixture(autouse=True)
def _nothing_stays_loaded() -> Iterator[None]:
    yield
    deadline = time.monotonic() + 30
    while MODEL_CACHE.in_use() and time.monotonic() < deadline:  # a stopped answer's worker finishing
        time.sleep(0.02)
    MODEL_CACHE.unload()


def builtin_settings(*paths: Path, **changes: object) -> Settings:
    settings = Settings()
    settings.default_endpoint = "builtin"
    settings.local_model_paths = [str(p) for p in paths]
    settings.temperature = 0.0
    settings.max_tokens = 48
    for name, value in changes.items():
        setattr(settings, name, value)
    return settings


def provider_for(settings: Settings) -> LlamaCppProvider:
    models = LocalModels(settings)
    provider = create_provider("llamacpp", ProviderConfig("builtin", "Built-in", ""),
                               ProviderDependencies(catalog=models, runtime=models.runtime))
    assert isinstance(provider, LlamaCppProvider)
    return provider


async def collect(provider: LlamaCppProvider, request: ChatRequest) -> list[object]:
    return [event async for event in provider.stream(request)]


def ask(model: str, text: str = QUESTION, max_tokens: int = 48) -> ChatRequest:
    return ChatRequest(model=model, messages=[ChatMessage.of("user", text)], max_tokens=max_tokens, temperature=0.0)


# -- the real model, through the engine ------------------------------------------------------------------------

@pytest.mark.localmodel
async def test_a_short_question_gets_a_streamed_answer_and_history_records_usage(model_path):
    settings = builtin_settings(model_path)
    events: list[object] = []
    with Store(config.database_path()) as store:
        engine = ChatEngine(store, settings)
        try:
            result = await engine.send(None, QUESTION, on_event=events.append)
        finally:
            await engine.aclose()
        deltas = [e.text for e in events if isinstance(e, TextDelta)]
        assert result.ok, result.error
        assert len(deltas) > 1 and "".join(deltas).strip(), deltas  # streamed, piece by piece
        assert "paris" in "".join(deltas).lower()
        answer = store.get_message(result.message.id)
    assert answer is not None and answer.status == MessageStatus.COMPLETE
    assert (answer.provider, answer.model) == ("builtin", DEFAULT_MODEL.name)  # picked as the first listed model
    assert answer.text == "".join(deltas)
    # Usage: the whole templated prompt (system prompt, role markers, question) and the answer's tokens.
    assert answer.input_tokens is not None and answer.input_tokens > len(QUESTION.split())
    assert answer.output_tokens is not None and len(deltas) <= answer.output_tokens <= settings.max_tokens
    assert answer.stop_reason in ("stop", "length") and answer.ttft_ms is not None
    usage = [e for e in events if isinstance(e, Usage)]
    assert usage == [Usage(answer.input_tokens, answer.output_tokens)]
    assert isinstance(events[-1], Finished)


@pytest.mark.localmodel
async def test_stop_mid_answer_ends_the_generation_within_one_token(model_path):
    settings = builtin_settings(model_path, max_tokens=600, temperature=0.8)
    received: list[str] = []
    started: list[TurnStarted] = []
    enough = asyncio.Event()

    def sink(event: object) -> None:
        if isinstance(event, TurnStarted):
            started.append(event)
        if isinstance(event, TextDelta):
            received.append(event.text)
            if len(received) == 8:
                enough.set()

    with Store(config.database_path()) as store:
        engine = ChatEngine(store, settings)
        try:
            task = asyncio.ensure_future(engine.send(
                None, "Write a long story about a dragon who learns to bake bread.", on_event=sink))
            await asyncio.wait_for(enough.wait(), 120)
            provider = await engine.pool.provider(engine.pool.endpoint("builtin"))
            stats: GenerationStats = provider.last_stats  # type: ignore[attr-defined]
            task.cancel()  # what Stop does: the engine closes the provider's stream
            with pytest.raises(asyncio.CancelledError):
                await task
            assert stats.cancelled and stats.cancelled_at is not None
            sampled_at_stop = stats.sampled_tokens
            while MODEL_CACHE.in_use():  # the worker lets go of the model
                await asyncio.sleep(0.01)
        finally:
            await engine.aclose()
        answer = store.get_message(started[0].assistant_message.id)
    assert stats.ended_at is not None
    # At most the token being computed when Stop came is sampled after it, and none is shown.
    assert stats.tokens_after_cancel <= 1 and stats.sampled_tokens <= sampled_at_stop + 1
    assert stats.sampled_tokens < 300, "generation went on after Stop"
    assert stats.ended_at - stats.cancelled_at < 2.0
    assert answer is not None and answer.status == MessageStatus.STOPPED
    assert answer.text == "".join(received)[: len(answer.text)] and len(answer.text) > 0


@pytest.mark.localmodel
async def test_the_model_stays_loaded_between_turns_and_is_unloaded_when_idle(model_path):
    settings = builtin_settings(model_path, local_idle_unload_minutes=0.05)  # 3 s
    with Store(config.database_path()) as store:
        engine = ChatEngine(store, settings)
        try:
            first = await engine.send(None, "Hi!")
            provider = await engine.pool.provider(engine.pool.endpoint("builtin"))
            loaded_first = provider.last_stats.load_seconds  # type: ignore[attr-defined]
            second = await engine.send(first.message.conversation_id, "Tell me one fact about cats.")
            loaded_second = provider.last_stats.load_seconds  # type: ignore[attr-defined]
            assert MODEL_CACHE.loaded() == [str(model_path)]
        finally:
            await engine.aclose()  # closing the engine does not unload: the idle time does
    assert first.ok and second.ok
    assert loaded_first > 0 and loaded_second == 0  # the second turn found it loaded
    assert MODEL_CACHE.loaded(), "unloaded before its idle time"
    deadline = time.monotonic() + 30
    while MODEL_CACHE.loaded() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert MODEL_CACHE.loaded() == []


@pytest.mark.localmodel
async def test_the_chat_template_is_the_one_in_the_gguf(model_path):
    """SmolLM2's template adds its own system prompt ("You are a helpful AI assistant named SmolLM…")
    when there is none: the prompt the model saw has exactly the tokens of that rendering, not of
    plain ChatML (which the library would pick for a template it recognises)."""
    import jinja2

    settings = builtin_settings(model_path)
    provider = provider_for(settings)
    events = await collect(provider, ask(DEFAULT_MODEL.name, "Hi", max_tokens=4))
    assert isinstance(events[-1], Finished)
    assert provider.last_stats is not None and not provider.last_stats.cancelled  # ended, not stopped
    template = read_gguf_info(model_path).chat_template
    assert template and "named SmolLM" in template
    entry = MODEL_CACHE.acquire(model_path, LocalModels(settings).runtime(), GenerationStats(), "Built-in")
    try:
        llama = entry.llama
        assert llama.metadata["tokenizer.chat_template"] == template
        environment = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
        messages = [{"role": "user", "content": "Hi"}]
        rendered = environment.from_string(template).render(messages=messages, add_generation_prompt=True)
        plain_chatml = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
        expected = len(llama.tokenize(rendered.encode(), add_bos=False, special=True))
        chatml = len(llama.tokenize(plain_chatml.encode(), add_bos=False, special=True))
        assert entry.settings == (4096, default_threads())  # n_ctx: 8,192 trained, capped at 4,096
    finally:
        MODEL_CACHE.release(entry, 600)
    assert provider.last_stats is not None
    assert provider.last_stats.prompt_tokens == expected and expected > chatml + 10


@pytest.mark.localmodel
async def test_a_conversation_longer_than_the_context_is_refused_plainly(model_path):
    settings = builtin_settings(model_path, local_context_cap=512)
    with Store(config.database_path()) as store:
        engine = ChatEngine(store, settings)
        try:
            result = await engine.send(None, "Summarise this: " + "the cat sat on the mat " * 300)
        finally:
            await engine.aclose()
    assert isinstance(result.error, errors.RequestRejectedError)
    assert result.error.message.startswith("The conversation is too long for this model's context (Requested tokens")
    assert result.message.status == MessageStatus.ERROR


@pytest.mark.localmodel
async def test_the_context_lookup_tells_the_engine_what_the_model_is_loaded_with(model_path):
    lookup = LocalModels(builtin_settings(model_path)).lookup_context
    assert await lookup("builtin", DEFAULT_MODEL.name) == 4096
    assert await lookup("ollama", DEFAULT_MODEL.name) is None


# -- failures, worded once (no real model needed) ---------------------------------------------------------------

async def test_an_unknown_model_says_how_to_get_one():
    provider = provider_for(builtin_settings())
    with pytest.raises(errors.ModelNotFoundError) as caught:
        await collect(provider, ask("llama-70b"))
    assert caught.value.message == ("There is no built-in model called “llama-70b”. Install the default one with "
                                    "`desktop-chat models install smollm2`, or add a GGUF file in Settings.")


async def test_a_model_file_that_went_away_is_named(tmp_path):
    gone = tmp_path / "Gone.gguf"
    provider = provider_for(builtin_settings(gone))
    with pytest.raises(errors.ModelNotFoundError) as caught:
        await collect(provider, ask("Gone"))
    assert caught.value.message == f"The model file {gone} is missing. Add it again in Settings, or pick another model."


async def test_a_file_that_is_not_a_gguf_is_refused(data_home):
    bad = data_home / "models" / "Broken.gguf"
    bad.parent.mkdir()
    bad.write_bytes(b"<html>404 Not Found</html>")
    provider = provider_for(builtin_settings())
    with pytest.raises(errors.RequestRejectedError, match="“Broken.gguf” is not a GGUF model file"):
        await collect(provider, ask("Broken"))


async def test_without_the_engine_installed_a_turn_says_how_to_install_it(tmp_path, monkeypatch):
    model = write_gguf(tmp_path / "Tiny.gguf")
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # `import llama_cpp` raises ImportError
    with Store(config.database_path()) as store:
        engine = ChatEngine(store, builtin_settings(model))
        try:
            result = await engine.send(None, QUESTION)
        finally:
            await engine.aclose()
    assert isinstance(result.error, errors.ConfigurationError)
    script = Path(__file__).resolve().parents[2] / "scripts" / "install_local_model.sh"  # this checkout's
    assert result.error.message == (f"The built-in engine is not installed. Install it with {script} "
                                    "(it compiles llama.cpp, a few minutes), or pick another provider.")
    assert result.message.status == MessageStatus.ERROR and result.message.error_text is not None


async def test_a_model_larger_than_the_free_memory_is_not_loaded(tmp_path, monkeypatch):
    from desktop_chat.providers import llamacpp_runtime

    model = write_gguf(tmp_path / "Huge.gguf")
    monkeypatch.setattr(llamacpp_runtime, "_available_memory", lambda: 10)
    provider = provider_for(builtin_settings(model))
    with pytest.raises(errors.RequestRejectedError) as caught:
        await collect(provider, ask("Huge"))
    assert caught.value.message == ("There is not enough free memory to load “Huge.gguf”. Close other programs, "
                                    "or pick a smaller model.")
    assert MODEL_CACHE.loaded() == [] and MODEL_CACHE.in_use() == 0


async def test_a_gguf_llama_cpp_cannot_load_is_refused_with_its_architecture(tmp_path):
    engine_or_skip()
    model = write_gguf(tmp_path / "Empty.gguf", architecture="llama")  # a header, no tensors
    provider = provider_for(builtin_settings(model))
    with pytest.raises(errors.RequestRejectedError) as caught:
        await collect(provider, ask("Empty"))
    assert caught.value.message.startswith("llama.cpp could not load “Empty.gguf”: the file may be damaged")
    assert "(llama)" in caught.value.message
    assert MODEL_CACHE.in_use() == 0


class _FullContextLlama:
    """A loaded model whose KV cache fills after two words: llama-cpp-python raises what
    llama_decode returned (1: no slot for the next token)."""

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        return list(range(len(text.split())))

    def create_completion(self, **_: object) -> Iterator[dict[str, object]]:
        yield {"choices": [{"text": "Once upon", "finish_reason": None}]}
        yield {"choices": [{"text": " a time", "finish_reason": None}]}
        raise RuntimeError("llama_decode returned 1")


class _OneModelCache:
    """MODEL_CACHE's two calls the answer makes, for one already loaded model."""

    def __init__(self, llama: object) -> None:
        self.entry = SimpleNamespace(llama=llama, formatter=self._format)
        self.released = 0

    @staticmethod
    def _format(messages: list[dict[str, str]]) -> SimpleNamespace:
        prompt = "".join(f"<{m['role']}>{m['content']}" for m in messages)
        return SimpleNamespace(prompt=prompt, stop=None, added_special=False, stopping_criteria=None)

    def acquire(self, *_: object) -> SimpleNamespace:
        return self.entry

    def release(self, entry: object, idle_unload: float) -> None:
        self.released += 1


async def test_a_context_that_fills_mid_answer_is_said_in_plain_words_and_the_text_is_kept(tmp_path, monkeypatch):
    from desktop_chat.providers import llamacpp

    cache = _OneModelCache(_FullContextLlama())
    monkeypatch.setattr(llamacpp, "MODEL_CACHE", cache)
    monkeypatch.setattr(llamacpp, "import_llama_cpp", lambda label: SimpleNamespace(StoppingCriteriaList=list))
    provider = provider_for(builtin_settings(write_gguf(tmp_path / "Tiny.gguf")))
    received: list[str] = []
    with pytest.raises(errors.BrokenStreamError) as caught:
        async for event in provider.stream(ask("Tiny")):
            if isinstance(event, TextDelta):
                received.append(event.text)
    assert "".join(received) == "Once upon a time"  # what came before the failure reached the caller
    assert caught.value.message == ("The answer from Built-in broke off: the model's context was full, with no room "
                                    "for the next word; a new conversation starts with room again. The text "
                                    "received so far is kept.")
    assert cache.released == 1


def test_threads_default_to_what_the_machine_can_spare():
    cores = len(os.sched_getaffinity(0))
    assert default_threads() == max(1, cores - 1)
    assert LocalModels(Settings()).runtime() == LocalRuntime(threads=0, idle_unload=600.0, context_cap=4096)


# -- a real peer: llama.cpp's own OpenAI-compatible server on the same model ---------------------------------------

@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """`python -m llama_cpp.server` serving the default model on 127.0.0.1; its base URL (…/v1)."""
    path = real_model_path()
    try:
        import llama_cpp.server  # noqa: F401 - the "server" extra
    except ImportError as exc:
        missing(f"llama-cpp-python's server extra is missing ({exc}): pip install -e '.[local]'")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"llama-server-{port}.log", "w+")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--model_alias", "smollm2",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "1"],
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                log.seek(0)
                pytest.fail(f"llama_cpp.server exited with {server.returncode}:\n{log.read()[-3000:]}")
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not answer within 120 s")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.mark.localmodel
async def test_the_openai_compatible_provider_talks_to_a_real_llama_cpp_server(llama_server):
    settings = Settings()
    endpoint = settings.add_custom_endpoint("llama.cpp server", llama_server)
    settings.default_endpoint, settings.default_models[endpoint.id] = endpoint.id, "smollm2"  # as picked in the list
    settings.temperature, settings.max_tokens = 0.0, 48
    events: list[object] = []
    with Store(config.database_path()) as store:
        engine = ChatEngine(store, settings)
        try:
            models = await engine.list_models(endpoint.id)
            result = await engine.send(None, QUESTION, on_event=events.append)
        finally:
            await engine.aclose()
    assert [m.id for m in models] == ["smollm2"]
    assert result.ok, result.error
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert len(deltas) > 1 and "".join(deltas).strip()
    answer = result.message
    assert (answer.status, answer.provider, answer.model) == (MessageStatus.COMPLETE, endpoint.id, "smollm2")
    assert answer.text == "".join(deltas)
    # llama_cpp.server 0.3.36 ignores stream_options.include_usage: a streamed answer carries no usage,
    # and the provider records none rather than a guess.
    if answer.input_tokens is not None:
        assert answer.input_tokens > 0 and answer.output_tokens > 0


@pytest.mark.localmodel
async def test_stopping_an_answer_from_the_real_server_closes_the_connection(llama_server):
    settings = Settings()
    endpoint = settings.add_custom_endpoint("llama.cpp server", llama_server)
    settings.default_endpoint, settings.default_models[endpoint.id] = endpoint.id, "smollm2"
    settings.max_tokens = 600
    received: list[str] = []
    enough = asyncio.Event()

    def sink(event: object) -> None:
        if isinstance(event, TextDelta):
            received.append(event.text)
            if len(received) == 5:
                enough.set()

    with Store(config.database_path()) as store:
        engine = ChatEngine(store, settings)
        try:
            task = asyncio.ensure_future(engine.send(None, "Write a long story about a lighthouse.", on_event=sink))
            await asyncio.wait_for(enough.wait(), 120)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The server is free again at once: a new question gets its answer.
            after = await engine.send(None, QUESTION)
        finally:
            await engine.aclose()
    assert after.ok and after.message.text.strip()
