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
waits for the first. Loading, the cache and whether llama_cpp is installed are
llamacpp_runtime.py; this module answers with a loaded model.

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
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, ProviderEvent, TextDelta, Usage
from desktop_chat.domain.parts import TextPart
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import http_errors
from desktop_chat.providers.base import ChatRequest, ModelInfo, ProviderConfig
from desktop_chat.providers.llamacpp_runtime import (DEFAULT_LABEL, MODEL_CACHE, GenerationStats, LocalRuntime,
                                                      import_llama_cpp)
from desktop_chat.providers.unsupported import cannot_send

__all__ = ["LlamaCppProvider", "ModelCatalog", "no_such_model"]

log = logging.getLogger(__name__)

DEFAULT_TEMPERATURE = 0.2


# -- what the rest of the app hands the provider (and LocalRuntime, in llamacpp_runtime.py) --------

class ModelCatalog(Protocol):
    """The installed models (chat/local_models.py implements it)."""

    def path_for(self, model: str) -> Path:
        """The GGUF file of `model`; a ChatError (ModelNotFoundError) if there is none."""

    def model_infos(self) -> list[ModelInfo]: ...


# -- the provider ------------------------------------------------------------------------------------

# How a sentence names the engine: the picker shows "Built-in" translated, and so do its messages.
_NAME = Text.of(QT_TRANSLATE_NOOP("engine", "Built-in"))


def _named(label: str) -> Text | None:
    """The engine's name for a message when *label* is its own default (None: the label is a name)."""
    return _NAME if label == DEFAULT_LABEL else None


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
        return self.config.label or DEFAULT_LABEL

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
        llama_cpp = import_llama_cpp(label)
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


def _messages(request: ChatRequest, label: str) -> list[dict[str, str]]:
    """The turns as the model's chat template takes them: text only (no vision projector or tool
    template is loaded), so any other part is refused rather than left out."""
    for message in request.messages:
        for part in message.parts:
            if not isinstance(part, TextPart):
                raise cannot_send(label, part, named=_named(label))
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
    if isinstance(exc, RuntimeError) and message.startswith("llama_decode returned 1"):
        # llama.cpp's own meaning of 1: no free slot in the KV cache for the next batch, i.e. the
        # context the model is loaded with is full (it logs "failed to find a memory slot").
        log.warning("the built-in engine's context was full mid-answer (%s)", message)
        return http_errors.broken_stream(label, Text.of(QT_TRANSLATE_NOOP(
            "engine", "the model's context was full, with no room for the next word; a new conversation "
                      "starts with room again")), named=_named(label))
    log.error("the built-in engine failed while answering", exc_info=exc)
    return http_errors.broken_stream(label, Text.of(QT_TRANSLATE_NOOP(
        "engine", "llama.cpp failed ({kind}: {detail})"), kind=type(exc).__name__, detail=message[:200]),
        named=_named(label))


def _with_stop(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "。")) else f"{text}."
