"""The simple API of the service this app grew from, for web pages and scripts.

- ``POST /ai/chat/stream`` ``{"message", "system_prompt", "model", "max_tokens"}``: SSE
  ``data: {"text": …}`` events, then ``data: {"done": true, …}`` (``data: {"error": …}`` if it
  breaks off). Not stored unless the setting says so.
- ``POST /ai/conversation`` (the same, plus ``session_id``): continues the conversation kept in
  the app's history for that session (a new one the first time); ``DELETE
  /ai/conversation/{session_id}`` deletes it.
- ``POST /analyze/pdf`` (multipart: ``file``, ``question``, optional ``model`` and
  ``max_tokens``): the PDF goes through the app's document planning (whole, or the passages
  that answer the question); the first event names the plan and the sources, then the answer.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.responses import Response

from desktop_chat.chat.engine import UnstoredAnswer
from desktop_chat.chat.events import SourcesFound, TurnEvent, TurnResult, TurnStarted
from desktop_chat.domain.events import TextDelta
from desktop_chat.domain.messages import Attachment
from desktop_chat.server import history, responses
from desktop_chat.server.errors import ApiError, Wire
from desktop_chat.server.exchange import Exchange
from desktop_chat.server.models import split_model
from desktop_chat.server.state import context
from desktop_chat.server.turns import Turn

router = APIRouter(tags=["Simple API"])
MAX_PDF_BYTES = 100 * 1024 * 1024


class ChatIn(BaseModel):
    message: str = Field(min_length=1)
    system_prompt: str | None = None
    model: str | None = Field(None, description="`endpoint/model`; the default model when left out")
    max_tokens: int | None = Field(None, ge=1)


class ConversationIn(ChatIn):
    session_id: str = Field(min_length=1, max_length=200)


class SimpleEncoder:
    """``data: {"text": …}`` per burst of text, ``data: {"sources": …}`` first for documents."""

    wire: Wire = "simple"

    def __init__(self, done: dict[str, Any] | None = None) -> None:
        self.done = done or {}

    def start(self) -> bytes:
        return b""

    def events(self, batch: list[TurnEvent]) -> bytes:
        out: list[str] = []
        text: list[str] = []
        for event in batch:
            if isinstance(event, TextDelta):
                text.append(event.text)
            elif isinstance(event, SourcesFound):
                out.append(_data({"plan": event.plan_explanation.english(),
                                  "sources": [{"file_name": s.file_name, "page": s.page, "excerpt": s.excerpt,
                                               "score": round(s.score, 3)} for s in event.sources]}))
        if text:
            out.append(_data({"text": "".join(text)}))
        return "".join(out).encode()

    def end(self, result: object) -> bytes:
        return _data({"done": True, **self.done, **_figures(result)}).encode()


def _data(payload: dict[str, Any]) -> str:
    return "data: " + json.dumps(payload, ensure_ascii=False) + "\n\n"


def _figures(result: object) -> dict[str, Any]:
    """Which model answered and the tokens it counted, for the closing ``done`` event."""
    if isinstance(result, UnstoredAnswer):
        usage = result.usage
        return {"model": f"{result.endpoint_id}/{result.model}", "input_tokens": usage.input_tokens if usage else None,
                "output_tokens": usage.output_tokens if usage else None}
    if isinstance(result, TurnResult):  # /ai/conversation: the stored answer
        message = result.message
        return {"model": f"{message.provider}/{message.model}", "input_tokens": message.input_tokens,
                "output_tokens": message.output_tokens}
    return {}


@router.post("/ai/chat/stream", summary="Stream an answer to one message (not stored unless Settings say so)")
async def chat_stream(request: Request, body: ChatIn) -> Response:
    ctx = context(request)
    exchange = Exchange.of(ctx.services, [("user", body.message)], system=body.system_prompt, model=body.model,
                           max_tokens=body.max_tokens)
    return await _stream_exchange(request, exchange, SimpleEncoder())


@router.post("/ai/conversation", summary="Continue the conversation kept in the history for `session_id`")
async def conversation(request: Request, body: ConversationIn) -> Response:
    ctx = context(request)
    services, sessions = ctx.services, ctx.sessions
    conversation_id = sessions.get(body.session_id)
    if conversation_id is not None and not services.conversations.exists(conversation_id):
        conversation_id = None  # deleted in the window: the session starts again
    endpoint_id, model = split_model(services, body.model)
    options = {"max_tokens": body.max_tokens} if body.max_tokens else None
    done = {"session_id": body.session_id}

    async def send(sink: Any) -> TurnResult:
        def on_event(event: TurnEvent) -> None:
            if conversation_id is None and isinstance(event, TurnStarted):  # remember the new conversation
                sessions.set(body.session_id, event.conversation_id)
                done["conversation_id"] = event.conversation_id
            sink(event)

        result = await services.engine.send(conversation_id, body.message, endpoint_id=endpoint_id, model=model,
                                            system_prompt=body.system_prompt, options=options, on_event=on_event)
        if result.error is not None:
            raise result.error
        return result

    if conversation_id is not None:
        done["conversation_id"] = conversation_id
    return await responses.streamed(request, Turn(send), SimpleEncoder(done))


@router.delete("/ai/conversation/{session_id}", summary="Delete the session's conversation from the history")
async def delete_conversation(request: Request, session_id: str) -> dict[str, Any]:
    ctx = context(request)
    conversation_id = ctx.sessions.pop(session_id)
    if conversation_id is None or ctx.services.conversations.delete(conversation_id) is None:
        raise ApiError(404, f"There is no conversation for session “{session_id}”.")
    return {"deleted": True, "session_id": session_id, "conversation_id": conversation_id}


@router.post("/analyze/pdf", summary="Answer a question about an uploaded PDF, sources first")
async def analyze_pdf(request: Request, file: UploadFile = File(...), question: str = Form(..., min_length=1),
                      model: str | None = Form(None), max_tokens: int | None = Form(None, ge=1)) -> Response:
    from desktop_chat.documents import DocumentError

    ctx = context(request)
    data = await file.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        raise ApiError(413, f"The file is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB.", param="file")
    if not data:
        raise ApiError(400, "file: the upload is empty.", param="file")
    name = file.filename or "upload.pdf"
    try:  # extraction reads and indexes pages: a worker thread, never the loop
        document = await asyncio.to_thread(ctx.services.documents.attach_bytes, data, name)
    except DocumentError as exc:
        raise ApiError(400, f"file: {exc.message}", param="file") from None
    exchange = Exchange.of(ctx.services, [("user", question)], system=None, model=model, max_tokens=max_tokens,
                           attachments=[Attachment.from_document(document).to_dict()])
    return await _stream_exchange(request, exchange, SimpleEncoder())


async def _stream_exchange(request: Request, exchange: Exchange, encoder: SimpleEncoder) -> Response:
    ctx = context(request)
    after = history.after_answer(ctx, exchange)  # keeps it in the history when the setting asks
    return await responses.streamed(request, exchange.run(ctx.services), encoder, after)
