"""The window against the loopback fakes, through the real engine and the real SDKs."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from desktop_chat.config import load_settings
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.ui.conversations.delete_dialog import DeleteMessageDialog
from desktop_chat.ui.window.turn_events import Notice
from tests import wiring
from tests.fakes.loopback import FakeServer, RecordedRequest, Response, Scenario
from tests.ui.conftest import configure, shown_text, view_text
from tests.ui.window_actions import answers, last_answer, type_and_send, wait_answer

ROOT = Path(__file__).resolve().parents[2]
TEN = [f"tok{i} " for i in range(10)]


def error_card(window, message_id: str) -> QWidget:  # noqa: ANN001
    card = window.view.message_widget(message_id).findChild(QWidget, "errorCard")
    assert card is not None
    return card


# -- start-up ---------------------------------------------------------------------------------------

def test_window_opens_with_the_composer_focused_and_every_control_named(windows, qtbot):
    window = windows.new()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.composer)
    for name in ("conversationList", "conversationSearch", "newConversationButton", "providerPicker",
                 "modelPicker", "refreshModelsButton", "systemPromptButton", "messageView", "composer",
                 "sendButton", "stopButton"):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    assert window.findChild(QComboBox, "modelPicker").isEditable()
    assert window.composer_bar.send_button.isVisible()
    assert not window.composer_bar.stop_button.isVisible()


def test_start_up_loads_no_sdk_no_keyring_no_engine_before_the_window_is_shown(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP_CHAT_REPORT_STARTUP="1")
    env.pop("DESKTOP_CHAT_HOME", None)
    proc = subprocess.run([sys.executable, "-m", "desktop_chat", "--data-dir", str(tmp_path / "data")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("startup-ms"))
    _, ms, _, loaded = line.split()
    assert loaded == "-", f"imported before the window was shown: {loaded}"
    assert int(ms) < 3000


def test_reopening_a_conversation_at_start_loads_no_sdk_and_not_every_widget_class(tmp_path):
    """The last conversation's messages are on the first frame; still no SDK, no engine, and PySide
    was never made to load all of QtWidgets to learn a viewport's type (ui/runtime/python_viewport.py)."""
    import time as clock

    from desktop_chat.config import Settings, save_settings
    from desktop_chat.domain.messages import Conversation, Message
    from desktop_chat.store import Store

    data = tmp_path / "data"
    data.mkdir()
    now = clock.time()
    conversation = Conversation(id="c1", title="Reopened", created_at=now, updated_at=now)
    messages = [Message(id=f"m{i}", conversation_id="c1", role="user" if i % 2 == 0 else "assistant",
                        text=f"message {i} " * 30, status=MessageStatus.COMPLETE, seq=i + 1, created_at=now + i,
                        updated_at=now + i) for i in range(6)]
    with Store(data / "chat.sqlite3") as store:
        store.import_conversations([(conversation, messages)])
    settings = Settings()
    settings.ui_state = {"last_conversation": "c1"}
    save_settings(settings, data / "settings.json")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP_CHAT_REPORT_STARTUP="1")
    env.pop("DESKTOP_CHAT_HOME", None)
    proc = subprocess.run([sys.executable, "-m", "desktop_chat", "--data-dir", str(data)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("startup-ms"))
    loaded = set(line.split()[3].split(","))
    # (markdown_it renders the answers: there is no snapshot of an earlier session's rendering here)
    assert not loaded & {"all-widget-classes", "anthropic", "openai", "keyring", "desktop_chat.chat.engine",
                         "logging.handlers", "desktop_chat.ui.messages.thinking_block",
                         "desktop_chat.ui.messages.stream_buffer"}, loaded


def test_without_a_provider_the_welcome_offers_a_running_ollama(windows, qtbot, fakes):
    ollama = fakes("ollama")
    settings = load_settings()
    settings.ollama_host = ollama.base_url
    window = windows.new(settings)
    welcome = window.welcome.panel
    qtbot.waitUntil(lambda: welcome.isVisible() and welcome.ollama_use_button.isVisible(), timeout=10_000)
    assert not window.view.isVisible()
    qtbot.mouseClick(welcome.ollama_use_button, Qt.MouseButton.LeftButton)
    assert window.top_bar.current_endpoint() == "ollama"
    assert window.top_bar.current_model()
    assert not welcome.isVisible() and window.view.isVisible()
    type_and_send(qtbot, window, "hello ollama")
    assert wait_answer(qtbot, window).text == "Hello, world!"


def test_without_any_provider_the_welcome_still_explains(windows, qtbot):
    window = windows.new()
    with qtbot.waitSignal(window.setupChecked, timeout=10_000):
        pass
    welcome = window.welcome.panel
    qtbot.waitUntil(lambda: welcome.isVisible() and welcome.ollama.phase == "not_running", timeout=10_000)
    assert not welcome.ollama_use_button.isVisible()


# -- sending ----------------------------------------------------------------------------------------

def test_send_streams_the_answer_into_the_view(windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=TEN, chunk_delay=0.01))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "What is a tok?")
    assert window.composer.toPlainText() == ""
    qtbot.waitUntil(lambda: "tok9" in shown_text(window.view), timeout=10_000)
    answer = wait_answer(qtbot, window)
    assert answer.text == "".join(TEN)
    assert answer.output_tokens == 4 and answer.ttft_ms is not None
    assert "What is a tok?" in shown_text(window.view)
    assert window.panel.model.rowCount() == 1
    assert window.panel.model.conversation_at(0).title == "What is a tok?"
    assert window.top_bar.totals.text()  # conversation totals shown
    body = fake.requests_to("/v1/messages")[-1].json
    assert body["model"] == "claude-test"


