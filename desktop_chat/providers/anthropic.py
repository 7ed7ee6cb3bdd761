"""Anthropic's Messages API (and Anthropic-compatible servers) through the official SDK.

Every failure is translated here, once, into the project's ChatError hierarchy. What a transport
failure means is decided by *when* it happened, never by which exception class the SDK raised:
SDK versions re-wrap them (2.17 wraps failures after the headers in APIConnectionError and
APITimeoutError, earlier 2.x left them as raw httpx2 exceptions).

    before the response headers arrived      ChatError
    ───────────────────────────────────────  ───────────────────────────────────────────────────
    APIStatusError, HTTP 4xx/5xx             error_for_status(status, provider's message,
                                             Retry-After)
    a timeout while connecting               CannotConnectError
    a timeout waiting for the headers        ProviderTimeoutError
    any other transport failure              CannotConnectError

    once the headers arrived (answering)
    ───────────────────────────────────────  ───────────────────────────────────────────────────
    APIStatusError from `event: error`       error_for_status(status implied by error.type,
      (the SDK gives it the stream's 200)    error_type=...)
    a timeout, wrapped or not                ProviderTimeoutError(answering): "stopped responding"
    a transport failure, wrapped or not      BrokenStreamError: "broke off"
    JSONDecodeError from an SSE data line    BrokenStreamError
    body ends without a stop reason          BrokenStreamError      the SDK raises nothing
    anything else                            BrokenStreamError      logged: it may be a bug

asyncio.CancelledError and GeneratorExit are BaseExceptions and pass through untouched.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx2

from desktop_chat.domain.errors import ChatError
from desktop_chat.domain.events import Finished, ProviderEvent, TextDelta, Usage
from desktop_chat.domain.messages import ChatMessage, DocumentPart
from desktop_chat.domain.parts import (
    InlineImage,
    RequestPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolResultPart,
    text_runs,
)
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import http_errors, thinking_wire, tool_wire
from desktop_chat.providers.base import ChatRequest, ModelInfo, ProviderConfig
from desktop_chat.providers.unsupported import cannot_send

log = logging.getLogger(__name__)

# The HTTP status Anthropic uses for each error type (its API reference, "Errors"). A mid-stream
# `event: error` arrives on a 200 response, so its status has to come from its type.
_STATUS_FOR_ERROR_TYPE = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}

_MAX_DETAIL = 300  # characters of a non-JSON error body worth showing to a user


class AnthropicProvider:
    """The Provider for Anthropic and for servers speaking its Messages format (llama.cpp, proxies)."""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self._client = _make_client(config)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ProviderEvent]:
        answering = False  # True once the response headers arrived: failures now "break off"
        try:
            events = await self._client.messages.create(stream=True, **_message_params(request, self.config.label))
            answering = True
            # The SDK's context manager closes the HTTP response on exit, including when this
            # generator is closed or its task cancelled at the `yield`: the server sees the hang-up.
            async with events:
                await _require_event_stream(events.response, self.config)
                turn = _Turn()
                async for event in events:
                    for thought in thinking_wire.anthropic_thinking_deltas(event):
                        yield thought
                    text = turn.feed(event)
                    if text:
                        yield TextDelta(text)
                    for call in tool_wire.anthropic_tool_deltas(event):
                        yield call
                for event in turn.finish(self.config.label):
                    yield event
        except ChatError:
            raise
        except Exception as exc:
            raise self._translate(exc, model=request.model, answering=answering) from exc

    async def list_models(self) -> list[ModelInfo]:
        try:
            first = await self._client.models.list(limit=100)
            return await _collect_models(first)
        except ChatError:
            raise
        except Exception as exc:
            raise self._translate(exc) from exc

    async def aclose(self) -> None:
        await self._client.close()

    # -- errors --------------------------------------------------------------------------------

    def _translate(self, exc: Exception, *, model: str | None = None, answering: bool = False) -> ChatError:
        label = self.config.label
        if isinstance(exc, anthropic.APIStatusError):
            return _status_error(exc, label, model)
        if isinstance(exc, json.JSONDecodeError):
            return http_errors.broken_stream(
                label, Text.of(QT_TRANSLATE_NOOP("engine", "a malformed event arrived (not valid JSON)"))
            )
        if _is_timeout(exc):
            if answering:
                return http_errors.timed_out(label, self.config.timeouts.read, answering=True)
            if http_errors.caused_by(exc, httpx2.ConnectTimeout):
                return http_errors.cannot_connect(label, self.config.base_url, http_errors.CONNECT_TIMED_OUT)
            return http_errors.timed_out(label, self.config.timeouts.read)
        if isinstance(exc, (anthropic.APIConnectionError, httpx2.TransportError)):
            if answering:
                return http_errors.broken_stream(label, http_errors.describe_transport_failure(exc))
            return http_errors.cannot_connect(label, self.config.base_url, http_errors.describe_transport_failure(exc))
        log.warning("unexpected failure talking to %s", label, exc_info=exc)
        return http_errors.broken_stream(label, Text.of(
            QT_TRANSLATE_NOOP("engine", "unexpected response ({kind})"), kind=type(exc).__name__
        ))


def _is_timeout(exc: BaseException) -> bool:
    """A timeout however the SDK wrapped it (APITimeoutError, or httpx2's own, bare or as a cause)."""
    return isinstance(exc, anthropic.APITimeoutError) or http_errors.caused_by(exc, httpx2.TimeoutException)


def _make_client(config: ProviderConfig) -> anthropic.AsyncAnthropic:
    # Without an explicit credential the SDK would read ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN
    # and profile files on its own; the app decides which key goes where (keyring, per host).
    # An empty key counts as explicit and stops that search; omitting the Authorization header is
    # the SDK's documented way to send no credential (see AsyncAnthropic._validate_headers), which
    # key-less local servers such as llama.cpp need. X-Api-Key is omitted too so that
    # ANTHROPIC_CUSTOM_HEADERS cannot smuggle in a credential the user did not choose here.
    key = config.api_key or None  # an empty key from a settings form means "none"
    headers: dict[str, Any] = {"X-Api-Key": anthropic.omit}
    if key is None:
        headers["Authorization"] = anthropic.omit
    return anthropic.AsyncAnthropic(
        api_key=key if key is not None else "",
        base_url=config.base_url,
        max_retries=0,  # the engine owns retries and shows each one
        # read = the longest silence allowed between bytes; httpx has no cap on the whole answer.
        timeout=httpx2.Timeout(config.timeouts.read, connect=config.timeouts.connect),
        default_headers=headers,
        open_telemetry=False,  # a desktop app sends no traces; also skips span bookkeeping
    )


def _message_params(request: ChatRequest, label: str) -> dict[str, Any]:
    params: dict[str, Any] = {
        "model": request.model,
        "max_tokens": request.max_tokens,
        "messages": [{"role": m.role, "content": _content(m, label)} for m in request.messages],
    }
    if request.system:
        params["system"] = request.system
    if request.tools:
        params["tools"] = tool_wire.anthropic_tools(request.tools)
    thinking, params["max_tokens"] = thinking_wire.anthropic_thinking(request.options, request.max_tokens)
    if thinking is not None:
        params["thinking"] = thinking  # and no temperature: the API refuses one beside thinking
    elif request.temperature is not None:
        # anthropic 2.x has no `temperature` argument any more; the API still accepts the field.
        params["extra_body"] = {"temperature": request.temperature}
    return params


def _content(message: ChatMessage, label: str) -> str | list[dict[str, Any]]:
    """A turn's content: its text alone, or its parts as content blocks in order (adjacent text
    parts as one text block). Documents use the Messages API's PDF support (base64 source,
    media type application/pdf) and come before the question, as Anthropic's long-context
    advice has it; the delivery plan puts them there."""
    if all(isinstance(part, TextPart) for part in message.parts):
        return message.text
    return [_block(part, label) for part in text_runs(message.parts)]


def _block(part: RequestPart, label: str) -> dict[str, Any]:
    """One part as a Messages API content block ("Content blocks" in Anthropic's reference)."""
    match part:
        case TextPart(text=text):
            return {"type": "text", "text": text}
        case DocumentPart():
            return {"type": "document", "title": part.file_name,
                    "source": {"type": "base64", "media_type": part.media_type, "data": part.data_base64}}
        case InlineImage():
            return {"type": "image",
                    "source": {"type": "base64", "media_type": part.media_type, "data": part.data_base64}}
        case ThinkingPart(redacted=True):
            return {"type": "redacted_thinking", "data": part.text}  # the provider's opaque data, unchanged
        case ThinkingPart(signature=str(signature)):
            # Sent back exactly as received: the API checks the signature against the text.
            return {"type": "thinking", "thinking": part.text, "signature": signature}
        case ToolCallPart():
            return {"type": "tool_use", "id": part.call_id, "name": part.name, "input": part.arguments}
        case ToolResultPart():
            return {"type": "tool_result", "tool_use_id": part.call_id, "content": part.content,
                    "is_error": part.is_error}
    # Reasoning without Anthropic's signature (another provider's) would be refused by the API.
    raise cannot_send(label, part)


async def _require_event_stream(response: httpx2.Response, config: ProviderConfig) -> None:
    """Refuse a 200 that is a web page or a JSON body: the SDK would find no events in it and the
    user would only learn that the answer "broke off"."""
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "text/html":  # a captive portal, a login page, a base URL pointing at a web site
        body = (await response.aread())[:65536].decode("utf-8", "replace")
        raise http_errors.web_page_instead_of_api(config.label, config.base_url, http_errors.html_title(body))
    if content_type == "application/json":
        raise http_errors.broken_stream(config.label, Text.of(
            QT_TRANSLATE_NOOP("engine", "the server sent {content_type} instead of an event stream"),
            content_type=content_type,
        ))


class _Turn:
    """What one streamed answer has said so far: usage and the stop reason."""

    def __init__(self) -> None:
        self.input_tokens: int | None = None
        self.output_tokens: int | None = None
        self.stop_reason: str | None = None

    def feed(self, event: Any) -> str | None:
        """Take one SDK event; return its text if it is a text delta."""
        kind = getattr(event, "type", None)
        if kind == "content_block_delta":
            delta = getattr(event, "delta", None)
            if getattr(delta, "type", None) == "text_delta":
                return getattr(delta, "text", None)
        elif kind == "message_start":
            usage = getattr(getattr(event, "message", None), "usage", None)
            self._take_usage(usage)
        elif kind == "message_delta":
            self.stop_reason = getattr(getattr(event, "delta", None), "stop_reason", None) or self.stop_reason
            self._take_usage(getattr(event, "usage", None))
        return None

    def _take_usage(self, usage: Any) -> None:
        # message_delta's counts are cumulative, so the latest value wins.
        inp, out = getattr(usage, "input_tokens", None), getattr(usage, "output_tokens", None)
        self.input_tokens = inp if inp is not None else self.input_tokens
        self.output_tokens = out if out is not None else self.output_tokens

    def finish(self, label: str) -> list[ProviderEvent]:
        if self.stop_reason is None:
            raise http_errors.broken_stream(
                label, Text.of(QT_TRANSLATE_NOOP("engine", "the stream ended without a stop reason"))
            )
        return [Usage(self.input_tokens, self.output_tokens), Finished(self.stop_reason)]


async def _collect_models(first: Any) -> list[ModelInfo]:
    models: list[ModelInfo] = []
    seen: set[str] = set()
    async for page in first.iter_pages():
        fresh = [m for m in page.data or [] if m.id not in seen]
        if not fresh:  # a server that repeats its last page would otherwise page forever
            break
        seen.update(m.id for m in fresh)
        models += [_model_info(m) for m in fresh]
    return models


def _model_info(model: Any) -> ModelInfo:
    # Compatible servers fill in only some fields; the SDK builds the objects without validation.
    return ModelInfo(
        id=model.id,
        display_name=getattr(model, "display_name", None),
        context_length=getattr(model, "max_input_tokens", None),
    )


def _status_error(exc: anthropic.APIStatusError, label: str, model: str | None) -> ChatError:
    error_type = exc.type if isinstance(exc.type, str) else None
    status = exc.status_code
    if status < 400:  # an `event: error` inside a successful stream
        status = _STATUS_FOR_ERROR_TYPE.get(error_type or "", 500)
    return http_errors.error_for_status(
        status,
        provider=label,
        detail=_detail(exc),
        retry_after=http_errors.retry_after_from(exc.response.headers),
        model=model,
        error_type=error_type,
    )


def _detail(exc: anthropic.APIStatusError) -> Text | str | None:
    """The provider's own explanation, worded for a person (never a raw HTML page)."""
    if exc.api_message:
        return str(exc.api_message)
    body = exc.body
    if isinstance(body, str) and body.strip():
        if re.search(r"<\s*(!doctype|html)", body, re.IGNORECASE):
            title = re.search(r"<title>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
            if title:
                return Text.of(QT_TRANSLATE_NOOP(
                    "engine", "a web page “{title}” came back instead of an API answer "
                              "(a proxy or gateway may be in the way)."), title=title.group(1).strip())
            return Text.of(QT_TRANSLATE_NOOP(
                "engine", "a web page came back instead of an API answer (a proxy or gateway may be in the way)."))
        text = " ".join(body.split())
        return text if len(text) <= _MAX_DETAIL else text[:_MAX_DETAIL] + "…"
    return None
