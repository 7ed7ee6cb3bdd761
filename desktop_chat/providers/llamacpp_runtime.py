"""The llama.cpp runtime of the built-in engine: whether llama-cpp-python is there, how models
load (LocalRuntime: threads, context cap, idle time), and the process-wide cache of loaded models.

Models stay loaded between turns, keyed by path (a pool reset after a Settings change does not
throw them away), and are unloaded after their idle time. One answer at a time per model: a
second turn to the same model waits for the first. Before loading, the file is checked (a GGUF
header, readable) and so is the free memory: llama.cpp may abort the process rather than fail.
Loading also compiles the GGUF's chat template once. The provider that answers with a loaded
model is llamacpp.py.

llama_cpp is imported on first use only (it pulls numpy and the native library, ≈ 0.3 s).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_chat.domain import errors
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers.engine_install import engine_install_command
from desktop_chat.providers.gguf import GGUFError, read_gguf_info

__all__ = [
    "DEFAULT_CONTEXT_CAP", "DEFAULT_IDLE_UNLOAD", "DEFAULT_LABEL", "MODEL_CACHE", "GenerationStats", "LocalRuntime",
    "default_threads", "engine_available", "engine_missing_error", "import_llama_cpp", "loaded_context",
]

log = logging.getLogger("desktop_chat.providers.llamacpp")  # (its lines were always the provider's)

DEFAULT_LABEL = "Built-in"  # the engine's provider label when its endpoint gives none (config names it so too)
DEFAULT_CONTEXT_CAP = 4096  # tokens; the KV cache of a model's full trained context can be gigabytes
DEFAULT_IDLE_UNLOAD = 600.0  # seconds an unused model stays in memory
MIN_CONTEXT = 512


@dataclass(frozen=True)
class LocalRuntime:
    """How models run; read at every turn, so that a Settings change applies to the next one."""

    threads: int = 0  # 0: default_threads()
    idle_unload: float = DEFAULT_IDLE_UNLOAD  # seconds; <= 0 unloads right after each answer
    context_cap: int = DEFAULT_CONTEXT_CAP


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


def engine_missing_error(detail: str | None = None) -> errors.ConfigurationError:
    return errors.ConfigurationError(Text.of(QT_TRANSLATE_NOOP(
        "engine", "The built-in engine is not installed. Install it with {command} (it compiles llama.cpp, "
                  "a few minutes), or pick another provider."), command=engine_install_command()),
        provider=DEFAULT_LABEL, detail=detail)


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
        llama_cpp = import_llama_cpp(label)
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


def import_llama_cpp(label: str) -> Any:
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


def _token_text(llama: Any, token: int) -> str:
    if token == -1:
        return ""
    try:
        return str(llama._model.token_get_text(token))  # what Llama.__init__ gives its own formatter
    except AttributeError:
        return llama.detokenize([token], special=True).decode("utf-8", "replace")