def test_send_and_stop_swap_in_place_and_nothing_else_moves(windows, qtbot):
    """Send gives way to Stop in the same slot: the editor and the messages keep their places
    (a relayout there resized the message view and repainted the whole window at every turn)."""
    window = windows.new()
    bar = window.composer_bar
    before = (window.composer.geometry(), window.view.geometry(), bar.geometry())
    moved: list[str] = []

    class Watch(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
            if event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
                moved.append(watched.objectName())
            return False

    watch = Watch()
    for widget in (window.composer, window.view, bar):
        widget.installEventFilter(watch)
    bar.set_streaming(True)
    QApplication.sendPostedEvents()
    assert bar.stop_button.isVisible() and not bar.send_button.isVisible()
    bar.set_streaming(False)
    QApplication.sendPostedEvents()
    assert bar.send_button.isVisible() and not bar.stop_button.isVisible()
    assert (window.composer.geometry(), window.view.geometry(), bar.geometry()) == before
    assert moved == []


def test_enter_sends_and_shift_enter_starts_a_new_line(windows, qtbot, fakes):
    fake = fakes("anthropic")
    window = windows.new(configure("anthropic", fake))
    qtbot.keyClicks(window.composer, "line one")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.composer, "line two")
    assert window.composer.toPlainText() == "line one\nline two"
    assert not fake.requests
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    wait_answer(qtbot, window)
    user = window.store.list_messages(window.current_conversation_id)[0]
    assert user.text == "line one\nline two"


def test_stop_keeps_the_partial_text_and_closes_the_connection(windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=[f"w{i} " for i in range(200)], chunk_delay=0.02))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "talk a lot")
    qtbot.waitUntil(lambda: window.composer_bar.stop_button.isVisible())
    qtbot.waitUntil(lambda: "w3 " in shown_text(window.view), timeout=10_000)
    qtbot.mouseClick(window.composer_bar.stop_button, Qt.MouseButton.LeftButton)
    answer = wait_answer(qtbot, window, MessageStatus.STOPPED)
    assert answer.text.startswith("w0 w1 w2 w3 ")
    assert len(answer.text) < len("".join(f"w{i} " for i in range(200)))
    request: RecordedRequest = fake.requests_to("/v1/messages")[-1]
    assert request.disconnected.wait(5)
    assert window.composer_bar.send_button.isVisible() and not window.composer_bar.stop_button.isVisible()
    assert view_text(window.view, answer.id) == answer.text
    assert "Stopped" in shown_text(window.view)


def test_escape_stops_the_answer(windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=[f"w{i} " for i in range(200)], chunk_delay=0.02))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "talk a lot")
    qtbot.waitUntil(lambda: "w2 " in shown_text(window.view), timeout=10_000)
    qtbot.keyClick(window.composer, Qt.Key.Key_Escape)
    assert wait_answer(qtbot, window, MessageStatus.STOPPED).text.startswith("w0 w1 w2 ")


