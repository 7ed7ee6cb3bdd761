"""A tiny HTTP/1.1 server on 127.0.0.1, run in its own thread, for the wire-format fakes.

Each fake (Anthropic, OpenAI, Ollama) subclasses FakeServer and turns a Scenario, the shared
vocabulary of faults, into its own bytes. The server runs its own asyncio loop in a thread so
that it keeps answering whatever the test's loop (plain asyncio or qasync) is doing, and so that
it can observe the client hanging up: `RecordedRequest.disconnected` is set the moment the
client closes the socket, which is how tests check that cancelling really closes the stream.

Streaming bodies use chunked transfer encoding, so a clean end (the terminating chunk) and a
dropped connection (socket aborted mid-body) are different things on the wire, as in real life.
"""

from __future__ import annotations

import asyncio
import collections
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago and that nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Scenario:
    """What a fake does for one request. Fields default to a healthy short answer."""

    chunks: list[str] = field(default_factory=lambda: ["Hello", ", ", "world", "!"])
    status: int = 200
    retry_after: str | None = None  # Retry-After header value on an error status
    error_message: str = "injected failure"
    error_type: str | None = None  # e.g. "overloaded_error", "rate_limit_error"
    headers: dict[str, str] = field(default_factory=dict)
    stop_reason: str | None = None  # None: the wire format's normal one
    input_tokens: int = 12
    output_tokens: int = 4
    chunk_delay: float = 0.0  # seconds between chunks
    drop_after: int | None = None  # abort the socket after this many text chunks
    stall_after: int | None = None  # stop sending (socket kept open) after this many chunks
    no_stop_after: int | None = None  # end the body cleanly after this many chunks, with no stop reason
    malformed_after: int | None = None  # send an unparseable chunk after this many chunks
    error_event_after: int | None = None  # the format's mid-stream error after this many chunks
    hang_before_headers: bool = False  # accept the request and never answer
    html_error_page: bool = False  # answer with a proxy's HTML page instead of the API's format
    html_status: int | None = None  # the HTML page's status (200: a captive portal); None: `status`, else 502
    # Reasoning streamed before the answer, in the format's own way (Anthropic thinking blocks,
    # OpenAI-compatible reasoning_content, Ollama message.thinking); faults count answer chunks only.
    thinking: list[str] = field(default_factory=list)
    signature: str = "fake-signature=="  # Anthropic: the thinking block's signature_delta
    redacted_thinking: str | None = None  # Anthropic: a redacted_thinking block's opaque data
    reasoning_tokens: int | None = None  # OpenAI: usage.completion_tokens_details.reasoning_tokens


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    received_at: float = field(default_factory=time.monotonic)
    disconnected: threading.Event = field(default_factory=threading.Event)
    disconnected_at: float | None = None

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Response:
    """Writes one HTTP response; knows whether the client went away."""

    def __init__(self, writer: asyncio.StreamWriter, request: RecordedRequest) -> None:
        self._writer = writer
        self.request = request
        self._chunked = False
        self.closed_connection = False

    async def start(self, status: int, content_type: str, headers: dict[str, str] | None = None) -> None:
        self._chunked = True
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}",
                 f"Content-Type: {content_type}", "Transfer-Encoding: chunked", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self._writer.drain()

    async def write(self, data: str | bytes) -> None:
        raw = data.encode() if isinstance(data, str) else data
        if raw:
            self._writer.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
            await self._writer.drain()

    async def end(self) -> None:
        self._writer.write(b"0\r\n\r\n")
        await self._writer.drain()

    async def whole(self, status: int, body: str | bytes, content_type: str = "application/json",
                    headers: dict[str, str] | None = None) -> None:
        raw = body.encode() if isinstance(body, str) else body
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}",
                 f"Content-Type: {content_type}", f"Content-Length: {len(raw)}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + raw)
        await self._writer.drain()

    async def json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        await self.whole(status, json.dumps(payload), "application/json", headers)

    def drop(self) -> None:
        """Abort the connection mid-response, as a crashing proxy or a lost network would."""
        self.closed_connection = True
        self._writer.transport.abort()

    async def stall(self) -> None:
        """Keep the socket open and send nothing until the client gives up."""
        while not self.request.disconnected.is_set():
            await asyncio.sleep(0.01)
        self.closed_connection = True


