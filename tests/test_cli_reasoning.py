"""`ask --show-thinking / --thinking-budget / --reasoning-effort`, and what titles, search and the
exports do with reasoning: left out of titles, search and Markdown; kept by JSON and
`export --with-thinking`."""

from __future__ import annotations

import io
import json

from desktop_chat import config
from desktop_chat.cli import run
from desktop_chat.cli.reasoning import DIM, RESET
from desktop_chat.store import Store
from tests.fakes.loopback import Scenario
from tests.wiring import fake_for, settings_for

THOUGHT = ["The user asks about ", "zebrafish; keep it short."]


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def cli(*argv: str, stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    code = run(list(argv), stdin=Tty(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _configure(family: str, fake, model: str | None = None) -> None:
    settings = settings_for(family, fake)
    if model:
        settings.default_models[settings.default_endpoint] = model
    config.save_settings(settings)


def test_stdout_is_the_answer_only_and_show_thinking_writes_the_reasoning_to_stderr():
    with fake_for("openai", Scenario(chunks=["Small fish."], thinking=THOUGHT)) as fake:
        _configure("openai", fake)
        assert cli("ask", "What is a zebrafish?") == (0, "Small fish.\n", "")
        code, out, err = cli("ask", "--show-thinking", "What is a zebrafish?")
    assert (code, out) == (0, "Small fish.\n")
    assert err == "".join(THOUGHT) + "\n"  # not a terminal: no escape codes


def test_on_a_terminal_the_reasoning_is_dimmed():
    with fake_for("anthropic", Scenario(chunks=["Small fish."], thinking=THOUGHT)) as fake:
        _configure("anthropic", fake)
        code, out, err = cli("ask", "--show-thinking", "What is a zebrafish?", stderr=Tty())
    assert (code, out) == (0, "Small fish.\n")
    assert err == DIM + "".join(THOUGHT) + RESET + "\n"


def test_think_tags_never_reach_stdout():
    with fake_for("ollama", Scenario(chunks=["<think>", "hmm", "</think>", "\n\nYes."])) as fake:
        _configure("ollama", fake)
        code, out, err = cli("ask", "Well?")
    assert (code, out, err) == (0, "Yes.\n", "")


def test_the_budget_goes_to_claude_and_is_kept_for_the_conversation():
    with fake_for("anthropic", Scenario(thinking=["x"])) as fake:
        _configure("anthropic", fake, model="claude-sonnet-4-5")
        assert cli("ask", "--thinking-budget", "2048", "Hi")[0] == 0
        body = fake.requests_to("/v1/messages")[0].json
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    with Store(config.database_path()) as store:
        (conversation,) = store.list_conversations()
        assert conversation.options["thinking_budget"] == 2048


def test_a_setting_the_model_does_not_take_is_said_in_words_and_not_sent():
    with fake_for("openai", Scenario()) as fake:
        _configure("openai", fake, model="gpt-4o")
        code, out, err = cli("ask", "--reasoning-effort", "high", "Hi")
        body = fake.requests_to("/chat/completions")[0].json
    assert code == 0 and out == "Hello, world!\n"
    assert err == "note: gpt-4o on OpenAI takes no reasoning setting; it was not sent.\n"
    assert "reasoning_effort" not in body
    with fake_for("anthropic", Scenario()) as fake:
        _configure("anthropic", fake, model="claude-opus-4-1")
        code, _, err = cli("ask", "--reasoning-effort", "low", "Hi")
    assert code == 0 and "takes a thinking budget in tokens, not a reasoning effort" in err


def test_a_budget_below_the_minimum_is_a_usage_error():
    code, out, err = cli("ask", "--thinking-budget", "100", "Hi")
    assert code == 2 and out == "" and "at least 1024" in err


def test_titles_search_and_markdown_leave_reasoning_out_json_and_with_thinking_keep_it():
    scenario = Scenario(chunks=["<think>", "Pondering quokkas deeply", "</think>", "Short answer."])
    with fake_for("local", scenario) as fake:
        _configure("local", fake)
        assert cli("ask", "Tell me something")[0] == 0
    with Store(config.database_path()) as store:
        (conversation,) = store.list_conversations()
        assert conversation.title == "Tell me something"
        assert store.search_conversations("quokkas") == []
        assert [c.id for c in store.search_conversations("Short")] == [conversation.id]
    code, markdown, _ = cli("export", "--format", "markdown")
    assert code == 0 and "quokkas" not in markdown and "Short answer." in markdown
    code, full, _ = cli("export", "--format", "markdown", "--with-thinking")
    assert code == 0
    assert "<summary>Thinking" in full and "Pondering quokkas deeply" in full
    assert full.index("Pondering quokkas") < full.index("Short answer.")
    code, raw, _ = cli("export", "--format", "json")
    answer = json.loads(raw)["conversations"][0]["messages"][1]
    assert answer["text"] == "Short answer."
    assert answer["parts"][0]["type"] == "thinking" and answer["parts"][0]["text"] == "Pondering quokkas deeply"
