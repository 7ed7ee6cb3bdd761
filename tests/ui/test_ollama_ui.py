"""Ollama in the window, against FakeOllama: the status indicator, the picker, "Get a model" with
its progress, the model manager (details, options, unload, delete), Ollama not running or going away."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QWidget,
)

from desktop_chat.domain.messages import MessageStatus
from desktop_chat.ui.runtime import i18n
from desktop_chat.ui.common import theme
from desktop_chat.ui.window.main_window import MainWindow
from desktop_chat.ui.models.ollama_models import ModelManagerDialog
from desktop_chat.ui.models.ollama_pull import PullDialog
from tests.fakes.loopback import Scenario
from tests.fakes.ollama_server import PULL_UNKNOWN
from tests.ui.conftest import configure
from tests.ui.window_actions import listed, pick_provider, type_and_send, wait_answer

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def wait_running(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.ollama.status is not None and window.ollama.status.running, timeout=10_000)


def open_pull(qtbot, window: MainWindow) -> PullDialog:  # noqa: ANN001
    wait_running(qtbot, window)
    assert window.ollama.button.pull_action.isEnabled()
    window.ollama.button.pull_action.trigger()  # the indicator's menu: Get a model…
    dialog = window.ollama.pull_dialog
    assert isinstance(dialog, PullDialog)
    qtbot.waitExposed(dialog)
    return dialog


def open_manager(qtbot, window: MainWindow) -> ModelManagerDialog:  # noqa: ANN001
    qtbot.mouseClick(window.top_bar.ollama_button, Qt.MouseButton.LeftButton)
    dialog = window.ollama.manager
    assert isinstance(dialog, ModelManagerDialog)
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() > 0, timeout=10_000)
    return dialog


def table_rows(dialog: ModelManagerDialog) -> dict[str, list[str]]:
    rows = {}
    for i in range(dialog.table.topLevelItemCount()):
        item = dialog.table.topLevelItem(i)
        rows[item.text(0)] = [item.text(c) for c in range(dialog.table.columnCount())]
    return rows


def select_model(dialog: ModelManagerDialog, name: str) -> None:
    for i in range(dialog.table.topLevelItemCount()):
        item = dialog.table.topLevelItem(i)
        if item.text(0) == name:
            dialog.table.setCurrentItem(item)
            return
    raise AssertionError(name)


def answer_box(qtbot, parent: QWidget, box_name: str, button_name: str) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, box_name) is not None)
    box = parent.findChild(QMessageBox, box_name)
    qtbot.waitExposed(box)
    qtbot.mouseClick(box.findChild(QPushButton, button_name), Qt.MouseButton.LeftButton)


# -- the picker, a pull to 100 %, a chat ---------------------------------------------------------------

def test_picker_lists_the_models_a_pull_reaches_100_percent_and_the_new_model_chats(windows, qtbot, fakes):
    fake = fakes("ollama", Scenario(chunks=["from ", "gemma"]))
    window = windows.new(configure("ollama", fake))
    wait_running(qtbot, window)
    assert window.ollama.button.isVisible() and window.ollama.button.text() == "Ollama 0.12.6"
    assert fake.base_url in window.ollama.button.toolTip()
    assert window.top_bar.ollama_button.isVisible()

    qtbot.mouseClick(window.top_bar.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: listed(window) == ["llama3.2:latest", "llava:13b", "qwen2.5:7b"], timeout=10_000)
    def tip() -> str:
        return window.top_bar.model_picker.itemData(1, Qt.ItemDataRole.ToolTipRole)

    # The listing's details at once, the context window once /api/show has described the model (a
    # task of its own: reading the tip right after the listing raced it).
    assert tip().startswith("llava:13b · 13B · Q4_0 · llama · 8.0 GB")
    qtbot.waitUntil(lambda: tip() == "llava:13b · 13B · Q4_0 · llama · 8.0 GB · 4,096 tokens of context",
                    timeout=10_000)

    fake.pull_gate = threading.Event()
    dialog = open_pull(qtbot, window)
    qtbot.keyClicks(dialog.name_edit, "gemma3:1b")
    qtbot.mouseClick(dialog.pull_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.isVisible() and not dialog.pull_button.isVisible()
    qtbot.waitUntil(lambda: fake.pull_halfway.is_set() and dialog.progress.value() == 500, timeout=10_000)
    assert dialog.layers.topLevelItemCount() == 1
    assert dialog.layers.topLevelItem(0).text(2) == "50 %"
    assert dialog.status_label.text() == "Downloading part 1 of “gemma3:1b”…"
    assert dialog.detail_label.text().startswith("408 MB of 815 MB")

    fake.pull_gate.set()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    assert dialog.progress.value() == dialog.progress.maximum() == 1000
    assert dialog.progress.text() == "100%"
    assert dialog.layers.topLevelItemCount() == 4
    assert all(dialog.layers.topLevelItem(i).text(2) == "100 %" for i in range(4))
    assert dialog.status_label.text() == "“gemma3:1b” is ready."
    qtbot.waitUntil(lambda: "gemma3:1b" in listed(window), timeout=10_000)

    qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    assert window.top_bar.current_model() == "gemma3:1b"
    type_and_send(qtbot, window, "hello")
    assert wait_answer(qtbot, window).text == "from gemma"
    assert fake.requests_to("/api/chat")[-1].json["model"] == "gemma3:1b"


def test_an_unknown_name_shows_ollamas_own_message(windows, qtbot, fakes):
    fake = fakes("ollama")
    window = windows.new(configure("ollama", fake))
    dialog = open_pull(qtbot, window)
    dialog.start("no-such-model")
    qtbot.waitUntil(lambda: dialog.state == "failed", timeout=10_000)
    assert dialog.status_label.text() == (f"Ollama could not download “no-such-model”: {PULL_UNKNOWN}. "
                                          "Check the name in the Ollama library (ollama.com/library).")
    assert dialog.status_label.property("tone") == "error"
    assert dialog.pull_button.isVisible() and not dialog.use_button.isVisible()


def test_a_pull_cancelled_half_way_closes_the_stream(windows, qtbot, fakes):
    fake = fakes("ollama")
    fake.pull_gate = threading.Event()
    window = windows.new(configure("ollama", fake))
    dialog = open_pull(qtbot, window)
    dialog.start("gemma3:1b")
    qtbot.waitUntil(lambda: dialog.progress.value() == 500, timeout=10_000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == "cancelled", timeout=10_000)
    (sent,) = fake.requests_to("/api/pull")
    qtbot.waitUntil(sent.disconnected.is_set, timeout=5_000)
    assert "Download cancelled" in dialog.status_label.text()
    assert dialog.pull_button.isVisible()
    assert "gemma3:1b" not in [m.name for m in fake.models]


def test_closing_the_dialog_while_pulling_asks_first(windows, qtbot, fakes):
    fake = fakes("ollama")
    fake.pull_gate = threading.Event()
    window = windows.new(configure("ollama", fake))
    dialog = open_pull(qtbot, window)
    dialog.start("gemma3:1b")
    qtbot.waitUntil(lambda: dialog.progress.value() == 500, timeout=10_000)
    dialog.reject()  # Esc or the Close button
    answer_box(qtbot, dialog, "ollamaStopPullQuestion", "ollamaKeepPulling")
    assert dialog.isVisible() and dialog.state == "pulling"
    dialog.reject()
    answer_box(qtbot, dialog, "ollamaStopPullQuestion", "ollamaStopPull")
    qtbot.waitUntil(lambda: window.ollama.pull_dialog is None, timeout=10_000)
    (sent,) = fake.requests_to("/api/pull")
    qtbot.waitUntil(sent.disconnected.is_set, timeout=5_000)


# -- the model manager ------------------------------------------------------------------------------

def test_manager_shows_details_saves_options_unloads_and_deletes(windows, qtbot, fakes):
    fake = fakes("ollama")
    window = windows.new(configure("ollama", fake))
    wait_running(qtbot, window)
    dialog = open_manager(qtbot, window)
    rows = table_rows(dialog)
    assert rows["llava:13b"][:5] == ["llava:13b", "8.0 GB", "13B", "Q4_0", "llama"]
    assert rows["qwen2.5:7b"][:5] == ["qwen2.5:7b", "4.7 GB", "7.6B", "Q4_K_M", "qwen2"]
    assert "3 model(s) on that computer, 0 in memory." in dialog.status_label.text()

    select_model(dialog, "llava:13b")
    qtbot.waitUntil(lambda: dialog.context_label.text() == "4,096 tokens", timeout=10_000)
    assert dialog.capabilities_label.text() == "chat, images (vision)"
    assert dialog.details_box.title() == "llava:13b"

    dialog.num_ctx.setValue(8192)
    dialog.temperature.setValue(0.3)
    dialog.keep_alive.setCurrentIndex(dialog.keep_alive.findData("1h"))
    qtbot.mouseClick(dialog.save_options_button, Qt.MouseButton.LeftButton)
    assert dialog.options_status.text().startswith("Saved.")
    saved = json.loads((Path(os.environ["DESKTOP_CHAT_HOME"]) / "settings.json").read_text())
    assert saved["ollama_model_options"] == {"llava:13b": {"num_ctx": 8192, "temperature": 0.3, "keep_alive": "1h"}}

    window.choice.choose_model("ollama", "llava:13b")
    type_and_send(qtbot, window, "describe")
    wait_answer(qtbot, window)
    sent = fake.requests_to("/api/chat")[-1].json
    assert sent["options"]["num_ctx"] == 8192 and sent["options"]["temperature"] == 0.3
    assert sent["keep_alive"] == "1h"

    qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: table_rows(dialog)["llava:13b"][5].startswith("8.0 GB until "), timeout=10_000)
    select_model(dialog, "llava:13b")
    assert dialog.unload_button.isEnabled()
    qtbot.mouseClick(dialog.unload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: table_rows(dialog)["llava:13b"][5] == "" and not fake.loaded, timeout=10_000)
    assert fake.requests_to("/api/chat")[-1].json["keep_alive"] == 0

    select_model(dialog, "qwen2.5:7b")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    answer_box(qtbot, dialog, "ollamaDeleteQuestion", "ollamaCancelDelete")
    assert fake.find_model("qwen2.5:7b") is not None and not fake.requests_to("/api/delete")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    answer_box(qtbot, dialog, "ollamaDeleteQuestion", "ollamaConfirmDelete")
    qtbot.waitUntil(lambda: "qwen2.5:7b" not in table_rows(dialog), timeout=10_000)
    assert fake.find_model("qwen2.5:7b") is None
    qtbot.waitUntil(lambda: "qwen2.5:7b" not in listed(window), timeout=10_000)


def test_a_bad_keep_alive_in_the_settings_file_is_shown_and_kept(windows, qtbot, fakes):
    fake = fakes("ollama")
    settings = configure("ollama", fake)
    settings.ollama_model_options = {"llama3.2:latest": {"keep_alive": "90m"}}
    window = windows.new(settings)
    dialog = open_manager(qtbot, window)
    select_model(dialog, "llama3.2:latest")
    assert dialog.keep_alive.currentText() == "90m"
    assert dialog.form_options().keep_alive == "90m"


def test_every_control_has_an_object_name_and_an_accessible_name(windows, qtbot, fakes):
    fake = fakes("ollama")
    window = windows.new(configure("ollama", fake))
    manager = open_manager(qtbot, window)
    pull = open_pull(qtbot, window)
    controls = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QTreeWidget)
    for widget in (manager, pull, window.ollama.button, window.top_bar.ollama_button):
        found = [widget] if isinstance(widget, controls) else widget.findChildren(QWidget)
        for child in found:
            if not isinstance(child, controls) or isinstance(child.parent(), (QDialogButtonBox, QAbstractSpinBox)):
                continue
            if isinstance(child.parent(), (QComboBox, QLineEdit)):  # Qt's own parts of a combo box, a clear button
                continue
            assert child.objectName(), f"{type(child).__name__} {getattr(child, 'text', lambda: '')()!r}"
            assert child.accessibleName(), child.objectName()


# -- Ollama not running, or going away -------------------------------------------------------------

def test_ollama_not_running_is_said_plainly_and_the_rest_keeps_working(windows, qtbot, fakes):
    anthropic = fakes("anthropic", Scenario(chunks=["still ", "here"]))
    window = windows.new(configure("anthropic", anthropic))  # OLLAMA_HOST points at a closed port
    qtbot.waitUntil(lambda: window.ollama.status is not None, timeout=10_000)
    assert not window.ollama.button.isVisible()  # not running and not in use: no noise
    assert not window.top_bar.ollama_button.isVisible()

    pick_provider(window, "ollama")
    sentence = "Ollama is not running at http://127.0.0.1:9; start it with `ollama serve`."
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == sentence, timeout=10_000)
    assert window.ollama.button.isVisible()
    assert window.ollama.button.text() == "Ollama: not running"
    assert window.ollama.button.toolTip().startswith(sentence)
    assert not window.ollama.button.pull_action.isEnabled()

    pick_provider(window, "anthropic")
    assert not window.ollama.button.isVisible()
    type_and_send(qtbot, window, "are you there?")
    assert wait_answer(qtbot, window).text == "still here"


def test_ollama_going_away_mid_answer_keeps_the_text_and_the_status_says_not_running(windows, qtbot, fakes):
    fake = fakes("ollama", Scenario(chunks=[f"w{i} " for i in range(400)], chunk_delay=0.01))
    settings = configure("ollama", fake)
    settings.max_attempts = 1
    window = windows.new(settings)
    wait_running(qtbot, window)
    type_and_send(qtbot, window, "tell me a long story")
    qtbot.waitUntil(lambda: window.controller.live_answer(window.current_conversation_id or "") is not None
                    and len(window.controller.live_answer(window.current_conversation_id)[1]) > 20,
                    timeout=10_000)
    fake.stop()  # Ollama quits
    answer = wait_answer(qtbot, window, MessageStatus.ERROR)
    assert answer.text.startswith("w0 w1 w2 ")
    assert "broke off" in answer.error and "kept" in answer.error

    window.ollama.button.check_action.trigger()  # Check again
    sentence = f"Ollama is not running at {fake.base_url}; start it with `ollama serve`."
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == sentence, timeout=10_000)
    assert window.ollama.button.text() == "Ollama: not running"

    dialog = open_manager_when_down(qtbot, window)
    assert dialog.status_label.text() == sentence
    assert not dialog.get_button.isEnabled() and not dialog.delete_button.isEnabled()


def open_manager_when_down(qtbot, window: MainWindow) -> ModelManagerDialog:  # noqa: ANN001
    qtbot.mouseClick(window.top_bar.ollama_button, Qt.MouseButton.LeftButton)
    dialog = window.ollama.manager
    assert isinstance(dialog, ModelManagerDialog)
    qtbot.waitUntil(lambda: dialog._status is not None and not dialog._status.running, timeout=10_000)
    return dialog


def test_offline_local_models_chat_while_a_remote_provider_says_no_connection(windows, qtbot, fakes, monkeypatch):
    # No network: the public API's name does not resolve; Ollama on this computer still answers.
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://api.anthropic.invalid")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-offline")
    fake = fakes("ollama", Scenario(chunks=["offline ", "answer"]))
    settings = configure("ollama", fake)
    settings.max_attempts = 1
    settings.default_endpoint = "anthropic"
    settings.default_models["anthropic"] = "claude-test"
    window = windows.new(settings)
    type_and_send(qtbot, window, "hello?")
    answer = wait_answer(qtbot, window, MessageStatus.ERROR)
    assert answer.error == ("Cannot connect to Anthropic at https://api.anthropic.invalid: the host name could not "
                            "be resolved. Check your network connection and the base URL.")
    pick_provider(window, "ollama")
    qtbot.waitUntil(lambda: listed(window) == ["llama3.2:latest", "llava:13b", "qwen2.5:7b"], timeout=10_000)
    wait_running(qtbot, window)
    type_and_send(qtbot, window, "and now?")
    assert wait_answer(qtbot, window).text == "offline answer"


def test_start_up_does_not_wait_for_a_remote_ollama_that_hangs(windows, qtbot, fakes):
    fake = fakes("ollama", Scenario(hang_before_headers=True))
    settings = configure("ollama", fake)
    settings.read_timeout = 0.5
    window = windows.new(settings)
    # The window is up and usable while the check is still waiting for an answer.
    assert window.ollama.button.text() == "Ollama: checking…"
    assert window.composer.isEnabled()
    qtbot.waitUntil(lambda: window.ollama.status is not None, timeout=15_000)
    assert window.ollama.button.text() == "Ollama: not reachable"
    assert window.ollama.button.toolTip().startswith(f"Ollama did not answer at {fake.base_url} within 0.5 s.")


# -- how it looks ---------------------------------------------------------------------------------

def cut_off(widget: QWidget) -> list[str]:
    return [f"{type(w).__name__} {w.objectName()!r}: {w.text()!r}"
            for w in widget.findChildren(QWidget)
            if isinstance(w, (QLabel, QPushButton, QCheckBox)) and w.isVisible() and w.text()
            and not (isinstance(w, QLabel) and w.wordWrap()) and w.width() < w.sizeHint().width()]


@pytest.mark.parametrize(("language", "look"), [("en", "light"), ("zh_CN", "light"), ("en", "dark")])
def test_screenshots(windows, qtbot, fakes, qapp, language, look):
    ARTIFACTS.mkdir(exist_ok=True)
    suffix = language if look == "light" else f"{language}_{look}"
    theme.apply_theme(qapp, look)
    i18n.install_translator(qapp, language)
    try:
        fake = fakes("ollama")
        fake.pull_gate = threading.Event()
        settings = configure("ollama", fake)
        settings.ollama_model_options = {"llava:13b": {"num_ctx": 8192, "keep_alive": "1h"}}
        window = windows.new(settings)
        ticks = iter(range(10_000))
        window.ollama.admin.clock = lambda: next(ticks) * 0.25  # a line every quarter second: a speed to show
        wait_running(qtbot, window)
        window.resize(1100, 720)
        assert window.statusBar().grab().save(str(ARTIFACTS / f"ollama_status_{suffix}.png"))

        dialog = open_pull(qtbot, window)
        dialog.start("gemma3:1b")
        qtbot.waitUntil(lambda: dialog.progress.value() == 500, timeout=10_000)
        if language == "en":
            assert dialog.detail_label.text() == "408 MB of 815 MB · 326 MB/s · 1 s left"
        assert cut_off(dialog) == []
        assert dialog.grab().save(str(ARTIFACTS / f"ollama_pull_{suffix}.png"))
        fake.pull_gate.set()
        qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
        assert dialog.grab().save(str(ARTIFACTS / f"ollama_pull_done_{suffix}.png"))
        dialog.accept()

        type_and_send(qtbot, window, "hi")
        wait_answer(qtbot, window)  # llama3.2 is loaded now
        manager = open_manager(qtbot, window)
        qtbot.waitUntil(lambda: "gemma3:1b" in table_rows(manager)
                        and bool(table_rows(manager)["llama3.2:latest"][5]), timeout=10_000)
        select_model(manager, "llava:13b")
        qtbot.waitUntil(lambda: "4,096" in manager.context_label.text(), timeout=10_000)
        assert cut_off(manager) == []
        assert manager.grab().save(str(ARTIFACTS / f"ollama_manager_{suffix}.png"))
        manager.accept()

        fake.stop()
        window.ollama.check(quiet=False)
        qtbot.waitUntil(lambda: window.ollama.status is not None and not window.ollama.status.running,
                        timeout=10_000)
        assert window.statusBar().grab().save(str(ARTIFACTS / f"ollama_status_down_{suffix}.png"))
        assert window.grab().save(str(ARTIFACTS / f"ollama_window_down_{suffix}.png"))
    finally:
        theme.apply_theme(qapp, "system")
        i18n.install_translator(qapp, "en")
        QApplication.processEvents()


def test_sizes_speeds_and_times_read_naturally():
    from desktop_chat.ui.common.units import format_bytes, format_speed, format_time_left, parse_iso_time

    assert [format_bytes(n) for n in (0, 96, 1_429, 815_319_791, 4_683_087_332, 40_000_000_000)] == [
        "0 B", "96 B", "1.4 KB", "815 MB", "4.7 GB", "40 GB"]
    assert format_speed(35_200_000) == "35 MB/s" and format_speed(None) == ""
    assert [format_time_left(s) for s in (0.2, 42, 150, 3 * 3600 + 20 * 60)] == [
        "1 s left", "42 s left", "3 min left", "3 h 20 min left"]
    when = parse_iso_time("2025-01-15T10:22:31.417224368+01:00")
    assert when is not None and (when.hour, when.minute, when.utcoffset().seconds) == (10, 22, 3600)
    assert parse_iso_time("2024-06-04T14:38:31Z").tzinfo is not None
    assert parse_iso_time("not a time") is None and parse_iso_time(None) is None
