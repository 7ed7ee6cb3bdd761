"""Errors as each wire format says them.

One exception, :class:`ApiError`, carries a status, the app's plain-words message, a kind and
optional headers (Retry-After); app.py renders it in the shape of the route's family: OpenAI's
``{"error": {"message", "type", "param", "code"}}``, Anthropic's ``{"type": "error", "error":
{"type", "message"}}``, or the simple API's ``{"detail": …}``. A provider failure (ChatError)
becomes one with :func:`from_chat_error`: upstream 429 / 529 keep their Retry-After.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from desktop_chat.domain import errors

# The three route families: OpenAI's Chat Completions, Anthropic's Messages, the simple API.
Wire = Literal["chat_completions", "messages", "simple"]


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, kind: str = "", param: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind or _KIND_BY_STATUS.get(status, "api_error")
        self.param = param
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        return {"Retry-After": str(max(0, math.ceil(self.retry_after)))}


# Anthropic's error types; OpenAI's are derived from them in openai_body.
_KIND_BY_STATUS = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                   404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error",
                   500: "api_error", 502: "api_error", 503: "overloaded_error", 504: "api_error",
                   529: "overloaded_error"}
_OPENAI_TYPES = {"authentication_error": "invalid_request_error", "permission_error": "invalid_request_error",
                 "not_found_error": "invalid_request_error", "request_too_large": "invalid_request_error",
                 "rate_limit_error": "requests", "overloaded_error": "server_error", "api_error": "server_error"}
_OPENAI_CODES = {401: "invalid_api_key", 404: "model_not_found", 429: "rate_limit_exceeded"}


def wire_of(path: str) -> Wire:
    """Which family a route belongs to, by its path."""
    if path.startswith("/v1/messages"):
        return "messages"
    if path.startswith("/v1/"):
        return "chat_completions"
    return "simple"


def body(error: ApiError, wire: Wire) -> dict[str, Any]:
    if wire == "messages":
        return {"type": "error", "error": {"type": error.kind, "message": error.message}}
    if wire == "chat_completions":
        return {"error": {"message": error.message, "type": _OPENAI_TYPES.get(error.kind, error.kind),
                          "param": error.param, "code": _OPENAI_CODES.get(error.status)}}
    return {"detail": error.message}


def stream_event(error: ApiError, wire: Wire) -> bytes:
    """The error as the last event of a stream that already started (the status is sent by then)."""
    data = json.dumps(body(error, wire) if wire != "simple" else {"error": error.message})
    if wire == "messages":
        return f"event: error\ndata: {data}\n\n".encode()
    return f"data: {data}\n\n".encode()


def from_chat_error(exc: errors.ChatError, wire: Wire) -> ApiError:
    """A provider or engine failure as the caller's wire format says it, with the app's message."""
    match exc:
        case errors.RateLimitedError():
            status = 429
        case errors.OverloadedError():
            status = 529 if wire == "messages" else 503
        case errors.AuthenticationError():
            status = 401 if exc.status != 403 else 403
        case errors.ModelNotFoundError():
            status = 404
        case errors.RequestRejectedError() | errors.AttachmentError() | errors.ConfigurationError():
            status = 400
        case errors.ProviderTimeoutError():
            status = 504
        case errors.ServerError() | errors.CannotConnectError() | errors.BrokenStreamError():
            status = 502
        case _:
            status = 500
    return ApiError(status, exc.message, retry_after=exc.retry_after if status in (429, 503, 529) else None)


def internal(exc: BaseException) -> ApiError:
    """A bug: said in plain words (the traceback goes to the log only)."""
    return ApiError(500, f"Something went wrong inside Desktop Chat ({type(exc).__name__}); see its log for details.")
