"""Reasoning end to end: each wire format's reasoning streams from the loopback fakes through the
real SDKs and the engine, is stored as its own part (never in the answer's text), is timed and
counted, goes out with the setting the model takes, and is not sent back on the next turn."""

from __future__ import annotations

import pytest

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.chat.reasoning import ReasoningAccumulator, applicable, resendable, unsupported
from desktop_chat.domain.events import TextDelta, ThinkingDelta
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.domain.parts import ThinkingPart
from desktop_chat.providers import capabilities
from desktop_chat.store import Store
from tests.fakes.loopback import Scenario
from tests.fakes.ollama_server import FakeModel
from tests.wiring import chat_path, fake_for, settings_for

REASONING = ["The user greets me", " in French; ", "answer in kind."]


@pytest.fixture
def store():
    with Store(config.database_path()) as store:
        yield store


class Recorder:
    def __init__(self) -> None:
        self.events: list[object] = []

    def __call__(self, event: object) -> None:
        self.events.append(event)

    def text(self, kind: type) -> str:
        return "".join(e.text for e in self.events if isinstance(e, kind))


async def _turn(family: str, scenario: Scenario, store: Store, *, model: str | None = None,
                options: dict | None = None, then: Scenario | None = None):
    with fake_for(family, scenario) as fake:
        settings = settings_for(family, fake)
        if model is not None:
            settings.default_models[settings.default_endpoint] = model
        if family == "ollama":
            fake.models = [FakeModel("qwen3:latest", capabilities=["completion", "thinking"]),  # type: ignore[attr-defined]
                           FakeModel("llama3.2:latest")]
        rec = Recorder()
        engine = ChatEngine(store, settings)
        first = await engine.send(None, "Bonjour !", on_event=rec, options=options)
        second = None
        if then is not None:
            fake.default = then
            second = await engine.send(first.message.conversation_id, "Et ensuite ?")
        await engine.aclose()
        requests = [r.json for r in fake.requests_to(chat_path(family))]
    return first, second, rec, requests


@pytest.mark.parametrize("family", ["anthropic", "openai", "ollama"])
async def test_each_format_streams_reasoning_apart_and_stores_it_as_a_part(family, store):
    scenario = Scenario(chunks=["Bonjour", " !"], thinking=REASONING, reasoning_tokens=42)
    result, second, rec, requests = await _turn(family, scenario, store, then=Scenario(chunks=["Rien."]))
    assert result.ok, result.error
    assert second is not None and second.ok, second.error
    # The next turn carries the answer's text and none of its reasoning, in any format.
    sent_back = [m for m in requests[1]["messages"] if m["role"] == "assistant"]
    assert sent_back == [{"role": "assistant", "content": "Bonjour !"}]
    assert rec.text(ThinkingDelta) == "".join(REASONING)
    assert rec.text(TextDelta) == "Bonjour !"
    answer = store.get_message(result.message.id)
    assert answer.text == "Bonjour !"  # the answer only
    [part] = answer.typed_parts
    assert isinstance(part, ThinkingPart) and part.text == "".join(REASONING)
    assert part.duration_ms is not None and part.duration_ms >= 0
    if family == "anthropic":
        assert part.signature == "fake-signature=="
    if family == "openai":
        assert part.tokens == 42  # usage.completion_tokens_details.reasoning_tokens


async def test_anthropic_redacted_thinking_is_kept_as_it_came(store):
    scenario = Scenario(chunks=["Hi"], thinking=["visible"], redacted_thinking="EncryptedOpaque==")
    result, _, _, _ = await _turn("anthropic", scenario, store)
    parts = store.get_message(result.message.id).typed_parts
    assert [(p.text, p.signature, p.redacted) for p in parts] == [
        ("visible", "fake-signature==", False), ("EncryptedOpaque==", None, True)]


@pytest.mark.parametrize("family", ["openai", "ollama"])
async def test_think_tags_in_the_text_are_split_out(family, store):
    scenario = Scenario(chunks=["<thi", "nk>Let me see", ".</th", "ink>\n\n", "Bonjour !"])
    result, _, rec, _ = await _turn(family, scenario, store)
    assert rec.text(ThinkingDelta) == "Let me see."
    answer = store.get_message(result.message.id)
    assert answer.text == "Bonjour !"
    assert [p.text for p in answer.typed_parts] == ["Let me see."]


