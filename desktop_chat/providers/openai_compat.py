"""OpenAI and every OpenAI-compatible service (DeepSeek, OpenRouter, vLLM, LM Studio, llama.cpp
server, Ollama's /v1) through the official `openai` SDK and `config.base_url`.

What the SDK does and does not do for us, and what this module adds (see base.py's contract):
the SDK's exceptions become ChatErrors in openai_errors.py (its table says which becomes what);
a body that simply ends without a finish_reason is noticed here and is a broken stream (the SDK
says nothing), and so is a chunk that is not a chat completion chunk; a 200 that is not an event
stream (a whole JSON answer, a web page) is read here too.

The SDK's retries are off (the engine retries) and it is never left to read OPENAI_* variables:
every setting is passed explicitly.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import aclosing
from typing import Any
from urllib.parse import urlsplit

import httpx  # noqa: F401 - see below
import httpx2
import openai
from openai import AsyncOpenAI, omit

from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, ProviderEvent, TextDelta, ThinkingDelta, Usage
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import http_errors, thinking_wire, tool_wire
from desktop_chat.providers.base import ChatRequest, ModelInfo, ProviderConfig
from desktop_chat.providers.openai_errors import OpenAIErrors, is_transport_failure, looks_like_html, snippet
from desktop_chat.providers.openai_messages import chat_messages

__all__ = ["OpenAICompatProvider"]

log = logging.getLogger(__name__)

# The SDK refuses to start without *some* api_key and falls back to OPENAI_API_KEY when given
# None. For a key-less endpoint we give it this stand-in and omit the Authorization header on
# every request, so the stand-in never goes on the wire.
_NO_KEY = "no-key"

# `import httpx` above is deliberate: the SDK peeks at sys.modules["httpx"] whenever it builds a
# client (openai/_httpx2.py). While another thread is importing httpx (Ollama's provider), that
# entry is a half-initialised module and building a client fails ("partially initialized module
# 'httpx' has no attribute 'URL'"); importing it here first makes the entry complete, or waits for it.


class OpenAICompatProvider:
    """A Provider (see base.py) for one OpenAI-compatible endpoint."""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self._errors = OpenAIErrors(config)  # the SDK's failures as ChatErrors (openai_errors.py)
        self._client: AsyncOpenAI | None = None
        # Build the client now, in the pool's worker thread: building it and loading the SDK's
        # lazily imported resources takes ≈ 0.2 s, which must not happen on the window's thread.
        try:
            client = self._sdk()
            client.chat.completions, client.models  # noqa: B018 - loads them
        except errors.ConfigurationError:
            pass  # an unusable base URL: said when a request is made

    # -- the Provider contract ------------------------------------------------------------------

    async def stream(self, request: ChatRequest) -> AsyncIterator[ProviderEvent]:
        client = self._sdk()
        arguments = self._create_arguments(request)  # a part this API cannot take raises here, unsent
        try:
            sdk_stream = await client.chat.completions.create(**arguments)
        except Exception as exc:  # CancelledError is a BaseException and passes through
            raise self._errors.request_error(exc, model=request.model) from exc
        try:
            if _is_event_stream(sdk_stream.response):
                events = self._events(sdk_stream, request)
            else:
                events = self._whole_body_answer(sdk_stream.response, request)
            async with aclosing(events):
                async for event in events:
                    yield event
        finally:
            # Closing the response closes the socket, so the server stops generating now, not
            # when the garbage collector gets round to the SDK's generators.
            await sdk_stream.close()

    async def list_models(self) -> list[ModelInfo]:
        client = self._sdk()
        models: list[ModelInfo] = []
        try:
            async for model in client.models.list(extra_headers=self._request_headers()):
                if isinstance(getattr(model, "id", None), str):
                    models.append(_model_info(model))
        except Exception as exc:
            if isinstance(exc, (errors.ChatError, openai.OpenAIError)) or is_transport_failure(exc):
                raise self._errors.request_error(exc, model=None) from exc
            # The SDK hands a non-JSON 200 (a web page, another service) to the pager as text,
            # which then fails on it with an AttributeError.
            raise http_errors.cannot_connect(
                self.config.label, self.config.base_url,
                Text.of(QT_TRANSLATE_NOOP("engine", "the answer to GET /models was not an OpenAI-style model list")),
            ) from exc
        return models

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()

    # -- the request ----------------------------------------------------------------------------

    def _sdk(self) -> AsyncOpenAI:
        if self._client is None:
            _check_base_url(self.config)
            timeouts = self.config.timeouts
            try:
                self._client = AsyncOpenAI(
                    api_key=self.config.api_key or _NO_KEY,
                    base_url=self.config.base_url.strip(),
                    organization=None,
                    project=None,
                    max_retries=0,  # the engine owns retries
                    # read: no data for this long. No overall cap, a long answer may take minutes.
                    timeout=httpx2.Timeout(connect=timeouts.connect, read=timeouts.read,
                                           write=timeouts.read, pool=timeouts.connect),
                    default_headers=self._default_headers(),
                )
            except Exception as exc:
                raise errors.ConfigurationError(
                    Text.of(QT_TRANSLATE_NOOP("engine", "The settings for {provider} are not usable ({error}). "
                                                        "Check the base URL in Settings."),
                            provider=self.config.label, error=str(exc)),
                    provider=self.config.label, detail=str(exc),
                ) from exc
        return self._client

    def _default_headers(self) -> dict[str, Any]:
        # The SDK fills these from OPENAI_ORG_ID, OPENAI_PROJECT_ID and OPENAI_CUSTOM_HEADERS by
        # itself; an endpoint's settings are the app's to give, so omit whatever they would add.
        # An explicit Authorization also makes the SDK drop one from OPENAI_CUSTOM_HEADERS, which
        # would otherwise override the key.
        headers: dict[str, Any] = {name: omit for name in _env_custom_header_names()}
        headers["OpenAI-Organization"] = omit
        headers["OpenAI-Project"] = omit
        headers["Authorization"] = f"Bearer {self.config.api_key}" if self.config.api_key else omit
        return headers

    def _request_headers(self) -> dict[str, Any] | None:
        # The SDK only accepts a missing Authorization when the *request* omits it explicitly; an
        # omit in default_headers alone makes it raise TypeError (lib/_client_auth.py,
        # async_validate_headers).
        return None if self.config.api_key else {"Authorization": omit}

    def _create_arguments(self, request: ChatRequest) -> dict[str, Any]:
        messages: list[dict[str, Any]] = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages += chat_messages(request.messages, self.config.label)
        arguments: dict[str, Any] = {
            "model": request.model,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            "extra_headers": self._request_headers(),
        }
        # OpenAI deprecated max_tokens (its reasoning models reject it); compatible servers
        # mostly only know max_tokens.
        limit_name = "max_completion_tokens" if _is_openai_host(self.config.base_url) else "max_tokens"
        arguments[limit_name] = request.max_tokens
        if request.temperature is not None:
            arguments["temperature"] = request.temperature
        effort = thinking_wire.openai_reasoning_effort(request.options)
        if effort is not None:
            arguments["reasoning_effort"] = effort
        if request.tools:
            arguments["tools"] = tool_wire.openai_tools(request.tools)
        return arguments

    # -- the answer -----------------------------------------------------------------------------

    async def _events(self, sdk_stream: Any, request: ChatRequest) -> AsyncGenerator[ProviderEvent, None]:
        finish_reason: str | None = None
        usage: Usage | None = None
        while True:
            try:
                chunk = await sdk_stream.__anext__()
            except StopAsyncIteration:
                break
            except Exception as exc:
                if finish_reason is not None and is_transport_failure(exc):
                    # The answer was complete; only the usage chunk or [DONE] went missing.
                    log.info("%s: stream ended uncleanly after finish_reason: %r", self.config.label, exc)
                    break
                raise self._errors.stream_error(exc, model=request.model) from exc
            text, chunk_finish, chunk_usage = self._parse_chunk(chunk)
            reasoning = thinking_wire.openai_reasoning(chunk)
            if reasoning:
                yield ThinkingDelta(reasoning)
            if text:
                yield TextDelta(text)
            for call in tool_wire.openai_tool_deltas(chunk):
                yield call
            finish_reason = chunk_finish or finish_reason
            usage = chunk_usage or usage
        if finish_reason is None:
            raise http_errors.broken_stream(self.config.label, Text.of(QT_TRANSLATE_NOOP(
                "engine", "the server ended the answer without saying it was complete (no finish_reason)")))
        if usage is not None:
            yield usage
        yield Finished(finish_reason)

    def _parse_chunk(self, chunk: Any) -> tuple[str, str | None, Usage | None]:
        """(text, finish_reason, usage) of one chunk. Compatible servers vary: `choices` null or
        missing on the usage chunk (vLLM), usage fields absent; anything that is not a chunk at
        all is a broken stream."""
        try:
            text, finish_reason, usage = "", None, None
            raw_usage = getattr(chunk, "usage", None)
            if raw_usage is not None:
                usage = Usage(input_tokens=getattr(raw_usage, "prompt_tokens", None),
                              output_tokens=getattr(raw_usage, "completion_tokens", None),
                              reasoning_tokens=thinking_wire.openai_reasoning_tokens(raw_usage))
            for choice in getattr(chunk, "choices", None) or ():
                if getattr(choice, "index", 0) not in (0, None):
                    continue  # we never ask for n > 1
                delta = getattr(choice, "delta", None)
                text += (getattr(delta, "content", None) or "") + (getattr(delta, "refusal", None) or "")
                finish_reason = getattr(choice, "finish_reason", None) or finish_reason
            if not (finish_reason is None or isinstance(finish_reason, str)):
                raise TypeError(f"finish_reason {finish_reason!r}")
        except Exception as exc:
            raise http_errors.broken_stream(self.config.label, Text.of(
                QT_TRANSLATE_NOOP("engine", "the server sent something that is not a chat completion chunk ({error})"),
                error=str(exc),
            )) from exc
        return text, finish_reason, usage

    async def _whole_body_answer(
        self, response: httpx2.Response, request: ChatRequest
    ) -> AsyncGenerator[ProviderEvent, None]:
        """A 200 that is not an event stream: a server that ignored `stream`, or a web page."""
        try:
            body = (await response.aread()).decode("utf-8", "replace")
        except Exception as exc:
            raise self._errors.stream_error(exc, model=request.model) from exc
        if looks_like_html(response, body):
            raise http_errors.web_page_instead_of_api(self.config.label, self.config.base_url,
                                                      http_errors.html_title(body))
        try:
            data = json.loads(body)
        except ValueError:
            raise http_errors.broken_stream(self.config.label, Text.of(
                QT_TRANSLATE_NOOP("engine", "the server answered with something that is not the API's format: {body}"),
                body=snippet(body),
            )) from None
        if isinstance(data, Mapping) and "error" in data:
            raise self._errors.error_object(data["error"], model=request.model)
        try:
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
            reasoning = choice["message"].get("reasoning_content") or choice["message"].get("reasoning") or ""
            finish_reason = choice.get("finish_reason")
            usage = data.get("usage") or None
        except (KeyError, IndexError, TypeError, AttributeError):
            raise http_errors.broken_stream(
                self.config.label, Text.of(QT_TRANSLATE_NOOP("engine", "the answer had no choices"))
            ) from None
        if isinstance(reasoning, str) and reasoning:
            yield ThinkingDelta(reasoning)
        if text:
            yield TextDelta(text)
        if not finish_reason:
            raise http_errors.broken_stream(
                self.config.label, Text.of(QT_TRANSLATE_NOOP("engine", "the answer ended without a finish_reason"))
            )
        if isinstance(usage, Mapping):
            yield Usage(usage.get("prompt_tokens"), usage.get("completion_tokens"),
                        thinking_wire.openai_reasoning_tokens(usage))
        yield Finished(finish_reason)

# -- helpers --------------------------------------------------------------------------------------


def _is_openai_host(base_url: str) -> bool:
    host = (urlsplit(base_url).hostname or "").lower()
    return host == "api.openai.com" or host.endswith(".api.openai.com")  # incl. regional eu./us.


def _check_base_url(config: ProviderConfig) -> None:
    """Refuse, before anything is sent, a base URL the transport would fail on obscurely."""
    parts = urlsplit(config.base_url.strip())
    try:
        parts.port  # noqa: B018 - raises ValueError when out of range
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        usable = False
    if not usable:
        if config.base_url:
            text = Text.of(QT_TRANSLATE_NOOP("engine", "The base URL for {provider} ({url}) is not a web address. "
                                                       "Enter one like http://localhost:1234/v1 or "
                                                       "https://api.openai.com/v1 in Settings."),
                           provider=config.label, url=config.base_url)
        else:
            text = Text.of(QT_TRANSLATE_NOOP("engine", "The base URL for {provider} (empty) is not a web address. "
                                                       "Enter one like http://localhost:1234/v1 or "
                                                       "https://api.openai.com/v1 in Settings."),
                           provider=config.label)
        raise errors.ConfigurationError(text, provider=config.label, detail=config.base_url)


def _env_custom_header_names() -> list[str]:
    """Header names the SDK would add from OPENAI_CUSTOM_HEADERS ("Name: value" lines)."""
    raw = os.environ.get("OPENAI_CUSTOM_HEADERS") or ""
    return [line.split(":", 1)[0].strip() for line in raw.split("\n") if ":" in line and line.split(":", 1)[0].strip()]


def _is_event_stream(response: httpx2.Response) -> bool:
    # Some servers omit or misstate the header on a stream: only a clearly different answer
    # (a whole JSON body, a web page) leaves the SSE path.
    content_type = response.headers.get("content-type", "").lower()
    return "event-stream" in content_type or not ("json" in content_type or "html" in content_type)


def _model_info(model: Any) -> ModelInfo:
    extra = dict(getattr(model, "model_extra", None) or {})
    name = extra.get("name")
    context = extra.get("context_length") or extra.get("max_model_len")
    return ModelInfo(
        id=model.id,
        display_name=name if isinstance(name, str) else None,
        context_length=context if isinstance(context, int) else None,
        details={"owned_by": getattr(model, "owned_by", None), **extra},
    )
