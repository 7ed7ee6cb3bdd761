"""Joining streamed tool-call pieces (chat/tool_rounds.ToolCalls) and the assistant turn a tool
round sends back: reasoning with its signature first, then text, then the calls (Anthropic's rule)."""

from __future__ import annotations

from desktop_chat.chat.reasoning import ReasoningAccumulator, resendable
from desktop_chat.chat.tool_rounds import ToolCalls
from desktop_chat.domain.events import ThinkingDelta, ToolCallDelta
from desktop_chat.domain.messages import ChatMessage
from desktop_chat.domain.parts import TextPart, ToolCallPart, ToolResultPart
from desktop_chat.domain.tool_specs import ToolSpec
from desktop_chat.providers import capabilities
from desktop_chat.providers.anthropic import _message_params
from desktop_chat.providers.base import ChatRequest
from desktop_chat.providers.ollama_wire import chat_body
from desktop_chat.providers.openai_messages import chat_messages
from desktop_chat.tools import naming


def test_pieces_of_two_calls_interleaved_are_joined_by_index():
    calls = ToolCalls()
    calls.add(ToolCallDelta(0, call_id="a", name="s__one"))
    calls.add(ToolCallDelta(1, call_id="b", name="s__two"))
    calls.add(ToolCallDelta(0, arguments='{"x": '))
    calls.add(ToolCallDelta(1, arguments='{"y": [1,'))
    calls.add(ToolCallDelta(0, arguments='"中"}'))
    calls.add(ToolCallDelta(1, arguments=' 2]}'))
    taken = calls.take()
    assert taken == [(ToolCallPart("a", "s__one", {"x": "中"}), None), (ToolCallPart("b", "s__two", {"y": [1, 2]}), None)]
    assert not calls.pending  # reset for the next round


def test_a_new_call_id_at_an_index_starts_a_new_call_and_bad_json_is_reported():
    calls = ToolCalls()
    calls.add(ToolCallDelta(0, arguments="{}", call_id="a", name="s__one"))
    calls.add(ToolCallDelta(0, arguments="[1]", call_id="b", name="s__two"))  # Ollama numbers per chunk
    calls.add(ToolCallDelta(5, arguments='{"lost": 1}'))  # a piece with no start: dropped
    taken = calls.take()
    assert taken[0] == (ToolCallPart("a", "s__one", {}), None)
    assert taken[1][0] == ToolCallPart("b", "s__two", {}) and "must be a JSON object" in taken[1][1]
    calls.add(ToolCallDelta(0, arguments='{"x": ', call_id="c", name="s__one"))
    assert "not valid JSON" in calls.take()[0][1]


def test_reasoning_with_its_signature_goes_back_first_in_the_assistant_turn():
    reasoning = ReasoningAccumulator()  # the turn's reasoning, as chat/engine.py keeps it
    reasoning.add(ThinkingDelta("I should add "))
    reasoning.add(ThinkingDelta("them.", signature="sig-part-1"))
    reasoning.add(ThinkingDelta("", signature="-part-2"))
    reasoning.add(ThinkingDelta("opaque==", redacted=True))
    thinking = resendable(reasoning.parts(), capabilities("anthropic", "claude-x"))
    assert [(p.text, p.signature, p.redacted) for p in thinking] == [
        ("I should add them.", "sig-part-1-part-2", False), ("opaque==", None, True)]
    # Other providers take no reasoning back (openai_messages would refuse it).
    assert resendable(reasoning.parts(), capabilities("openai", "gpt-4o")) == []
    calls = ToolCalls()
    calls.add(ToolCallDelta(1, arguments='{"a": 1}', call_id="toolu_1", name="calc__add"))
    taken = calls.take()
    assistant = ChatMessage("assistant", (*thinking, TextPart("Adding."), taken[0][0]))
    results = ChatMessage("user", (ToolResultPart("toolu_1", "2"),))
    params = _message_params(ChatRequest("claude-x", [ChatMessage.of("user", "1+1"), assistant, results],
                                         tools=[ToolSpec("calc__add", "Add", {"type": "object"})]), "Anthropic")
    blocks = params["messages"][1]["content"]
    assert [b["type"] for b in blocks] == ["thinking", "redacted_thinking", "text", "tool_use"]
    assert blocks[0]["signature"] == "sig-part-1-part-2"
    assert params["messages"][2]["content"][0] == {"type": "tool_result", "tool_use_id": "toolu_1", "content": "2",
                                                   "is_error": False}
    assert params["tools"] == [{"name": "calc__add", "description": "Add", "input_schema": {"type": "object"}}]


def test_openai_and_ollama_wire_shapes_of_a_tool_round():
    assistant = ChatMessage("assistant", (TextPart("Adding."), ToolCallPart("c1", "calc__add", {"a": 1})))
    results = ChatMessage("user", (ToolResultPart("c1", "2"),))
    sent = chat_messages([ChatMessage.of("user", "1+1"), assistant, results], "OpenAI")
    assert sent[1]["tool_calls"] == [{"id": "c1", "type": "function",
                                      "function": {"name": "calc__add", "arguments": '{"a": 1}'}}]
    assert sent[2] == {"role": "tool", "tool_call_id": "c1", "content": "2"}
    body = chat_body(ChatRequest("llama3.2", [ChatMessage.of("user", "1+1"), assistant, results],
                                 tools=[ToolSpec("calc__add")]))
    assert body["tools"][0]["function"]["name"] == "calc__add"
    assert body["messages"][2] == {"role": "tool", "content": "2", "tool_name": "calc__add"}


def test_model_facing_names_fit_the_apis_rules():
    assert naming.model_name("my files", "read.file") == "my_files__read_file"
    assert len(naming.model_name("s" * 40, "t" * 40)) == 64
    assert naming.split_display("my_files__read_file") == ("my_files", "read_file")
