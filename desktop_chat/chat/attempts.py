"""A turn's request, sent until it streams to the end or the retry policy gives up.

The engine (chat/engine.py) decides what to send; this sends it:

- retries follow RetryPolicy and happen only before the first token; each one is a Retrying
  event, after the policy's delay (``Retry-After`` honoured by the policy);
- an authentication failure makes the pool read the keyring again before the next attempt;
- every attempt is logged on one line (provider, model, attempt, status, time to first token,
  total time, tokens), never a key and never message text;
- a burst of deltas is handed over without starving the event loop: the stream is consumed on a
  time budget (a buffered HTTP stream does not yield by itself).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from desktop_chat.chat.answer_in_progress import AnswerInProgress, EventSink
from desktop_chat.chat.pool import ProviderPool
from desktop_chat.chat.retry import RetryPolicy
from desktop_chat.config import Endpoint
from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, Retrying, Started, TextDelta, ThinkingDelta, ToolCallDelta, Usage
from desktop_chat.providers import ChatRequest, capabilities
from desktop_chat.providers.think_tags import split_think_tags

log = logging.getLogger("desktop_chat.chat.engine")  # (the request lines were always the engine's)

YIELD_BUDGET = 0.008  # seconds of delta handling before handing the loop back to input and painting


async def send(pool: ProviderPool, policy: RetryPolicy, sleep: Callable[[float], Any], endpoint: Endpoint,
               request: ChatRequest, turn: AnswerInProgress, on_event: EventSink) -> None:
    """Stream *request* into *turn*, retrying as *policy* allows; the last ChatError is raised."""
    attempt = 1
    while True:
        try:
            async with pool.limit(endpoint.id):
                provider = await pool.provider(endpoint)
                on_event(Started(endpoint.id, request.model, attempt))
                turn.attempt_started()
                try:
                    stream = provider.stream(request)
                    if capabilities(endpoint.kind).think_tags:  # reasoning may come as <think> text
                        stream = split_think_tags(stream)
                    await consume(stream, turn, on_event)
                except asyncio.CancelledError:
                    log_request(endpoint, request.model, attempt, turn, "stopped")
                    raise
                except Exception as exc:
                    log_request(endpoint, request.model, attempt, turn, "error", exc)
                    raise
                log_request(endpoint, request.model, attempt, turn, "complete")
            return
        except errors.ChatError as exc:
            if isinstance(exc, errors.AuthenticationError):
                pool.forget_keys(endpoint.id)  # read the keyring again: the key may be replaced by now
            if not policy.should_retry(exc, attempt, turn.received_text):
                raise
            delay = policy.delay(exc, attempt)
            attempt += 1
            on_event(Retrying(attempt, policy.max_attempts, delay, exc.text.first()))
            await sleep(delay)


async def consume(stream: Any, turn: AnswerInProgress, on_event: EventSink) -> None:
    """Hand each event of *stream* to *turn* and *on_event*, yielding to the loop on a time budget."""
    last_yield = time.monotonic()
    async with contextlib.aclosing(stream):
        async for event in stream:
            match event:
                case TextDelta(text=text):
                    turn.add_text(text)
                case ThinkingDelta():
                    turn.add_thinking(event)
                case Usage():
                    turn.usage = event
                case Finished(stop_reason=stop_reason):
                    turn.stop_reason = stop_reason
                case ToolCallDelta():
                    turn.tool_calls.add(event)
            on_event(event)
            now = time.monotonic()
            if now - last_yield >= YIELD_BUDGET:
                await asyncio.sleep(0)
                last_yield = time.monotonic()


def log_request(endpoint: Endpoint, model: str, attempt: int, turn: AnswerInProgress, status: str,
                error: BaseException | None = None) -> None:
    """One line per request: what went where, how it ended and how long it took. Never a key,
    never message text (see ChatEngine._log_content)."""
    end = time.monotonic()
    fields = [f"provider={endpoint.id}", f"kind={endpoint.kind}", f"model={json.dumps(model)}",
              f"attempt={attempt}", f"status={status}"]
    if error is not None:
        fields.append(f"error={type(error).__name__}")
        http_status = getattr(error, "status", None)
        if http_status is not None:
            fields.append(f"http_status={http_status}")
    if turn.first_token is not None and turn.first_token >= turn.started:
        fields.append(f"ttft_ms={(turn.first_token - turn.started) * 1000:.0f}")
    fields.append(f"total_ms={(end - turn.started) * 1000:.0f}")
    if status == "complete" and turn.usage is not None:
        fields += [f"input_tokens={turn.usage.input_tokens}", f"output_tokens={turn.usage.output_tokens}"]
    if turn.stop_reason:
        fields.append(f"stop_reason={turn.stop_reason}")
    log.info("request %s", " ".join(fields))
