"""The tool loop of one turn: offer the tools, run the calls the model makes, send the results back.

The engine (chat/engine.py) asks for the tools before the first request (``offer``) and, after
each answer, lets ``run_rounds`` take over while the model has called tools:

1. the calls of the round (ToolCallDelta pieces joined by ToolCalls) are checked against the
   tools offered; arguments that are not a JSON object, or an unknown tool, go back as a tool error;
2. each call is asked about: a tool the user always allows runs; otherwise the front end's
   approval policy decides (no policy: denied) — "always" is remembered in mcp.json, a denial
   goes back to the model as an error result ("the user denied it");
3. the calls run one after another (the user approves them in order), each as a
   ToolCallStarted / ToolCallFinished pair; a failure of the tool is an error result, shown;
4. the assistant turn (its reasoning with signatures, its text, its calls: in that order, as
   Anthropic requires) and a user turn with the results are appended to the request, and the
   model is asked again — until it answers without calling a tool, or the round limit
   (Settings.tool_round_limit) stops the turn with a clear message.

Stop cancels the task: a running call is cancelled with it (the SDK tells the server), and the
answer keeps what it had, stopped. Every round is saved with the answer as parts: text, calls,
results (with durations), so that the window shows the cards when the conversation is reopened.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_chat import config

from desktop_chat.chat.events import ToolCallFinished, ToolCallStarted, ToolNotice
from desktop_chat.chat.reasoning import resendable
from desktop_chat.domain import errors
from desktop_chat.domain.events import TextDelta, ToolCallDelta
from desktop_chat.domain.messages import ChatMessage
from desktop_chat.domain.parts import RequestPart, TextPart, ThinkingPart, ToolCallPart, ToolResultPart
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import capabilities

if TYPE_CHECKING:
    from desktop_chat.chat.answer_in_progress import AnswerInProgress, EventSink
    from desktop_chat.chat.engine import ChatEngine
    from desktop_chat.config import Endpoint
    from desktop_chat.providers.base import ChatRequest
    from desktop_chat.tools.sessions import ToolBox

log = logging.getLogger(__name__)


def mcp_path() -> Path:
    """The user's MCP servers file (the window and `desktop-chat mcp` edit the same one)."""
    from desktop_chat.tools.servers import FILE_NAME

    return config.config_dir() / FILE_NAME


def tool_box() -> ToolBox:
    """The servers of mcp.json, their secret environment values read from the keyring."""
    from desktop_chat.tools.sessions import ToolBox

    return ToolBox(mcp_path(), secret_lookup=secret_value)


def secret_value(server: str, name: str) -> str | None:
    """A secret environment value of a server (keyring account ``mcp:SERVER:NAME``). Blocking."""
    from desktop_chat import secrets

    return secrets.get_secret(secret_account(server, name))


def secret_account(server: str, name: str) -> str:
    return f"mcp:{server}:{name}"

DEFAULT_ROUND_LIMIT = 10
DENIED = "The user denied this tool call."
ROUND_SEPARATOR = "\n\n"


class RoundLimitReached(errors.ChatError):
    """The model kept calling tools past the limit of rounds per turn."""


class ToolCalls:
    """The calls of one answer, joined from ToolCallDelta pieces. (The round's reasoning is the
    turn's: chat/reasoning.py keeps it, block by block, signatures unchanged.)"""

    def __init__(self) -> None:
        self._calls: list[dict[str, Any]] = []
        self._by_index: dict[int, dict[str, Any]] = {}

    def add(self, delta: ToolCallDelta) -> None:
        current = self._by_index.get(delta.index)
        if delta.call_id is not None and (current is None or current["id"] != delta.call_id):
            current = {"id": delta.call_id, "name": delta.name or "", "arguments": []}
            self._calls.append(current)
            self._by_index[delta.index] = current
        if current is None:  # a piece before its call's start: nothing to join it to
            return
        if delta.name and not current["name"]:
            current["name"] = delta.name
        current["arguments"].append(delta.arguments)

    @property
    def pending(self) -> bool:
        return bool(self._calls)

    def take(self) -> list[tuple[ToolCallPart, str | None]]:
        """This round's calls (each with why its arguments cannot be used, or None); resets."""
        calls = [_parsed(c) for c in self._calls]
        self._calls, self._by_index = [], {}
        return calls


def _parsed(call: dict[str, Any]) -> tuple[ToolCallPart, str | None]:
    raw = "".join(call["arguments"]).strip()
    try:
        arguments = json.loads(raw) if raw else {}
    except ValueError as exc:
        return ToolCallPart(call["id"], call["name"], {}), f"The arguments were not valid JSON ({exc}): {raw[:500]}"
    if not isinstance(arguments, dict):
        return ToolCallPart(call["id"], call["name"], {}), f"The arguments must be a JSON object, not: {raw[:500]}"
    return ToolCallPart(call["id"], call["name"], arguments), None


