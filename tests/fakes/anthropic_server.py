"""A loopback Anthropic Messages API: real SSE wire format, faults injected from a Scenario.

Written from Anthropic's public API reference ("Streaming Messages", "Errors", "List Models"):

    event: message_start          {"type":"message_start","message":{…,"usage":{"input_tokens":N,…}}}
    event: content_block_start    {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}
    event: ping                   {"type":"ping"}
    event: content_block_delta    {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"…"}}
    event: content_block_stop     {"type":"content_block_stop","index":0}
    event: message_delta          {"type":"message_delta","delta":{"stop_reason":"end_turn",…},"usage":{"output_tokens":N}}
    event: message_stop           {"type":"message_stop"}

An error, before the stream or as a mid-stream `event: error`, is
{"type":"error","error":{"type":"overloaded_error","message":"…"}}.

A user turn's content may be a list of blocks ("PDF support"): text, and documents as
{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"<base64>"},
"title":…}. The fake checks them as the API does (a known block type, a base64 PDF source that
decodes to a PDF) and answers 400 invalid_request_error otherwise; `documents(request)` gives the
PDFs a request carried, decoded.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.loopback import HTML_ERROR_PAGE, FakeServer, RecordedRequest, Response, Scenario

ERROR_TYPE_FOR_STATUS = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

DEFAULT_MODELS = [
    {"type": "model", "id": "claude-fake-opus", "display_name": "Claude Fake Opus",
     "created_at": "2025-05-14T00:00:00Z", "max_input_tokens": 200000, "max_tokens": 32000},
    {"type": "model", "id": "claude-fake-sonnet", "display_name": "Claude Fake Sonnet",
     "created_at": "2025-02-24T00:00:00Z", "max_input_tokens": 200000, "max_tokens": 64000},
    {"type": "model", "id": "claude-fake-haiku", "display_name": "Claude Fake Haiku",
     "created_at": "2024-10-22T00:00:00Z", "max_input_tokens": 200000, "max_tokens": 8192},
]


def error_body(error_type: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": error_type, "message": message}}


def sse(event: str, payload: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(payload)}\n\n"


class FakeAnthropic(FakeServer):
    """POST /v1/messages (streaming) and GET /v1/models, on 127.0.0.1.

    `expected_key`: when set, a request whose key (x-api-key, or Authorization: Bearer, which
    the SDK sends of late) differs is refused with 401 authentication_error.
    `models` / `page_size`: what GET /v1/models lists, and how many per page at most.
    """

    def __init__(self, default: Scenario | None = None, *, expected_key: str | None = None) -> None:
        super().__init__(default)
        self.expected_key = expected_key
        self.models: list[dict[str, Any]] = [dict(m) for m in DEFAULT_MODELS]
        self.page_size = 20

    async def handle(self, request: RecordedRequest, response: Response) -> None:
        path = urlsplit(request.path).path
        route = {("POST", "/v1/messages"): self._messages, ("GET", "/v1/models"): self._models}.get(
            (request.method, path)
        )
        if route is None:
            await response.json(404, error_body("not_found_error", f"Not found: {request.method} {path}"))
            return
        if self.expected_key is not None and _sent_key(request) != self.expected_key:
            await response.json(401, error_body("authentication_error", "invalid x-api-key"))
            return
        scenario = self.next_scenario(request)
        if await _answered_with_failure(scenario, response):
            return
        await route(request, response, scenario)

    # -- /v1/models ----------------------------------------------------------------------------

    async def _models(self, request: RecordedRequest, response: Response, scenario: Scenario) -> None:
        query = parse_qs(urlsplit(request.path).query)
        limit = min(int(query.get("limit", ["20"])[0]), self.page_size)
        start = 0
        if "after_id" in query:
            ids = [m["id"] for m in self.models]
            start = ids.index(query["after_id"][0]) + 1
        page = self.models[start:start + limit]
        await response.json(200, {
            "data": page,
            "has_more": start + limit < len(self.models),
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
        }, scenario.headers)

    # -- /v1/messages --------------------------------------------------------------------------

    async def _messages(self, request: RecordedRequest, response: Response, s: Scenario) -> None:
        model = (request.json or {}).get("model", "claude-fake")
        problem = _content_problem(request.json or {})
        if problem is not None:
            await response.json(400, error_body("invalid_request_error", problem))
            return
        await response.start(200, "text/event-stream", {"request-id": _request_id(), **s.headers})
        await response.write(sse("message_start", {"type": "message_start", "message": {
            "id": f"msg_{uuid.uuid4().hex[:24]}", "type": "message", "role": "assistant", "content": [],
            "model": model, "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": s.input_tokens, "output_tokens": 1},
        }}))
        index = await _thinking_blocks(s, response)
        await response.write(sse("content_block_start", {
            "type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}))
        await response.write(sse("ping", {"type": "ping"}))
        for sent in range(len(s.chunks) + 1):
            if await _mid_stream_fault(s, sent, response):
                return
            if sent == len(s.chunks):
                break
            delta = {"type": "text_delta", "text": s.chunks[sent]}
            await response.write(sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                                             "delta": delta}))
            await self.pause(s)
        await response.write(sse("content_block_stop", {"type": "content_block_stop", "index": index}))
        await response.write(sse("message_delta", {
            "type": "message_delta", "delta": {"stop_reason": s.stop_reason or "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": s.output_tokens}}))
        await response.write(sse("message_stop", {"type": "message_stop"}))
        await response.end()


async def _thinking_blocks(s: Scenario, response: Response) -> int:
    """The scenario's reasoning as content blocks ("Extended thinking": a thinking block of
    thinking_delta pieces closed by its signature_delta; a redacted_thinking block whole);
    returns the index of the next block."""
    index = 0
    if s.thinking:
        await response.write(sse("content_block_start", {"type": "content_block_start", "index": index,
                                                          "content_block": {"type": "thinking", "thinking": ""}}))
        for piece in s.thinking:
            await response.write(sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                                              "delta": {"type": "thinking_delta", "thinking": piece}}))
        await response.write(sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                                          "delta": {"type": "signature_delta", "signature": s.signature}}))
        await response.write(sse("content_block_stop", {"type": "content_block_stop", "index": index}))
        index += 1
    if s.redacted_thinking is not None:
        await response.write(sse("content_block_start", {"type": "content_block_start", "index": index, "content_block": {
            "type": "redacted_thinking", "data": s.redacted_thinking}}))
        await response.write(sse("content_block_stop", {"type": "content_block_stop", "index": index}))
        index += 1
    return index


async def _answered_with_failure(s: Scenario, response: Response) -> bool:
    """Faults that replace the whole answer: a hang, a proxy's page, an error status."""
    if s.hang_before_headers:
        await response.stall()
        return True
    if s.html_error_page:
        await response.whole(FakeServer.page_status(s), HTML_ERROR_PAGE, "text/html", s.headers)
        return True
    if s.status != 200:
        headers = {"request-id": _request_id(), **s.headers}
        if s.retry_after is not None:
            headers["Retry-After"] = s.retry_after
        error_type = s.error_type or ERROR_TYPE_FOR_STATUS.get(s.status, "api_error")
        await response.json(s.status, error_body(error_type, s.error_message), headers)
        return True
    return False


