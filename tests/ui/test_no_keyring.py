"""No keyring, no dead end: a key used until Desktop Chat quits answers, and is written nowhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from desktop_chat import secrets
from desktop_chat.chat import credentials
from desktop_chat.config import Settings
from desktop_chat.domain.errors import KeyHostMismatchError
from desktop_chat.domain.messages import MessageStatus
from tests import wiring
from tests.fakes.failing_keyring import FailingKeyring
from tests.ui.window_actions import type_and_send, wait_answer


@pytest.fixture
def failing_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(FailingKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
        for endpoint_id in ("openai", "anthropic"):
            secrets.forget_session_key(endpoint_id)


def _files_holding(root: Path, secret: str) -> list[Path]:
    needle = secret.encode()
    return [path for path in root.rglob("*") if path.is_file() and needle in path.read_bytes()]


def test_a_session_key_is_bound_to_its_host_and_forgotten_on_request(failing_keyring):
    settings = Settings()
    endpoint = settings.endpoint("openai")
    credentials.use_for_session(endpoint, " sk-session-0001 ")
    assert credentials.resolve_key(endpoint, settings, environ={}) == "sk-session-0001"
    assert settings.key_hosts == {}  # nothing that would be written to the settings file
    settings.openai_base_url = "https://elsewhere.example/v1"
    with pytest.raises(KeyHostMismatchError):  # never sent to another host without asking
        credentials.resolve_key(settings.endpoint("openai"), settings, environ={})
    assert credentials.forget_key(settings.endpoint("openai"), settings) is True  # no keyring call needed
    assert secrets.session_key("openai") is None
    with pytest.raises(ValueError):  # checked as a saved key is: no spaces or line breaks
        secrets.set_session_key("openai", "sk-one\nsk-two", "api.openai.com")
    assert secrets.session_key("openai") is None


def test_without_a_keyring_a_key_used_until_quit_answers_and_no_file_holds_it(
        windows, qtbot, fakes, failing_keyring, tmp_path):  # noqa: ANN001
    fake = fakes("openai")
    fake.expected_key = wiring.OPENAI_KEY
    settings = windows.settings()
    settings.openai_base_url = fake.base_url + "/v1"
    settings.default_endpoint = "openai"
    settings.default_models["openai"] = "gpt-test"
    window = windows.new(settings)

    window.open_settings("openai")
    qtbot.waitUntil(lambda: window.settings_door.dialog is not None and window.settings_door.dialog.isVisible())
    dialog = window.settings_door.dialog
    banner = dialog.findChild(QLabel, "keyringStatus")
    qtbot.waitUntil(banner.isVisible)
    assert "No system keyring is available" in banner.text()
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert sum("keyring" in text.lower() for text in texts) == 1  # said once, never contradicted

    key_edit = dialog.findChild(QLineEdit, "openaiKeyEdit")
    assert key_edit.hasFocus()  # opened at OpenAI's key
    qtbot.keyClicks(key_edit, wiring.OPENAI_KEY)
    use = dialog.findChild(QPushButton, "openaiSessionKeyButton")
    assert use.isVisible() and use.text() == "Use this key until Desktop Chat quits"
    qtbot.mouseClick(use, Qt.MouseButton.LeftButton)
    key_status = dialog.findChild(QLabel, "openaiKeyStatus")
    qtbot.waitUntil(lambda: "in use until Desktop Chat quits" in key_status.text())
    assert not use.isVisible() and key_edit.text() == ""
    save_status = dialog.findChild(QLabel, "saveStatus")
    qtbot.waitUntil(lambda: not dialog.busy)
    assert "until Desktop Chat quits" in save_status.text() and "Saved" not in save_status.text()  # no contradiction
    dialog.reject()

    type_and_send(qtbot, window, "hello")
    answer = wait_answer(qtbot, window, MessageStatus.COMPLETE)
    assert answer.text == "Hello, world!"
    assert fake.requests_to("/chat/completions")[-1].header("authorization") == f"Bearer {wiring.OPENAI_KEY}"

    windows.close(window)  # the database, settings, log and snapshot are all written by now
    assert _files_holding(tmp_path, wiring.OPENAI_KEY) == []  # DESKTOP_CHAT_HOME (data, config, logs) lives here
