"""A loopback server that answers with exactly the bytes it is given, cut where the test says.

The wire-format fakes write JSON with ASCII escapes and whole lines per HTTP chunk. Real servers
send UTF-8 as it is (Go and most servers do), and TCP cuts it anywhere: in the middle of a line,
of a JSON string, of a multi-byte character. This server sends `body` in pieces of `pieces`
bytes (cycled), so a test can feed a provider any byte sequence (fuzzing), or a valid answer with
every character cut in two.

`anthropic_sse`, `openai_sse` and `ollama_ndjson` write a valid answer carrying `chunks` in each
wire format, with raw (unescaped) UTF-8, for the same purpose.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tests.fakes.loopback import FakeServer, RecordedRequest, Response

CONTENT_TYPE = {"anthropic": "text/event-stream", "openai": "text/event-stream", "ollama": "application/x-ndjson"}


class RawBodyServer(FakeServer):
    """Every request gets `status`, `content_type` and `body`, sent chunked in pieces of `pieces` bytes."""

    def __init__(self) -> None:
        super().__init__()
        self.status = 200
        self.content_type = "text/event-stream"
        self.body = b""
        self.pieces: Sequence[int] = (4096,)

    async def handle(self, request: RecordedRequest, response: Response) -> None:
        body, pieces = self.body, [max(1, n) for n in self.pieces] or [4096]
        await response.start(self.status, self.content_type)
        start = turn = 0
        while start < len(body):
            size = pieces[turn % len(pieces)]
            await response.write(body[start:start + size])
            start += size
            turn += 1
        await response.end()


def _json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def anthropic_sse(chunks: Sequence[str]) -> bytes:
    def event(name: str, payload: dict[str, Any]) -> str:
        return f"event: {name}\ndata: {_json(payload)}\n\n"

    out = [event("message_start", {"type": "message_start", "message": {
        "id": "msg_raw", "type": "message", "role": "assistant", "content": [], "model": "m",
        "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 3, "output_tokens": 1}}}),
        event("content_block_start", {"type": "content_block_start", "index": 0,
                                      "content_block": {"type": "text", "text": ""}})]
    out += [event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                          "delta": {"type": "text_delta", "text": c}}) for c in chunks]
    out += [event("content_block_stop", {"type": "content_block_stop", "index": 0}),
            event("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn",
                                                                       "stop_sequence": None},
                                    "usage": {"output_tokens": 5}}),
            event("message_stop", {"type": "message_stop"})]
    return "".join(out).encode()


def openai_sse(chunks: Sequence[str]) -> bytes:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        return "data: " + _json({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}) + "\n\n"

    out = [chunk({"role": "assistant", "content": ""})]
    out += [chunk({"content": c}) for c in chunks]
    out += [chunk({}, "stop"), "data: [DONE]\n\n"]
    return "".join(out).encode()


def ollama_ndjson(chunks: Sequence[str]) -> bytes:
    lines = [_json({"model": "m", "created_at": "2025-01-01T00:00:00Z",
                    "message": {"role": "assistant", "content": c}, "done": False}) for c in chunks]
    lines.append(_json({"model": "m", "created_at": "2025-01-01T00:00:00Z",
                        "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop",
                        "prompt_eval_count": 3, "eval_count": 5}))
    return ("\n".join(lines) + "\n").encode()


WIRE = {"anthropic": anthropic_sse, "openai": openai_sse, "ollama": ollama_ndjson}
