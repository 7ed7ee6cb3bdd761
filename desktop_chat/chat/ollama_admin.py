"""Ollama's own management, for the window and the command line: no Qt, no policy about screens.

    admin = OllamaAdmin(engine.pool, settings)
    status = await admin.status()             # running + version, or why not, with the host
    models = await admin.models()             # /api/tags: size, family, parameter size, quantisation
    info = await admin.details("qwen2.5:7b")  # /api/show: context length, capabilities (cached)
    n = await admin.context_length("qwen2.5:7b")   # the model's context window, for budgets
    async for progress in admin.pull("gemma3:1b"): ...   # per layer, bytes, %, speed
    await admin.delete(name); await admin.loaded(); await admin.unload(name)
    admin.model_options(name) / admin.set_model_options(name, ModelOptions(...))

The host is the Ollama endpoint's base URL as Settings resolve it (the configured host, else
OLLAMA_HOST, else http://127.0.0.1:11434), read at every call, so a changed host applies at once;
a remote Ollama (a GPU box on the LAN) is managed the same way. Requests go through the engine's
ProviderPool, so the window and the turns share one HTTP client per host.

Per-model options live in Settings.ollama_model_options (model name -> {"num_ctx", "temperature",
"keep_alive"}); the pool hands that table to the Ollama provider, which sends them with every
request to that model. The caller saves the settings file after changing them.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop_chat.chat.context import ModelContext
from desktop_chat.chat.pool import ProviderPool
from desktop_chat.config import OLLAMA_ENDPOINT, Settings
from desktop_chat.domain import errors
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import ModelInfo

if TYPE_CHECKING:  # the provider module imports httpx: only when a request is made
    from desktop_chat.providers.ollama import OllamaProvider
    from desktop_chat.providers.ollama_wire import LoadedModel

__all__ = ["LayerProgress", "ModelOptions", "OllamaAdmin", "OllamaStatus", "PullProgress", "canonical_name",
           "parse_keep_alive"]

ENDPOINT_ID = OLLAMA_ENDPOINT  # the one Ollama endpoint this manages
STATUS_TIMEOUT = 5.0  # seconds a status check may take before Ollama counts as not answering
SPEED_WINDOW = 3.0  # seconds of progress the download speed is averaged over
YIELD_BUDGET = 0.008  # seconds of progress handling before handing the loop back to the window


def canonical_name(name: str) -> str:
    """Ollama's full name for a model: "llama3.2" is "llama3.2:latest"."""
    from desktop_chat.providers.ollama_wire import canonical_model_name  # the providers: not at start-up

    return canonical_model_name(name)


# -- status ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OllamaStatus:
    host: str
    running: bool
    version: str | None = None
    error: errors.ChatError | None = None  # why it is not reachable

    @property
    def refused(self) -> bool:
        """Nothing listens at the host: Ollama is not running there (rather than unreachable)."""
        return isinstance(self.error, errors.CannotConnectError) and self.error.detail == "the connection was refused"

    @property
    def text(self) -> Text:
        """One plain sentence for the user."""
        if self.running:
            if self.version:
                return Text.of(QT_TRANSLATE_NOOP("engine", "Ollama {version} is running at {host}."),
                               version=self.version, host=self.host)
            return Text.of(QT_TRANSLATE_NOOP("engine", "Ollama is running at {host}."), host=self.host)
        if self.error is not None:
            return self.error.text
        return Text.of(QT_TRANSLATE_NOOP("engine", "Ollama is not reachable at {host}."), host=self.host)


# -- pull progress ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class LayerProgress:
    digest: str
    total: int
    completed: int

    @property
    def percent(self) -> float:
        return 100.0 if self.total <= 0 else min(100.0, 100.0 * self.completed / self.total)