def test_a_401_shows_an_error_card_and_the_reason_in_the_status_bar(windows, qtbot, fakes):
    fake = fakes("anthropic")
    settings = configure("anthropic", fake)
    fake.expected_key = "sk-ant-some-other-key"
    window = windows.new(settings)
    type_and_send(qtbot, window, "hello")
    answer = wait_answer(qtbot, window, MessageStatus.ERROR)
    assert answer.error and "key" in answer.error.lower()
    assert answer.error in shown_text(window.view)
    assert error_card(window, answer.id).isVisible()
    assert "key" in window.statusBar().currentMessage().lower()
    assert len(fake.requests_to("/v1/messages")) == 1  # an auth failure is not retried


def test_a_dropped_stream_keeps_the_text_and_shows_an_error(windows, qtbot, fakes):
    fake = fakes("openai", Scenario(chunks=TEN, drop_after=3))
    window = windows.new(configure("openai", fake))
    type_and_send(qtbot, window, "hello")
    answer = wait_answer(qtbot, window, MessageStatus.ERROR)
    assert answer.text == "".join(TEN[:3])
    assert answer.error
    assert answer.error in shown_text(window.view)
    assert error_card(window, answer.id).isVisible()
    assert view_text(window.view, answer.id) == answer.text  # the partial text stays


def test_retry_then_continue_after_an_error(windows, qtbot, fakes):
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=TEN, drop_after=2), Scenario(chunks=["fresh ", "answer"]))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "hello")
    failed = wait_answer(qtbot, window, MessageStatus.ERROR)
    assert "broke off" in window.statusBar().currentMessage()
    window.panel.search.setFocus()  # where Qt put focus when the Retry button went away
    window.view.retryRequested.emit(failed.id)
    answer = wait_answer(qtbot, window)
    assert answer.text == "fresh answer"
    # the failed answer is kept as the first version; the view shows the new one only
    assert [m.id for m in window.store.versions(answer.id)] == [failed.id, answer.id]
    assert "tok0" not in shown_text(window.view)
    # the failure that was retried no longer speaks in the status bar, and typing goes on in the composer
    assert window.statusBar().currentMessage() == ""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.composer)


def test_a_rate_limit_shows_a_countdown_then_answers(windows, qtbot, fakes):
    fake = fakes("anthropic")
    fake.enqueue(Scenario(status=429, retry_after="2"))
    window = windows.new(configure("anthropic", fake))
    notices: list = []
    window.controller.turnEvent.connect(lambda _cid, event: notices.append(event.text) if isinstance(event, Notice) else None)
    type_and_send(qtbot, window, "hello")
    answer = wait_answer(qtbot, window)
    assert answer.text == "Hello, world!"
    shown = [n for n in notices if n]
    assert any("Retrying in 2 s (attempt 2 of 4)" in n for n in shown), shown
    assert any("Retrying in 1 s" in n for n in shown), shown  # it ticks down
    assert notices[-1] is None  # and is cleared when the request goes out again


def test_regenerate_shows_a_new_version_and_keeps_the_old_one(windows, qtbot, fakes):
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=["alpha"]), Scenario(chunks=["bravo"]))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "hello")
    first = wait_answer(qtbot, window)
    window.view.regenerateRequested.emit(first.id)
    qtbot.waitUntil(lambda: last_answer(window).id != first.id)
    second = wait_answer(qtbot, window)
    assert second.text == "bravo"
    assert [m.text for m in window.store.list_messages(window.current_conversation_id)] == ["hello", "bravo"]
    assert window.view.message_ids()[-1] == second.id and view_text(window.view, second.id) == "bravo"
    assert "alpha" not in shown_text(window.view)
    assert [m.text for m in window.store.versions(second.id)] == ["alpha", "bravo"]


def test_edit_and_resend_shows_the_new_branch_and_keeps_the_old_one(windows, qtbot, fakes):
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=["one"]), Scenario(chunks=["two"]), Scenario(chunks=["edited answer"]))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "first question")
    wait_answer(qtbot, window)
    type_and_send(qtbot, window, "second question")
    qtbot.waitUntil(lambda: len(answers(window)) == 2 and answers(window)[-1].status == MessageStatus.COMPLETE)
    qtbot.waitUntil(lambda: not window.controller.is_streaming(window.current_conversation_id))
    first_user = window.store.list_messages(window.current_conversation_id)[0]
    window.view.editResendRequested.emit(first_user.id, "first question, edited")
    qtbot.waitUntil(lambda: [m.text for m in window.store.list_messages(window.current_conversation_id)]
                    == ["first question, edited", "edited answer"], timeout=10_000)
    wait_answer(qtbot, window)
    text = shown_text(window.view)
    assert "edited answer" in text and "second question" not in text and "two" not in text.split()
    assert "first question\n" not in text + "\n" and len(window.view.message_ids()) == 2
    assert [m.text for m in window.store.versions(first_user.id)] == ["first question", "first question, edited"]
    window.store.switch_to(first_user.id)  # the old branch is all there
    assert [m.text for m in window.store.list_messages(window.current_conversation_id)] == [
        "first question", "one", "second question", "two"]


