"""The openai SDK's failures for one endpoint, as the project's ChatErrors (worded by http_errors).

What the SDK raises or does, and what it becomes here:

    SDK raises / does                                  → here
    APIStatusError (4xx/5xx before the stream)         → http_errors.error_for_status (+ Retry-After)
    APITimeoutError (connect, headers, or a stall)     → http_errors.timed_out
    APIConnectionError before any data                 → http_errors.cannot_connect
    APIConnectionError / raw transport error mid-body  → http_errors.broken_stream
    APIError from a `data: {"error": …}` chunk         → the typed ChatError, else broken_stream
    json.JSONDecodeError from a malformed chunk        → broken_stream
    an HTML page (proxy, captive portal, wrong URL)    → a sentence about it, never the markup

Whether the failure came before the answer started (``request_error``) or during it
(``stream_error``) is the caller's to say: the provider (openai_compat.py) knows what it received.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import anyio
import httpx2
import openai

from desktop_chat.domain import errors
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import http_errors
from desktop_chat.providers.base import ProviderConfig

__all__ = ["OpenAIErrors", "is_transport_failure", "looks_like_html", "snippet"]

log = logging.getLogger("desktop_chat.providers.openai_compat")  # (its lines were always the provider's)

# OpenAI error `type`s (and a few compatible servers' ones) and the status they stand for, used
# for error objects that arrive inside a 200 stream and so carry no HTTP status of their own.
_STATUS_FOR_ERROR_TYPE = {
    "invalid_request_error": 400, "context_length_exceeded": 400,
    "authentication_error": 401, "invalid_api_key": 401,
    "permission_error": 403, "permission_denied": 403,
    "not_found_error": 404, "model_not_found": 404,
    "rate_limit_error": 429, "rate_limit_exceeded": 429, "requests": 429, "tokens": 429,
    "insufficient_quota": 429,
    "server_error": 500, "api_error": 500, "internal_error": 500,
    "service_unavailable": 503, "overloaded_error": 529,
}

_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class OpenAIErrors:
    """Translates the failures of one endpoint's requests (its label, base URL and timeouts)."""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config

    def request_error(self, exc: Exception, *, model: str | None) -> errors.ChatError:
        """A failure before the first byte of the answer."""
        label = self.config.label
        if isinstance(exc, errors.ChatError):
            return exc
        if isinstance(exc, openai.APIStatusError):
            return self._status_error(exc, model=model)
        if isinstance(exc, openai.APITimeoutError):
            if _connecting(exc):
                return http_errors.cannot_connect(label, self.config.base_url, http_errors.CONNECT_TIMED_OUT)
            return http_errors.timed_out(label, self._seconds_waited(exc))
        if isinstance(exc, openai.APIConnectionError):
            return http_errors.cannot_connect(label, self.config.base_url, http_errors.describe_transport_failure(exc))
        if isinstance(exc, openai.APIError):  # e.g. a 200 list whose body is not the API's JSON
            return http_errors.broken_stream(label, exc.message)
        if is_transport_failure(exc):
            return http_errors.cannot_connect(label, self.config.base_url, http_errors.describe_transport_failure(exc))
        log.exception("%s: unexpected error", label)
        return errors.ChatError(
            Text.of(QT_TRANSLATE_NOOP("engine", "Unexpected error talking to {provider}: {kind}: {error}"),
                    provider=label, kind=type(exc).__name__, error=str(exc)),
            provider=label, detail=str(exc),
        )

    def stream_error(self, exc: Exception, *, model: str | None) -> errors.ChatError:
        """A failure once the answer has started."""
        label = self.config.label
        if isinstance(exc, errors.ChatError):
            return exc
        if isinstance(exc, (openai.APITimeoutError, httpx2.TimeoutException)):
            return http_errors.timed_out(label, self._seconds_waited(exc), answering=True)
        if isinstance(exc, openai.APIConnectionError) or is_transport_failure(exc):
            return http_errors.broken_stream(label, http_errors.describe_transport_failure(exc))
        if isinstance(exc, openai.APIStatusError):
            return self._status_error(exc, model=model)
        if isinstance(exc, openai.APIError):  # a `data: {"error": …}` chunk
            return self.error_object(exc.body, model=model, fallback=exc.message)
        if isinstance(exc, (ValueError, RecursionError)):  # JSONDecodeError and friends, or absurd nesting
            return http_errors.broken_stream(
                label, Text.of(QT_TRANSLATE_NOOP("engine", "the server sent a malformed chunk (not valid JSON)"))
            )
        log.exception("%s: unexpected error while streaming", label)
        return http_errors.broken_stream(label, Text.of(
            QT_TRANSLATE_NOOP("engine", "unexpected {kind}: {error}"), kind=type(exc).__name__, error=str(exc)
        ))

    def _seconds_waited(self, exc: BaseException) -> float:
        return self.config.timeouts.connect if _connecting(exc) else self.config.timeouts.read

    def _status_error(self, exc: openai.APIStatusError, *, model: str | None) -> errors.ChatError:
        response = exc.response
        body = exc.body  # the SDK hands over the "error" object, the whole JSON, or the text
        error_type: str | None = None
        detail: Text | str | None
        if isinstance(body, Mapping):
            detail = _message_of(body)
            error_type = body.get("type") if isinstance(body.get("type"), str) else None
        elif isinstance(body, str) and looks_like_html(response, body):
            detail = Text.of(
                QT_TRANSLATE_NOOP("engine", "the server answered with a web page ({page}) instead of the API's JSON; "
                                            "a proxy or gateway in between may have failed."),
                page=_html_title(body),
            )
        elif isinstance(body, str) and body.strip():
            detail = snippet(body)
        else:
            detail = None
        return http_errors.error_for_status(
            exc.status_code, provider=self.config.label, detail=detail,
            retry_after=http_errors.retry_after_from(response.headers), model=model, error_type=error_type,
        )

    def error_object(self, error: Any, *, model: str | None, fallback: str | None = None) -> errors.ChatError:
        """An error reported inside a 200 response: typed ones become their class, others a break."""
        if not isinstance(error, Mapping):
            detail = str(error) if error else fallback
            return http_errors.broken_stream(self.config.label, _reported(detail))
        detail = _message_of(error) or fallback
        error_type = error.get("type") if isinstance(error.get("type"), str) else None
        status = _status_of(error.get("code")) or _STATUS_FOR_ERROR_TYPE.get(error_type or "") \
            or _STATUS_FOR_ERROR_TYPE.get(str(error.get("code")))
        if status is None:
            return http_errors.broken_stream(self.config.label, _reported(detail))
        return http_errors.error_for_status(status, provider=self.config.label, detail=detail, model=model,
                                            error_type=error_type)


