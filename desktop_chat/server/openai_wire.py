"""The OpenAI-compatible routes: ``POST /v1/chat/completions`` and ``GET /v1/models``.

Streaming answers are ``chat.completion.chunk`` objects as SSE ``data:`` lines: a first chunk
with the assistant role, the text, a last chunk with ``finish_reason``, a usage chunk (empty
``choices``) when ``stream_options.include_usage`` asks for it, then ``data: [DONE]``. Deltas
that arrived together go out as one chunk. Only text is taken (parts of type ``text``); images,
tools and ``n`` > 1 are refused with a 400 that names the field.
"""

from __future__ import annotations

import json
import time
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
from desktop_chat.server.errors import ApiError, Wire
from desktop_chat.server.exchange import Exchange, joined_text
from desktop_chat.server.state import context

router = APIRouter(tags=["OpenAI-compatible"])

# Stop reasons as OpenAI says them, from whichever provider answered.
FINISH_REASONS = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "tool_use": "tool_calls",
                  "stop": "stop", "length": "length", "tool_calls": "tool_calls", "content_filter": "content_filter"}


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str = Field(description="`endpoint/model`, e.g. `openai/gpt-4o` or `ollama/llama3.2:latest`")
    messages: list[ChatMessageIn] = Field(min_length=1)
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0, le=2)
    n: int = Field(1, ge=1, le=1)


def finish_reason(stop_reason: str | None) -> str:
    return FINISH_REASONS.get(stop_reason or "", "stop")



def to_exchange(request: Request, body: ChatCompletionRequest) -> Exchange:
    system: list[str] = []
    turns: list[tuple[Role, str]] = []
    for i, message in enumerate(body.messages):
        where = f"messages[{i}]"
        if message.role == "tool" or getattr(message, "tool_calls", None):
            raise ApiError(400, f"{where}: tool calls are not supported by this server yet.", param=where)
        text = joined_text(message.content, f"{where}.content", "parts")
        if message.role in ("system", "developer"):
            system.append(text)
        elif text.strip():
            turns.append(("user" if message.role == "user" else "assistant", text))
    return Exchange.of(context(request).services, turns, system="\n\n".join(system), model=body.model,
                       max_tokens=body.max_completion_tokens or body.max_tokens, temperature=body.temperature)


def _usage(answer: UnstoredAnswer) -> dict[str, int]:
    given = answer.usage
    prompt = (given.input_tokens if given else None) or 0
    completion = (given.output_tokens if given else None) or 0
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


class ChunkEncoder:
    """The chunks of one streamed completion; the JSON around the text is made once."""

    wire: Wire = "chat_completions"

    def __init__(self, model: str, include_usage: bool) -> None:
        self.id = "chatcmpl-" + uuid.uuid4().hex
        self.created = int(time.time())
        self.model = model
        self.include_usage = include_usage
        head = json.dumps({"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                           "model": model}, ensure_ascii=False)[:-1]
        self._open = "data: " + head + ',"choices":[{"index":0,"delta":'
        self._close = ',"finish_reason":null}]}\n\n'

    def start(self) -> bytes:
        return (self._open + '{"role":"assistant","content":""}' + self._close).encode()

    def events(self, batch: list[TurnEvent]) -> bytes:
        text = "".join(e.text for e in batch if isinstance(e, TextDelta))
        if not text:
            return b""
        return (self._open + '{"content":' + json.dumps(text, ensure_ascii=False) + "}" + self._close).encode()

    def end(self, answer: UnstoredAnswer) -> bytes:
        out = self._open + "{}" + ',"finish_reason":' + json.dumps(finish_reason(answer.stop_reason)) + "}]}\n\n"
        if self.include_usage:
            out += "data: " + json.dumps({"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                                          "model": self.model, "choices": [], "usage": _usage(answer)}) + "\n\n"
        return (out + "data: [DONE]\n\n").encode()


@router.post("/v1/chat/completions", summary="Create a chat completion (OpenAI's wire format)",
             response_model=None)
async def chat_completions(request: Request, body: ChatCompletionRequest) -> Response | dict[str, Any]:
    exchange = to_exchange(request, body)
    ctx = context(request)
    turn = exchange.run(ctx.services)
    after = history.after_answer(ctx, exchange)  # keeps it in the history when the setting asks
    if body.stream:
        include_usage = bool((body.stream_options or {}).get("include_usage"))
        return await responses.streamed(request, turn, ChunkEncoder(body.model, include_usage), after)
    answer = await responses.whole(request, turn, "chat_completions")
    after(answer)
    return {
        "id": "chatcmpl-" + uuid.uuid4().hex, "object": "chat.completion", "created": int(time.time()),
        "model": body.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text},
                     "finish_reason": finish_reason(answer.stop_reason), "logprobs": None}],
        "usage": _usage(answer),
    }


@router.get("/v1/models", summary="Every configured model, as `endpoint/model`")
async def models(request: Request) -> dict[str, Any]:
    found = await context(request).models.get()
    return {"object": "list",
            "data": [{"id": f"{endpoint}/{model}", "object": "model", "created": 0, "owned_by": endpoint}
                     for endpoint, model in found]}
