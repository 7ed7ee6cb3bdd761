"""Who gets in, and how often: the token on every request, a per-token rate limit.

The token may come the way either SDK sends it (``Authorization: Bearer …`` or ``x-api-key``)
and is compared in constant time. Requests per minute are counted per token over a sliding
minute; the one over the limit gets a 429 with Retry-After (when the oldest request of the
minute leaves it).
"""

from __future__ import annotations

import collections
import hmac
import time
from collections.abc import Callable

from starlette.requests import Request

from desktop_chat.server.errors import ApiError
from desktop_chat.server.state import context

WINDOW = 60.0  # seconds: the limit is per minute

NO_TOKEN = ("This server needs its token: send it as “Authorization: Bearer TOKEN” or “x-api-key: TOKEN” "
            "(`desktop-chat serve --show-token` prints it).")
WRONG_TOKEN = ("The token is not this server's. `desktop-chat serve --show-token` prints the right one "
               "(Settings › Local server can copy it).")


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._hits: dict[str, collections.deque[float]] = {}

    def wait(self, key: str) -> float | None:
        """None (and the request counted) when *key* may go on; else the seconds until it may."""
        if self.per_minute <= 0:
            return None
        now = self._clock()
        hits = self._hits.setdefault(key, collections.deque())
        while hits and hits[0] <= now - WINDOW:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return hits[0] + WINDOW - now
        hits.append(now)
        return None


def presented_token(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key", "").strip() or None


def require_token(request: Request) -> None:
    """The dependency every route but /health carries."""
    ctx = context(request)
    given = presented_token(request)
    if given is None:
        raise ApiError(401, NO_TOKEN)
    if not hmac.compare_digest(given.encode("utf-8"), ctx.options.token.encode("utf-8")):
        raise ApiError(401, WRONG_TOKEN)
    wait = ctx.limiter.wait(given)
    if wait is not None:
        raise ApiError(429, f"Too many requests: this server takes {ctx.limiter.per_minute} a minute "
                            f"(Settings › Local server). Try again in {max(1, round(wait))} s.",
                       retry_after=wait)
