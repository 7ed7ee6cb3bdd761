"""A loopback fake of the OpenAI chat-completions API (and so of every OpenAI-compatible server).

Speaks the real wire format: `POST /v1/chat/completions` with `stream: true` answers with SSE
`data:` lines carrying `chat.completion.chunk` objects (a first chunk with the assistant role,
one chunk per text piece, a final chunk with `finish_reason`, a usage chunk with empty `choices`
when `stream_options.include_usage` is set, then `data: [DONE]`); errors are OpenAI's JSON
`{"error": {"message", "type", "param", "code"}}`. `GET /v1/models` lists `models`.

The provider's base_url for this fake is `fake.base_url + "/v1"`.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from tests.fakes.loopback import HTML_ERROR_PAGE, FakeServer, RecordedRequest, Response, Scenario

# The error `type` OpenAI uses for each status (its `code` is more specific, see _ERROR_CODES).
_ERROR_TYPES = {
    400: "invalid_request_error", 401: "invalid_request_error", 403: "invalid_request_error",
    404: "invalid_request_error", 413: "invalid_request_error", 422: "invalid_request_error",
    429: "requests", 500: "server_error", 502: "server_error", 503: "server_error",
}
_ERROR_CODES = {401: "invalid_api_key", 403: "unsupported_country_region_territory", 404: "model_not_found",
                429: "rate_limit_exceeded"}


class FakeOpenAI(FakeServer):
    """Fake OpenAI endpoint. Queue Scenarios with `enqueue`; every request consumes one.

    Knobs beyond the Scenario:
    - `expected_key`: when set, a request whose `Authorization: Bearer …` differs (or is missing)
      gets OpenAI's 401.
    - `models`: the ids `GET /v1/models` lists.
    - `supports_usage`: False acts like a server that ignores `stream_options` (no usage chunk).
    - `done_on_no_stop`: with `Scenario.no_stop_after`, also send `data: [DONE]` before ending.
    - `html_status`: the status sent with `Scenario.html_error_page` (502, or 200 for a captive
      portal / a base URL that points at a web site).
    - `ignore_stream`: answer a streaming request with one whole `chat.completion` JSON, as some
      compatible servers do.
    """

    def __init__(self, default: Scenario | None = None) -> None:
        super().__init__(default)
        self.expected_key: str | None = None
        self.models: list[str] = ["gpt-4o-mini", "gpt-4o", "o3-mini"]
        self.supports_usage = True
        self.done_on_no_stop = False
        self.html_status = 502
        self.ignore_stream = False

    def __enter__(self) -> "FakeOpenAI":
        super().__enter__()
        return self

    # -- dispatch ------------------------------------------------------------------------------

    async def handle(self, request: RecordedRequest, response: Response) -> None:
        scenario = self.next_scenario(request)
        path = request.path.split("?")[0]
        if scenario.hang_before_headers:
            await response.stall()
            return
        if scenario.html_error_page:
            status = scenario.html_status or (scenario.status if scenario.status != 200 else self.html_status)
            await response.whole(status, HTML_ERROR_PAGE, "text/html; charset=utf-8", scenario.headers)
            return
        if self.expected_key is not None and request.header("authorization") != f"Bearer {self.expected_key}":
            message = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."
            await response.json(401, _error_body(message, "invalid_request_error", "invalid_api_key"))
            return
        if scenario.status != 200:
            await self._error(response, scenario)
            return
        if request.method == "POST" and path == "/v1/chat/completions":
            await self._chat(request, response, scenario)
        elif request.method == "GET" and path == "/v1/models":
            await self._models(response, scenario)
        else:
            await response.json(404, _error_body(f"Invalid URL ({request.method} {path})", "invalid_request_error"))

    async def _error(self, response: Response, scenario: Scenario) -> None:
        headers = dict(scenario.headers)
        if scenario.retry_after is not None:
            headers["Retry-After"] = scenario.retry_after
        error_type = scenario.error_type or _ERROR_TYPES.get(scenario.status, "api_error")
        body = _error_body(scenario.error_message, error_type, _ERROR_CODES.get(scenario.status))
        await response.json(scenario.status, body, headers)

    async def _models(self, response: Response, scenario: Scenario) -> None:
        data = [{"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "system"} for m in self.models]
        await response.json(200, {"object": "list", "data": data}, scenario.headers)

    # -- the stream ------------------------------------------------------------------------------

    async def _chat(self, request: RecordedRequest, response: Response, scenario: Scenario) -> None:
        try:
            body = request.json or {}
        except ValueError:
            await response.json(400, _error_body("We could not parse the JSON body of your request.",
                                                 "invalid_request_error"))
            return
        model = body.get("model", "gpt-4o-mini")
        if not body.get("stream") or self.ignore_stream:
            await self._whole_answer(response, scenario, model)
            return
        include_usage = self.supports_usage and bool((body.get("stream_options") or {}).get("include_usage"))
        chunk = _ChunkMaker(model, include_usage)

        await response.start(200, "text/event-stream; charset=utf-8", scenario.headers)
        await response.write(_sse(chunk.make({"role": "assistant", "content": ""})))
        for piece in scenario.thinking:  # reasoning first, as DeepSeek / vLLM / llama.cpp server send it
            await response.write(_sse(chunk.make({"content": None, "reasoning_content": piece})))
        for sent, text in enumerate(scenario.chunks):
            if await self._fault(response, scenario, sent, chunk):
                return
            await self.pause(scenario)
            await response.write(_sse(chunk.make({"content": text})))
        if await self._fault(response, scenario, len(scenario.chunks), chunk):
            return
        await self.pause(scenario)
        await response.write(_sse(chunk.make({}, finish_reason=scenario.stop_reason or "stop")))
        if include_usage:
            await response.write(_sse(chunk.usage(scenario.input_tokens, scenario.output_tokens,
                                                  scenario.reasoning_tokens or 0)))
        await response.write("data: [DONE]\n\n")
        await response.end()

    async def _fault(self, response: Response, scenario: Scenario, sent: int, chunk: _ChunkMaker) -> bool:
        """Inject the scenario's fault once `sent` text chunks are out; True when the answer is over."""
        if scenario.drop_after == sent:
            await asyncio.sleep(0.05)  # let the sent chunks reach the client before the reset
            response.drop()
            return True
        if scenario.stall_after == sent:
            await response.stall()
            return True
        if scenario.no_stop_after == sent:
            if self.done_on_no_stop:
                await response.write("data: [DONE]\n\n")
            await response.end()
            return True
        if scenario.error_event_after == sent:
            error_type = scenario.error_type or "server_error"
            await response.write(_sse(_error_body(scenario.error_message, error_type)))
            await response.end()
            return True
        if scenario.malformed_after == sent:
            # A truncated object, as a buggy proxy that splits a line would send; the server goes on.
            await response.write('data: {"id":"' + chunk.id + '","object":"chat.completion.chunk","choices":[{"ind\n\n')
        return False

    async def _whole_answer(self, response: Response, scenario: Scenario, model: str) -> None:
        text = "".join(scenario.chunks)
        await response.json(200, {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": scenario.stop_reason or "stop"}],
            "usage": _usage(scenario.input_tokens, scenario.output_tokens),
        })


class _ChunkMaker:
    def __init__(self, model: str, include_usage: bool) -> None:
        self.id = "chatcmpl-fake0001"
        self.created = int(time.time())
        self.model = model
        self.include_usage = include_usage

    def _base(self) -> dict[str, Any]:
        return {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                "system_fingerprint": "fp_fake"}

    def make(self, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        chunk = self._base()
        chunk["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]
        if self.include_usage:
            chunk["usage"] = None  # every chunk but the last carries a null usage
        return chunk

    def usage(self, prompt_tokens: int, completion_tokens: int, reasoning_tokens: int = 0) -> dict[str, Any]:
        chunk = self._base()
        chunk["choices"] = []
        chunk["usage"] = _usage(prompt_tokens, completion_tokens, reasoning_tokens)
        return chunk


def _usage(prompt_tokens: int, completion_tokens: int, reasoning_tokens: int = 0) -> dict[str, Any]:
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens, "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": reasoning_tokens}}


def _error_body(message: str, error_type: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


def _sse(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, separators=(',', ':'))}\n\n"
