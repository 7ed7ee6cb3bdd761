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

Every error also says what fixes it: `action`, an ErrorAction (open Settings at the provider,
start Ollama, choose another model, retry). Each class has a default; the place that makes an
error sets another when it knows better (Ollama not running is a CannotConnectError whose fix is
to start Ollama). Front ends map the action to a button; they never guess it from the wording.
It is stored with a failed answer (beside its Text, see error_record) so that a reopened
conversation shows the same fix.

Each error carries its sentence twice: `text`, a Text (English template + parameters, see
domain/texts.py) that the UI translates, and `message`, its English rendering, for the CLI, the
log and tests. Pass a Text when raising one; a plain string is kept as it is, untranslated.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from desktop_chat.domain.texts import Text


class ErrorAction(str, enum.Enum):
    """What the user can do about an error; the front end offers it as a button."""

    NONE = "none"  # nothing but reading (a bug, a document that cannot be sent)
    RETRY = "retry"  # send it again (network, overload, a broken stream)
    OPEN_SETTINGS = "open_settings"  # a missing, rejected or misplaced key: Settings at that provider
    START_OLLAMA = "start_ollama"  # nothing listens at Ollama's address: start it, then retry
    CHOOSE_MODEL = "choose_model"  # the model does not exist there: pick another one


ACTION_KEY = "action"
"""The key under which error_record stores the action, beside the Text's own keys."""


class ChatError(Exception):
    retryable: bool = False
    default_action: ErrorAction = ErrorAction.NONE

    def __init__(
        self,
        message: Text | str,
        *,
        provider: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        detail: Any = None,
        action: ErrorAction | None = None,
    ) -> None:
        self.text = message if isinstance(message, Text) else Text.verbatim(str(message))
        self.message = self.text.english()
        super().__init__(self.message)
        self.provider = provider
        self.status = status
        self.retry_after = retry_after  # seconds, from a Retry-After header when the server sent one
        # The provider's own wording (or our cause of the failure), when there is one; in English.
        self.detail = None if detail is None else str(detail)
        self.action = action if action is not None else self.default_action

    def __str__(self) -> str:
        return self.message


class ConfigurationError(ChatError):
    default_action = ErrorAction.OPEN_SETTINGS


class MissingKeyError(ConfigurationError):
    pass


class KeyHostMismatchError(ConfigurationError):
    pass


class KeyringUnavailableError(ChatError):
    default_action = ErrorAction.OPEN_SETTINGS


class AttachmentError(ChatError):
    """An attached document cannot be sent; nothing was sent. ``file_name`` names it."""

    def __init__(self, message: Text | str, *, file_name: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.file_name = file_name


class AuthenticationError(ChatError):
    default_action = ErrorAction.OPEN_SETTINGS


class ModelNotFoundError(ChatError):
    default_action = ErrorAction.CHOOSE_MODEL


class RequestRejectedError(ChatError):
    pass


class RateLimitedError(ChatError):
    retryable = True
    default_action = ErrorAction.RETRY


class OverloadedError(ChatError):
    retryable = True
    default_action = ErrorAction.RETRY


class ServerError(ChatError):
    retryable = True
    default_action = ErrorAction.RETRY


class CannotConnectError(ChatError):
    retryable = True
    default_action = ErrorAction.RETRY


class ProviderTimeoutError(ChatError):
    retryable = True
    default_action = ErrorAction.RETRY


class BrokenStreamError(ChatError):
    # Retryable only in the sense that nothing was shown yet; the engine never retries after
    # the first token, so a stream that broke mid-answer is reported, not silently redone.
    retryable = True
    default_action = ErrorAction.RETRY


def error_record(error: ChatError) -> dict[str, Any]:
    """What is stored with a failed answer: the error's Text (to_dict) and its action."""
    record = error.text.to_dict()
    record[ACTION_KEY] = error.action.value
    return record


def stored_action(record: Mapping[str, Any] | None) -> ErrorAction:
    """The action stored by error_record; RETRY for answers stored before actions existed
    (they offered Retry then), and for anything unreadable."""
    value = record.get(ACTION_KEY) if isinstance(record, Mapping) else None
    try:
        return ErrorAction(value)
    except ValueError:
        return ErrorAction.RETRY
