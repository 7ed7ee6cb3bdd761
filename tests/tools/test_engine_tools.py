"""The tool loop end to end: real providers and SDKs against the loopback fakes (tool calls in
each wire format, arguments in pieces, two calls in one turn), a real MCP server over stdio."""

from __future__ import annotations

import asyncio
import json

import pytest

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.chat.events import ToolCallFinished, ToolCallStarted, ToolNotice
from desktop_chat.domain.events import TextDelta
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.domain.parts import TextPart, ThinkingPart, ToolCallPart, ToolResultPart
from desktop_chat.store import Store
from desktop_chat.tools import servers
from desktop_chat.tools.approval import Decision
from desktop_chat.chat.tool_rounds import mcp_path, tool_box
from tests.fakes.loopback import FakeToolCall, Scenario
from tests.tools.helpers import Asker, configure, stdio_server
from tests.wiring import FAMILIES, chat_path, fake_for, settings_for


@pytest.fixture
def store():
    with Store(config.database_path()) as store:
        yield store


class Events(list):
    def of(self, kind):
        return [e for e in self if isinstance(e, kind)]


def _settings(family, fake):
    settings = settings_for(family, fake)
    if family == "openai":
        settings.default_models["openai"] = "gpt-4o-mini"  # a family known to call tools
    return settings


def _tool_results_sent(family: str, body: dict) -> dict[str, tuple[str, bool]]:
    """call id (or tool name for Ollama) -> (content, is_error) of the results in a request body."""
    out: dict[str, tuple[str, bool]] = {}
    for message in body["messages"]:
        if family == "anthropic" and isinstance(message.get("content"), list):
            for block in message["content"]:
                if block.get("type") == "tool_result":
                    out[block["tool_use_id"]] = (block["content"], block.get("is_error", False))
        elif message.get("role") == "tool":
            key = message.get("tool_call_id") or message.get("tool_name")
            out[key] = (message["content"], False)
    return out


@pytest.mark.parametrize("family", FAMILIES)
async def test_two_calls_in_one_turn_run_and_their_results_go_back(family, store):
    configure(stdio_server())
    calls = [FakeToolCall("calc__add", {"a": 2, "b": 40}, call_id="c1", pieces=4),
             FakeToolCall("calc__echo", {"text": "你好, world"}, call_id="c2", pieces=3)]
    with fake_for(family) as fake:
        fake.faults_only_on = chat_path(family)  # Ollama's /api/show (does it call tools?) takes none
        fake.enqueue(Scenario(chunks=["Let me ", "check."], tool_calls=calls),
                     Scenario(chunks=["The sum is ", "42."]))
        asker = Asker(Decision.ALLOW_ONCE, Decision.ALLOW_ONCE)
        engine = ChatEngine(store, _settings(family, fake), tools=tool_box(), approval=asker)
        events = Events()
        try:
            result = await engine.send(None, "add 2 and 40", on_event=events.append)
        finally:
            await engine.aclose()
        requests = fake.requests_to(chat_path(family))

    assert result.ok, result.error
    assert result.message.status == MessageStatus.COMPLETE
    assert result.message.text == "Let me check.\n\nThe sum is 42."
    # the first request offered the server's tools by their model-facing names
    offered = requests[0].json["tools"]
    names = {t.get("name") or t["function"]["name"] for t in offered}
    assert {"calc__add", "calc__echo", "calc__shout"} <= names
    # the user was asked about both, in order, with the arguments as the model streamed them
    assert [(r.server, r.tool, r.arguments) for r in asker.asked] == [
        ("calc", "add", {"a": 2, "b": 40}), ("calc", "echo", {"text": "你好, world"})]
    # the results went back in the second request
    sent = _tool_results_sent(family, requests[1].json)
    if family == "ollama":
        assert sent == {"calc__add": ("42", False), "calc__echo": ("你好, world", False)} or \
            sorted(v[0] for v in sent.values()) == ["42", "你好, world"]
    else:
        assert sent["c1"][0] == "42" and sent["c2"][0] == "你好, world"
        assert not sent["c1"][1] and not sent["c2"][1]
    # events for the window, and the parts stored with the answer
    finished = events.of(ToolCallFinished)
    assert [(e.server, e.tool, e.result.content) for e in finished] == [("calc", "add", "42"),
                                                                         ("calc", "echo", "你好, world")]
    assert all(e.result.duration_ms is not None for e in finished)
    assert len(events.of(ToolCallStarted)) == 2
    parts = store.get_message(result.message.id).typed_parts
    assert parts[0] == TextPart("Let me check.")
    assert [type(p) for p in parts[1:]] == [ToolCallPart, ToolCallPart, ToolResultPart, ToolResultPart]
    assert parts[1].arguments == {"a": 2, "b": 40}