async def test_anthropic_sends_the_budget_and_never_resends_reasoning_next_turn(store):
    first, second, _, requests = await _turn(
        "anthropic", Scenario(chunks=["Bonjour"], thinking=REASONING), store, model="claude-sonnet-4-5",
        options={"thinking_budget": 2048}, then=Scenario(chunks=["Ensuite…"]))
    assert second is not None and second.ok, second.error
    assert requests[0]["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert requests[0]["max_tokens"] > 2048 and "temperature" not in requests[0]
    # Without tool use Anthropic does not need the reasoning back: the answer goes as its text.
    assert requests[1]["messages"][1] == {"role": "assistant", "content": "Bonjour"}


async def test_openai_sends_the_effort_only_to_a_model_that_takes_one(store):
    _, _, _, requests = await _turn("openai", Scenario(thinking=["hmm"]), store, model="o4-mini",
                                    options={"reasoning_effort": "high"}, then=Scenario())
    assert requests[0]["reasoning_effort"] == "high"
    assert all("reasoning_content" not in m for m in requests[1]["messages"])  # not re-sent
    _, _, _, plain = await _turn("openai", Scenario(), store, model="gpt-4o", options={"reasoning_effort": "low"})
    assert "reasoning_effort" not in plain[0]


async def test_ollama_thinks_when_asked_and_asks_again_without_for_a_model_that_cannot(store):
    result, _, rec, requests = await _turn("ollama", Scenario(chunks=["Salut"], thinking=["hm"]), store,
                                           model="qwen3:latest", options={"reasoning_effort": "medium"})
    assert result.ok and requests[0]["think"] == "medium" and rec.text(ThinkingDelta) == "hm"
    result, _, _, requests = await _turn("ollama", Scenario(chunks=["Salut"]), store,
                                         model="llama3.2:latest", options={"reasoning_effort": "medium"})
    assert result.ok, result.error
    assert [r.get("think") for r in requests] == ["medium", None]


async def test_a_continued_answer_keeps_its_reasoning(store):
    scenario = Scenario(chunks=["Bonjour"], thinking=REASONING, drop_after=1)
    with fake_for("openai", scenario) as fake:
        engine = ChatEngine(store, settings_for("openai", fake))
        first = await engine.send(None, "Bonjour !")
        assert first.message.status is MessageStatus.ERROR
        fake.default = Scenario(chunks=[", ça va ?"])
        again = await engine.continue_answer(first.message.id)
        await engine.aclose()
    answer = store.get_message(again.message.id)
    assert answer.text == "Bonjour, ça va ?"
    assert [p.text for p in answer.typed_parts] == ["".join(REASONING)]


# -- the pieces ---------------------------------------------------------------------------------------

def test_blocks_end_with_their_signature_and_time_stops_when_the_answer_starts():
    now = [10.0]
    acc = ReasoningAccumulator(clock=lambda: now[0])
    acc.add(ThinkingDelta("a"))
    acc.add(ThinkingDelta("b"))
    acc.add(ThinkingDelta("", signature="S1"))
    acc.add(ThinkingDelta("opaque", redacted=True))
    acc.add(ThinkingDelta("c"))
    now[0] = 22.5
    acc.answer_started()
    now[0] = 99.0
    parts = acc.parts(reasoning_tokens=7)
    assert [(p.text, p.signature, p.redacted) for p in parts] == [("ab", "S1", False), ("opaque", None, True),
                                                                  ("c", None, False)]
    assert parts[0].duration_ms == 12_500 and parts[0].tokens == 7
    assert ThinkingPart.from_dict(parts[0].to_dict()) == parts[0]


def test_only_the_setting_a_model_takes_goes_out_and_the_other_is_worded():
    options = {"thinking_budget": 8000, "reasoning_effort": "low", "num_ctx": 4096}
    claude = capabilities("anthropic", "claude-opus-4-1")
    o3 = capabilities("openai", "o3-mini")
    gpt4o = capabilities("openai", "gpt-4o")
    assert applicable(options, claude) == {"thinking_budget": 8000, "num_ctx": 4096}
    assert applicable(options, o3) == {"reasoning_effort": "low", "num_ctx": 4096}
    assert applicable(options, gpt4o) == {"num_ctx": 4096}
    assert "reasoning effort" in unsupported({"thinking_budget": 8000}, o3, "o3-mini", "OpenAI").english()
    assert "no reasoning setting" in unsupported({"reasoning_effort": "low"}, gpt4o, "gpt-4o", "OpenAI").english()
    assert unsupported({"thinking_budget": 8000}, claude, "claude-opus-4-1", "Anthropic") is None
    # A Claude model reached through an OpenAI-compatible router takes no Anthropic budget.
    assert capabilities("openai", "anthropic/claude-sonnet-4").reasoning_control is None


def test_a_listing_that_says_the_model_reasons_gives_it_the_family_setting():
    from desktop_chat.providers.base import ModelInfo

    thinking = ModelInfo("qwen3:8b", details={"capabilities": ["completion", "thinking"]})
    plain = ModelInfo("llama3.2:latest", details={"capabilities": ["completion", "tools"]})
    routed = ModelInfo("some/reasoner", details={"supported_parameters": ["reasoning", "tools"]})
    assert capabilities("ollama", "qwen3:8b", thinking).reasoning_control == "effort"
    assert capabilities("ollama", "llama3.2:latest", plain).reasoning_control is None
    assert capabilities("openai", "some/reasoner", routed).reasoning_control == "effort"
    assert capabilities("openai", "o3", ModelInfo("o3")).reasoning_control == "effort"  # known by name


def test_only_anthropic_gets_signed_reasoning_back_with_tool_rounds():
    parts = [ThinkingPart("why", signature="S"), ThinkingPart("opaque", redacted=True), ThinkingPart("unsigned")]
    assert resendable(parts, capabilities("anthropic", "claude-sonnet-4")) == parts[:2]
    assert resendable(parts, capabilities("openai", "deepseek-reasoner")) == []
    assert resendable(parts, capabilities("ollama", "qwen3")) == []
