"""Every error card carries its fix, and the fix does what it says (against the loopback fakes)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from desktop_chat.domain.errors import ErrorAction
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.ui.common.error_card import error_html
from tests.fakes.loopback import Scenario, free_port
from tests.ui.conftest import configure, shown_text
from tests.ui.window_actions import type_and_send, wait_answer


def _card_button(window, message_id: str) -> QPushButton:  # noqa: ANN001
    widget = window.view.message_widget(message_id)
    button = widget.findChild(QPushButton, "errorActionButton")
    assert button is not None and widget.findChild(QWidget, "errorCard").isVisible()
    return button


def _settings_dialog(qtbot, window):  # noqa: ANN001, ANN202
    qtbot.waitUntil(lambda: window.settings_door.dialog is not None and window.settings_door.dialog.isVisible())
    return window.settings_door.dialog


# -- the card's words ---------------------------------------------------------------------------------

def test_error_text_shows_code_as_code_links_as_links_and_nothing_else_as_markup():
    text = ("No API key for OpenAI: run `desktop-chat keys set openai` <b>now</b> & see "
            "https://platform.openai.com/account/api-keys. Then retry.")
    shown = error_html(text)
    assert "<code>desktop-chat keys set openai</code>" in shown
    assert "`" not in shown
    assert '<a href="https://platform.openai.com/account/api-keys">' in shown  # the full stop stays outside
    assert "&lt;b&gt;now&lt;/b&gt; &amp;" in shown  # a provider's words are never markup
    assert error_html('javascript:alert(1) "x"') == 'javascript:alert(1) "x"'  # only http(s) becomes a link


# -- each card's fix ----------------------------------------------------------------------------------

def test_a_rejected_key_opens_settings_at_that_providers_key(windows, qtbot, fakes):
    fake = fakes("openai", Scenario(status=401, error_message="Incorrect API key provided"))
    window = windows.new(configure("openai", fake))
    type_and_send(qtbot, window, "hello")
    answer = wait_answer(qtbot, window, MessageStatus.ERROR)
    button = _card_button(window, answer.id)
    assert button.isVisible() and button.text() == "Open OpenAI settings"
    assert window.view.message_widget(answer.id).retry_button.isVisible()  # Retry stays, for after the fix
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = _settings_dialog(qtbot, window)
    assert dialog.pages.currentIndex() == 0
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editors["openai"].key_edit)
    dialog.reject()


def test_a_missing_key_opens_settings_at_that_provider_and_shows_no_backticks(windows, qtbot, fakes):
    fake = fakes("anthropic")
    settings = configure("anthropic", fake)
    settings.key_hosts.clear()
    from tests.fakes import memory_keyring

    memory_keyring.clear()  # no key anywhere: the engine says so, with `desktop-chat keys set …`
    window = windows.new(settings)
    type_and_send(qtbot, window, "hello")
    answer = wait_answer(qtbot, window, MessageStatus.ERROR)
    assert "`" in (answer.error or "")
    label = window.view.message_widget(answer.id).error_label
    assert "<code>desktop-chat keys set anthropic</code>" in label.text()
    assert "`" not in shown_text(window.view)
    button = _card_button(window, answer.id)
    assert button.text() == "Open Anthropic settings"
    button.click()
    dialog = _settings_dialog(qtbot, window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editors["anthropic"].key_edit)
    dialog.reject()


def test_an_unknown_model_opens_the_model_picker(windows, qtbot, fakes):
    fake = fakes("openai")
    window = windows.new(configure("openai", fake))
    fake.enqueue(Scenario(status=404, error_message="The model `gpt-test` does not exist"))
    type_and_send(qtbot, window, "hello")
    answer = wait_answer(qtbot, window, MessageStatus.ERROR)
    button = _card_button(window, answer.id)
    assert button.text() == "Choose another model"
    picker = window.findChild(QWidget, "modelPicker")
    popup = getattr(picker, "popup", None) or picker.view()  # the picker's own popup (ui/models/model_picker.py)
    assert not popup.isVisible()
    button.click()
    qtbot.waitUntil(popup.isVisible)  # the provider's list, to pick another model
    qtbot.waitUntil(lambda: picker.count() == 3)
    picker.hidePopup()


def test_ollama_not_running_says_how_to_start_it_copies_the_command_and_retry_answers(windows, qtbot, fakes):
    settings = windows.settings()
    settings.ollama_host = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    settings.default_endpoint = "ollama"
    settings.default_models["ollama"] = "llama3.2:latest"
    window = windows.new(settings)
    type_and_send(qtbot, window, "hello")
    answer = wait_answer(qtbot, window, MessageStatus.ERROR)
    widget = window.view.message_widget(answer.id)
    assert widget.error_action is ErrorAction.START_OLLAMA
    hint = widget.findChild(QWidget, "errorHint")
    assert hint.isVisible() and 'href="https://ollama.com/download"' in hint.text()
    assert "<code>ollama serve</code>" in widget.error_label.text()
    button = _card_button(window, answer.id)
    button.click()
    assert QGuiApplication.clipboard().text() == "ollama serve"

    # Ollama now runs (here: the loopback fake, at the address Settings now gives): Retry answers.
    fake = fakes("ollama")
    window.settings.ollama_host = fake.base_url
    window.apply_settings()
    qtbot.mouseClick(widget.retry_button, Qt.MouseButton.LeftButton)
    done = wait_answer(qtbot, window)
    assert done.text == "Hello, world!"
    assert len(fake.requests_to("/api/chat")) == 1


def test_a_reopened_conversation_offers_the_same_fix(windows, qtbot, fakes):
    fake = fakes("openai", Scenario(status=401))
    window = windows.new(configure("openai", fake))
    type_and_send(qtbot, window, "hello")
    answer = wait_answer(qtbot, window, MessageStatus.ERROR)
    cid = window.current_conversation_id
    window.new_conversation()
    window.open_conversation(cid)
    assert _card_button(window, answer.id).text() == "Open OpenAI settings"


def test_a_refused_turn_shows_its_reason_and_fix_above_the_composer(windows, qtbot):
    settings = windows.settings()
    settings.ollama_host = f"http://127.0.0.1:{free_port()}"
    settings.default_endpoint = "ollama"
    settings.default_models.pop("ollama", None)  # no model: the engine must list them, and cannot
    window = windows.new(settings)
    type_and_send(qtbot, window, "hello ollama")
    qtbot.waitUntil(lambda: (found := window.findChild(QWidget, "refusalNotice")) is not None
                    and found.isVisible())
    notice = window.findChild(QWidget, "refusalNotice")
    assert "ollama serve" in notice.label.text() and "`" not in notice.label.text()
    assert notice.action is ErrorAction.START_OLLAMA and notice.action_button.isVisible()
    assert window.composer.toPlainText() == "hello ollama"  # nothing typed is lost
    notice.action_button.click()
    assert QGuiApplication.clipboard().text() == "ollama serve"
