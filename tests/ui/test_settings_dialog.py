"""The Settings dialog, driven the way a user drives it: typing, clicking, answering questions.

Keys go through the in-memory keyring backend (tests/fakes/memory_keyring.py); the asyncio
parts run on the `qloop` fixture (tests/ui/conftest.py), so every qtbot wait also runs them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QWidget,
)

from desktop_chat import secrets
from desktop_chat.config import CustomEndpoint, Settings, load_settings, settings_path
from desktop_chat.domain.errors import AuthenticationError, CannotConnectError
from desktop_chat.providers.base import ModelInfo
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.settings.settings_dialog import SettingsDialog

KEY = "sk-ant-api03-TESTKEY-0123456789abcdefWXYZ"


class FakeModels:
    """A test_connection coroutine: answers with `count` models, or raises `error`."""

    def __init__(self, count: int = 3, error: Exception | None = None) -> None:
        self.count, self.error = count, error
        self.calls: list[str] = []
        self.keys_at_call: list[str | None] = []

    async def __call__(self, endpoint_id: str) -> list[ModelInfo]:
        self.calls.append(endpoint_id)
        self.keys_at_call.append(secrets.get_key(endpoint_id))
        if self.error is not None:
            raise self.error
        return [ModelInfo(f"model-{i}") for i in range(self.count)]


@pytest.fixture
def open_dialog(qtbot, qloop, caplog):
    caplog.set_level(logging.ERROR, logger="desktop_chat.ui.settings.settings_dialog")
    made: list[SettingsDialog] = []

    def open_(settings: Settings | None = None, test_connection=None) -> SettingsDialog:  # noqa: ANN001
        dialog = SettingsDialog(settings or Settings(), AsyncRunner(), test_connection or FakeModels())
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: "Checking" not in status(dialog, "anthropicKeyStatus").text())
        made.append(dialog)
        return dialog

    yield open_
    errors = [r for r in caplog.records if r.name == "desktop_chat.ui.settings.settings_dialog" and r.levelno >= logging.ERROR]
    assert not errors, errors


def child(dialog: QWidget, kind: type, name: str):  # noqa: ANN201
    widget = dialog.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} called {name}"
    return widget


def status(dialog: QWidget, name: str) -> QLabel:
    return child(dialog, QLabel, name)


def type_into(qtbot, dialog: QWidget, name: str, text: str) -> None:  # noqa: ANN001
    edit = child(dialog, QLineEdit, name)
    edit.setFocus()
    edit.selectAll()
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)
    edit.editingFinished.emit()


def click(qtbot, dialog: QWidget, name: str) -> None:  # noqa: ANN001
    qtbot.mouseClick(child(dialog, QPushButton, name), Qt.MouseButton.LeftButton)


def save_and_wait(qtbot, dialog: SettingsDialog) -> None:  # noqa: ANN001
    with qtbot.waitSignal(dialog.settingsChanged, timeout=5000):
        click(qtbot, dialog, "saveButton")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Accepted


def answer_key_question(button_name: str) -> list[str]:
    """Click `button_name` in the key-host question as soon as it is shown; returns what it saw."""
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != "keyHostQuestion":
            QTimer.singleShot(10, answer)
            return
        seen.append(box.text())
        box.findChild(QPushButton, button_name).click()

    QTimer.singleShot(0, answer)
    return seen


def files_containing(root: Path, text: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


# -- keys -------------------------------------------------------------------------------------------

def test_a_saved_key_goes_to_the_keyring_and_to_no_file(qtbot, open_dialog, data_home) -> None:  # noqa: ANN001
    settings = Settings()
    dialog = open_dialog(settings)
    assert child(dialog, QLineEdit, "anthropicKeyEdit").echoMode() == QLineEdit.EchoMode.Password
    type_into(qtbot, dialog, "anthropicKeyEdit", KEY)
    assert secrets.get_key("anthropic") is None  # nothing is written before Save
    save_and_wait(qtbot, dialog)

    assert secrets.get_key("anthropic") == KEY
    assert settings.key_hosts == {"anthropic": "api.anthropic.com"}
    assert settings_path().exists()
    assert load_settings().key_hosts == {"anthropic": "api.anthropic.com"}
    assert files_containing(data_home, KEY) == []
    assert files_containing(data_home, KEY[-12:]) == []


def test_the_key_is_shown_masked_never_in_full(qtbot, open_dialog) -> None:  # noqa: ANN001
    secrets.set_key("anthropic", KEY)
    dialog = open_dialog(Settings(key_hosts={"anthropic": "api.anthropic.com"}))
    text = status(dialog, "anthropicKeyStatus").text()
    assert secrets.mask(KEY) in text and "api.anthropic.com" in text
    assert child(dialog, QLineEdit, "anthropicKeyEdit").text() == ""
    shown = [w.text() for w in dialog.findChildren(QLabel)]
    for edit in dialog.findChildren(QLineEdit):
        shown += [edit.text(), edit.placeholderText(), edit.toolTip(), edit.accessibleName()]
    assert all(KEY not in s and KEY[8:-4] not in s for s in shown)


def test_clear_forgets_the_key_only_on_save(qtbot, open_dialog) -> None:  # noqa: ANN001
    secrets.set_key("openai", "sk-openai-0123456789abcdef")
    settings = Settings(key_hosts={"openai": "api.openai.com"})
    dialog = open_dialog(settings)
    click(qtbot, dialog, "openaiClearKeyButton")
    assert "removed when you save" in status(dialog, "openaiKeyStatus").text()
    assert secrets.get_key("openai") is not None
    save_and_wait(qtbot, dialog)
    assert secrets.get_key("openai") is None
    assert "openai" not in settings.key_hosts


def test_cancel_writes_nothing(qtbot, open_dialog, data_home) -> None:  # noqa: ANN001
    settings = Settings()
    dialog = open_dialog(settings)
    type_into(qtbot, dialog, "anthropicKeyEdit", KEY)
    type_into(qtbot, dialog, "openaiBaseUrlEdit", "https://proxy.example.com/v1")
    click(qtbot, dialog, "addEndpointButton")
    type_into(qtbot, dialog, "customNameEdit", "DeepSeek")
    type_into(qtbot, dialog, "customBaseUrlEdit", "https://api.deepseek.com/v1")
    child(dialog, QPlainTextEdit, "systemPromptEdit").setPlainText("Be brief.")
    child(dialog, QComboBox, "themeCombo").setCurrentIndex(2)
    click(qtbot, dialog, "cancelButton")

    assert dialog.result() == QDialog.DialogCode.Rejected
    assert settings == Settings()
    assert not settings_path().exists()
    assert list(data_home.rglob("*.json")) == []
    assert secrets.get_key("anthropic") is None and secrets.get_key("deepseek") is None


def test_keyring_unavailable_is_said_plainly(qtbot, open_dialog, monkeypatch) -> None:  # noqa: ANN001
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        settings = Settings()
        dialog = open_dialog(settings)
        banner = status(dialog, "keyringStatus")
        assert banner.isVisible() and "No system keyring is available" in banner.text()
        assert "sudo apt install gnome-keyring" in banner.text() and "OPENAI_API_KEY" in banner.text()
        key_status = status(dialog, "anthropicKeyStatus")
        assert "keyring" not in key_status.text()  # said once, in the banner; never per field
        type_into(qtbot, dialog, "anthropicKeyEdit", KEY)
        assert "until Desktop Chat quits" in key_status.text() and "stored" not in key_status.text()
        # No dead end: Save uses the key until the app quits (memory only), and says nothing contrary.
        click(qtbot, dialog, "saveButton")
        qtbot.waitUntil(lambda: not dialog.isVisible())
        assert secrets.session_key("anthropic") == (KEY, "api.anthropic.com")
        assert settings.key_hosts == {}
        assert KEY not in settings_path().read_text(encoding="utf-8")
    finally:
        secrets.forget_session_key("anthropic")
        keyring.set_keyring(previous)


# -- base URLs and the host a key is bound to ---------------------------------------------------------

def test_an_invalid_base_url_is_explained_and_blocks_save(qtbot, open_dialog) -> None:  # noqa: ANN001
    settings = Settings()
    dialog = open_dialog(settings)
    type_into(qtbot, dialog, "anthropicBaseUrlEdit", "api.example.com")
    error = status(dialog, "anthropicBaseUrlError")
    assert error.isVisible() and "must start with http:// or https://" in error.text()
    click(qtbot, dialog, "saveButton")
    assert dialog.isVisible()
    assert "Not saved" in status(dialog, "saveStatus").text()
    assert settings.anthropic_base_url is None and not settings_path().exists()

    type_into(qtbot, dialog, "anthropicBaseUrlEdit", "https://gateway.example.com/anthropic/")
    assert not error.isVisible()
    save_and_wait(qtbot, dialog)
    assert settings.anthropic_base_url == "https://gateway.example.com/anthropic"


def test_custom_endpoints_are_added_and_removed(qtbot, open_dialog) -> None:  # noqa: ANN001
    dialog = open_dialog(load_settings())
    click(qtbot, dialog, "addEndpointButton")
    type_into(qtbot, dialog, "customNameEdit", "DeepSeek")
    type_into(qtbot, dialog, "customKeyEdit", "sk-deepseek-0123456789")
    click(qtbot, dialog, "saveButton")  # no URL yet
    assert "base URL" in status(dialog, "customBaseUrlError").text()
    type_into(qtbot, dialog, "customBaseUrlEdit", "https://api.deepseek.com/v1")
    save_and_wait(qtbot, dialog)

    saved = load_settings()
    assert saved.custom_endpoints == [CustomEndpoint("deepseek", "DeepSeek", "https://api.deepseek.com/v1")]
    assert secrets.get_key("deepseek") == "sk-deepseek-0123456789"
    assert saved.key_hosts["deepseek"] == "api.deepseek.com"
    assert [e.id for e in saved.endpoints()][-1] == "deepseek"

    dialog = open_dialog(saved)
    items = child(dialog, QListWidget, "customEndpointList")
    assert items.count() == 1 and items.item(0).text() == "DeepSeek"
    items.setCurrentRow(0)
    click(qtbot, dialog, "removeEndpointButton")
    assert items.count() == 0
    save_and_wait(qtbot, dialog)
    again = load_settings()
    assert again.custom_endpoints == [] and "deepseek" not in again.key_hosts
    assert secrets.get_key("deepseek") is None


@pytest.mark.parametrize("answer", ["sendKeyButton", "forgetKeyButton"])
def test_a_new_host_for_a_saved_key_asks_first(qtbot, open_dialog, answer) -> None:  # noqa: ANN001
    secrets.set_key("openai", "sk-openai-0123456789abcdef")
    settings = Settings(key_hosts={"openai": "api.openai.com"})
    dialog = open_dialog(settings)
    type_into(qtbot, dialog, "openaiBaseUrlEdit", "https://proxy.example.com/v1")
    assert "proxy.example.com" in status(dialog, "openaiKeyStatus").text()  # warned before saving
    seen = answer_key_question(answer)
    save_and_wait(qtbot, dialog)

    assert seen and "api.openai.com" in seen[0] and "proxy.example.com" in seen[0]
    assert settings.openai_base_url == "https://proxy.example.com/v1"
    if answer == "sendKeyButton":
        assert settings.key_hosts["openai"] == "proxy.example.com"
        assert secrets.get_key("openai") == "sk-openai-0123456789abcdef"
    else:
        assert "openai" not in settings.key_hosts
        assert secrets.get_key("openai") is None
    assert load_settings().key_hosts == settings.key_hosts


def test_cancelling_the_key_question_saves_nothing(qtbot, open_dialog) -> None:  # noqa: ANN001
    secrets.set_key("openai", "sk-openai-0123456789abcdef")
    settings = Settings(key_hosts={"openai": "api.openai.com"})
    dialog = open_dialog(settings)
    type_into(qtbot, dialog, "openaiBaseUrlEdit", "https://proxy.example.com/v1")
    seen = answer_key_question("cancelSaveButton")
    click(qtbot, dialog, "saveButton")
    assert seen and dialog.isVisible()
    assert settings.openai_base_url is None and settings.key_hosts == {"openai": "api.openai.com"}
    assert not settings_path().exists()


def test_a_new_key_with_a_new_url_needs_no_question(qtbot, open_dialog) -> None:  # noqa: ANN001
    secrets.set_key("openai", "sk-openai-old-0123456789")
    settings = Settings(key_hosts={"openai": "api.openai.com"})
    dialog = open_dialog(settings)
    type_into(qtbot, dialog, "openaiBaseUrlEdit", "https://proxy.example.com/v1")
    type_into(qtbot, dialog, "openaiKeyEdit", "sk-openai-new-0123456789")
    save_and_wait(qtbot, dialog)  # a question would block here: nothing answers it
    assert settings.key_hosts["openai"] == "proxy.example.com"
    assert secrets.get_key("openai") == "sk-openai-new-0123456789"


# -- test connection -----------------------------------------------------------------------------

def test_test_connection_shows_the_model_count(qtbot, open_dialog) -> None:  # noqa: ANN001
    fake = FakeModels(count=3)
    dialog = open_dialog(Settings(), fake)
    click(qtbot, dialog, "ollamaTestButton")
    result = status(dialog, "ollamaTestResult")
    qtbot.waitUntil(lambda: result.text() == "Connected: 3 models")
    assert fake.calls == ["ollama"]


def test_test_connection_shows_the_error_message(qtbot, open_dialog) -> None:  # noqa: ANN001
    message = "Anthropic refused the API key (401): check it in Settings."
    dialog = open_dialog(Settings(), FakeModels(error=AuthenticationError(message, provider="Anthropic", status=401)))
    click(qtbot, dialog, "anthropicTestButton")
    result = status(dialog, "anthropicTestResult")
    qtbot.waitUntil(lambda: result.text() == message)

    dialog = open_dialog(Settings(), FakeModels(error=CannotConnectError("Cannot reach Ollama at 127.0.0.1:9.")))
    click(qtbot, dialog, "ollamaTestButton")
    qtbot.waitUntil(lambda: status(dialog, "ollamaTestResult").text() == "Cannot reach Ollama at 127.0.0.1:9.")


def test_test_connection_saves_what_is_typed_first(qtbot, open_dialog) -> None:  # noqa: ANN001
    fake = FakeModels(count=1)
    settings = Settings()
    changed: list[bool] = []
    dialog = open_dialog(settings, fake)
    dialog.settingsChanged.connect(lambda: changed.append(True))
    button = child(dialog, QPushButton, "anthropicTestButton")
    assert button.text() == "Test connection"
    type_into(qtbot, dialog, "anthropicKeyEdit", KEY)
    type_into(qtbot, dialog, "anthropicBaseUrlEdit", "http://127.0.0.1:8080")
    assert button.text() == "Save and test"
    child(dialog, QPlainTextEdit, "systemPromptEdit").setPlainText("not saved by the test button")
    click(qtbot, dialog, "anthropicTestButton")
    qtbot.waitUntil(lambda: status(dialog, "anthropicTestResult").text() == "Connected: 1 model")

    assert fake.keys_at_call == [KEY]  # the service was asked with the key just typed
    assert settings.anthropic_base_url == "http://127.0.0.1:8080"
    assert settings.key_hosts == {"anthropic": "127.0.0.1:8080"}
    assert load_settings().anthropic_base_url == "http://127.0.0.1:8080"
    assert settings.system_prompt == ""  # other edits still wait for Save
    assert changed == [True]
    assert button.text() == "Test connection"
    assert secrets.mask(KEY) in status(dialog, "anthropicKeyStatus").text()
    assert child(dialog, QLineEdit, "anthropicKeyEdit").text() == ""


def test_test_connection_offers_the_models_as_defaults(qtbot, open_dialog) -> None:  # noqa: ANN001
    dialog = open_dialog(Settings(default_endpoint="ollama"), FakeModels(count=2))
    click(qtbot, dialog, "ollamaTestButton")
    qtbot.waitUntil(lambda: child(dialog, QComboBox, "defaultModelCombo").count() == 2)


# -- defaults and appearance --------------------------------------------------------------------------

def test_defaults_and_appearance_are_saved(qtbot, open_dialog) -> None:  # noqa: ANN001
    settings = Settings(temperature=None)
    dialog = open_dialog(settings)
    provider = child(dialog, QComboBox, "defaultProviderCombo")
    assert [provider.itemText(i) for i in range(provider.count())] == ["Anthropic", "OpenAI", "Ollama"]
    provider.setCurrentIndex(2)
    model = child(dialog, QComboBox, "defaultModelCombo")
    model.setEditText("qwen3:8b")
    child(dialog, QCheckBox, "useProviderTemperatureCheck").setChecked(False)
    child(dialog, QAbstractSpinBox, "temperatureSpin").setValue(0.3)
    child(dialog, QAbstractSpinBox, "maxTokensSpin").setValue(2048)
    child(dialog, QPlainTextEdit, "systemPromptEdit").setPlainText("Answer in French.")
    child(dialog, QComboBox, "themeCombo").setCurrentIndex(2)
    child(dialog, QComboBox, "languageCombo").setCurrentIndex(2)
    save_and_wait(qtbot, dialog)

    saved = load_settings()
    assert (saved.default_endpoint, saved.default_models) == ("ollama", {"ollama": "qwen3:8b"})
    assert (saved.temperature, saved.max_tokens, saved.system_prompt) == (0.3, 2048, "Answer in French.")
    assert (saved.theme, saved.language) == ("dark", "zh_CN")


def test_saving_keeps_fields_the_dialog_does_not_edit(qtbot, open_dialog) -> None:  # noqa: ANN001
    settings = Settings(ui_state={"splitter": [200, 800]}, read_timeout=120.0, max_attempts=2)
    dialog = open_dialog(settings)
    save_and_wait(qtbot, dialog)
    saved = load_settings()
    assert (saved.ui_state, saved.read_timeout, saved.max_attempts) == ({"splitter": [200, 800]}, 120.0, 2)


# -- accessibility ---------------------------------------------------------------------------------

INTERACTIVE = (QLineEdit, QPushButton, QComboBox, QCheckBox, QAbstractSpinBox, QPlainTextEdit, QListWidget, QTabWidget)


def test_every_interactive_widget_has_an_object_and_accessible_name(qtbot, open_dialog) -> None:  # noqa: ANN001
    dialog = open_dialog(Settings(custom_endpoints=[CustomEndpoint("lm", "LM Studio", "http://127.0.0.1:1234/v1")]))
    assert dialog.objectName() == "settingsDialog"
    missing = []
    for widget in dialog.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or widget.isHidden():
            continue
        if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):  # their own inner line edit
            continue
        if not widget.objectName() or not widget.accessibleName():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} {widget.accessibleName()!r}")
    assert missing == []


def test_tab_order_follows_the_layout(qtbot, open_dialog) -> None:  # noqa: ANN001
    dialog = open_dialog(Settings())
    order = []
    widget = child(dialog, QLineEdit, "anthropicKeyEdit")
    for _ in range(200):
        if widget.objectName() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus and not widget.isHidden():
            order.append(widget.objectName())
        widget = widget.nextInFocusChain()
        if widget.objectName() == "ollamaTestButton":
            order.append(widget.objectName())
            break
    assert order == [
        "anthropicKeyEdit", "anthropicClearKeyButton", "anthropicBaseUrlEdit", "anthropicTestButton",
        "openaiKeyEdit", "openaiClearKeyButton", "openaiBaseUrlEdit", "openaiTestButton",
        "ollamaHostEdit", "ollamaTestButton",
    ]


# -- how it looks -----------------------------------------------------------------------------------

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.parametrize(("name", "look", "language"), [
    ("en_light", "light", "en"), ("en_dark", "dark", "en"), ("zh_CN", "light", "zh_CN"),
])
def test_screenshot_and_nothing_is_cut_off(qtbot, open_dialog, qapp, name, look, language) -> None:  # noqa: ANN001
    from desktop_chat.ui.runtime import i18n
    from desktop_chat.ui.common import theme

    ARTIFACTS.mkdir(exist_ok=True)
    secrets.set_key("anthropic", KEY)
    theme.apply_theme(qapp, look)
    i18n.install_translator(qapp, language)
    try:
        dialog = open_dialog(
            Settings(key_hosts={"anthropic": "api.anthropic.com"},
                     custom_endpoints=[CustomEndpoint("deepseek", "DeepSeek", "https://api.deepseek.com/v1")]),
            FakeModels(count=7),
        )
        qtbot.waitExposed(dialog)
        click(qtbot, dialog, "anthropicTestButton")
        qtbot.waitUntil(lambda: "7" in status(dialog, "anthropicTestResult").text())
        type_into(qtbot, dialog, "openaiBaseUrlEdit", "api.openai.example")  # an inline error, too
        tabs = dialog.pages  # the section list and its pages (ui/settings/pages.py)
        for index, page in enumerate(("providers", "other_services", "defaults", "appearance")):
            tabs.setCurrentIndex(index)
            qtbot.wait(20)
            cut = [f"{type(w).__name__} {w.objectName()!r}: {w.text()!r}"
                   for w in tabs.currentWidget().findChildren(QWidget)
                   if isinstance(w, (QLabel, QPushButton, QCheckBox)) and w.isVisible() and w.text()
                   and not (isinstance(w, QLabel) and w.wordWrap()) and w.width() < w.sizeHint().width()]
            cut += [f"placeholder of {w.objectName()!r}: {w.placeholderText()!r}"
                    for w in tabs.currentWidget().findChildren(QLineEdit)
                    if w.isVisible() and not w.text() and w.placeholderText()
                    and w.fontMetrics().horizontalAdvance(w.placeholderText()) + 12 > w.width()]
            assert cut == [], f"cut off on the {page} page"
            suffix = "" if index == 0 else f"_{page}"
            assert dialog.grab().save(str(ARTIFACTS / f"settings_{name}{suffix}.png"))
    finally:
        theme.apply_theme(qapp, "system")
        i18n.install_translator(qapp, "en")


def test_saving_settings_keeps_a_built_in_default_provider(qtbot, open_dialog) -> None:  # noqa: ANN001
    # The Defaults tab lists no Built-in row, so it shows Anthropic; an unrelated change must not
    # make that the default (it did: the next new conversation then failed with "No API key").
    dialog = open_dialog(Settings(default_endpoint="builtin"))
    assert child(dialog, QComboBox, "defaultProviderCombo").currentText() == "Anthropic"
    child(dialog, QAbstractSpinBox, "maxTokensSpin").setValue(1234)
    save_and_wait(qtbot, dialog)
    saved = load_settings()
    assert (saved.default_endpoint, saved.max_tokens) == ("builtin", 1234)


def test_choosing_a_default_provider_in_settings_still_saves_it(qtbot, open_dialog) -> None:  # noqa: ANN001
    dialog = open_dialog(Settings(default_endpoint="builtin"))
    provider = child(dialog, QComboBox, "defaultProviderCombo")
    provider.activated.emit(0)  # the user picked the row that was showing: Anthropic
    save_and_wait(qtbot, dialog)
    assert load_settings().default_endpoint == "anthropic"
