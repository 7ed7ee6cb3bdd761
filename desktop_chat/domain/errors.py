"""The project's own error hierarchy, translated once at the provider edge.

    ChatError                      base; str(error) is a sentence for the user
    ├── ConfigurationError         nothing was sent: no key, unknown endpoint, key bound to another host
    │   ├── MissingKeyError
    │   └── KeyHostMismatchError
    ├── KeyringUnavailableError    no working keyring backend
    ├── AttachmentError            an attached document cannot be sent (its text and file are gone, …)
    ├── AuthenticationError        401 / 403: the key was refused
    ├── ModelNotFoundError         404 for the model
    ├── RequestRejectedError       400 / 413 / 422: context too long, bad parameter (carries the provider's reason)
    ├── RateLimitedError           429                                     retryable
    ├── OverloadedError            529 / overloaded_error                  retryable
    ├── ServerError                5xx                                     retryable
    ├── CannotConnectError         refused, DNS, TLS                       retryable
    ├── ProviderTimeoutError       no data within the read timeout         retryable
    └── BrokenStreamError          dropped mid-answer, malformed chunk, no stop reason, error event

Every error says what happened and what to do, in words. `retryable` is a property of the class;
the engine decides whether a retry is allowed (only before the first token).

Each error carries its sentence twice: `text`, a Text (English template + parameters, see
domain/texts.py) that the UI translates, and `message`, its English rendering, for the CLI, the
log and tests. Pass a Text when raising one; a plain string is kept as it is, untranslated.
"""

from __future__ import annotations

from typing import Any

from desktop_chat.domain.texts import Text


class ChatError(Exception):
    retryable: bool = False

    def __init__(
        self,
        message: Text | str,
        *,
        provider: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        detail: Any = None,
    ) -> None:
        self.text = message if isinstance(message, Text) else Text.verbatim(str(message))
        self.message = self.text.english()
        super().__init__(self.message)
        self.provider = provider
        self.status = status
        self.retry_after = retry_after  # seconds, from a Retry-After header when the server sent one
        # The provider's own wording (or our cause of the failure), when there is one; in English.
        self.detail = None if detail is None else str(detail)

    def __str__(self) -> str:
        return self.message


class ConfigurationError(ChatError):
    pass


class MissingKeyError(ConfigurationError):
    pass


class KeyHostMismatchError(ConfigurationError):
    pass


class KeyringUnavailableError(ChatError):
    pass


class AttachmentError(ChatError):
    """An attached document cannot be sent; nothing was sent. ``file_name`` names it."""

    def __init__(self, message: Text | str, *, file_name: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.file_name = file_name


class AuthenticationError(ChatError):
    pass


class ModelNotFoundError(ChatError):
    pass


class RequestRejectedError(ChatError):
    pass


class RateLimitedError(ChatError):
    retryable = True


class OverloadedError(ChatError):
    retryable = True


class ServerError(ChatError):
    retryable = True


class CannotConnectError(ChatError):
    retryable = True


class ProviderTimeoutError(ChatError):
    retryable = True


class BrokenStreamError(ChatError):
    # Retryable only in the sense that nothing was shown yet; the engine never retries after
    # the first token, so a stream that broke mid-answer is reported, not silently redone.
    retryable = True
