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
    assert cli("import", str(dump))[1].splitlines() == [
        "Read 1 conversation(s) with 2 message(s) from a Desktop Chat export.",
        "Imported 1 conversation(s) with 2 message(s); skipped 0 already present."]
    assert cli("import", str(dump))[1].splitlines()[1] == (
        "Imported 0 conversation(s) with 0 message(s); skipped 1 already present.")
    code, again, _ = cli("export")
    assert json.loads(again)["conversations"][0]["messages"] == conversation["messages"]


def test_import_rejects_a_file_that_is_not_our_export(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": "world"}')
    code, _, err = cli("import", str(bad))
    assert code == 1 and err.count("\n") == 1 and "expected a Desktop Chat JSON export, or " \
        "conversations.json from a ChatGPT or Claude data export" in err
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x89PNG\r\n")
    code, _, err = cli("import", str(garbage))
    assert code == 1 and err == f"error: {garbage} is not a JSON file (it is not UTF-8 text).\n"
    broken = tmp_path / "broken.json"
    broken.write_text('[{"mapping": {}, ', encoding="utf-8")
    code, _, err = cli("import", str(broken))
    assert code == 1 and err.count("\n") == 1 and f"{broken} is not valid JSON (" in err
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
        first = proc.stdout.read(600)  # about a second of streaming
        proc.kill()
        proc.wait(timeout=10)
        # Everything the process printed before it died: the pipe keeps it. Comparing with only the
        # first 600 characters would race the process, which goes on printing (and saving) until
        # the kill lands.
        shown = first + proc.stdout.read()
    with Store(config.database_path()) as store:  # opening it again is "the next start"
        question, answer = store.list_messages(store.list_conversations()[0].id)
    assert question.text == "go"
    assert answer.status is MessageStatus.INTERRUPTED
    assert answer.text and shown.startswith(answer.text)
    # saved at least every 500 ms: at 10 ms a token, at most ~50 tokens (+ scheduling slack) are lost
    lost_tokens = shown[len(answer.text):].count(" ")
    assert lost_tokens < 90, lost_tokens


# -- ask --attach ------------------------------------------------------------------------------------

ATLANTIS = ["The capital of Atlantis is Poseidonia.", "The tides of Atlantis rise twice a day."]


def stored_turn():
    with Store(config.database_path()) as store:
        (conversation,) = store.list_conversations()
        return conversation, store.list_messages(conversation.id)


def test_ask_attach_sends_the_pdf_itself_to_claude_and_says_so():
    from tests.documents import sample
    from tests.fakes.anthropic_server import documents

    path = sample("minimal-document.pdf")
    with fake_for("anthropic", Scenario(chunks=["Lorem ipsum."])) as fake:
        configure("anthropic", fake)
        code, out, err = cli("ask", "--attach", str(path), "What", "is", "it?")
        (request,) = fake.requests_to("/v1/messages")
    assert (code, out) == (0, "Lorem ipsum.\n"), err
    assert documents(request) == [path.read_bytes()]
    lines = err.splitlines()
    assert lines[0].startswith("Attached “minimal-document.pdf”: 1 page, ")
    assert lines[1].startswith("Sending the PDF itself (1 page, ≈ ")
    _, (question, answer) = stored_turn()
    assert question.text == "What is it?" and question.documents[0].file_name == "minimal-document.pdf"
    assert answer.delivery.documents[0].mode == "native_pdf"


def test_ask_attach_sends_the_whole_text_and_a_follow_up_keeps_it(tmp_path):
    from tests.documents import make_pdf

    path = tmp_path / "atlantis.pdf"
    path.write_bytes(make_pdf(ATLANTIS))
    with fake_for("openai", Scenario(chunks=["Poseidonia (p. 1)."])) as fake:
        configure("openai", fake)
        code, out, err = cli("ask", "--attach", str(path), "What is the capital?")
        assert (code, out) == (0, "Poseidonia (p. 1).\n"), err
        assert "Sending the whole document (" in err and "Sources:" not in err
        conversation, _ = stored_turn()
        code, out, err = cli("ask", "--conversation", conversation.id, "And the tides?")
        first, second = fake.requests_to("/chat/completions")
    assert code == 0 and err.startswith("Sending the whole document (")  # nothing attached this time
    for request in (first, second):
        content = request.json["messages"][0]["content"]
        assert "[page 1]\nThe capital of Atlantis" in content and "[page 2]\nThe tides" in content
    assert second.json["messages"][-1]["content"] == "And the tides?"


def test_ask_attach_a_long_document_lists_the_sources_before_the_answer():
    from tests.documents import sample

    with fake_for("openai", Scenario(chunks=["Siehe S. 23."])) as fake:
        configure("openai", fake)
        code, out, err = cli("ask", "--attach", str(sample("GeoTopo-komprimiert.pdf")), "--context-tokens", "8192",
                             "Was besagt der Jordansche Kurvensatz?")
        content = fake.requests_to("/chat/completions")[0].json["messages"][0]["content"]
    assert (code, out) == (0, "Siehe S. 23.\n"), err
    lines = err.splitlines()
    assert lines[0].startswith("Attached “GeoTopo-komprimiert.pdf”: 117 pages, 1.8 MB, ≈ 36,")
    assert lines[1].startswith("Document too long for this model's context (≈ 36,100 tokens of 8,192): sending the ")
    assert lines[2] == "Sources:"
    assert lines[3].startswith("  [1] GeoTopo-komprimiert.pdf, page 23: “") and "Kurvensatz" in lines[3]
    assert "[passage 1: “GeoTopo-komprimiert.pdf”, page" in content
    conversation, _ = stored_turn()
    assert conversation.options == {"context_tokens": 8192}


def test_ask_attach_as_passages_overrides_the_choice(tmp_path):
    from tests.documents import make_pdf

    path = tmp_path / "atlantis.pdf"
    path.write_bytes(make_pdf(ATLANTIS))
    with fake_for("anthropic") as fake:
        configure("anthropic", fake)
        code, _, err = cli("ask", "--attach", str(path), "--attach-as", "passages", "When do the tides rise?")
        content = fake.requests_to("/v1/messages")[0].json["messages"][0]["content"]
    assert code == 0 and "as chosen" in err and "Sources:\n  [1] atlantis.pdf, page 1: “The capital" in err
    assert isinstance(content, str) and "<passages>" in content


def test_ask_attach_a_file_that_is_not_a_pdf_says_what_it_is_and_sends_nothing(tmp_path):
    fake_pdf = tmp_path / "scan.pdf"
    fake_pdf.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with fake_for("openai") as fake:
        configure("openai", fake)
        code, out, err = cli("ask", "--attach", str(fake_pdf), "What is it?")
        assert fake.requests == []
    assert (code, out) == (1, "")
    assert err == "error: “scan.pdf” is not really a PDF: it is a PNG image with a .pdf name.\n"
    with Store(config.database_path()) as store:
        assert store.list_conversations() == []  # nothing half-done is kept


def test_ask_attach_a_missing_file_is_a_usage_error_that_names_it(tmp_path):
    code, _, err = cli("ask", "--attach", str(tmp_path / "gone.pdf"), "hi")
    assert code == 2 and f"--attach {tmp_path / 'gone.pdf'}: no such file" in err


ENCRYPTED = "libreoffice-writer-password.pdf"


def test_ask_attach_an_encrypted_pdf_without_a_password_says_how_to_give_one():
    from tests.documents import sample

    with fake_for("openai") as fake:
        configure("openai", fake)
        code, _, err = cli("ask", "--attach", str(sample(ENCRYPTED)), "hi", stdin="")  # not a terminal
        assert fake.requests == []
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"error: “{ENCRYPTED}” is protected by a password. Put its password in "
                          "$DESKTOP_CHAT_PDF_PASSWORD, or run the command in a terminal to be asked for it.")