async def test_anthropic_sends_the_assistant_turn_back_with_its_tool_use_blocks(store):
    configure(stdio_server())
    with fake_for("anthropic") as fake:
        fake.enqueue(Scenario(chunks=["Checking."], tool_calls=[FakeToolCall("calc__add", {"a": 1, "b": 1})]),
                     Scenario(chunks=["2"]))
        engine = ChatEngine(store, _settings("anthropic", fake), tools=tool_box(), approval=Asker(Decision.ALLOW_ONCE))
        try:
            result = await engine.send(None, "1+1?")
        finally:
            await engine.aclose()
        second = fake.requests_to("/v1/messages")[1].json
    assert result.ok, result.error
    assistant = second["messages"][1]
    assert assistant["role"] == "assistant"
    assert [b["type"] for b in assistant["content"]] == ["text", "tool_use"]
    assert assistant["content"][1]["input"] == {"a": 1, "b": 1}
    assert second["messages"][2]["content"][0]["type"] == "tool_result"


async def test_reasoning_goes_back_with_a_tool_round_only_where_the_provider_needs_it(store):
    """Anthropic: the round's signed and redacted thinking blocks go back first, unchanged; an
    OpenAI-compatible server gets none back (it would refuse them); either way the answer stores
    each block of reasoning once, with the calls and results after it."""
    configure(stdio_server())
    with fake_for("anthropic") as fake:
        fake.enqueue(Scenario(chunks=["Checking."], thinking=["Add ", "them."], signature="sig==",
                              redacted_thinking="opaque==", tool_calls=[FakeToolCall("calc__add", {"a": 1, "b": 1})]),
                     Scenario(chunks=["2"]))
        engine = ChatEngine(store, _settings("anthropic", fake), tools=tool_box(), approval=Asker(Decision.ALLOW_ONCE))
        try:
            result = await engine.send(None, "1+1?")
        finally:
            await engine.aclose()
        second = fake.requests_to("/v1/messages")[1].json
    assert result.ok, result.error
    blocks = second["messages"][1]["content"]
    assert [b["type"] for b in blocks] == ["thinking", "redacted_thinking", "text", "tool_use"]
    assert blocks[0]["thinking"] == "Add them." and blocks[0]["signature"] == "sig=="
    assert blocks[1]["data"] == "opaque=="
    stored = store.get_message(result.message.id).typed_parts
    thinking = [p for p in stored if isinstance(p, ThinkingPart)]
    assert [(p.text, p.redacted) for p in thinking] == [("Add them.", False), ("opaque==", True)]
    assert [type(p) for p in stored[len(thinking):]] == [TextPart, ToolCallPart, ToolResultPart]

    with fake_for("openai") as fake:
        fake.enqueue(Scenario(chunks=["Checking."], thinking=["Add ", "them."],
                              tool_calls=[FakeToolCall("calc__add", {"a": 1, "b": 1})]),
                     Scenario(chunks=["2"]))
        engine = ChatEngine(store, _settings("openai", fake), tools=tool_box(), approval=Asker(Decision.ALLOW_ONCE))
        try:
            result = await engine.send(None, "1+1?")
        finally:
            await engine.aclose()
        second = fake.requests_to(chat_path("openai"))[1].json
    assert result.ok, result.error
    assert result.message.text == "Checking.\n\n2"
    assistant = second["messages"][-2]
    assert assistant["role"] == "assistant" and "reasoning_content" not in assistant
    assert [p.text for p in store.get_message(result.message.id).typed_parts if isinstance(p, ThinkingPart)] == \
        ["Add them."]


async def test_deny_tells_the_model_and_runs_nothing(store):
    configure(stdio_server())
    with fake_for("anthropic") as fake:
        fake.enqueue(Scenario(chunks=["Hm."], tool_calls=[FakeToolCall("calc__count_calls", {}, call_id="d1")]),
                     Scenario(chunks=["OK, I won't."]))
        engine = ChatEngine(store, _settings("anthropic", fake), tools=tool_box(), approval=Asker(Decision.DENY))
        events = Events()
        try:
            result = await engine.send(None, "count", on_event=events.append)
        finally:
            await engine.aclose()
        sent = _tool_results_sent("anthropic", fake.requests_to("/v1/messages")[1].json)
    assert result.ok
    assert sent["d1"] == ("The user denied this tool call.", True)
    assert events.of(ToolCallStarted) == []
    assert events.of(ToolCallFinished)[0].result.is_error


