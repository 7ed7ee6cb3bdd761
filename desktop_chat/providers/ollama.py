"""Ollama's native API (/api/chat NDJSON streaming) over plain httpx.

Wire format, from Ollama's API reference:

    POST /api/chat   {"model", "messages", "stream": true, "options": {...}, "keep_alive"}
        200, application/x-ndjson, one JSON object per line:
            {"message": {"role": "assistant", "content": "Hel"}, "done": false, ...}
            ...
            {"message": {...}, "done": true, "done_reason": "stop",
             "prompt_eval_count": 26, "eval_count": 282, "total_duration": ..., ...}
        An error after the status line went out arrives as a line of its own: {"error": "..."}.
        Errors before that are a status code with a body {"error": "..."}.
    GET  /api/tags      {"models": [{"name", "size", "modified_at", "details": {...}}]}
    GET  /api/version   {"version": "0.12.6"}
    POST /api/show      {"details": {...}, "model_info": {"<arch>.context_length": ...}, "capabilities": [...]}
    POST /api/pull      {"model", "stream": true}
        200, application/x-ndjson: {"status": "pulling manifest"}, then per layer
            {"status": "pulling <digest>", "digest": "sha256:…", "total": N, "completed": M} (completed
            may be missing until bytes arrive), then "verifying sha256 digest", "writing manifest",
            "success". A failure (unknown name, no internet on Ollama's side) is an {"error": "..."}
            line; a bad name can also be a 400 with {"error": ...}. A cancelled pull resumes later.
    DELETE /api/delete  {"model"}: 200, or 404 {"error": ...}
    GET  /api/ps        {"models": [{"name", "size", "size_vram", "expires_at", "details"}]}: loaded ones
    POST /api/chat      {"model", "messages": [], "keep_alive": 0}: unloads the model ("done_reason": "unload")

The JSON of these calls is read and written by pure functions in ollama_wire.py; this module is
the client: it sends, reads the NDJSON lines, and translates failures here, once, into the
project's ChatError hierarchy (worded by http_errors); only "Ollama is not running" is worded
locally, because it is Ollama's own advice.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from typing import Any

import httpx

from desktop_chat.domain import errors
from desktop_chat.domain.events import ProviderEvent
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import http_errors, thinking_wire, tool_wire
from desktop_chat.providers.base import ChatRequest, ModelInfo, ProviderConfig
from desktop_chat.providers.ollama_wire import (
    LoadedModel,
    PullLine,
    canonical_model_name,
    chat_body,
    chunk_events,
    loaded_model,
    pull_line,
    show_to_model,
    tags_entry_to_model,
)

__all__ = ["OllamaProvider"]


# Between two progress lines of a pull: Ollama says nothing while it verifies a multi-gigabyte
# layer, which takes far longer than the no-data timeout of an answer.
PULL_READ_TIMEOUT = 600.0

ModelOptions = Callable[[], Mapping[str, Mapping[str, Any]]]


class OllamaProvider:
    """A Provider for one Ollama host (config.base_url, e.g. http://127.0.0.1:11434)."""

    def __init__(self, config: ProviderConfig, *, model_options: ModelOptions | None = None) -> None:
        self.config = config
        # Per-model defaults (num_ctx, temperature, keep_alive) the user set, keyed by model name;
        # read at every request so that a change applies to the next turn. Handed over by whoever
        # builds the provider, through the factory (chat/pool.py gives it the settings' table).
        self.model_options: ModelOptions | None = model_options
        self._thinkless: set[str] = set()  # models this host said do not think: asked without `think`
        self.base_url = config.base_url.rstrip("/")
        t = config.timeouts
        headers: dict[str, str] = {}
        if config.api_key:  # Ollama itself needs none; a reverse proxy or ollama.com may
            headers["Authorization"] = f"Bearer {config.api_key}"
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            # read is the no-data timeout between bytes; httpx has no overall cap, which is
            # what a long local generation needs.
            timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.read, pool=t.connect),
            headers=headers,
            # A local Ollama must not be sent through an HTTP(S)_PROXY from the environment.
            trust_env=not _is_loopback_url(self.base_url),
        )

    @property
    def label(self) -> str:
        return self.config.label or "Ollama"

    # -- streaming ---------------------------------------------------------------------------

    async def _ndjson(self, response: httpx.Response) -> AsyncGenerator[dict[str, Any], None]:
        """Ollama's streamed JSON objects, one a line; a malformed line raises BrokenStreamError.

        Lines end at b"\n" only. httpx's aiter_lines() splits like str.splitlines(), also at U+0085,
        U+2028 and U+2029, which JSON may carry unescaped inside a string (Go's encoder leaves
        U+0085 as it is): an answer holding one would break in two invalid halves.
        Nothing here sleeps or blocks; the engine yields to the loop on a time budget.
        """
        pending = bytearray()
        # httpx annotates aiter_bytes() as an AsyncIterator; it is an async generator (has aclose).
        async with contextlib.aclosing(response.aiter_bytes()) as chunks:  # type: ignore[type-var]
            async for chunk in chunks:
                start, search = 0, len(pending)  # what is pending holds no newline: look in the new bytes
                pending += chunk
                while (end := pending.find(b"\n", search)) >= 0:
                    line = bytes(pending[start:end])
                    start = search = end + 1
                    if line.strip():
                        yield self._parse_line(line)
                del pending[:start]
        if bytes(pending).strip():
            yield self._parse_line(bytes(pending))

    async def stream(self, request: ChatRequest) -> AsyncIterator[ProviderEvent]:
        """Asks with `think` when the conversation sets a reasoning effort, unless the model is
        known not to think: Ollama refuses `think` for such a model with a 400 before anything
        streams, and the request is then made once more without it. (Without `think`, Ollama
        still sends a thinking model's reasoning apart, in message.thinking.)"""
        think = thinking_wire.ollama_think(request.options) is not None and request.model not in self._thinkless
        try:
            async with contextlib.aclosing(self._stream(request, think)) as events:
                async for event in events:
                    yield event
        except errors.ChatError as exc:
            if not (think and getattr(exc, "status", None) == 400 and _refuses_thinking(exc)):
                raise
            self._thinkless.add(request.model)
            async with contextlib.aclosing(self._stream(request, False)) as events:
                async for event in events:
                    yield event

    async def _stream(self, request: ChatRequest, think: bool) -> AsyncGenerator[ProviderEvent, None]:
        body = chat_body(request, self.options_for(request.model), label=self.label, think=think)
        in_body = False
        try:
            async with self._client.stream("POST", "/api/chat", json=body) as response:
                if response.status_code >= 400:
                    raise await self._status_error(response, model=request.model)
                in_body = True
                await self._refuse_web_page(response)
                calls = 0  # tool calls so far: each gets its own index
                async with contextlib.aclosing(self._ndjson(response)) as chunks:
                    async for chunk in chunks:
                        if "error" in chunk:
                            raise self._stream_error(chunk)
                        for call in tool_wire.ollama_tool_deltas(chunk.get("message"), calls):
                            calls += 1
                            yield call
                        for event in chunk_events(chunk):
                            yield event
                        if chunk.get("done") is True:
                            return
                raise http_errors.broken_stream(self.label, Text.of(
                    QT_TRANSLATE_NOOP("engine", "the stream ended without its final “done” message")))
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, in_body=in_body) from exc

    def _parse_line(self, line: bytes) -> dict[str, Any]:
        try:
            chunk = json.loads(line)  # UTF-8 bytes; invalid UTF-8 is a ValueError too
        except (ValueError, RecursionError):
            chunk = None
        if not isinstance(chunk, dict):
            raise http_errors.broken_stream(self.label, Text.of(
                QT_TRANSLATE_NOOP("engine", "it sent a line that is not valid JSON ({line})"),
                line=_clip(line.decode("utf-8", "replace"), 60)))
        return chunk

    def _stream_error(self, chunk: dict[str, Any]) -> errors.ChatError:
        """An {"error": ...} line: the status line (200) already went out, so no status to match."""
        message = _error_text(chunk.get("error"))
        if not message:
            return http_errors.broken_stream(
                self.label, Text.of(QT_TRANSLATE_NOOP("engine", "the server reported “unknown error”")))
        return http_errors.broken_stream(
            self.label, Text.of(QT_TRANSLATE_NOOP("engine", "the server reported “{message}”"), message=message))

    async def _refuse_web_page(self, response: httpx.Response) -> None:
        """A 200 web page (a captive portal, a login page, a base URL pointing at a web site)."""
        content_type = response.headers.get("content-type", "")
        if content_type.startswith("text/html"):
            body = (await response.aread())[:65536].decode("utf-8", "replace")
            raise http_errors.web_page_instead_of_api(self.label, self.base_url, http_errors.html_title(body))

    # -- other endpoints ---------------------------------------------------------------------

    async def list_models(self) -> list[ModelInfo]:
        payload = await self._get_json("GET", "/api/tags")
        models = payload.get("models") if isinstance(payload, dict) else None
        return [tags_entry_to_model(entry) for entry in models or [] if isinstance(entry, dict) and entry.get("name")]

    async def version(self) -> str:
        payload = await self._get_json("GET", "/api/version")
        return str(payload.get("version", "")) if isinstance(payload, dict) else ""

    async def show(self, model: str) -> ModelInfo:
        payload = await self._get_json("POST", "/api/show", body={"model": model}, model=model)
        return show_to_model(model, payload if isinstance(payload, dict) else {})

    def options_for(self, model: str) -> Mapping[str, Any]:
        """The per-model options the user set for `model` ({} if none)."""
        if self.model_options is None:
            return {}
        try:
            table = self.model_options()
        except Exception:  # noqa: BLE001 - a settings problem must not stop a turn
            return {}
        if not isinstance(table, Mapping):
            return {}
        found = table.get(canonical_model_name(model), table.get(model))
        return found if isinstance(found, Mapping) else {}

    # -- model management ----------------------------------------------------------------------

    async def pull(self, model: str) -> AsyncGenerator[PullLine, None]:
        """Download `model` into this Ollama, yielding its status lines; ends after "success".

        Closing the generator (or cancelling the task iterating it) closes the HTTP stream at
        once, which is how Ollama learns to stop; it keeps what it downloaded and resumes later.
        """
        in_body = False
        timeout = httpx.Timeout(connect=self.config.timeouts.connect, read=max(self.config.timeouts.read,
                                PULL_READ_TIMEOUT), write=self.config.timeouts.read, pool=self.config.timeouts.connect)
        try:
            async with self._client.stream("POST", "/api/pull", json={"model": model, "stream": True},
                                           timeout=timeout) as response:
                if response.status_code >= 400:
                    await response.aread()
                    detail, from_ollama = _error_detail(response)
                    if from_ollama and isinstance(detail, str):
                        raise self.pull_failed(model, detail, status=response.status_code)
                    raise await self._status_error(response, model=None)
                in_body = True
                await self._refuse_web_page(response)
                async with contextlib.aclosing(self._ndjson(response)) as chunks:
                    async for chunk in chunks:
                        if "error" in chunk:
                            raise self.pull_failed(model, _error_text(chunk.get("error")) or "unknown error")
                        pulled = pull_line(chunk)
                        yield pulled
                        if pulled.status == "success":
                            return
                raise _pull_broke_off(self.label, model, Text.of(
                    QT_TRANSLATE_NOOP("engine", "the download ended without Ollama's “success” message")))
        except httpx.HTTPError as exc:
            if in_body and not isinstance(exc, httpx.TimeoutException):
                raise _pull_broke_off(self.label, model, http_errors.describe_transport_failure(exc)) from exc
            raise self._transport_error(exc, in_body=False) from exc

    def pull_failed(self, model: str, detail: str, *, status: int | None = None) -> errors.ChatError:
        """Ollama's own reason for a failed pull, framed with what to do about it."""
        reason = _with_stop(detail)
        lowered = detail.lower()
        kw: dict[str, Any] = dict(provider=self.label, status=status, detail=detail)
        if "file does not exist" in lowered or "not found" in lowered or status == 404:
            return errors.ModelNotFoundError(Text.of(
                QT_TRANSLATE_NOOP("engine", "{provider} could not download “{model}”: {detail} "
                                            "Check the name in the Ollama library (ollama.com/library)."),
                provider=self.label, model=model, detail=reason), **kw)
        if any(sign in lowered for sign in _NETWORK_SIGNS):
            return errors.CannotConnectError(Text.of(
                QT_TRANSLATE_NOOP("engine", "{provider} could not download “{model}”: {detail} "
                                            "Check that the computer running {provider} can reach the internet."),
                provider=self.label, model=model, detail=reason), **kw)
        return errors.RequestRejectedError(Text.of(
            QT_TRANSLATE_NOOP("engine", "{provider} could not download “{model}”: {detail}"),
            provider=self.label, model=model, detail=reason), **kw)

    async def delete(self, model: str) -> None:
        """Remove `model` and its files from this Ollama (ModelNotFoundError if it has no such model)."""
        await self._get_json("DELETE", "/api/delete", body={"model": model}, model=model, want_json=False)

    async def loaded(self) -> list[LoadedModel]:
        """The models Ollama holds in memory now (/api/ps)."""
        payload = await self._get_json("GET", "/api/ps")
        models = payload.get("models") if isinstance(payload, dict) else None
        return [loaded_model(entry) for entry in models or [] if isinstance(entry, dict) and entry.get("name")]

    async def unload(self, model: str) -> None:
        """Free the memory `model` holds: a chat request with no messages and keep_alive 0."""
        await self._get_json("POST", "/api/chat", body={"model": model, "messages": [], "keep_alive": 0,
                                                         "stream": False}, model=model)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _get_json(self, method: str, path: str, *, body: Any = None, model: str | None = None,
                        want_json: bool = True) -> Any:
        try:
            response = await self._client.request(method, path, json=body)
            if response.status_code >= 400:
                raise await self._status_error(response, model=model)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, in_body=False) from exc
        if not want_json:
            return None
        try:
            return response.json()
        except ValueError:
            raise http_errors.broken_stream(self.label, Text.of(
                QT_TRANSLATE_NOOP("engine", "{url} did not answer with JSON; check the base URL"),
                url=f"{self.base_url}{path}",
            )) from None

    # -- error translation -------------------------------------------------------------------

    async def _status_error(self, response: httpx.Response, *, model: str | None) -> errors.ChatError:
        await response.aread()
        detail, from_ollama = _error_detail(response)
        return http_errors.error_for_status(
            response.status_code,
            provider=self.label,
            detail=detail,
            retry_after=http_errors.parse_retry_after(response.headers.get("retry-after")),
            # A bare "404 page not found" is a wrong base URL, not a missing model.
            model=model if from_ollama else None,
        )

    def _transport_error(self, exc: httpx.HTTPError, *, in_body: bool) -> errors.ChatError:
        if isinstance(exc, httpx.ConnectTimeout):
            return http_errors.cannot_connect(self.label, self.base_url, http_errors.CONNECT_TIMED_OUT)
        if isinstance(exc, httpx.TimeoutException):
            return http_errors.timed_out(self.label, self.config.timeouts.read, answering=in_body)
        if isinstance(exc, httpx.ConnectError):
            if http_errors.caused_by(exc, ConnectionRefusedError):
                return self.not_running()
            return http_errors.cannot_connect(self.label, self.base_url, http_errors.describe_transport_failure(exc))
        if in_body:
            return http_errors.broken_stream(
                self.label, Text.of(QT_TRANSLATE_NOOP("engine", "the connection was closed mid-answer")))
        if isinstance(exc, httpx.TransportError):
            return http_errors.cannot_connect(self.label, self.base_url, http_errors.describe_transport_failure(exc))
        return http_errors.broken_stream(self.label, Text.of(
            QT_TRANSLATE_NOOP("engine", "the response could not be read ({kind})"), kind=type(exc).__name__))

    def not_running(self) -> errors.CannotConnectError:
        from desktop_chat.providers.ollama_probe import not_running  # worded once, for the start-up probe too

        return not_running(self.label, self.base_url)


