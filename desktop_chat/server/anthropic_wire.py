"""The Anthropic-compatible route: ``POST /v1/messages``, so Anthropic-speaking tools can use any model.

Streaming answers follow the Messages API's event sequence: ``message_start``,
``content_block_start``, ``ping``, ``content_block_delta`` (text deltas; those that arrived
together go out as one), ``content_block_stop``, ``message_delta`` (stop reason and usage),
``message_stop``; a failure after the start is an ``error`` event. Only text is taken (string
content or ``text`` blocks); images, documents and tools are refused with a 400 naming the field.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from desktop_chat.chat.engine import UnstoredAnswer
from desktop_chat.chat.events import TurnEvent
from desktop_chat.domain.events import TextDelta
from desktop_chat.domain.messages import Role
from desktop_chat.server import history, responses
from desktop_chat.server.errors import Wire
from desktop_chat.server.exchange import Exchange, joined_text
from desktop_chat.server.state import context

router = APIRouter(tags=["Anthropic-compatible"])

# Stop reasons as Anthropic says them, from whichever provider answered.
STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use", "end_turn": "end_turn",
                "max_tokens": "max_tokens", "stop_sequence": "stop_sequence", "tool_use": "tool_use",
                "refusal": "refusal", "content_filter": "refusal"}


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["user", "assistant"]
    content: str | list[dict[str, Any]]


class MessagesRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str = Field(description="`endpoint/model`, e.g. `anthropic/claude-sonnet-4-5` or `openai/gpt-4o`")
    max_tokens: int = Field(ge=1)
    messages: list[MessageIn] = Field(min_length=1)
    system: str | list[dict[str, Any]] | None = None
    stream: bool = False
    temperature: float | None = Field(None, ge=0, le=1)


def stop_reason(given: str | None) -> str:
    return STOP_REASONS.get(given or "", "end_turn")



def to_exchange(request: Request, body: MessagesRequest) -> Exchange:
    turns: list[tuple[Role, str]] = []
    for i, message in enumerate(body.messages):
        text = joined_text(message.content, f"messages[{i}].content", "blocks")
        if text.strip():
            turns.append((message.role, text))
    system = joined_text(body.system, "system", "blocks") if body.system is not None else None
    return Exchange.of(context(request).services, turns, system=system, model=body.model,
                       max_tokens=body.max_tokens, temperature=body.temperature)


def _usage(answer: UnstoredAnswer) -> dict[str, int]:
    given = answer.usage
    return {"input_tokens": (given.input_tokens if given else None) or 0,
            "output_tokens": (given.output_tokens if given else None) or 0}


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class EventEncoder:
    wire: Wire = "messages"

    def __init__(self, model: str) -> None:
        self.id = "msg_" + uuid.uuid4().hex
        self.model = model

    def start(self) -> bytes:
        message: dict[str, Any] = {"id": self.id, "type": "message", "role": "assistant", "model": self.model, "content": [],
                   "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 0, "output_tokens": 0}}
        return (_event("message_start", {"type": "message_start", "message": message})
                + _event("content_block_start", {"type": "content_block_start", "index": 0,
                                                 "content_block": {"type": "text", "text": ""}})
                + _event("ping", {"type": "ping"})).encode()

    def events(self, batch: list[TurnEvent]) -> bytes:
        text = "".join(e.text for e in batch if isinstance(e, TextDelta))
        if not text:
            return b""
        return ('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
                '"delta":{"type":"text_delta","text":' + json.dumps(text, ensure_ascii=False) + "}}\n\n").encode()

    def end(self, answer: UnstoredAnswer) -> bytes:
        # The input tokens are known only now (OpenAI-compatible upstreams count them at the end).
        return (_event("content_block_stop", {"type": "content_block_stop", "index": 0})
                + _event("message_delta", {"type": "message_delta",
                                           "delta": {"stop_reason": stop_reason(answer.stop_reason),
                                                     "stop_sequence": None},
                                           "usage": _usage(answer)})
                + _event("message_stop", {"type": "message_stop"})).encode()


@router.post("/v1/messages", summary="Create a message (Anthropic's wire format)", response_model=None)
async def messages(request: Request, body: MessagesRequest) -> Response | dict[str, Any]:
    exchange = to_exchange(request, body)
    ctx = context(request)
    turn = exchange.run(ctx.services)
    after = history.after_answer(ctx, exchange)  # keeps it in the history when the setting asks
    if body.stream:
        return await responses.streamed(request, turn, EventEncoder(body.model), after)
    answer = await responses.whole(request, turn, "messages")
    after(answer)
    return {"id": "msg_" + uuid.uuid4().hex, "type": "message", "role": "assistant", "model": body.model,
            "content": [{"type": "text", "text": answer.text}], "stop_reason": stop_reason(answer.stop_reason),
            "stop_sequence": None, "usage": _usage(answer)}
