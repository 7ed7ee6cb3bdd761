"""The local API server as the window runs it: started and stopped on the window's own (qasync)
loop, its token read and replaced off the GUI thread, its request count passed on live.

Lives as long as the window (Settings › Local server only shows it). Built after the first frame:
desktop_chat.server is not imported before (the web stack itself only when the server starts).
The window keeps its own SIGINT/SIGTERM handling: the server is started without uvicorn's.
"""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop_chat import secrets
from desktop_chat.config import Settings, save_settings
from desktop_chat.domain.errors import KeyringUnavailableError

if TYPE_CHECKING:
    from desktop_chat.chat.app_services import AppServices
    from desktop_chat.server import LocalServer
    from desktop_chat.ui.runtime.async_runner import AsyncRunner

__all__ = ["LocalServerHost"]

log = logging.getLogger(__name__)


class LocalServerHost(QObject):
    stateChanged = Signal()  # started, stopped, failed, the token replaced
    requestsChanged = Signal(int)  # requests answered since the server started

    def __init__(self, services: AppServices, settings: Settings, runner: AsyncRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.settings = settings
        self.runner = runner
        self.server: LocalServer | None = None
        self.error = ""  # why it is not running, for the page
        self.token: str | None = None
        self.requests = 0
        self.busy = False

    @property
    def running(self) -> bool:
        return self.server is not None and self.server.running

    @property
    def url(self) -> str:
        return self.server.url if self.server is not None else f"http://127.0.0.1:{self.settings.server_port}"

    async def load_token(self) -> str | None:
        """The token (created on first use), read in a worker thread: the keyring may ask to unlock."""
        try:
            self.token = await self.runner.in_thread(secrets.server_token)
        except KeyringUnavailableError:
            self.error = self.tr("There is no system keyring to keep the server's token in. Start one, or set "
                                 "DESKTOP_CHAT_SERVER_TOKEN before starting Desktop Chat.")
            self.token = None
        return self.token

    async def start(self) -> bool:
        if self.running or self.busy:
            return self.running
        self.busy = True
        try:
            return await self._start()
        finally:
            self.busy = False
            self.stateChanged.emit()

    async def _start(self) -> bool:
        from desktop_chat.server import LocalServer, ServerOptions, ServerStats

        self.error = ""
        token = await self.load_token()
        if token is None:
            return False
        stats = ServerStats()
        stats.listeners.append(self._counted)  # called on this loop: the GUI thread
        options = ServerOptions.from_settings(self.settings, token)
        server = LocalServer(self.services, options, stats=stats, own_signals=False)
        try:
            await server.start()
        except OSError as exc:
            log.info("the local server could not listen on %s: %s", options.port, exc)
            self.error = self.tr("Port {port} is in use by another program (or another Desktop Chat). "
                                 "Choose another port.").format(port=options.port)
            return False
        self.server, self.requests = server, 0
        self.requestsChanged.emit(0)
        return True

    async def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            await server.stop()
        self.stateChanged.emit()

    async def restart(self) -> bool:
        await self.stop()
        return await self.start()

    async def new_token(self) -> None:
        """Replace the token; a running server takes the new one at once (clients need it then)."""
        try:
            self.token = await self.runner.in_thread(lambda: secrets.server_token(regenerate=True))
        except KeyringUnavailableError:
            await self.load_token()
        if self.running:
            await self.restart()
        self.stateChanged.emit()

    async def set_enabled(self, on: bool, port: int) -> bool:
        """The page's switch: remember the choice (settings.json), then start or stop."""
        changed = (self.settings.server_enabled, self.settings.server_port) != (on, port)
        self.settings.server_enabled, self.settings.server_port = on, port
        if changed:
            try:
                await self.runner.in_thread(save_settings, copy.deepcopy(self.settings))
            except OSError as exc:
                log.warning("could not write the settings file: %s", exc)
        if not on:
            await self.stop()
            return False
        if self.running and self.server is not None and self.server.port != port:
            return await self.restart()
        return await self.start()

    def _counted(self, count: int) -> None:
        self.requests = count
        self.requestsChanged.emit(count)
