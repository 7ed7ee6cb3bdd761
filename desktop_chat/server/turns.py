"""A turn of the engine as an HTTP response: events handed over in batches, the client watched.

The engine reports a turn through a callback; a response wants an async iterator. :class:`Turn`
runs the engine's coroutine as a task and queues its events; a reader takes everything waiting
at once (one socket write for a burst of deltas instead of one per token).

A streaming response starts only once the first text (or the end) is there, so that a failure
before it (a refused key, a 429) is an HTTP error status the client's SDK understands, not a
200 followed by an error event. From the first byte the client is watched: when it hangs up,
the turn's task is cancelled, which closes the upstream stream at once (the engine's contract).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, Generic, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from desktop_chat.chat.events import TurnEvent
from desktop_chat.domain.events import Finished, TextDelta

T = TypeVar("T")
_END = object()
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class ClientGone(Exception):
    """The client hung up before the response started."""


class Disconnect:
    """Watches one request for the client hanging up (one pending receive(), for the whole request)."""

    def __init__(self, request: Request) -> None:
        self._task = asyncio.ensure_future(self._watch(request.receive))

    @staticmethod
    async def _watch(receive: Receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    @property
    def happened(self) -> asyncio.Future[None]:
        return self._task

    def close(self) -> None:
        self._task.cancel()


class Turn(Generic[T]):
    """Runs ``start(on_event)`` as a task; its events come out of :meth:`batches`."""

    def __init__(self, start: Callable[[Callable[[TurnEvent], None]], Coroutine[Any, Any, T]]) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self.task: asyncio.Task[T] = asyncio.ensure_future(start(self._queue.put_nowait))
        self.task.add_done_callback(lambda _task: self._queue.put_nowait(_END))
        self._ended = False
        self._held: list[TurnEvent] = []  # read while waiting for the first text, not yet handed out

    async def _next_batch(self) -> list[TurnEvent] | None:
        if self._ended:
            return None
        batch = [await self._queue.get()]
        while not self._queue.empty():
            batch.append(self._queue.get_nowait())
        if batch[-1] is _END:
            self._ended = True
            batch.pop()
        return batch

    async def first_output(self, watcher: Disconnect) -> None:
        """Wait for the first text or the end of the answer (then result() tells how it ended).
        ClientGone (and the turn cancelled) if the client hangs up first."""
        while not self._ended and not any(isinstance(e, (TextDelta, Finished)) for e in self._held):
            reading = asyncio.ensure_future(self._next_batch())
            waiting: set[asyncio.Future[Any]] = {reading, watcher.happened}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if not reading.done():
                reading.cancel()
                await self.aclose()
                raise ClientGone()
            self._held += reading.result() or []
        if self._ended and self.task.done() and not self.task.cancelled() and self.task.exception() is not None:
            raise self.task.exception()  # type: ignore[misc]

    async def batches(self) -> AsyncIterator[list[TurnEvent]]:
        """Every event of the turn, in batches of what arrived together, until it ends."""
        if self._held:
            held, self._held = self._held, []
            yield held
        while (batch := await self._next_batch()) is not None:
            if batch:
                yield batch

    async def finish(self, watcher: Disconnect) -> T:
        """The whole answer (for a non-streaming request); ClientGone if the client hangs up first."""
        waiting: set[asyncio.Future[Any]] = {self.task, watcher.happened}
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if not self.task.done():
            await self.aclose()
            raise ClientGone()
        return self.task.result()

    def result(self) -> T:
        return self.task.result()

    async def aclose(self) -> None:
        if not self.task.done():
            self.task.cancel()
        with contextlib.suppress(BaseException):
            await self.task


class EventStream(Response):
    """``text/event-stream`` from an async iterator of bytes; stops it when the client hangs up."""

    media_type = "text/event-stream"

    def __init__(self, chunks: AsyncIterator[bytes], watcher: Disconnect,
                 on_close: Callable[[], Awaitable[None]]) -> None:
        # Not Response.__init__: it would declare the (empty) body's Content-Length.
        self.status_code = 200
        self.background = None
        self.init_headers(SSE_HEADERS)
        self._chunks = chunks
        self._watcher = watcher
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        pump = asyncio.ensure_future(self._pump(send))
        try:
            await asyncio.wait({pump, self._watcher.happened}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not pump.done():
                pump.cancel()
            self._watcher.close()
            await self._on_close()  # cancels the turn if it still runs: the upstream stream closes
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await pump  # surfaces a bug in an encoder (the request log reports it)

    async def _pump(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async for chunk in self._chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
