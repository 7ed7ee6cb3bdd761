"""One log line per HTTP request (method, path, status, time, client), and the live count.

Pure ASGI, so that a streamed response is timed to its last byte and its disconnect stays the
route's to see. Never a header (the token travels there) and never a body. A bug that escapes a
route is answered here with a 500 in the caller's wire format; its traceback goes to the log
file only, never to the client or the terminal.
"""

from __future__ import annotations

import json
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop_chat.server import errors
from desktop_chat.server.options import ACCESS_LOGGER, ServerStats

access = logging.getLogger(ACCESS_LOGGER)
log = logging.getLogger(__name__)


class RequestLog:
    def __init__(self, app: ASGIApp, stats: ServerStats) -> None:
        self.app = app
        self.stats = stats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            log.error("unexpected failure answering %s %s", scope["method"], scope["path"], exc_info=exc)
            if status == 0:
                status = 500
                await _send_internal(send, errors.internal(exc), errors.wire_of(scope["path"]))
        finally:
            client = scope.get("client") or ("-", 0)
            access.info("%s %s %s %.0f ms client=%s:%s", scope["method"], scope["path"], status or "-",
                        (time.perf_counter() - started) * 1000, client[0], client[1])
            self.stats.count()


async def _send_internal(send: Send, error: errors.ApiError, wire: errors.Wire) -> None:
    body = json.dumps(errors.body(error, wire)).encode()
    await send({"type": "http.response.start", "status": error.status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
