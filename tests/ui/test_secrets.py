"""Secret hygiene through the real window and the real CLI: keys reach the keyring and their own
host, and nothing else — no file in the data or config folder, no log line, no export.

Keys live in the in-memory keyring of tests/fakes/memory_keyring.py (the real Secret Service is
exercised by the tests marked `keyring`). Each fake provider refuses any key but its own.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QDialog, QLabel, QLineEdit, QMessageBox, QPushButton

from desktop_chat import config, secrets
from desktop_chat.chat import credentials
from desktop_chat.cli import run as cli_run
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.logs import LOG_FILE_NAME, setup_logging
from desktop_chat.ui.settings.settings_dialog import SettingsDialog
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.loopback import Scenario
from tests.fakes.ollama_server import FakeOllama
from tests.fakes.openai_server import FakeOpenAI
from tests.ui import window_actions
from tests.ui.window_actions import type_and_send

ROOT = Path(__file__).resolve().parents[2]
ANTHROPIC_KEY = "sk-ant-api03-LEAKCHECK-ant-7Qz1x9Vb3Nm5Kp0Lw2Rt-ZZA"
OPENAI_KEY = "sk-proj-LEAKCHECK-oai-4Hs8Jd2Fg6Kl1Qw9Er3Ty-ZZB"
CUSTOM_KEY = "sk-deep-LEAKCHECK-dsk-8Ui2Op4As6Df1Gh3Jk5L-ZZC"
KEYS = (ANTHROPIC_KEY, OPENAI_KEY, CUSTOM_KEY)


@pytest.fixture
def log_file():
    handler = setup_logging(config.log_dir())  # as the app does at start
    try:
        yield config.log_dir() / LOG_FILE_NAME
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli_run(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def wait_answer(qtbot, window):  # noqa: ANN001, ANN201
    return window_actions.wait_answer(qtbot, window, status=None, timeout=15_000)  # any end: some turns fail


def open_settings(qtbot, window) -> SettingsDialog:  # noqa: ANN001
    window.open_settings()
    dialog = window.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: "Checking" not in dialog.findChild(QLabel, "anthropicKeyStatus").text())
    return dialog


def type_into(qtbot, dialog, name: str, text: str) -> None:  # noqa: ANN001
    edit = dialog.findChild(QLineEdit, name)
    assert edit is not None, name
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    edit.editingFinished.emit()


def save(qtbot, window, dialog) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.settingsApplied, timeout=10_000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "saveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def files_holding(roots: list[Path], needle: str) -> list[Path]:
    data = needle.encode()
    return [p for root in roots for p in root.rglob("*") if p.is_file() and data in p.read_bytes()]


# -- a whole session ---------------------------------------------------------------------------------

def test_a_whole_session_leaves_no_key_in_any_file(windows, qtbot, data_home, tmp_path, log_file, monkeypatch):  # noqa: PLR0915
    anthropic = FakeAnthropic(Scenario(chunks=["from ", "Claude"]), expected_key=ANTHROPIC_KEY)
    openai, custom, ollama = FakeOpenAI(Scenario(chunks=["from GPT"])), FakeOpenAI(Scenario(chunks=["from Deep"])), \
        FakeOllama(Scenario(chunks=["from llama"]))
    openai.expected_key, custom.expected_key = OPENAI_KEY, CUSTOM_KEY
    with anthropic, openai, custom, ollama:
        # Where each provider is: typed by the user once (no key in this file, ever).
        settings = config.Settings(anthropic_base_url=anthropic.base_url, openai_base_url=openai.base_url + "/v1",
                                   ollama_host=ollama.base_url, read_timeout=5.0)
        settings.add_custom_endpoint("Deep", custom.base_url + "/v1")
        settings.default_models.update({"anthropic": "claude-test", "openai": "gpt-test", "deep": "deep-chat",
                                        "ollama": "llama3.2:latest"})
        config.save_settings(settings)

        # A key through `desktop-chat keys set`, from stdin.
        code, out, _ = cli("keys", "set", "openai", stdin=OPENAI_KEY + "\n")
        assert code == 0 and OPENAI_KEY not in out

        # Keys through the Settings dialog of the real window.
        window = windows.new(config.load_settings())
        dialog = open_settings(qtbot, window)
        type_into(qtbot, dialog, "anthropicKeyEdit", ANTHROPIC_KEY)
        dialog.pages.setCurrentIndex(1)
        dialog.custom_page.list.setCurrentRow(0)
        type_into(qtbot, dialog, "customKeyEdit", CUSTOM_KEY)
        save(qtbot, window, dialog)
        assert secrets.get_key("anthropic") == ANTHROPIC_KEY and secrets.get_key("deep") == CUSTOM_KEY

        # A chat with every provider family, in the window.
        for endpoint, model, expected in (("anthropic", "claude-test", "from Claude"),
                                          ("openai", "gpt-test", "from GPT"),
                                          ("deep", "deep-chat", "from Deep"),
                                          ("ollama", "llama3.2:latest", "from llama")):
            window.new_conversation()
            window.choice.choose_model(endpoint, model)
            type_and_send(qtbot, window, f"hello {endpoint}")
            answer = wait_answer(qtbot, window)
            assert (answer.status, answer.text) == (MessageStatus.COMPLETE, expected), answer.error

        # An error with a traceback in the log: a bug in reading Anthropic's stream.
        from desktop_chat.providers import anthropic as anthropic_provider

        def broken_feed(self, event):  # noqa: ANN001, ANN202
            raise RuntimeError("simulated parser bug")

        with monkeypatch.context() as patch:
            patch.setattr(anthropic_provider._Turn, "feed", broken_feed)
            window.new_conversation()
            window.choice.choose_model("anthropic", "claude-test")
            type_and_send(qtbot, window, "this one fails")
            assert wait_answer(qtbot, window).status is MessageStatus.ERROR
        windows.close(window)

        # `desktop-chat ask` in a terminal (its own process: the key from the environment there, for
        # the environment's host, since the test keyring lives in this process), then exports.
        asked = subprocess.run(
            [sys.executable, "-m", "desktop_chat", "ask", "--provider", "openai", "from the terminal"], cwd=ROOT,
            env={**os.environ, "OPENAI_API_KEY": OPENAI_KEY, "OPENAI_BASE_URL": openai.base_url + "/v1",
                 "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"},
            capture_output=True, text=True, timeout=60)
        assert (asked.returncode, asked.stdout) == (0, "from GPT\n"), asked.stderr
        assert OPENAI_KEY not in asked.stderr
        exports = tmp_path / "exports"
        exports.mkdir()
        for fmt in ("json", "markdown"):
            code, out, _ = cli("export", "--format", fmt)
            assert code == 0 and "from Claude" in out
            (exports / f"history.{fmt}").write_text(out, encoding="utf-8")

        # Each key went to its own host, and to no other.
        for server, own in ((anthropic, ANTHROPIC_KEY), (openai, OPENAI_KEY), (custom, CUSTOM_KEY), (ollama, None)):
            sent = [json.dumps(r.headers) for r in server.requests]
            assert sent, server
            for key in KEYS:
                assert all(key not in headers for headers in sent) or key == own
            if own is not None:
                assert any(own in headers for headers in sent)

    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "simulated parser bug" in logged
    assert "request provider=ollama" in logged and "request provider=deep" in logged
    assert config.data_dir() == data_home and config.config_dir() == data_home
    roots = [config.data_dir(), config.config_dir(), exports]
    assert {p.name for p in config.data_dir().rglob("*")} >= {"chat.sqlite3", "settings.json", LOG_FILE_NAME}
    for key in KEYS:
        for needle in (key, key[8:28], key[-16:]):  # whole, or any telling part of it
            assert files_holding(roots, needle) == [], needle


# -- a key only goes to the host it was saved for ----------------------------------------------------

def grab_and_answer_key_question(button: str, screenshot: str | None = None) -> list[str]:
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != "keyHostQuestion":
            QTimer.singleShot(10, answer)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        if screenshot:
            (ROOT / "test-artifacts").mkdir(exist_ok=True)
            box.grab().save(str(ROOT / "test-artifacts" / screenshot))
        box.findChild(QPushButton, button).click()

    QTimer.singleShot(0, answer)
    return seen


@pytest.mark.parametrize("answer", ["forgetKeyButton", "sendKeyButton"])
def test_changing_the_base_url_asks_before_the_key_goes_to_the_new_host(windows, qtbot, answer):
    with FakeAnthropic(Scenario(chunks=["old host"]), expected_key=ANTHROPIC_KEY) as old, \
            FakeAnthropic(Scenario(chunks=["new host"]), expected_key=ANTHROPIC_KEY) as new:
        settings = config.Settings(anthropic_base_url=old.base_url, default_models={"anthropic": "claude-test"})
        credentials.save_key(settings.endpoint("anthropic"), settings, ANTHROPIC_KEY)
        window = windows.new(settings)
        type_and_send(qtbot, window, "first")
        assert wait_answer(qtbot, window).text == "old host"

        dialog = open_settings(qtbot, window)
        type_into(qtbot, dialog, "anthropicBaseUrlEdit", new.base_url)
        seen = grab_and_answer_key_question(
            answer, screenshot="key-host-question.png" if answer == "sendKeyButton" else None)
        save(qtbot, window, dialog)
        assert seen and old.base_url.split("//")[1] in seen[0] and new.base_url.split("//")[1] in seen[0]

        window.new_conversation()
        type_and_send(qtbot, window, "second")
        result = wait_answer(qtbot, window)
        if answer == "sendKeyButton":
            assert result.text == "new host"
            assert new.requests_to("/v1/messages")[0].header("x-api-key") == ANTHROPIC_KEY or \
                new.requests_to("/v1/messages")[0].header("authorization") == f"Bearer {ANTHROPIC_KEY}"
        else:
            assert result.status is MessageStatus.ERROR and "No API key for Anthropic" in result.error
            assert new.requests == []  # nothing at all went to the new host
            assert secrets.get_key("anthropic") is None
        assert len(old.requests_to("/v1/messages")) == 1


def test_a_base_url_changed_behind_the_apps_back_gets_no_key(windows, qtbot):
    with FakeAnthropic(expected_key=ANTHROPIC_KEY) as old, FakeAnthropic(expected_key=ANTHROPIC_KEY) as other:
        settings = config.Settings(anthropic_base_url=old.base_url, default_models={"anthropic": "claude-test"})
        credentials.save_key(settings.endpoint("anthropic"), settings, ANTHROPIC_KEY)
        settings.anthropic_base_url = other.base_url  # as if settings.json had been edited by hand
        window = windows.new(settings)
        type_and_send(qtbot, window, "hello?")
        result = wait_answer(qtbot, window)
    assert result.status is MessageStatus.ERROR
    assert "Open Settings and confirm sending the key there" in result.error
    assert other.requests == [] and old.requests == []


# -- the debugging switch for message text in the log ------------------------------------------------

def test_the_debug_log_switch_is_off_by_default_warns_and_works(windows, qtbot, fakes, log_file):
    fake = fakes("anthropic", Scenario(chunks=["the private answer"]))
    from tests.ui.conftest import configure

    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "my private question")
    wait_answer(qtbot, window)
    assert "private" not in log_file.read_text(encoding="utf-8")

    dialog = open_settings(qtbot, window)
    check = dialog.findChild(QCheckBox, "debugLogContentCheck")
    warning = dialog.findChild(QLabel, "debugLogContentWarning")
    assert not check.isChecked() and "plain text" in warning.text()
    dialog.pages.setCurrentIndex(2)
    assert check.isVisible() and warning.isVisible()
    check.setChecked(True)
    assert warning.property("tone") == "error"
    save(qtbot, window, dialog)
    assert window.settings.debug_log_content and config.load_settings().debug_log_content
    assert dialog.result() == QDialog.DialogCode.Accepted

    window.new_conversation()
    type_and_send(qtbot, window, "my private question again")
    wait_answer(qtbot, window)
    logged = log_file.read_text(encoding="utf-8")
    assert "my private question again" in logged and "the private answer" in logged
    assert "my private question\"" not in logged.split("again")[0]  # the first turn stayed out of it