def test_ask_attach_an_encrypted_pdf_with_the_password_from_the_environment(monkeypatch):
    from tests.documents import sample

    with fake_for("anthropic") as fake:
        configure("anthropic", fake)
        monkeypatch.setenv("DESKTOP_CHAT_PDF_PASSWORD", "wrong")
        code, _, err = cli("ask", "--attach", str(sample(ENCRYPTED)), "hi")
        assert code == 1 and "is not correct. (It was read from $DESKTOP_CHAT_PDF_PASSWORD.)" in err
        monkeypatch.setenv("DESKTOP_CHAT_PDF_PASSWORD", "openpassword")
        code, out, err = cli("ask", "--attach", str(sample(ENCRYPTED)), "hi")
        (request,) = fake.requests_to("/v1/messages")
    assert (code, out) == (0, "Hello, world!\n"), err
    # Claude cannot take an encrypted PDF as a PDF: its text goes instead, and the sentence says why.
    assert "a password-protected PDF cannot be sent as a PDF" in err
    assert "[page 1]" in request.json["messages"][0]["content"]


def test_ask_attach_asks_for_the_password_on_a_terminal_and_again_when_wrong(monkeypatch):
    import getpass

    from tests.documents import sample

    answers = iter(["nope", "openpassword"])
    prompts: list[str] = []

    def fake_getpass(prompt, stream=None):
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    with fake_for("openai") as fake:
        configure("openai", fake)
        code, out, err = cli("ask", "--attach", str(sample(ENCRYPTED)), "hi")  # stdin is a terminal
    assert (code, out) == (0, "Hello, world!\n"), err
    assert prompts == [f"Password for “{ENCRYPTED}” (input hidden): "] * 2
    assert f"The password for “{ENCRYPTED}” is not correct." in err


