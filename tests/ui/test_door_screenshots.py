"""Pictures of the door (the sidebar's foot, the app menu, About), error cards with their fix and
the no-keyring notice, saved under test-artifacts/ to look at (offscreen grabs of the real window)."""

from __future__ import annotations

import keyring
from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from desktop_chat import secrets
from desktop_chat.domain.messages import MessageStatus
from tests import wiring
from tests.fakes.failing_keyring import FailingKeyring
from tests.fakes.loopback import Scenario, free_port
from tests.ui.conftest import configure
from tests.ui.test_screenshot_xvfb import ARTIFACTS, save
from tests.ui.window_actions import type_and_send, wait_answer


def _with_popup(window: QWidget, popup: QWidget, name: str) -> None:
    """The window with an open popup (a separate top-level window offscreen) painted where it is."""
    picture = window.grab()
    painter = QPainter(picture)
    painter.drawPixmap(window.mapFromGlobal(popup.mapToGlobal(QPoint(0, 0))), popup.grab())
    painter.end()
    ARTIFACTS.mkdir(exist_ok=True)
    assert picture.save(str(ARTIFACTS / name))


def _settle(qtbot, window) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=10_000)
    qtbot.wait(50)


def test_screenshot_the_sidebar_foot_menu_and_about(windows, qtbot, fakes):
    fake = fakes("openai")
    window = windows.new(configure("openai", fake))
    for question in ("Plan a 3-day trip to Kyoto", "Explain Python's GIL in two sentences"):
        window.new_conversation()
        type_and_send(qtbot, window, question)
        wait_answer(qtbot, window)
    _settle(qtbot, window)
    save(window, "door-01-sidebar-foot.png")
    window.app_menu.popup()
    menu = window.app_menu.menu
    qtbot.waitUntil(menu.isVisible)
    qtbot.wait(50)
    _with_popup(window, menu, "door-02-menu-open.png")
    menu.hide()
    window.panel.hide()
    qtbot.waitUntil(window.findChild(QWidget, "appMenuCompactButton").isVisible)
    window.app_menu.popup()
    qtbot.waitUntil(menu.isVisible)
    qtbot.wait(50)
    _with_popup(window, menu, "door-03-menu-sidebar-hidden.png")
    menu.hide()
    window.panel.show()
    window.app_menu.about_action.trigger()
    about = window.app_menu.dialog("about")
    qtbot.waitUntil(about.isVisible)
    save(about, "door-04-about.png")
    about.reject()
    window.app_menu.shortcuts_action.trigger()
    shortcuts = window.app_menu.dialog("shortcuts")
    qtbot.waitUntil(shortcuts.isVisible)
    save(shortcuts, "door-05-shortcuts.png")
    shortcuts.reject()


def test_screenshot_error_cards_with_their_fix(windows, qtbot, fakes):
    fake = fakes("openai")
    window = windows.new(configure("openai", fake))
    fake.enqueue(Scenario(status=401, error_message="Incorrect API key provided: sk-wro***ong. You can find "
                                                    "your API key at https://platform.openai.com/account/api-keys."))
    type_and_send(qtbot, window, "hello")
    wait_answer(qtbot, window, MessageStatus.ERROR)
    _settle(qtbot, window)
    save(window, "door-06-error-401-open-settings.png")

    fake.enqueue(Scenario(status=404, error_message="The model `gpt-test` does not exist"))
    window.new_conversation()
    type_and_send(qtbot, window, "hello again")
    wait_answer(qtbot, window, MessageStatus.ERROR)
    _settle(qtbot, window)
    save(window, "door-07-error-404-choose-model.png")

    window.settings.ollama_host = f"http://127.0.0.1:{free_port()}"
    window.settings.default_models["ollama"] = "llama3.2:latest"
    window.apply_settings()
    window.new_conversation()
    window.choice.use("ollama")
    type_and_send(qtbot, window, "hello ollama")
    wait_answer(qtbot, window, MessageStatus.ERROR)
    _settle(qtbot, window)
    save(window, "door-08-error-ollama-not-running.png")

    window.settings.default_models.pop("ollama", None)  # no model: the turn is refused before it starts
    window.choice.models.pop("ollama", None)
    window.new_conversation()
    window.choice.show("ollama", None)
    type_and_send(qtbot, window, "which model?")
    qtbot.waitUntil(lambda: (n := window.findChild(QWidget, "refusalNotice")) is not None and n.isVisible(),
                    timeout=10_000)
    qtbot.wait(50)
    save(window, "door-09-refused-turn-notice.png")

    # The same two, dark.
    window.settings.theme = "dark"
    window.apply_settings()
    qtbot.wait(100)
    save(window, "door-12-dark-refused-turn-notice.png")
    window.panel.step(+1)
    _settle(qtbot, window)
    save(window, "door-13-dark-error-card.png")
    window.settings.theme = "light"
    window.apply_settings()


def test_screenshot_the_no_keyring_notice(windows, qtbot):
    previous = keyring.get_keyring()
    keyring.set_keyring(FailingKeyring())
    try:
        window = windows.new()
        window.open_settings("openai")
        qtbot.waitUntil(lambda: window.settings_door.dialog is not None and window.settings_door.dialog.isVisible())
        dialog = window.settings_door.dialog
        qtbot.waitUntil(dialog.findChild(QLabel, "keyringStatus").isVisible)
        qtbot.keyClicks(dialog.findChild(QLineEdit, "openaiKeyEdit"), wiring.OPENAI_KEY)
        qtbot.wait(50)
        save(dialog, "door-10-no-keyring-typed-key.png")
        dialog.findChild(QWidget, "openaiSessionKeyButton").click()
        qtbot.waitUntil(lambda: "until Desktop Chat quits" in dialog.findChild(QLabel, "openaiKeyStatus").text())
        qtbot.wait(50)
        save(dialog, "door-11-no-keyring-session-key.png")
        dialog.reject()
    finally:
        keyring.set_keyring(previous)
        secrets.forget_session_key("openai")