def test_continue_appends_to_a_stopped_answer(windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=[f"w{i} " for i in range(200)], chunk_delay=0.02))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "talk")
    qtbot.waitUntil(lambda: "w2 " in shown_text(window.view), timeout=10_000)
    window.stop()
    stopped = wait_answer(qtbot, window, MessageStatus.STOPPED)
    fake.enqueue(Scenario(chunks=[" and the rest."]))
    window.view.continueRequested.emit(stopped.id)
    answer = wait_answer(qtbot, window)
    assert answer.id == stopped.id
    assert answer.text == stopped.text + " and the rest."


def test_delete_message_removes_it_from_store_and_view(windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=["gone soon"]))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "hello")
    answer = wait_answer(qtbot, window)
    window.view.deleteRequested.emit(answer.id)  # Delete asks first (ui/conversations/delete_dialog.py)
    dialog = window.findChild(DeleteMessageDialog)
    assert dialog is not None and window.store.get_message(answer.id) is not None
    qtbot.mouseClick(dialog.version_button, Qt.MouseButton.LeftButton)
    assert window.store.get_message(answer.id) is None
    assert "gone soon" not in shown_text(window.view)


def test_model_output_html_is_not_rendered_and_loads_nothing(windows, qtbot, fakes):
    class Pixel(FakeServer):
        async def handle(self, request: RecordedRequest, response: Response) -> None:
            await response.whole(200, b"GIF89a", "image/gif")

    with Pixel() as pixel:
        html = f'<img src="{pixel.base_url}/pixel"> <b>bold?</b> <a href="{pixel.base_url}/link">x</a>'
        fake = fakes("anthropic", Scenario(chunks=[html[:20], html[20:]]))
        window = windows.new(configure("anthropic", fake))
        type_and_send(qtbot, window, "show me html")
        wait_answer(qtbot, window)
        qtbot.wait(300)  # give any (wrong) resource load the time to happen
        assert pixel.requests == []
        shown = shown_text(window.view)
        assert "<img src=" in shown and "<b>bold?</b>" in shown  # shown as text, not as markup


