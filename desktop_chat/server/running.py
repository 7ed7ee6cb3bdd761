"""Running the server on a loop that already runs: the window's qasync loop, or `serve`'s own.

``uvicorn.Server(...).serve()`` runs as a task with ``lifespan="off"`` and stops with
``should_exit``. The socket is bound here, before uvicorn gets it, so that a port in use is an
OSError at once (uvicorn would call sys.exit) and port 0 gives the port really taken.

While it serves, uvicorn would take SIGINT/SIGTERM over (restoring them only after it stops);
hosted in the window it must not, or Ctrl+C in the terminal would stop the server instead of
the window: ``own_signals=False`` leaves the host's handlers alone. `serve` lets uvicorn have
them (Ctrl+C then stops gracefully).

The web stack (FastAPI, uvicorn) is imported in ``start`` only: a window with the server off
pays nothing for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from desktop_chat.chat.app_services import AppServices
from desktop_chat.server.options import ServerOptions, ServerStats

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger(__name__)
STOP_TIMEOUT = 3  # seconds for open streams to end before they are cut


class LocalServer:
    def __init__(self, services: AppServices, options: ServerOptions, *, stats: ServerStats | None = None,
                 own_signals: bool = False) -> None:
        self.services = services
        self.options = options
        self.stats = stats or ServerStats()
        self.own_signals = own_signals
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._socket: socket.socket | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def port(self) -> int:
        """The port listened on (the one given, or the one the system chose for 0)."""
        return int(self._socket.getsockname()[1]) if self._socket is not None else self.options.port

    @property
    def url(self) -> str:
        host = self.options.host
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    async def start(self) -> None:
        """Listen and serve; returns once the server accepts connections. OSError if the port is taken."""
        if self.running:
            return
        import uvicorn

        from desktop_chat.server.app import create_app

        sock = _bind(self.options.host, self.options.port)
        app = create_app(self.services, self.options, self.stats)
        config = uvicorn.Config(app, lifespan="off", log_config=None, access_log=False,
                                timeout_graceful_shutdown=int(STOP_TIMEOUT), timeout_keep_alive=30)
        server = _Server(config) if not self.own_signals else uvicorn.Server(config)
        self._server, self._socket = server, sock
        self._task = asyncio.ensure_future(server.serve(sockets=[sock]))
        while not server.started and not self._task.done():
            await asyncio.sleep(0.005)  # startup is a few milliseconds of uvicorn's own work
        if self._task.done():
            await self._stopped()
            raise OSError(f"the local server did not start on port {self.port}")
        log.info("local API server listening on %s", self.url)

    async def wait(self) -> None:
        """Until the server stops (Ctrl+C with own_signals, or stop())."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), STOP_TIMEOUT * 2)
        except asyncio.TimeoutError:
            self._server.force_exit = True
        await self._stopped()
        log.info("local API server stopped")

    async def _stopped(self) -> None:
        task, self._task, self._server = self._task, None, None
        if task is not None and not task.done():
            task.cancel()
        if task is not None:
            with contextlib.suppress(BaseException):
                await task
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if os.name != "nt":  # on Windows it would let a second server take the same port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Streamed events are small writes: without this, Nagle's algorithm holds each one back
        # until the client's delayed ACK (≈ 40 ms per event). Accepted connections inherit it.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(512)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _server_class() -> Any:
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:  # the host keeps its own signal handlers
            yield

    return Server


def _Server(config: Any) -> uvicorn.Server:  # noqa: N802 - builds the class above lazily
    server: uvicorn.Server = _server_class()(config)
    return server
