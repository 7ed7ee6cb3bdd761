"""Status codes and transport failures to ChatErrors: the one place that words them.

Each provider module calls these with what its SDK or wire format exposes, so that a 429 from
Anthropic, OpenAI or Ollama reads the same way to the user.
"""

from __future__ import annotations

import email.utils
import time

from desktop_chat.domain import errors


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


def error_for_status(
    status: int,
    *,
    provider: str,
    detail: str | None = None,
    retry_after: float | None = None,
    model: str | None = None,
    error_type: str | None = None,
) -> errors.ChatError:
    """The ChatError for an HTTP error status (or a provider's typed error such as overloaded_error)."""
    reason = _as_reason(detail)
    kw = dict(provider=provider, status=status, retry_after=retry_after, detail=detail)
    if error_type == "overloaded_error" or status == 529:
        return errors.OverloadedError(f"{provider} is overloaded right now. Try again in a moment.", **kw)
    if status == 401:
        return errors.AuthenticationError(
            f"{provider} rejected the API key (401){reason} Check the key in Settings.", **kw
        )
    if status == 403:
        return errors.AuthenticationError(
            f"{provider} refused access (403){reason} The key may lack permission for this model.", **kw
        )
    if status == 404:
        what = f"The model “{model}”" if model else "The requested model or endpoint"
        return errors.ModelNotFoundError(
            f"{what} was not found at {provider} (404){reason} Pick another model or check the base URL.", **kw
        )
    if status == 429 or error_type == "rate_limit_error":
        return errors.RateLimitedError(f"Rate limited by {provider} (429){reason}", **kw)
    if status in (400, 413, 422) or error_type == "invalid_request_error":
        return errors.RequestRejectedError(f"{provider} rejected the request ({status}){reason}", **kw)
    if status >= 500:
        return errors.ServerError(f"{provider} had a server error ({status}){reason} Try again later.", **kw)
    return errors.RequestRejectedError(f"{provider} answered with an error ({status}){reason}", **kw)


def _as_reason(detail: str | None) -> str:
    """": the provider's words." — ending in exactly one full stop, so our sentence can follow."""
    if not detail:
        return "."
    detail = detail.strip()
    return f": {detail}" if detail.endswith((".", "!", "?", "。", "！", "？")) else f": {detail}."


def cannot_connect(provider: str, base_url: str, why: str) -> errors.CannotConnectError:
    return errors.CannotConnectError(
        f"Cannot connect to {provider} at {base_url}: {why}. Check your network connection and the base URL.",
        provider=provider,
        detail=why,
    )


def timed_out(provider: str, seconds: float | None) -> errors.ProviderTimeoutError:
    after = f" for {seconds:g} s" if seconds else ""
    return errors.ProviderTimeoutError(
        f"{provider} sent nothing{after}; the request timed out. Try again, or raise the timeout in Settings.",
        provider=provider,
    )


def broken_stream(provider: str, why: str) -> errors.BrokenStreamError:
    return errors.BrokenStreamError(
        f"The answer from {provider} broke off: {why}. The text received so far is kept.",
        provider=provider,
        detail=why,
    )


def describe_transport_failure(exc: BaseException) -> str:
    """A short, human cause for a transport exception (refused, DNS, TLS, reset)."""
    # httpx/httpcore bury the OS error several causes deep ("All connection attempts failed"
    # wrapping ConnectError wrapping ConnectionRefusedError): read the whole chain.
    text = ""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text += f" {type(current).__name__} {current}".lower()
        current = current.__cause__ or current.__context__
    if "certificate" in text or "ssl" in text or "tls" in text:
        return "the secure connection failed (certificate not trusted)"
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text \
            or "name resolution" in text or "no address associated" in text:
        return "the host name could not be resolved"
    if "refused" in text:
        return "the connection was refused"
    if "reset" in text or "closed" in text or "disconnect" in text or "remoteprotocol" in text:
        return "the connection was closed"
    return "the connection failed"