def _reported(detail: str | None) -> Text:
    return Text.of(QT_TRANSLATE_NOOP("engine", "the server reported an error: {detail}"), detail=detail)


def _connecting(exc: BaseException) -> bool:
    """True when the timeout hit while connecting (or waiting for a connection), not while reading."""
    return http_errors.caused_by(exc, (httpx2.ConnectTimeout, httpx2.PoolTimeout))


def looks_like_html(response: httpx2.Response | None, body: str) -> bool:
    content_type = response.headers.get("content-type", "").lower() if response is not None else ""
    start = body.lstrip()[:15].lower()
    return "html" in content_type or start.startswith("<!doctype html") or start.startswith("<html")


def _html_title(body: str) -> str:
    match = _HTML_TITLE.search(body)
    title = " ".join(match.group(1).split()) if match else ""
    return f"“{title[:80]}”" if title else "HTML"


def snippet(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message_of(error: Mapping[str, Any]) -> str | None:
    for key in ("message", "detail", "msg", "error"):
        value = error.get(key)
        if isinstance(value, str) and value.strip():
            return snippet(value, 500)
        if isinstance(value, Mapping):
            inner = _message_of(value)
            if inner:
                return inner
    return None


def _status_of(code: Any) -> int | None:
    """OpenRouter, vLLM and llama.cpp put an HTTP status in the error's `code`."""
    try:
        status = int(code)
    except (TypeError, ValueError):
        return None
    return status if 400 <= status <= 599 else None


def is_transport_failure(exc: BaseException) -> bool:
    # anyio (the SDK's async layer) stream errors can surface from the transport unwrapped.
    return isinstance(exc, (openai.APIConnectionError, httpx2.TransportError, httpx2.StreamError, OSError,
                            anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError))