# -- a damaged history ------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [("export",), ("export", "--format", "markdown"), ("ask", "Hello?")])
def test_a_damaged_history_is_moved_aside_with_one_line_and_the_command_goes_on(command):
    path = config.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not an SQLite database, just bytes a crash left behind\n" * 100)
    with fake_for("ollama", Scenario(chunks=["Hi."])) as fake:
        configure("ollama", fake)
        code, out, err = cli(*command)
    assert code == 0, err
    assert "Traceback" not in err
    (moved,) = path.parent.glob("chat.sqlite3.damaged-*")
    (line,) = [line for line in err.splitlines() if "damaged" in line]
    assert f"kept, not deleted, at {moved}" in line
    assert moved.read_bytes().startswith(b"this is not an SQLite database")
    if command[0] == "ask":
        assert out == "Hi.\n"
    with Store(path) as store:  # the fresh history works
        assert store.count_conversations() == (1 if command[0] == "ask" else 0)


def test_a_history_that_cannot_be_opened_is_one_line_and_exit_1():
    config.database_path().mkdir(parents=True)  # a folder where the file should be: not damage, nothing to move
    code, out, err = cli("export")
    assert code == 1 and out == ""
    assert err.startswith("error: Cannot open the conversation database ") and err.count("\n") == 1, err
    assert config.database_path().is_dir()  # left as it was


def test_a_damaged_history_comes_back_as_far_as_it_can_be_read_and_the_command_says_how_much():
    from tests.store.test_integrity import make_history, scribble_over_a_table_page

    make_history(config.database_path(), conversations=7)
    scribble_over_a_table_page(config.database_path())
    code, out, err = cli("export", "--format", "markdown")
    assert code == 0 and "Traceback" not in err
    (line,) = err.splitlines()
    assert "with what could still be read: 7 conversation(s) with 14 message(s) came back" in line
    assert out.count("question ") == 7 and out.count("answer ") == 7


# -- images (issue 19) ------------------------------------------------------------------------------

