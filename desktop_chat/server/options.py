"""What a server runs with (from Settings), and the live figures it reports to its host."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_chat.config import Settings

LOOPBACK = "127.0.0.1"
ACCESS_LOGGER = "desktop_chat.server.access"  # one line per HTTP request; `serve` shows them on the terminal


@dataclass(frozen=True)
class ServerOptions:
    """*token* is required on every request but /health; *rate_limit* is requests per minute per
    token (0: none); no CORS unless *cors_origins* names some; *store_history*: keep what the
    OpenAI / Anthropic / simple routes answer in the history (/ai/conversation always is)."""

    token: str
    host: str = LOOPBACK
    port: int = 8765
    rate_limit: int = 120
    cors_origins: tuple[str, ...] = ()
    store_history: bool = False

    @classmethod
    def from_settings(cls, settings: Settings, token: str, *, host: str = LOOPBACK,
                      port: int | None = None) -> ServerOptions:
        return cls(token=token, host=host, port=settings.server_port if port is None else port,
                   rate_limit=settings.server_rate_limit,
                   cors_origins=tuple(o for o in settings.server_cors_origins if o.strip()),
                   store_history=settings.server_store_history)


@dataclass
class ServerStats:
    """Requests answered since start, for the window's live count. *listeners* are called (on the
    server's loop) after each request with the new count."""

    requests: int = 0
    listeners: list[Callable[[int], None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self) -> None:
        with self._lock:
            self.requests += 1
            value = self.requests
        for listener in list(self.listeners):
            listener(value)