async def _mid_stream_fault(s: Scenario, sent: int, response: Response) -> bool:
    """Inject the fault due after `sent` text chunks, if any; True when the answer is over."""
    if s.drop_after == sent:
        response.drop()
    elif s.stall_after == sent:
        await response.stall()
    elif s.no_stop_after == sent:
        await response.end()  # a clean end of the body, with no message_delta / message_stop
    elif s.malformed_after == sent:
        await response.write('event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0,\n\n')
        await response.end()
    elif s.error_event_after == sent:
        await response.write(sse("error", error_body(s.error_type or "overloaded_error", s.error_message)))
        await response.end()
    else:
        return False
    return True


def _sent_key(request: RecordedRequest) -> str | None:
    key = request.header("x-api-key")
    if key is not None:
        return key
    auth = request.header("authorization") or ""
    return auth[len("Bearer "):] if auth.startswith("Bearer ") else None


def _request_id() -> str:
    return f"req_{uuid.uuid4().hex[:24]}"


_BLOCK_TYPES = {"text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking"}


def _content_problem(body: dict[str, Any]) -> str | None:
    """What the API would reject in the messages' content blocks, worded like it; None if fine."""
    thinking = body.get("thinking")
    if thinking is not None:
        budget = thinking.get("budget_tokens") if isinstance(thinking, dict) else None
        if not isinstance(budget, int) or budget < 1024:
            return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
        if budget >= int(body.get("max_tokens") or 0):
            return "`max_tokens` must be greater than `thinking.budget_tokens`"
        if "temperature" in body and body["temperature"] != 1:
            return "`temperature` may only be set to 1 when thinking is enabled"
    for i, message in enumerate(body.get("messages") or []):
        content = message.get("content")
        if isinstance(content, str):
            continue
        if not isinstance(content, list) or not content:
            return f"messages.{i}.content: Input should be a valid string or a non-empty list"
        for j, block in enumerate(content):
            where = f"messages.{i}.content.{j}"
            kind = block.get("type") if isinstance(block, dict) else None
            if kind not in _BLOCK_TYPES:
                return f"{where}: Input tag {kind!r} found using 'type' does not match any of the expected tags"
            if kind == "text" and not isinstance(block.get("text"), str):
                return f"{where}.text: Field required"
            if kind == "thinking" and not (isinstance(block.get("thinking"), str) and block.get("signature")):
                return f"{where}.signature: Field required"
            if kind == "redacted_thinking" and not isinstance(block.get("data"), str):
                return f"{where}.data: Field required"
            if kind == "document":
                source = block.get("source") or {}
                if source.get("type") != "base64" or source.get("media_type") != "application/pdf":
                    return f"{where}.source: only base64 application/pdf sources are supported by this fake"
                try:
                    data = base64.b64decode(source.get("data") or "", validate=True)
                except (binascii.Error, ValueError):
                    return f"{where}.pdf.source.base64.data: The PDF specified was not valid base64."
                if not data.startswith(b"%PDF-"):
                    return f"{where}.pdf.source.base64.data: The PDF specified was not valid."
    return None


def documents(request: RecordedRequest) -> list[bytes]:
    """The PDFs a /v1/messages request carried, decoded, in order."""
    found = []
    for message in (request.json or {}).get("messages") or []:
        content = message.get("content")
        if isinstance(content, list):
            found += [base64.b64decode(b["source"]["data"]) for b in content if b.get("type") == "document"]
    return found