def test_model_list_is_fetched_when_asked_and_a_failure_keeps_the_field_editable(windows, qtbot, fakes):
    fake = fakes("anthropic")
    window = windows.new(configure("anthropic", fake))
    qtbot.mouseClick(window.top_bar.refresh_button, Qt.MouseButton.LeftButton)
    picker = window.top_bar.model_picker
    qtbot.waitUntil(lambda: picker.count() == 3, timeout=10_000)
    assert picker.currentText() == "claude-test"  # the configured, unlisted name is kept
    fake.expected_key = "another-key"
    qtbot.mouseClick(window.top_bar.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Could not list" in window.statusBar().currentMessage(), timeout=10_000)
    assert picker.isEditable() and picker.isEnabled()
    picker.setEditText("claude-typed-by-hand")
    picker.lineEdit().editingFinished.emit()
    assert window.settings.default_models["anthropic"] == "claude-typed-by-hand"


def test_the_chosen_provider_and_model_are_remembered_per_conversation(windows, qtbot, fakes):
    anthropic = fakes("anthropic")
    local = fakes("local", Scenario(chunks=["local says hi"]))
    settings = configure("local", local, configure("anthropic", anthropic))
    settings.default_endpoint = "anthropic"
    window = windows.new(settings)
    type_and_send(qtbot, window, "to anthropic")
    wait_answer(qtbot, window)
    first = window.current_conversation_id
    window.new_conversation()
    window.top_bar.select_endpoint("local")
    window.top_bar.endpointChosen.emit("local")
    type_and_send(qtbot, window, "to local")
    assert wait_answer(qtbot, window).text == "local says hi"
    second = window.current_conversation_id
    window.open_conversation(first)
    assert window.top_bar.current_endpoint() == "anthropic"
    window.open_conversation(second)
    assert window.top_bar.current_endpoint() == "local"
    assert window.top_bar.current_model() == "local-model"
    assert window.settings.default_endpoint == "local"
    # A pick made without sending is kept by the conversation on screen, and becomes the default.
    window.open_conversation(first)
    window.top_bar.model_picker.setEditText("claude-picked")
    window.top_bar.model_picker.lineEdit().editingFinished.emit()
    assert window.store.get_conversation(first).model == "claude-picked"
    assert window.settings.default_models["anthropic"] == "claude-picked"
    window.open_conversation(second)
    window.open_conversation(first)
    assert window.top_bar.current_model() == "claude-picked"


def test_system_prompt_is_sent_and_remembered(windows, qtbot, fakes):
    from desktop_chat.ui.models.system_prompt_dialog import SystemPromptDialog

    fake = fakes("anthropic")
    window = windows.new(configure("anthropic", fake))
    window.edit_system_prompt()
    dialog = window.findChild(SystemPromptDialog)
    dialog.editor.setPlainText("Answer like a pirate.")
    dialog.accept()
    assert window.top_bar.system_prompt_button.toolTip().startswith("System prompt ✓")
    type_and_send(qtbot, window, "hello")
    wait_answer(qtbot, window)
    assert fake.requests_to("/v1/messages")[-1].json["system"] == "Answer like a pirate."
    assert window.store.get_conversation(window.current_conversation_id).system_prompt == "Answer like a pirate."


def test_long_conversations_open_on_the_newest_page_and_page_older_ones(windows, qtbot):
    window = windows.new()
    store = window.store
    conversation = store.create_conversation(title="long")
    for i in range(120):
        store.add_message(conversation.id, "user" if i % 2 == 0 else "assistant", f"message {i}")
    calls: list = []
    real_set, real_prepend = window.view.set_messages, window.view.prepend_messages
    window.view.set_messages = lambda ms, has_older: (calls.append(("set", len(ms), has_older)),
                                                      real_set(ms, has_older=has_older))
    window.view.prepend_messages = lambda ms, has_older: (calls.append(("prepend", len(ms), has_older)),
                                                          real_prepend(ms, has_older=has_older))
    window.panel.reload()
    window.open_conversation(conversation.id)
    window.view.olderMessagesWanted.emit()
    window.view.olderMessagesWanted.emit()
    window.view.olderMessagesWanted.emit()
    assert calls == [("set", 50, True), ("prepend", 50, True), ("prepend", 20, False)]


def test_shortcuts(windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=["copied ", "answer"]))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "first")
    wait_answer(qtbot, window)
    first = window.current_conversation_id
    qtbot.keyClick(window.composer, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text() == "copied answer"

    qtbot.keyClick(window.composer, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current_conversation_id is None
    type_and_send(qtbot, window, "second")
    wait_answer(qtbot, window)
    second = window.current_conversation_id
    assert window.panel.model.conversation_at(0).id == second

    qtbot.keyClick(window.composer, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.current_conversation_id == first
    qtbot.keyClick(window.composer, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert window.current_conversation_id == second

    qtbot.keyClick(window.composer, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.panel.search
    window.composer.setFocus()
    qtbot.keyClick(window.composer, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.panel.search

    qtbot.keyClick(window.panel.search, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor.parent() is window.panel.view.viewport()
    editor.selectAll()
    qtbot.keyClicks(editor, "Renamed")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.store.get_conversation(second).title == "Renamed")  # committed queued
    assert window.top_bar.title.full_text() == "Renamed"


def test_settings_shortcut_opens_the_dialog_and_saving_applies_it(windows, qtbot, fakes):
    fake = fakes("anthropic")
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "warm the pool up")
    wait_answer(qtbot, window)
    assert window.engine.pool._providers
    qtbot.keyClick(window.composer, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(QWidget, "settingsDialog")
    assert dialog is not None and dialog.isVisible()
    window.settings.theme = "dark"
    with qtbot.waitSignal(window.settingsApplied):
        dialog.settingsChanged.emit()
    qtbot.waitUntil(lambda: not window.engine.pool._providers)
    assert QApplication.palette().window().color().lightness() < 128
    dialog.reject()
    window.settings.theme = "light"
    window.apply_settings()


def test_restart_restores_the_conversation_geometry_splitter_and_last_open_conversation(windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=["remembered answer"]))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "older conversation")
    wait_answer(qtbot, window)
    older = window.current_conversation_id
    window.new_conversation()
    type_and_send(qtbot, window, "newer conversation")
    wait_answer(qtbot, window)
    window.open_conversation(older)
    window.resize(760, 560)  # the offscreen screen is 800 x 600
    qtbot.waitUntil(lambda: window.width() == 760)
    window.splitter.setSizes([110, sum(window.splitter.sizes()) - 110])
    left = window.splitter.sizes()[0]
    assert left < 200  # moved away from the default (260), as far as the right pane allows
    windows.close(window)
    saved = json.loads((Path(os.environ["DESKTOP_CHAT_HOME"]) / "settings.json").read_text())
    assert saved["ui_state"]["last_conversation"] == older

    again = windows.new(load_settings())
    assert again.current_conversation_id == older
    assert again.panel.current_id() == older
    assert "remembered answer" in shown_text(again.view)
    assert "older conversation" in shown_text(again.view)
    assert (again.width(), again.height()) == (760, 560)
    assert again.splitter.sizes()[0] == left
    assert again.panel.model.rowCount() == 2
    qtbot.waitUntil(lambda: QApplication.focusWidget() is again.composer)


def test_closing_while_answers_stream_saves_them_as_stopped(windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=[f"w{i} " for i in range(500)], chunk_delay=0.02))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "talk")
    qtbot.waitUntil(lambda: "w2 " in shown_text(window.view), timeout=10_000)
    cid = window.current_conversation_id
    windows.close(window)
    assert window._shut_down and not window.isVisible()
    from desktop_chat.config import database_path
    from desktop_chat.store import Store

    with Store(database_path()) as store:
        answer = [m for m in store.list_messages(cid) if m.role == "assistant"][-1]
    assert answer.status == MessageStatus.STOPPED and answer.text.startswith("w0 w1 w2 ")
    assert fake.requests_to("/v1/messages")[-1].disconnected.wait(5)


def test_delete_conversation_can_be_undone(windows, qtbot, fakes):
    fake = fakes("anthropic")
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "keep me")
    wait_answer(qtbot, window)
    cid = window.current_conversation_id
    window.delete_conversation(cid)
    qtbot.waitUntil(lambda: window.store.get_conversation(cid) is None)
    assert window.panel.model.rowCount() == 0 and window.current_conversation_id is None
    assert window.undo_button.isVisible()
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert window.current_conversation_id == cid
    assert [m.text for m in window.store.list_messages(cid)] == ["keep me", "Hello, world!"]
    assert "keep me" in shown_text(window.view)


@pytest.mark.parametrize("family", ["openai", "ollama"])
def test_other_families_answer_in_the_window(windows, qtbot, fakes, family):
    fake = fakes(family, Scenario(chunks=["from ", family]))
    window = windows.new(configure(family, fake))
    type_and_send(qtbot, window, "hi")
    assert wait_answer(qtbot, window).text == f"from {family}"


def test_settings_file_is_not_given_any_key(windows, qtbot, fakes):
    fake = fakes("anthropic")
    window = windows.new(configure("anthropic", fake))
    windows.close(window)
    text = (Path(os.environ["DESKTOP_CHAT_HOME"]) / "settings.json").read_text()
    assert wiring.ANTHROPIC_KEY not in text


def test_log_file_holds_no_message_text(windows, qtbot, fakes):
    from desktop_chat.config import log_dir
    from desktop_chat.ui.app import setup_logging

    handler = setup_logging(log_dir())
    try:
        fake = fakes("anthropic", Scenario(chunks=["secret answer text"]))
        window = windows.new(configure("anthropic", fake))
        type_and_send(qtbot, window, "secret question text")
        wait_answer(qtbot, window)
        windows.close(window)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    logged = "".join(p.read_text() for p in log_dir().glob("*.log*"))
    assert "secret" not in logged and wiring.ANTHROPIC_KEY not in logged



def test_a_turn_that_cannot_start_keeps_the_text_and_leaves_no_empty_conversation(windows, qtbot, fakes):
    ollama = fakes("ollama")
    ollama.models = []  # nothing pulled yet
    settings = load_settings()
    settings.ollama_host = ollama.base_url
    settings.default_endpoint = "ollama"
    window = windows.new(settings)
    type_and_send(qtbot, window, "hello?")
    qtbot.waitUntil(lambda: "no models" in window.statusBar().currentMessage(), timeout=10_000)
    assert "ollama pull" in window.statusBar().currentMessage()
    assert window.composer.toPlainText() == "hello?"  # nothing is lost
    assert window.current_conversation_id is None
    assert window.store.count_conversations() == 0
    assert window.panel.model.rowCount() == 0
