"""`desktop-chat ask / export / import / keys / --version`, as a user runs them."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from desktop_chat import __version__, config, secrets
from desktop_chat.__main__ import main
from desktop_chat.cli import run
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import Store
from tests.fakes.loopback import Scenario
from tests.wiring import fake_for, settings_for


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def cli(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), stdin=io.StringIO(stdin) if stdin is not None else Tty(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def configure(family: str, fake) -> None:
    config.save_settings(settings_for(family, fake))


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"desktop-chat {__version__}"


def test_ask_streams_the_answer_and_stores_the_turn():
    with fake_for("anthropic", Scenario(chunks=["Four", "."])) as fake:
        configure("anthropic", fake)
        code, out, err = cli("ask", "--system", "Answer with one word.", "What", "is", "2+2?")
    assert (code, out, err) == (0, "Four.\n", "")
    with Store(config.database_path()) as store:
        (conversation,) = store.list_conversations()
        assert conversation.system_prompt == "Answer with one word."
        assert [(m.role, m.text) for m in store.list_messages(conversation.id)] == [
            ("user", "What is 2+2?"), ("assistant", "Four.")]


def test_ask_reads_the_prompt_from_stdin_and_continues_a_conversation():
    with fake_for("ollama", Scenario(chunks=["one"])) as fake:
        configure("ollama", fake)
        assert cli("ask", "-", stdin="first question\n")[0] == 0
        with Store(config.database_path()) as store:
            conversation_id = store.list_conversations()[0].id
        fake.default = Scenario(chunks=["two"])
        code, out, _ = cli("ask", "--provider", "ollama", "--conversation", conversation_id, "second")
        body = fake.requests_to("/api/chat")[-1].json
    assert (code, out) == (0, "two\n")
    assert [m["content"] for m in body["messages"]] == ["first question\n", "one", "second"]


def test_a_provider_error_is_one_plain_line_and_exit_1():
    with fake_for("openai", Scenario(status=401, error_message="Incorrect API key provided")) as fake:
        configure("openai", fake)
        code, out, err = cli("ask", "hi")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: OpenAI rejected the API key (401)")
    assert "Traceback" not in err


def test_retries_are_reported_on_stderr():
    with fake_for("openai") as fake:
        configure("openai", fake)
        fake.enqueue(Scenario(status=429, retry_after="0"))
        code, out, err = cli("ask", "hi")
    assert code == 0 and out == "Hello, world!\n"
    assert "Retrying in 0 s (attempt 2 of 4)" in err


@pytest.mark.parametrize("argv, message", [
    (["ask"], "give a prompt"),
    (["ask", "--provider", "nope", "hi"], "no provider called “nope”"),
    (["ask", "--conversation", "missing", "hi"], "no conversation with id missing"),
    (["ask", "--max-tokens", "many", "hi"], "invalid int value"),
    (["export", "--format", "pdf"], "invalid choice"),
    (["keys", "set"], "name the provider"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_usage_exits_2_with_a_specific_message(argv, message):
    code, _, err = cli(*argv)
    assert code == 2 and message in err


def test_export_json_and_markdown_and_import_without_duplicates(tmp_path):
    with fake_for("local", Scenario(chunks=["答案：", "机器学习"])) as fake:
        configure("local", fake)
        assert cli("ask", "什么是机器学习？")[0] == 0
    code, exported, _ = cli("export")
    assert code == 0
    data = json.loads(exported)
    (conversation,) = data["conversations"]
    assert [m["text"] for m in conversation["messages"]] == ["什么是机器学习？", "答案：机器学习"]
    code, markdown, _ = cli("export", "--format", "markdown", "--conversation", conversation["id"])
    assert code == 0 and "什么是机器学习？" in markdown and "答案：机器学习" in markdown

    dump = tmp_path / "export.json"
    dump.write_text(exported, encoding="utf-8")
    os.environ["DESKTOP_CHAT_HOME"] = str(tmp_path / "elsewhere")
    assert cli("import", str(dump))[1].startswith("Imported 1 conversation(s); skipped 0")
    assert cli("import", str(dump))[1].startswith("Imported 0 conversation(s); skipped 1")
    code, again, _ = cli("export")
    assert json.loads(again)["conversations"][0]["messages"] == conversation["messages"]


def test_import_rejects_a_file_that_is_not_our_export(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": "world"}')
    code, _, err = cli("import", str(bad))
    assert code == 1 and "error:" in err
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x89PNG\r\n")
    code, _, err = cli("import", str(garbage))
    assert code == 1 and "not a JSON export" in err
    assert cli("import", str(tmp_path / "missing.json"))[0] == 2


def test_keys_set_reads_stdin_masks_output_and_binds_the_host():
    code, out, _ = cli("keys", "set", "anthropic", stdin="sk-ant-secret-value-123456\n")
    assert code == 0 and "sk-ant-secret" not in out and "…3456" in out
    assert secrets.get_key("anthropic") == "sk-ant-secret-value-123456"
    assert config.load_settings().key_hosts == {"anthropic": "api.anthropic.com"}
    code, out, _ = cli("keys", "list")
    assert "key in keyring" in out and "sk-ant-secret-value" not in out
    assert cli("keys", "delete", "anthropic")[1].startswith("Deleted")
    assert secrets.get_key("anthropic") is None


def test_ctrl_c_exits_130_and_keeps_what_arrived(data_home):
    chunks = [f"word{i} " for i in range(400)]
    with fake_for("local", Scenario(chunks=chunks, chunk_delay=0.02)) as fake:
        configure("local", fake)
        env = {**os.environ, "DESKTOP_CHAT_HOME": str(data_home), "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "desktop_chat", "ask", "go"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = proc.stdout.read(6)  # wait until text is streaming
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=30)
    assert first == "word0 "
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    with Store(config.database_path()) as store:
        answer = store.list_messages(store.list_conversations()[0].id)[-1]
    assert answer.status is MessageStatus.STOPPED
    assert answer.text.startswith("word0 ")
    assert first + rest == answer.text  # exactly what the user saw is what history keeps


def test_killing_the_process_mid_answer_loses_at_most_the_last_half_second(data_home):
    chunks = [f"tok{i} " for i in range(1000)]
    with fake_for("local", Scenario(chunks=chunks, chunk_delay=0.01)) as fake:
        configure("local", fake)
        env = {**os.environ, "DESKTOP_CHAT_HOME": str(data_home), "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "desktop_chat", "ask", "go"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        shown = proc.stdout.read(600)  # about a second of streaming
        proc.kill()
        proc.wait(timeout=10)
    with Store(config.database_path()) as store:  # opening it again is "the next start"
        question, answer = store.list_messages(store.list_conversations()[0].id)
    assert question.text == "go"
    assert answer.status is MessageStatus.INTERRUPTED
    assert answer.text and shown.startswith(answer.text)
    # saved at least every 500 ms: at 10 ms a token, at most ~50 tokens (+ scheduling slack) are lost
    lost_tokens = shown[len(answer.text):].count(" ")
    assert lost_tokens < 90, lost_tokens
