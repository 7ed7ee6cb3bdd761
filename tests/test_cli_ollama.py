"""`desktop-chat ask --provider ollama --model NAME`, headless, against FakeOllama."""

from __future__ import annotations

import io

from desktop_chat import config
from desktop_chat.cli import run
from desktop_chat.config import Settings
from tests.fakes.loopback import Scenario
from tests.fakes.ollama_server import FakeOllama


def ask(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["ask", *argv], stdin=io.StringIO(""), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_ask_with_ollama_and_a_named_model_streams_the_answer(monkeypatch):
    with FakeOllama(Scenario(chunks=["本地", "回答"]), check_models=True) as fake:
        # Nothing in Settings: the host comes from OLLAMA_HOST, as users already have it.
        monkeypatch.setenv("OLLAMA_HOST", fake.base_url.removeprefix("http://"))
        config.save_settings(Settings(ollama_model_options={"qwen2.5:7b": {"num_ctx": 8192}}))
        code, out, err = ask("--provider", "ollama", "--model", "qwen2.5:7b", "你好")
        (sent,) = fake.requests_to("/api/chat")
    assert (code, out, err) == (0, "本地回答\n", "")
    assert sent.json["model"] == "qwen2.5:7b"
    assert sent.json["messages"] == [{"role": "user", "content": "你好"}]
    assert sent.json["options"]["num_ctx"] == 8192  # the per-model options apply headless too


def test_ask_with_an_ollama_model_that_is_not_there_says_so_on_one_line(monkeypatch):
    with FakeOllama(check_models=True) as fake:
        monkeypatch.setenv("OLLAMA_HOST", fake.base_url)
        code, out, err = ask("--provider", "ollama", "--model", "nosuch:7b", "hi")
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "nosuch:7b" in err and "try pulling it first" in err


def test_ask_with_ollama_not_running_says_so_on_one_line(monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")
    config.save_settings(Settings(max_attempts=1))
    code, out, err = ask("--provider", "ollama", "--model", "llama3.2", "hi")
    assert code == 1 and out == ""
    assert err == "error: Ollama is not running at http://127.0.0.1:9; start it with `ollama serve`.\n"
