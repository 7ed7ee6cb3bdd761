"""What every route reaches through ``request.app.state``: the services, the options, the figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

from desktop_chat.chat.app_services import AppServices
from desktop_chat.server.options import ServerOptions, ServerStats
from desktop_chat.server.sessions import Sessions

if TYPE_CHECKING:
    from desktop_chat.server.guard import RateLimiter
    from desktop_chat.server.models import ModelList


@dataclass
class ServerContext:
    services: AppServices
    options: ServerOptions
    stats: ServerStats
    sessions: Sessions
    limiter: RateLimiter
    models: ModelList


def context(request: Request) -> ServerContext:
    found: ServerContext = request.app.state.context
    return found
