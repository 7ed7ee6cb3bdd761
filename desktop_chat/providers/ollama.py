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

Failures are translated here, once, into the project's ChatError hierarchy (worded by
http_errors); only "Ollama is not running" is worded locally, because it is Ollama's own advice.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, ProviderEvent, TextDelta, Usage
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import http_errors
from desktop_chat.providers.base import ChatRequest, ModelInfo, ProviderConfig

__all__ = ["OllamaProvider"]

_GENERIC_CAUSE = http_errors.CONNECTION_FAILED


class OllamaProvider:
    """A Provider for one Ollama host (config.base_url, e.g. http://127.0.0.1:11434)."""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
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

    async def stream(self, request: ChatRequest) -> AsyncIterator[ProviderEvent]:
        body = chat_body(request)
        in_body = False
        try:
            async with self._client.stream("POST", "/api/chat", json=body) as response:
                if response.status_code >= 400:
                    raise await self._status_error(response, model=request.model)
                in_body = True
                self._refuse_web_page(response)
                # aiter_lines does not yield to the loop while lines are buffered; the engine
                # yields on a time budget, so nothing here sleeps or blocks.
                async with contextlib.aclosing(response.aiter_lines()) as lines:
                    async for line in lines:
                        if not line.strip():
                            continue
                        chunk = self._parse_line(line)
                        if "error" in chunk:
                            raise self._stream_error(chunk)
                        for event in _chunk_events(chunk):
                            yield event
                        if chunk.get("done") is True:
                            return
                raise http_errors.broken_stream(self.label, Text.of(
                    QT_TRANSLATE_NOOP("engine", "the stream ended without its final “done” message")))
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, in_body=in_body) from exc

    def _parse_line(self, line: str) -> dict[str, Any]:
        try:
            chunk = json.loads(line)
        except ValueError:
            chunk = None
        if not isinstance(chunk, dict):
            raise http_errors.broken_stream(self.label, Text.of(
                QT_TRANSLATE_NOOP("engine", "it sent a line that is not valid JSON ({line})"), line=_clip(line, 60)))
        return chunk

    def _stream_error(self, chunk: dict[str, Any]) -> errors.ChatError:
        """An {"error": ...} line: the status line (200) already went out, so no status to match."""
        message = _error_text(chunk.get("error"))
        if not message:
            return http_errors.broken_stream(
                self.label, Text.of(QT_TRANSLATE_NOOP("engine", "the server reported “unknown error”")))
        return http_errors.broken_stream(
            self.label, Text.of(QT_TRANSLATE_NOOP("engine", "the server reported “{message}”"), message=message))

    def _refuse_web_page(self, response: httpx.Response) -> None:
        content_type = response.headers.get("content-type", "")
        if content_type.startswith("text/html"):
            raise http_errors.broken_stream(self.label, Text.of(
                QT_TRANSLATE_NOOP("engine", "{url} answered with a web page, not Ollama's API; check the base URL"),
                url=self.base_url,
            ))

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

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _get_json(self, method: str, path: str, *, body: Any = None, model: str | None = None) -> Any:
        try:
            response = await self._client.request(method, path, json=body)
            if response.status_code >= 400:
                raise await self._status_error(response, model=model)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, in_body=False) from exc
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
            return http_errors.cannot_connect(
                self.label, self.base_url, Text.of(QT_TRANSLATE_NOOP("engine", "the connection timed out")))
        if isinstance(exc, httpx.TimeoutException):
            return http_errors.timed_out(self.label, self.config.timeouts.read)
        if isinstance(exc, httpx.ConnectError):
            if _caused_by(exc, ConnectionRefusedError):
                return self.not_running()
            return http_errors.cannot_connect(self.label, self.base_url, _transport_cause(exc))
        if in_body:
            return http_errors.broken_stream(
                self.label, Text.of(QT_TRANSLATE_NOOP("engine", "the connection was closed mid-answer")))
        if isinstance(exc, httpx.TransportError):
            return http_errors.cannot_connect(self.label, self.base_url, _transport_cause(exc))
        return http_errors.broken_stream(self.label, Text.of(
            QT_TRANSLATE_NOOP("engine", "the response could not be read ({kind})"), kind=type(exc).__name__))

    def not_running(self) -> errors.CannotConnectError:
        return errors.CannotConnectError(
            Text.of(QT_TRANSLATE_NOOP("engine", "{provider} is not running at {url}; start it with `ollama serve`."),
                    provider=self.label, url=self.base_url),
            provider=self.label,
            detail="the connection was refused",
        )