class FakeServer:
    """Base for the wire-format fakes. Use as a context manager; `base_url` is where it listens.

    Subclasses implement `handle(request, response)`. Tests queue scenarios with `enqueue`; when
    the queue is empty, `default` is used.

    Set `ssl_context` (a server-side ssl.SSLContext, see tests/fakes/tls.py) before entering to
    serve HTTPS: `base_url` then starts with https://.
    """

    ssl_context: ssl.SSLContext | None = None
    # A path suffix (e.g. "/api/chat"): only requests to it take Scenarios, so that a window's
    # own probes (model lists, Ollama's version) neither suffer the faults nor use them up.
    faults_only_on: str | None = None

    def __init__(self, default: Scenario | None = None) -> None:
        self.default = default or Scenario()
        self._queue: collections.deque[Scenario] = collections.deque()
        self.requests: list[RecordedRequest] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self.port = 0
        self._lock = threading.Lock()

    # -- test-facing -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def enqueue(self, *scenarios: Scenario) -> None:
        with self._lock:
            self._queue.extend(scenarios)

    def next_scenario(self, request: RecordedRequest | None = None) -> Scenario:
        """The Scenario for `request`: the next queued one, else `default`. With `faults_only_on`
        set, a request to any other path gets a healthy Scenario and leaves the queue alone."""
        if request is not None and self.faults_only_on is not None \
                and not request.path.split("?")[0].endswith(self.faults_only_on):
            return Scenario()
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def put_back(self, scenario: Scenario) -> None:
        """Make *scenario* the next one again (a request the server refused before using it)."""
        with self._lock:
            self._queue.appendleft(scenario)

    def requests_to(self, path_suffix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.split("?")[0].endswith(path_suffix)]

    def __enter__(self) -> "FakeServer":
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True, name=type(self).__name__)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    # -- subclass-facing ---------------------------------------------------------------------

    async def handle(self, request: RecordedRequest, response: Response) -> None:
        raise NotImplementedError

    @staticmethod
    def page_status(scenario: Scenario) -> int:
        """The status a Scenario's HTML page goes out with: html_status, else an error status, else 502."""
        if scenario.html_status is not None:
            return scenario.html_status
        return scenario.status if scenario.status >= 400 else 502

    @staticmethod
    async def pause(scenario: Scenario) -> None:
        if scenario.chunk_delay:
            await asyncio.sleep(scenario.chunk_delay)

    # -- machinery ---------------------------------------------------------------------------

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._server = loop.run_until_complete(asyncio.start_server(
            self._connection, "127.0.0.1", 0, ssl=self.ssl_context))
        self.port = self._server.sockets[0].getsockname()[1]
        ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # One request per connection (every response says `Connection: close`): it keeps the
        # hang-up watcher honest and costs nothing on loopback.
        watcher: asyncio.Future[None] | None = None
        try:
            request = await _read_request(reader)
            if request is None:
                return
            self.requests.append(request)
            watcher = asyncio.ensure_future(_watch_for_hangup(reader, request))
            await self.handle(request, Response(writer, request))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass  # the server is shutting down; nothing is waiting on this task
        finally:
            if watcher is not None:
                watcher.cancel()
            try:
                writer.close()
            except Exception:
                pass


async def _watch_for_hangup(reader: asyncio.StreamReader, request: RecordedRequest) -> None:
    """Set request.disconnected when the client closes its side while we are answering.

    Every response carries `Connection: close`, so nothing else legitimately arrives on the
    socket after the request: any EOF or reset here is the client hanging up.
    """
    try:
        data = await reader.read(1)
    except ConnectionError:
        data = b""
    if not data:
        request.disconnected_at = time.monotonic()
        request.disconnected.set()


async def _read_request(reader: asyncio.StreamReader) -> RecordedRequest | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = b""
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    return RecordedRequest(method, target, headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return body
        body += await reader.readexactly(size)
        await reader.readexactly(2)


HTML_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>"
)

_REASONS = {
    200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    413: "Payload Too Large", 422: "Unprocessable Entity", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 529: "Overloaded",
}
