"""The engine's sentences (errors above all) in the interface language.

The engine words every user-facing sentence as a Text: an English template marked with
QT_TRANSLATE_NOOP("engine", …) plus its parameters (see desktop_chat/domain/texts.py). Here the
template goes through Qt's translators (context "engine", the catalog the app already installs)
and is formatted with the same parameters. A translation that lost or invented a placeholder is
not used: the English is shown instead, never a broken sentence and never an exception.

    localized(error.text, error.message)           # any Text, or its stored dict
    localized_error(exc)                           # a ChatError, or a ValueError/KeyError carrying a Text
    localized_message_error(message)               # a stored answer's error, old rows included
    localized_retry_reason(event)                  # a Retrying event's reason (first sentence)

Call them when the text is shown (and again on a language change): they are cheap, and the
stored form is language-neutral.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from desktop_chat.domain.texts import CONTEXT, Text, render

if TYPE_CHECKING:  # (the engine's event types are ≈ 3 ms of dataclasses the first frame does not need)
    from desktop_chat.domain.events import Retrying
    from desktop_chat.domain.messages import Message

__all__ = ["localized", "localized_error", "localized_message_error", "localized_retry_reason"]


def _translate(template: str) -> str:
    return QCoreApplication.translate(CONTEXT, template)


def localized(text: Text | dict[str, Any] | None, fallback: str) -> str:
    """*text* (a Text or its to_dict()) in the interface language; *fallback* if there is none."""
    if not isinstance(text, Text):
        text = Text.from_dict(text)
    if text is None:
        return fallback
    try:
        return render(text, _translate)
    except Exception:  # noqa: BLE001 - showing an error must never raise another one
        return fallback


def localized_error(error: BaseException) -> str:
    """An exception's sentence in the interface language.

    A ChatError has `.text`; ValueError/KeyError raised by config, secrets and the engine carry a
    Text as their argument. Anything else is shown as str() (its type name if that is empty).
    """
    text = getattr(error, "text", None)
    if not isinstance(text, Text) and error.args and isinstance(error.args[0], Text):
        text = error.args[0]
    english = text.english() if isinstance(text, Text) else (str(error) or type(error).__name__)
    return localized(text, english) if isinstance(text, Text) else english


def localized_message_error(message: Message) -> str | None:
    """A stored answer's error in the interface language: its error_text, else the stored English.

    None when the message has no error at all.
    """
    if message.error_text is None:
        return message.error
    return localized(message.error_text, message.error or "")


def localized_retry_reason(event: Retrying) -> str:
    """The reason of a retry notice ("Rate limited by Anthropic (429)."), translated.

    For a UI that words the countdown itself; `localized(event.text, event.describe())` gives
    the whole notice instead.
    """
    return localized(event.reason_text, event.reason)