async def test_without_an_approval_policy_no_tools_are_offered(store):
    """A front end with no one to ask (the local API server) gets no tools: nothing could run."""
    configure(stdio_server())
    with fake_for("anthropic") as fake:
        engine = ChatEngine(store, _settings("anthropic", fake), tools=tool_box())  # no approval policy
        try:
            result = await engine.send(None, "add")
        finally:
            await engine.aclose()
        assert "tools" not in fake.requests_to("/v1/messages")[0].json
    assert result.ok


async def test_always_allow_is_remembered_across_a_restart_and_can_be_revoked(store):
    configure(stdio_server())
    call = [FakeToolCall("calc__add", {"a": 1, "b": 2})]
    with fake_for("anthropic") as fake:
        fake.enqueue(Scenario(chunks=["a"], tool_calls=call), Scenario(chunks=["3"]),
                     Scenario(chunks=["b"], tool_calls=call), Scenario(chunks=["3"]),
                     Scenario(chunks=["c"], tool_calls=call), Scenario(chunks=["3"]))
        settings = _settings("anthropic", fake)
        first = Asker(Decision.ALWAYS)
        engine = ChatEngine(store, settings, tools=tool_box(), approval=first)
        try:
            await engine.send(None, "one")
        finally:
            await engine.aclose()
        assert servers.load(mcp_path()).get("calc").always_allow == ("add",)  # persisted in mcp.json
        # a new engine and toolbox (the app restarted): not asked again
        second = Asker()
        engine = ChatEngine(store, settings, tools=tool_box(), approval=second)
        try:
            result = await engine.send(None, "two")
            assert second.asked == [] and result.ok
            assert _tool_results_sent("anthropic", fake.requests_to("/v1/messages")[3].json) != {}
            assert list(_tool_results_sent("anthropic", fake.requests_to("/v1/messages")[3].json).values())[0][0] == "3"
            # revoked: asked again
            assert engine.tools.revoke("calc", "add")
            await engine.send(None, "three")
            assert len(second.asked) == 1
        finally:
            await engine.aclose()
    assert servers.load(mcp_path()).get("calc").always_allow == ()


async def test_a_tool_error_goes_back_as_an_error_and_is_shown(store):
    configure(stdio_server())
    with fake_for("openai") as fake:
        fake.enqueue(Scenario(chunks=["Try."], tool_calls=[FakeToolCall("calc__shout", {"text": "hi"}, call_id="e1")]),
                     Scenario(chunks=["It failed."]))
        events = Events()
        engine = ChatEngine(store, _settings("openai", fake), tools=tool_box(), approval=Asker(Decision.ALLOW_ONCE))
        try:
            result = await engine.send(None, "shout", on_event=events.append)
        finally:
            await engine.aclose()
    assert result.ok
    shown = events.of(ToolCallFinished)[0].result
    assert shown.is_error and "shout" in shown.content


async def test_invalid_json_arguments_and_unknown_tools_go_back_as_errors(store):
    configure(stdio_server())
    with fake_for("anthropic") as fake:
        fake.enqueue(Scenario(chunks=["x"], tool_calls=[FakeToolCall("calc__nothing", {}, call_id="u1")]),
                     Scenario(chunks=["ok"]))
        engine = ChatEngine(store, _settings("anthropic", fake), tools=tool_box(), approval=Asker(Decision.ALLOW_ONCE))
        try:
            await engine.send(None, "x")
        finally:
            await engine.aclose()
        sent = _tool_results_sent("anthropic", fake.requests_to("/v1/messages")[1].json)
    assert sent["u1"] == ("There is no tool called calc__nothing.", True)


async def test_the_round_limit_stops_the_turn_with_a_clear_message(store):
    configure(stdio_server())
    loop_call = [FakeToolCall("calc__add", {"a": 1, "b": 1})]
    with fake_for("anthropic") as fake:
        fake.enqueue(*[Scenario(chunks=[f"r{i} "], tool_calls=loop_call) for i in range(5)])
        settings = _settings("anthropic", fake)
        settings.tool_round_limit = 3
        engine = ChatEngine(store, settings, tools=tool_box(), approval=Asker(*[Decision.ALLOW_ONCE] * 5))
        try:
            result = await engine.send(None, "loop")
        finally:
            await engine.aclose()
        assert len(fake.requests_to("/v1/messages")) == 4  # the first answer and 3 rounds
    assert not result.ok
    assert "Stopped after 3 rounds of tool calls" in result.error.message
    assert result.message.text == "r0 \n\nr1 \n\nr2 \n\nr3 "
    stored = store.get_message(result.message.id)
    assert sum(isinstance(p, ToolResultPart) for p in stored.typed_parts) == 3