def test_ask_attach_an_image_sends_it_cleaned_and_fitted_to_claude(tmp_path):
    import base64

    from tests import image_samples as samples

    photo = tmp_path / "IMG_2041.JPG"
    photo.write_bytes(samples.photo(4000, 3000, orientation=6))
    with fake_for("anthropic", Scenario(chunks=["A red square."])) as fake:
        configure("anthropic", fake)
        code, out, err = cli("ask", "--attach", str(photo), "What", "is", "this?")
        (request,) = fake.requests_to("/v1/messages")
    assert (code, out) == (0, "A red square.\n"), err
    assert err == ("Attached “IMG_2041.JPG”: image, 1500 × 2000, from 4000 × 3000, without its metadata.\n")
    (content,) = [m["content"] for m in request.json["messages"]]
    assert content[0]["type"] == "image" and content[0]["source"]["media_type"] == "image/jpeg"
    sent = samples.decoded(base64.b64decode(content[0]["source"]["data"]))
    assert sent.size == (1176, 1568) and not sent.getexif()
    _, (question, _answer) = stored_turn()
    assert [p.file_name for p in question.typed_parts] == ["IMG_2041.JPG"]


def test_ask_attach_an_image_for_a_model_that_cannot_see_sends_nothing(tmp_path):
    from tests import image_samples as samples

    shot = tmp_path / "shot.png"
    shot.write_bytes(samples.png())
    with fake_for("ollama") as fake:
        configure("ollama", fake)  # llama3.2: no "vision" in /api/show
        code, out, err = cli("ask", "--attach", str(shot), "What is it?")
        assert fake.requests_to("/api/chat") == []
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        "error: llama3.2:latest cannot see images, so nothing was sent: choose a model that can (if this one can, "
        "right-click it in the model list and choose “Sees images”).")
    with Store(config.database_path()) as store:
        assert store.list_conversations() == []


@pytest.mark.parametrize("name, data, says", [
    ("notes.png", b"just some text\n", "error: “notes.png” is not an image that can be sent: only PNG, JPEG, WebP "
                                       "and GIF images are.\n"),
    ("huge.png", None, "error: “huge.png” is too large to attach: "),
])
def test_ask_attach_a_bad_image_says_why(tmp_path, name, data, says):
    from tests import image_samples as samples

    path = tmp_path / name
    path.write_bytes(data if data is not None else samples.bomb_png())
    with fake_for("anthropic") as fake:
        configure("anthropic", fake)
        code, out, err = cli("ask", "--attach", str(path), "What is it?")
        assert fake.requests == []
    assert (code, out) == (1, "") and err.startswith(says)


@pytest.mark.parametrize("family, model", [("openai", "gpt-4o"), ("ollama", "llava:13b")])
def test_ask_attach_an_image_goes_in_each_wire_format(tmp_path, family, model):
    import base64

    from tests import image_samples as samples

    shot = tmp_path / "shot.png"
    shot.write_bytes(samples.png(3000, 1500))
    with fake_for(family, Scenario(chunks=["Green."])) as fake:
        configure(family, fake)
        code, out, err = cli("ask", "--model", model, "--attach", str(shot), "Which colour?")
        path = "/chat/completions" if family == "openai" else "/api/chat"
        body = fake.requests_to(path)[-1].json
    assert (code, out) == (0, "Green.\n"), err
    (user,) = [m for m in body["messages"] if m["role"] == "user"]
    if family == "openai":
        image, text = user["content"]
        assert text == {"type": "text", "text": "Which colour?"}
        assert image["image_url"]["url"].startswith("data:image/png;base64,")
        data = image["image_url"]["url"].split(",", 1)[1]
    else:
        assert user["content"] == "Which colour?"
        (data,) = user["images"]
    sent = samples.decoded(base64.b64decode(data))
    assert sent.format == "PNG" and sent.size == (2048, 1024)
