"""Status codes and transport failures to ChatErrors: the one place that words them.

Each provider module calls these with what its SDK or wire format exposes, so that a 429 from
Anthropic, OpenAI or Ollama reads the same way to the user. The fix each error offers (its
ErrorAction) comes with its class; where the same class has another fix, it is set here.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from typing import Any

from desktop_chat.domain import errors
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_after_from(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from a response's headers: the more precise, non-standard retry-after-ms
    that OpenAI and Anthropic send next to Retry-After, else Retry-After itself."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    return parse_retry_after(headers.get("retry-after"))


def error_for_status(
    status: int,
    *,
    provider: str,
    detail: Text | str | None = None,
    retry_after: float | None = None,
    model: str | None = None,
    error_type: str | None = None,
) -> errors.ChatError:
    """The ChatError for an HTTP error status (or a provider's typed error such as overloaded_error).

    *detail*: the provider's own words (a string, shown as it is), or what we make of its answer
    (a Text, whose template ends in a full stop, e.g. "a web page came back …").
    Each sentence comes in two forms, without and with the detail, so that the translator
    places the detail, rather than a ": …" glued on in English punctuation.
    """
    reason = _as_reason(detail)
    kw: dict[str, Any] = dict(provider=provider, status=status, retry_after=retry_after, detail=detail)

    def text(plain: str, with_detail: str) -> Text:
        if reason is None:
            return Text.of(plain, provider=provider, status=status, model=model)
        return Text.of(with_detail, provider=provider, status=status, model=model, detail=reason)

    if error_type == "overloaded_error" or status == 529:
        return errors.OverloadedError(Text.of(
            QT_TRANSLATE_NOOP("engine", "{provider} is overloaded right now. Try again in a moment."),
            provider=provider,
        ), **kw)
    if status == 401:
        return errors.AuthenticationError(text(
            QT_TRANSLATE_NOOP("engine", "{provider} rejected the API key (401). Check the key in Settings."),
            QT_TRANSLATE_NOOP("engine", "{provider} rejected the API key (401): {detail} Check the key in Settings."),
        ), **kw)
    if status == 403:
        return errors.AuthenticationError(text(
            QT_TRANSLATE_NOOP("engine", "{provider} refused access (403). "
                                        "The key may lack permission for this model."),
            QT_TRANSLATE_NOOP("engine", "{provider} refused access (403): {detail} "
                                        "The key may lack permission for this model."),
        ), **kw)
    if status == 404:
        if model:
            return errors.ModelNotFoundError(text(
                QT_TRANSLATE_NOOP("engine", "The model “{model}” was not found at {provider} (404). "
                                            "Pick another model or check the base URL."),
                QT_TRANSLATE_NOOP("engine", "The model “{model}” was not found at {provider} (404): {detail} "
                                            "Pick another model or check the base URL."),
            ), **kw)
        # No model named: most likely the base URL points at the wrong path, which Settings fixes.
        return errors.ModelNotFoundError(text(
            QT_TRANSLATE_NOOP("engine", "The requested model or endpoint was not found at {provider} (404). "
                                        "Pick another model or check the base URL."),
            QT_TRANSLATE_NOOP("engine", "The requested model or endpoint was not found at {provider} (404): "
                                        "{detail} Pick another model or check the base URL."),
        ), action=errors.ErrorAction.OPEN_SETTINGS, **kw)
    if status == 429 or error_type == "rate_limit_error":
        return errors.RateLimitedError(text(
            QT_TRANSLATE_NOOP("engine", "Rate limited by {provider} (429)."),
            QT_TRANSLATE_NOOP("engine", "Rate limited by {provider} (429): {detail}"),
        ), **kw)
    if status in (400, 413, 422) or error_type == "invalid_request_error":
        return errors.RequestRejectedError(text(
            QT_TRANSLATE_NOOP("engine", "{provider} rejected the request ({status})."),
            QT_TRANSLATE_NOOP("engine", "{provider} rejected the request ({status}): {detail}"),
        ), **kw)
    if status >= 500:
        return errors.ServerError(text(
            QT_TRANSLATE_NOOP("engine", "{provider} had a server error ({status}). Try again later."),
            QT_TRANSLATE_NOOP("engine", "{provider} had a server error ({status}): {detail} Try again later."),
        ), **kw)
    return errors.RequestRejectedError(text(
        QT_TRANSLATE_NOOP("engine", "{provider} answered with an error ({status})."),
        QT_TRANSLATE_NOOP("engine", "{provider} answered with an error ({status}): {detail}"),
    ), **kw)


def _as_reason(detail: Text | str | None) -> Text | str | None:
    """The provider's words ending in exactly one full stop, so our sentence can follow; None if none."""
    if isinstance(detail, Text):
        return detail  # our own sentence: its template has its full stop
    if not detail or not detail.strip():
        return None
    detail = detail.strip()
    return detail if detail.endswith((".", "!", "?", "。", "！", "？")) else f"{detail}."


def cannot_connect(provider: str, base_url: str, why: Text | str) -> errors.CannotConnectError:
    """*why*: a cause worded by us (a Text from describe_transport_failure or a provider module),
    or a third party's words as a plain string."""
    return errors.CannotConnectError(
        Text.of(
            QT_TRANSLATE_NOOP("engine", "Cannot connect to {provider} at {base_url}: {why}. "
                                        "Check your network connection and the base URL."),
            provider=provider, base_url=base_url, why=why,
        ),
        provider=provider,
        detail=why,
    )


def timed_out(provider: str, seconds: float | None, *, answering: bool = False) -> errors.ProviderTimeoutError:
    """No data for *seconds* (the read timeout): before the answer began, or, with *answering*,
    after it began (the server stalled mid-answer; what arrived is kept)."""
    if answering:
        if seconds:
            text = Text.of(
                QT_TRANSLATE_NOOP("engine", "{provider} stopped responding: nothing arrived for {seconds:g} s, "
                                            "so the request timed out. The text received so far is kept."),
                provider=provider, seconds=seconds,
            )
        else:
            text = Text.of(
                QT_TRANSLATE_NOOP("engine", "{provider} stopped responding, so the request timed out. "
                                            "The text received so far is kept."),
                provider=provider,
            )
    elif seconds:
        text = Text.of(
            QT_TRANSLATE_NOOP("engine", "{provider} did not answer within {seconds:g} s, so the request timed out. "
                                        "Try again in a moment."),
            provider=provider, seconds=seconds,
        )
    else:
        text = Text.of(
            QT_TRANSLATE_NOOP("engine", "{provider} did not answer in time, so the request timed out. "
                                        "Try again in a moment."),
            provider=provider,
        )
    return errors.ProviderTimeoutError(text, provider=provider)


CONNECT_TIMED_OUT = Text.of(QT_TRANSLATE_NOOP("engine", "the connection timed out"))
"""The *why* of cannot_connect when no connection could be made within the connect timeout."""


def web_page_instead_of_api(provider: str, base_url: str, title: str | None) -> errors.CannotConnectError:
    """A 200 answer that is a web page (a captive portal, a login page, a base URL pointing at a
    web site): the API was never reached, so nothing "broke off". *title*: the page's <title>."""
    page = f"“{' '.join(title.split())[:80]}”" if title and title.strip() else "HTML"
    return errors.CannotConnectError(
        Text.of(QT_TRANSLATE_NOOP("engine", "{provider} at {base_url} answered with a web page ({page}) instead of "
                                            "its API: a proxy or login page may be in the way, or the base URL "
                                            "is wrong."),
                provider=provider, base_url=base_url, page=page),
        provider=provider,
        detail=f"a web page ({page}) instead of the API",
    )


def html_title(body: str) -> str | None:
    """The <title> of an HTML page, or None."""
    match = _HTML_TITLE.search(body)
    return " ".join(match.group(1).split()) if match else None


_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def broken_stream(provider: str, why: Text | str, *, named: Text | None = None) -> errors.BrokenStreamError:
    """*why*: as for cannot_connect. *named*: the provider's name in the sentence when its label is
    not a name (the built-in engine's "Built-in", shown in the reader's language)."""
    return errors.BrokenStreamError(
        Text.of(
            QT_TRANSLATE_NOOP("engine", "The answer from {provider} broke off: {why}. "
                                        "The text received so far is kept."),
            provider=named or provider, why=why,
        ),
        provider=provider,
        detail=why,
    )


CONNECTION_FAILED = Text.of(QT_TRANSLATE_NOOP("engine", "the connection failed"))
"""What describe_transport_failure says when it recognises nothing."""


def exception_chain(exc: BaseException) -> list[BaseException]:
    """*exc* and everything it was raised from, outermost first (each once: chains can loop).
    The SDKs wrap httpx2, which wraps httpcore2, which wraps the OS error."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def caused_by(exc: BaseException, kind: type[BaseException] | tuple[type[BaseException], ...]) -> bool:
    """Whether *exc* or anything it was raised from is a *kind*, however an SDK version wrapped it."""
    return any(isinstance(link, kind) for link in exception_chain(exc))


def describe_transport_failure(exc: BaseException) -> Text:
    """A short, human cause for a transport exception (refused, DNS, TLS, reset).

    Meant as the *why* of cannot_connect / broken_stream. Compare two results with ==.
    """
    # httpx/httpcore bury the OS error several causes deep ("All connection attempts failed"
    # wrapping ConnectError wrapping ConnectionRefusedError): read the whole chain.
    text = "".join(f" {type(link).__name__} {link}".lower() for link in exception_chain(exc))
    if "certificate" in text or "ssl" in text or "tls" in text:
        return Text.of(QT_TRANSLATE_NOOP("engine", "the secure connection failed (certificate not trusted)"))
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text \
            or "name resolution" in text or "no address associated" in text:
        return Text.of(QT_TRANSLATE_NOOP("engine", "the host name could not be resolved"))
    if "refused" in text:
        return Text.of(QT_TRANSLATE_NOOP("engine", "the connection was refused"))
    if "reset" in text or "closed" in text or "disconnect" in text or "remoteprotocol" in text:
        return Text.of(QT_TRANSLATE_NOOP("engine", "the connection was closed"))
    return CONNECTION_FAILED