async def test_stop_during_a_running_tool_cancels_it_and_the_turn(store):
    configure(stdio_server())
    with fake_for("anthropic") as fake:
        fake.enqueue(Scenario(chunks=["Waiting."], tool_calls=[FakeToolCall("calc__slow", {"seconds": 30})]))
        events = Events()
        engine = ChatEngine(store, _settings("anthropic", fake), tools=tool_box(), approval=Asker(Decision.ALLOW_ONCE))
        task = asyncio.create_task(engine.send(None, "slow", on_event=events.append))
        try:
            for _ in range(400):
                if events.of(ToolCallStarted):
                    break
                await asyncio.sleep(0.025)
            assert events.of(ToolCallStarted), "the tool never started"
            started = asyncio.get_running_loop().time()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert asyncio.get_running_loop().time() - started < 2.0
        finally:
            await engine.aclose()
        assert len(fake.requests_to("/v1/messages")) == 1
    answer = [m for m in store.list_messages(store.list_conversations()[0].id) if m.role == "assistant"][0]
    assert answer.status == MessageStatus.STOPPED
    assert answer.text == "Waiting."


async def test_a_server_that_does_not_start_is_explained_and_the_turn_goes_on(store):
    configure(stdio_server(), stdio_server("broken", mode="crash"))
    with fake_for("anthropic") as fake:
        events = Events()
        engine = ChatEngine(store, _settings("anthropic", fake), tools=tool_box(), approval=Asker())
        try:
            result = await engine.send(None, "hi", on_event=events.append)
        finally:
            await engine.aclose()
        offered = {t["name"] for t in fake.requests_to("/v1/messages")[0].json["tools"]}
    assert result.ok and "calc__add" in offered and not any(n.startswith("broken") for n in offered)
    notice = events.of(ToolNotice)[0].text.english()
    assert "broken" in notice and "cannot open database" in notice


async def test_a_model_that_cannot_call_tools_is_named(store):
    configure(stdio_server())
    with fake_for("openai") as fake:
        settings = settings_for("openai", fake)
        settings.default_models["openai"] = "my-plain-model"
        events = Events()
        engine = ChatEngine(store, settings, tools=tool_box(), approval=Asker())
        try:
            result = await engine.send(None, "hi", on_event=events.append)
        finally:
            await engine.aclose()
        assert "tools" not in fake.requests_to("/chat/completions")[0].json
    assert result.ok
    assert "my-plain-model on OpenAI cannot call tools" in events.of(ToolNotice)[0].text.english()


async def test_without_servers_nothing_changes(store):
    with fake_for("anthropic") as fake:
        engine = ChatEngine(store, _settings("anthropic", fake), tools=tool_box(), approval=Asker())
        events = Events()
        try:
            result = await engine.send(None, "hi", on_event=events.append)
        finally:
            await engine.aclose()
        assert "tools" not in fake.requests_to("/v1/messages")[0].json
    assert result.ok and events.of(ToolNotice) == [] and "".join(e.text for e in events.of(TextDelta)) == "Hello, world!"


async def test_tool_calls_are_exported_in_json_and_summarised_in_markdown(store):
    from desktop_chat.store import exchange

    configure(stdio_server())
    with fake_for("anthropic") as fake:
        fake.enqueue(Scenario(chunks=["Adding."], tool_calls=[FakeToolCall("calc__add", {"a": 1, "b": 2}, call_id="m1"),
                                                            FakeToolCall("calc__shout", {"text": "x"}, call_id="m2")]),
                     Scenario(chunks=["3"]))
        engine = ChatEngine(store, _settings("anthropic", fake), tools=tool_box(), approval=Asker(Decision.ALLOW_ONCE,
                                                                                               Decision.ALLOW_ONCE))
        try:
            await engine.send(None, "1+2")
        finally:
            await engine.aclose()
    markdown = exchange.export_markdown(store)
    assert "- Tool call: calc/add (done in " in markdown and "- Tool call: calc/shout (error)" in markdown
    exported = json.dumps(exchange.export_json(store))
    assert '"tool_call"' in exported and '"tool_result"' in exported and '"duration_ms"' in exported
