"""A turn as a streamed or a whole response, the same way for every wire format.

An :class:`Encoder` turns the engine's events into one format's bytes; :func:`streamed` waits for
the first text (so that an early failure is an HTTP status), then streams, and ends with the
encoder's closing events or the format's error event; :func:`whole` waits for the answer. Both
cancel the turn (and so the upstream request) the moment the client hangs up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from desktop_chat.chat.events import TurnEvent
from desktop_chat.domain.errors import ChatError
from desktop_chat.server import errors
from desktop_chat.server.turns import ClientGone, Disconnect, EventStream, Turn

log = logging.getLogger(__name__)
T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)


class Encoder(Protocol[T_contra]):
    wire: errors.Wire

    def start(self) -> bytes: ...

    def events(self, batch: list[TurnEvent]) -> bytes: ...

    def end(self, result: T_contra) -> bytes: ...


async def streamed(request: Request, turn: Turn[T], encoder: Encoder[T],
                   after: Callable[[T], None] | None = None) -> Response:
    """*after(result)* runs once the answer is complete, before the closing events go out."""
    watcher = Disconnect(request)
    try:
        await turn.first_output(watcher)
    except ChatError as exc:
        watcher.close()
        raise errors.from_chat_error(exc, encoder.wire) from None
    except BaseException:
        watcher.close()
        raise

    async def chunks() -> AsyncIterator[bytes]:
        yield encoder.start()
        async for batch in turn.batches():
            data = encoder.events(batch)
            if data:
                yield data
        try:
            result = turn.result()
        except ChatError as exc:
            yield errors.stream_event(errors.from_chat_error(exc, encoder.wire), encoder.wire)
            return
        except Exception as exc:  # a bug: plain words to the client, the traceback to the log
            log.error("a streamed answer failed", exc_info=exc)
            yield errors.stream_event(errors.internal(exc), encoder.wire)
            return
        if after is not None:
            after(result)
        yield encoder.end(result)

    return EventStream(chunks(), watcher, turn.aclose)


async def whole(request: Request, turn: Turn[T], wire: errors.Wire) -> T:
    watcher = Disconnect(request)
    try:
        return await turn.finish(watcher)
    except ChatError as exc:
        raise errors.from_chat_error(exc, wire) from None
    finally:
        watcher.close()


def gone_response() -> Response:
    """For a client that hung up before its response started: nobody reads it (nginx's 499)."""
    return Response(status_code=499)


__all__ = ["ClientGone", "Encoder", "gone_response", "streamed", "whole"]
