"""A running local server on 127.0.0.1 (ephemeral port) with the loopback fakes as its upstream."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest

from desktop_chat.chat.app_services import AppServices
from desktop_chat.config import Settings
from desktop_chat.server import LocalServer, ServerOptions
from desktop_chat.store import Store
from tests import wiring
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.loopback import RecordedRequest, Response, Scenario
from tests.fakes.openai_server import FakeOpenAI

TOKEN = "dc-test-token-for-the-local-server"


class CountingOpenAI(FakeOpenAI):
    """FakeOpenAI that counts the chat requests open at once (and the most ever open)."""

    def __init__(self, default: Scenario | None = None) -> None:
        super().__init__(default)
        self.open_now = 0
        self.most_open = 0
        self._count_lock = threading.Lock()

    async def handle(self, request: RecordedRequest, response: Response) -> None:
        if not request.path.endswith("/chat/completions"):
            await super().handle(request, response)
            return
        with self._count_lock:
            self.open_now += 1
            self.most_open = max(self.most_open, self.open_now)
        try:
            await super().handle(request, response)
        finally:
            with self._count_lock:
                self.open_now -= 1


@dataclass
class Running:
    server: LocalServer
    services: AppServices
    openai: CountingOpenAI
    anthropic: FakeAnthropic
    log_lines: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url


class _Capture(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


@pytest.fixture
def upstreams() -> Iterator[tuple[CountingOpenAI, FakeAnthropic]]:
    openai = CountingOpenAI()
    openai.expected_key = wiring.OPENAI_KEY
    with openai, FakeAnthropic(expected_key=wiring.ANTHROPIC_KEY) as anthropic:
        yield openai, anthropic


def configured(openai: FakeOpenAI, anthropic: FakeAnthropic) -> Settings:
    settings = wiring.settings_for("anthropic", anthropic)
    settings = wiring.settings_for("openai", openai, settings)  # the default endpoint
    settings.max_attempts = 1  # a test sees the upstream failure itself, not the engine's retries
    return settings


@contextlib.asynccontextmanager
async def serving(tmp_path, openai: CountingOpenAI, anthropic: FakeAnthropic, *,
                  settings: Settings | None = None, **options: object) -> AsyncIterator[Running]:
    settings = settings or configured(openai, anthropic)
    lines: list[str] = []
    capture = _Capture(lines)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    store = Store(tmp_path / "chat.sqlite3")
    services = AppServices(store, settings, data_dir=tmp_path / "data")
    server = LocalServer(services, ServerOptions(token=TOKEN, port=0, **options))  # type: ignore[arg-type]
    await server.start()
    try:
        yield Running(server, services, openai, anthropic, lines)
    finally:
        await server.stop()
        await services.aclose()
        store.close()
        root.removeHandler(capture)
        root.setLevel(old_level)


@pytest.fixture
async def running(tmp_path, upstreams) -> AsyncIterator[Running]:
    async with serving(tmp_path, *upstreams) as run:
        yield run