def _pull_broke_off(provider: str, model: str, why: Text | str) -> errors.BrokenStreamError:
    return errors.BrokenStreamError(
        Text.of(QT_TRANSLATE_NOOP("engine", "The download of “{model}” from {provider} broke off: {why}. "
                                            "Start it again to continue where it stopped."),
                provider=provider, model=model, why=why),
        provider=provider,
        detail=why,
    )


# What Ollama's Go HTTP client says when Ollama itself cannot reach the model library.
_NETWORK_SIGNS = ("dial tcp", "no such host", "i/o timeout", "connection refused", "connection reset",
                  "network is unreachable", "tls handshake", "lookup ", "context deadline exceeded",
                  "timeout awaiting", "no route to host", "temporary failure in name resolution")


# -- small helpers -----------------------------------------------------------------------------


def _error_detail(response: httpx.Response) -> tuple[Text | str | None, bool]:
    """Ollama's own words from an error body (and True), or a short note on what came instead."""
    try:
        payload = response.json()
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        payload = None
    if isinstance(payload, dict) and payload.get("error"):
        return _error_text(payload["error"]), True
    text = response.text.strip()
    if not text:
        return None, False
    if "<html" in text[:512].lower() or response.headers.get("content-type", "").startswith("text/html"):
        return Text.of(QT_TRANSLATE_NOOP(
            "engine", "the server answered with a web page instead of Ollama's API; "
                      "a proxy may be in the way, or the base URL is wrong."
        )), False
    return _clip(text), False


def _refuses_thinking(error: errors.ChatError) -> bool:
    """Ollama's 400 for `think` on a model without the "thinking" capability."""
    return "does not support thinking" in (error.detail or "")


def _error_text(value: Any) -> str:
    if isinstance(value, dict):  # OpenAI-style {"message": ...}, seen from some proxies
        value = value.get("message") or json.dumps(value)
    return str(value).strip()


def _is_loopback_url(url: str) -> bool:
    host = httpx.URL(url).host
    if host in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _with_stop(text: str) -> str:
    """Somebody else's words ending in one full stop, so that our sentence can follow."""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "。", "！", "？")) else f"{text}."


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