# -- the wire format, as pure functions --------------------------------------------------------


def chat_body(request: ChatRequest) -> dict[str, Any]:
    """The /api/chat request body for a ChatRequest."""
    messages: list[dict[str, str]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    messages += [{"role": m.role, "content": m.text} for m in request.messages]
    options: dict[str, Any] = {"num_predict": request.max_tokens}
    if request.temperature is not None:
        options["temperature"] = request.temperature
    if request.options.get("num_ctx") is not None:
        options["num_ctx"] = request.options["num_ctx"]
    body: dict[str, Any] = {"model": request.model, "messages": messages, "stream": True, "options": options}
    if request.options.get("keep_alive") is not None:
        body["keep_alive"] = request.options["keep_alive"]
    return body


def _chunk_events(chunk: dict[str, Any]) -> Iterator[ProviderEvent]:
    message = chunk.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str) and content:
        yield TextDelta(content)
    if chunk.get("done") is True:
        prompt, output = _int_or_none(chunk.get("prompt_eval_count")), _int_or_none(chunk.get("eval_count"))
        if prompt is not None or output is not None:
            yield Usage(prompt, output)
        yield Finished(str(chunk.get("done_reason") or "stop"))


def tags_entry_to_model(entry: dict[str, Any]) -> ModelInfo:
    details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
    return ModelInfo(
        id=entry["name"],
        details={
            "size": entry.get("size"),
            "family": details.get("family"),
            "parameter_size": details.get("parameter_size"),
            "quantization_level": details.get("quantization_level"),
            "modified_at": entry.get("modified_at"),
        },
    )


def show_to_model(model: str, payload: dict[str, Any]) -> ModelInfo:
    details = payload.get("details") if isinstance(payload.get("details"), dict) else {}
    model_info = payload.get("model_info") if isinstance(payload.get("model_info"), dict) else {}
    arch = model_info.get("general.architecture") or details.get("family")
    context_length = _int_or_none(model_info.get(f"{arch}.context_length")) if arch else None
    if context_length is None:  # an unexpected architecture key: any "*.context_length" will do
        context_length = next(
            (_int_or_none(v) for k, v in model_info.items() if k.endswith(".context_length")), None
        )
    capabilities = payload.get("capabilities")
    return ModelInfo(
        id=model,
        context_length=context_length,
        details={
            "capabilities": list(capabilities) if isinstance(capabilities, list) else [],
            "architecture": arch,
            "family": details.get("family"),
            "parameter_size": details.get("parameter_size"),
            "quantization_level": details.get("quantization_level"),
            "format": details.get("format"),
            "modified_at": payload.get("modified_at"),
        },
    )


# -- small helpers -----------------------------------------------------------------------------


def _error_detail(response: httpx.Response) -> tuple[Text | str | None, bool]:
    """Ollama's own words from an error body (and True), or a short note on what came instead."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict) and payload.get("error"):
        return _error_text(payload["error"]), True
    text = response.text.strip()
    if not text:
        return None, False
    if "<html" in text[:512].lower() or response.headers.get("content-type", "").startswith("text/html"):
        return Text.of(QT_TRANSLATE_NOOP(
            "engine", "the server answered with a web page, not Ollama's API "
                      "(a proxy in the way, or the wrong base URL?)"
        )), False
    return _clip(text), False


def _error_text(value: Any) -> str:
    if isinstance(value, dict):  # OpenAI-style {"message": ...}, seen from some proxies
        value = value.get("message") or json.dumps(value)
    return str(value).strip()


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _transport_cause(exc: BaseException) -> Text:
    """http_errors' wording for the most specific exception in the chain.

    httpx wraps the OS error two or three levels deep ("All connection attempts failed"), below
    what describe_transport_failure looks at, so walk the chain.
    """
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            break
        why = http_errors.describe_transport_failure(seen)
        if why != _GENERIC_CAUSE:
            return why
        seen = seen.__cause__ or seen.__context__
    return _GENERIC_CAUSE


def _is_loopback_url(url: str) -> bool:
    host = httpx.URL(url).host
    if host in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