async def offer(engine: ChatEngine, request: ChatRequest, endpoint: Endpoint, turn: AnswerInProgress,
                on_event: EventSink) -> ChatRequest:
    """*request* with the tools of the user's enabled servers, if the model can call tools."""
    box = engine.tools
    # No approval policy: a front end with no one to ask (the local API server) offers no tools.
    if box is None or engine.approval is None or not await asyncio.to_thread(box.has_servers):
        return request
    notice = _notifier(turn, on_event)
    if not await _can_call_tools(engine, endpoint, request.model):
        notice(Text.of(QT_TRANSLATE_NOOP(
            "engine", "{model} on {provider} cannot call tools, so your MCP tools were not offered to it."),
            model=request.model, provider=endpoint.label))
        return request
    tools, failures = await box.tools()
    for failure in failures:
        notice(failure.text)
    if not tools:
        return request
    return dataclasses.replace(request, tools=tuple(t.spec() for t in tools))


async def _can_call_tools(engine: ChatEngine, endpoint: Endpoint, model: str) -> bool:
    """The model's declared capability; where the family reports it per model (Ollama's
    /api/show `capabilities`), what the service says about this model."""
    if capabilities(endpoint.kind, model).tools:
        return True
    provider = await engine.pool.provider(endpoint)
    show = getattr(provider, "show", None)  # a provider that describes one model
    if show is None:
        return False
    try:
        info = await show(model)
    except errors.ChatError:
        return False  # the request itself will say what is wrong with the model or service
    return capabilities(endpoint.kind, model, info).tools


async def run_rounds(engine: ChatEngine, endpoint: Endpoint, request: ChatRequest, turn: AnswerInProgress,
                     on_event: EventSink) -> None:
    """Run the model's tool calls and ask it again, while it calls tools (see the module docstring)."""
    box = engine.tools
    limit = max(1, int(getattr(engine.settings, "tool_round_limit", DEFAULT_ROUND_LIMIT)))
    rounds = 0
    while turn.tool_calls.pending and box is not None and request.tools:
        if rounds >= limit:
            turn.tool_calls.take()
            raise RoundLimitReached(Text.of(QT_TRANSLATE_NOOP(
                "engine", "Stopped after {rounds} rounds of tool calls, the limit for one answer (Settings › "
                          "Tools). Ask again to let the model carry on."), rounds=limit))
        rounds += 1
        calls = turn.tool_calls.take()
        # The round's reasoning goes back with its calls only where the provider requires it
        # (Anthropic: signed and redacted blocks, unchanged); the answer stores it once, as the
        # turn's reasoning, so the tool parts below leave it out.
        thinking = resendable(turn.take_round_reasoning(), capabilities(endpoint.kind, request.model))
        text = turn.take_round_text()
        if text.strip():  # the next round's words start a paragraph of their own
            turn.separate_round()
            on_event(TextDelta(ROUND_SEPARATOR))
        assistant: list[RequestPart] = [*thinking]
        if text.strip():
            assistant.append(TextPart(text))
        assistant += [call for call, _ in calls]
        turn.add_tool_parts([part for part in assistant if not isinstance(part, ThinkingPart)])
        results: list[RequestPart] = []
        for call, problem in calls:
            result = await _run_one(engine, box, turn, call, problem, on_event)
            results.append(result)
            turn.add_tool_parts([result])
        turn.save_tool_parts()
        request = dataclasses.replace(request, messages=[
            *request.messages, ChatMessage("assistant", tuple(assistant)), ChatMessage("user", tuple(results))])
        await engine._attempts(endpoint, request, turn, on_event)


async def _run_one(engine: ChatEngine, box: ToolBox, turn: AnswerInProgress, call: ToolCallPart, problem: str | None,
                   on_event: EventSink) -> ToolResultPart:
    from desktop_chat.tools.approval import Decision, DenyAll, ToolRequest
    from desktop_chat.tools.naming import split_display

    conversation_id, message_id = turn.answer.conversation_id, turn.message_id
    info = box.find(call.name)
    server, tool = (info.server, info.name) if info is not None else split_display(call.name)

    def finished(content: str, is_error: bool, duration_ms: float | None = None) -> ToolResultPart:
        result = ToolResultPart(call.call_id, content, is_error=is_error, duration_ms=duration_ms)
        on_event(ToolCallFinished(conversation_id, message_id, call, result, server, tool))
        return result

    if info is None:
        return finished(f"There is no tool called {call.name}.", True)
    if problem is not None:
        return finished(problem, True)
    if not box.always_allowed(server, tool):
        policy = engine.approval or DenyAll()
        decision = await policy.decide(ToolRequest(server, tool, call.arguments, info.description, conversation_id))
        if decision == Decision.DENY:
            log.info("tool call denied: %s/%s", server, tool)
            return finished(DENIED, True)
        if decision == Decision.ALWAYS:
            await asyncio.to_thread(box.remember, server, tool)
    on_event(ToolCallStarted(conversation_id, message_id, call, server, tool))
    outcome = await box.call(info, call.arguments)
    log.info("tool call %s/%s: %s in %.0f ms", server, tool, "error" if outcome.is_error else "ok", outcome.duration_ms)
    return finished(outcome.text, outcome.is_error, outcome.duration_ms)


def _notifier(turn: AnswerInProgress, on_event: EventSink) -> Any:
    def notice(text: Text) -> None:
        log.info("tools: %s", text.english())
        on_event(ToolNotice(turn.answer.conversation_id, turn.message_id, text))

    return notice