@dataclass(frozen=True)
class PullProgress:
    """Where a pull stands after one of Ollama's status lines."""

    model: str
    status: str  # Ollama's own line, verbatim ("pulling manifest", "pulling 6a0746a1ec1a", "success")
    phase: str  # manifest | downloading | verifying | writing | cleaning | success | other
    layers: tuple[LayerProgress, ...] = ()
    layer: str | None = None  # digest of the layer this line was about
    bytes_per_second: float | None = None

    @property
    def completed(self) -> int:
        return sum(layer.completed for layer in self.layers)

    @property
    def total(self) -> int:
        return sum(layer.total for layer in self.layers)

    @property
    def percent(self) -> float | None:
        """Over all layers announced so far; 100 once Ollama said "success"."""
        if self.phase == "success":
            return 100.0
        if self.total <= 0:
            return None
        return min(100.0, 100.0 * self.completed / self.total)

    @property
    def current(self) -> LayerProgress | None:
        return next((layer for layer in self.layers if layer.digest == self.layer), None)

    @property
    def seconds_left(self) -> float | None:
        if not self.bytes_per_second or self.phase != "downloading":
            return None
        return max(0.0, (self.total - self.completed) / self.bytes_per_second)

    @property
    def done(self) -> bool:
        return self.phase == "success"


_PHASES = (
    ("pulling manifest", "manifest"),
    ("verifying", "verifying"),
    ("writing manifest", "writing"),
    ("removing", "cleaning"),
    ("success", "success"),
)


def _phase(status: str, digest: str | None) -> str:
    if digest:
        return "downloading"
    lowered = status.lower()
    for start, phase in _PHASES:
        if lowered.startswith(start):
            return phase
    return "other"


class _PullTracker:
    """Folds status lines into PullProgress: per-layer bytes and a speed over the last seconds."""

    def __init__(self, model: str, clock: Callable[[], float]) -> None:
        self.model = model
        self.clock = clock
        self.layers: dict[str, LayerProgress] = {}
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, status: str, digest: str | None, total: int | None, completed: int | None) -> PullProgress:
        if digest:
            previous = self.layers.get(digest)
            size = total if total is not None else (previous.total if previous else 0)
            done = completed if completed is not None else (previous.completed if previous else 0)
            self.layers[digest] = LayerProgress(digest, max(size, 0), max(0, min(done, size) if size else done))
        now = self.clock()
        received = sum(layer.completed for layer in self.layers.values())
        self.samples.append((now, received))
        while len(self.samples) > 2 and now - self.samples[0][0] > SPEED_WINDOW:
            self.samples.popleft()
        speed = None
        first_time, first_bytes = self.samples[0]
        if now - first_time >= 0.5 and received >= first_bytes:
            speed = (received - first_bytes) / (now - first_time)
        return PullProgress(self.model, status, _phase(status, digest), tuple(self.layers.values()), digest, speed)


# -- per-model options -----------------------------------------------------------------------------

_DURATION = re.compile(r"^-?(\d+(\.\d*)?(ns|us|µs|ms|s|m|h))+$")


def parse_keep_alive(value: str | int | float | None) -> str | int | None:
    """A keep_alive Ollama accepts: a Go duration ("5m", "1h30m"), or seconds (0 unloads at
    once, a negative number keeps the model loaded). None or "" is Ollama's default.
    ValueError with a Text if it is neither."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_bad_keep_alive(str(value)))
    if isinstance(value, (int, float)):
        return int(value)
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if _DURATION.match(text):
        return text
    raise ValueError(_bad_keep_alive(text))


def _bad_keep_alive(text: str) -> Text:
    return Text.of(QT_TRANSLATE_NOOP("engine", "“{value}” is not a duration Ollama understands: use e.g. 5m, 1h "
                                               "or 0 (unload at once), or -1 to keep the model loaded."),
                   value=text)


@dataclass(frozen=True)
class ModelOptions:
    """What the user set for one model; None means Ollama's (or the app's) default."""

    num_ctx: int | None = None
    temperature: float | None = None
    keep_alive: str | int | None = None

    def validated(self) -> ModelOptions:
        if self.num_ctx is not None and not (isinstance(self.num_ctx, int) and 1 <= self.num_ctx <= 10_000_000):
            raise ValueError(Text.of(QT_TRANSLATE_NOOP(
                "engine", "The context length must be a whole number of tokens between 1 and 10,000,000.")))
        if self.temperature is not None and not (0.0 <= float(self.temperature) <= 2.0):
            raise ValueError(Text.of(QT_TRANSLATE_NOOP("engine", "The temperature must be between 0 and 2.")))
        return ModelOptions(self.num_ctx, None if self.temperature is None else float(self.temperature),
                            parse_keep_alive(self.keep_alive))

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (("num_ctx", self.num_ctx), ("temperature", self.temperature),
                                  ("keep_alive", self.keep_alive)) if v is not None}

    @classmethod
    def from_dict(cls, data: Any) -> ModelOptions:
        """From the settings file, tolerating anything hand-edited into it."""
        if not isinstance(data, dict):
            return cls()
        num_ctx = data.get("num_ctx")
        temperature = data.get("temperature")
        keep_alive = data.get("keep_alive")
        try:
            keep_alive = parse_keep_alive(keep_alive)
        except ValueError:
            keep_alive = None
        return cls(
            num_ctx if isinstance(num_ctx, int) and not isinstance(num_ctx, bool) and num_ctx > 0 else None,
            float(temperature) if isinstance(temperature, (int, float)) and not isinstance(temperature, bool)
            else None,
            keep_alive,
        )


# -- the service -----------------------------------------------------------------------------------

@dataclass
class _HostCache:
    details: dict[str, ModelInfo] = field(default_factory=dict)


class OllamaAdmin:
    def __init__(self, pool: ProviderPool, settings: Settings, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.pool = pool
        self.settings = settings
        self.clock = clock
        self._caches: dict[str, _HostCache] = {}

    # -- where --

    @property
    def host(self) -> str:
        return self.pool.endpoint(ENDPOINT_ID).base_url

    async def _provider(self) -> OllamaProvider:
        provider = await self.pool.provider(self.pool.endpoint(ENDPOINT_ID))
        return provider  # type: ignore[return-value]

    def _cache(self) -> _HostCache:
        return self._caches.setdefault(self.host, _HostCache())

    # -- status and models --

    async def status(self, timeout: float = STATUS_TIMEOUT) -> OllamaStatus:
        """Is Ollama answering at the host, and which version. Never raises a ChatError."""
        host = self.host
        waited = min(timeout, self.settings.read_timeout)  # what the provider's read timeout allows
        try:
            quick = await self._probe(waited)
            if quick is not None:
                return quick
            provider = await self._provider()
            waited = min(timeout, provider.config.timeouts.read)
            version = await asyncio.wait_for(provider.version(), timeout)
        except (asyncio.TimeoutError, errors.ProviderTimeoutError):
            error = errors.ProviderTimeoutError(Text.of(
                QT_TRANSLATE_NOOP("engine", "Ollama did not answer at {host} within {seconds:g} s."),
                host=host, seconds=waited), provider="Ollama")
            return OllamaStatus(host, False, error=error)
        except errors.ChatError as exc:
            return OllamaStatus(host, False, error=exc)
        return OllamaStatus(host, True, version or None)

    async def _probe(self, seconds: float) -> OllamaStatus | None:
        """The plain answers (running, or nothing listening) for a local http Ollama, without
        building the provider and importing its HTTP stack (see providers/ollama_probe.py)."""
        from desktop_chat.providers.ollama_probe import not_running, probe_version

        endpoint = self.pool.endpoint(ENDPOINT_ID)
        found = await asyncio.wait_for(probe_version(endpoint.base_url), seconds)
        if found is None:
            return None
        if found.running:
            return OllamaStatus(self.host, True, found.version)
        return OllamaStatus(self.host, False, error=not_running(endpoint.label or "Ollama", endpoint.base_url))

    async def models(self) -> list[ModelInfo]:
        return await (await self._provider()).list_models()

    async def details(self, model: str) -> ModelInfo:
        """/api/show for `model`: context length, capabilities, architecture (cached per host)."""
        key = canonical_name(model)
        cache = self._cache()
        if key not in cache.details:
            cache.details[key] = await (await self._provider()).show(model)
        return cache.details[key]

    async def context_length(self, model: str) -> int | None:
        """The model's context window in tokens, as /api/show reports it; None if unknown.

        This is what the model was built for. Ollama runs it with `num_ctx` tokens (see
        `configured_context`), which may be smaller; a budget should take the smaller of the two.
        """
        return (await self.details(model)).context_length

    def configured_context(self, model: str) -> int | None:
        """The num_ctx the user set for `model`, if any."""
        return self.model_options(model).num_ctx

    async def lookup_context(self, endpoint_id: str, model: str) -> ModelContext | None:
        """ChatEngine's `context_lookup`: what Ollama knows about a model's context.

        None for other endpoints (the engine's known-limits table answers for them). When Ollama
        cannot be asked, the user's configured num_ctx still counts and the length stays unknown.
        """
        if endpoint_id != ENDPOINT_ID:  # not the endpoint this manages
            return None
        try:
            length = await self.context_length(model)
        except errors.ChatError:
            length = None
        return ModelContext(length=length, configured=self.configured_context(model))

    # -- changing what Ollama holds --

    async def pull(self, model: str) -> AsyncIterator[PullProgress]:
        """Download `model`, yielding progress after each status line; the last one is `done`.

        Cancel by closing the iterator or cancelling its task: the HTTP stream is closed at once
        and Ollama keeps the part it has (a later pull resumes there).
        """
        model = model.strip()
        if not model:
            raise ValueError(Text.of(QT_TRANSLATE_NOOP("engine", "Type the name of a model to download.")))
        provider = await self._provider()
        tracker = _PullTracker(model, self.clock)
        stream = provider.pull(model)
        last_yield = time.monotonic()
        async with contextlib.aclosing(stream):
            async for line in stream:
                progress = tracker.add(line.status, line.digest, line.total, line.completed)
                if progress.done:
                    self._forget(model)
                yield progress
                # Buffered lines do not give the loop back by themselves (see attempts.YIELD_BUDGET).
                if time.monotonic() - last_yield >= YIELD_BUDGET:
                    await asyncio.sleep(0)
                    last_yield = time.monotonic()

    async def delete(self, model: str) -> None:
        await (await self._provider()).delete(model)
        self._forget(model)

    async def loaded(self) -> list[LoadedModel]:
        """Models Ollama holds in memory now (/api/ps)."""
        return await (await self._provider()).loaded()

    async def unload(self, model: str) -> None:
        """Free the memory `model` holds (keep_alive 0); it loads again on its next use."""
        await (await self._provider()).unload(model)

    def _forget(self, model: str) -> None:
        self._cache().details.pop(canonical_name(model), None)

    # -- per-model options --

    def model_options(self, model: str) -> ModelOptions:
        table = self.settings.ollama_model_options or {}
        return ModelOptions.from_dict(table.get(canonical_name(model), table.get(model)))

    def set_model_options(self, model: str, options: ModelOptions) -> ModelOptions:
        """Validate and keep `options` for `model` (ValueError with a Text if one is out of range).
        The next request to that model carries them; the caller saves the settings file."""
        options = options.validated()
        key = canonical_name(model)
        table = dict(self.settings.ollama_model_options or {})
        table.pop(model, None)
        if options.to_dict():
            table[key] = options.to_dict()
        else:
            table.pop(key, None)
        self.settings.ollama_model_options = table
        return options
