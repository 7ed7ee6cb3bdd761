"""Settings: providers and their keys, defaults for new conversations, theme and language.

Edits stay in the dialog until Save; Cancel throws every one of them away, keys included.

Keys: only `chat.credentials.save_key/forget_key/confirm_key_host` touch them, always off the GUI
thread (`runner.in_thread`), and the GUI thread never even holds a saved key: the worker thread
reads it and hands back only its masked form (`secrets.mask`). A key is bound to the host of
its endpoint's base URL; when that host changes, Save asks whether to send the saved key to the
new host (confirm_key_host) or to forget it (forget_key).

Test connection tests what is typed: if the provider has unsaved changes, its button reads
"Save and test", and it saves that provider's key and address (only those; the rest stays
pending) before asking the service for its models. Its tooltip says so.

After a save the dialog emits settingsChanged; the window applies theme and language then
(theme.apply_theme, i18n.install_translator: both live, no restart).
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import secrets
from desktop_chat.chat import credentials
from desktop_chat.config import (
    CUSTOM_ENDPOINT_KIND,
    Endpoint,
    Settings,
    normalize_ollama_host,
    save_settings,
    url_host,
    validate_base_url,
)
from desktop_chat.domain.errors import ChatError, KeyringUnavailableError
from desktop_chat.providers import Capabilities, capabilities
from desktop_chat.providers.base import ModelInfo
from desktop_chat.ui.common import theme
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.settings.builtin_settings import BuiltinModelsBox
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.common.labels import plain_label, set_tone
from desktop_chat.ui.settings.preset_menu import PresetButton, PresetHint

log = logging.getLogger(__name__)

TestConnection = Callable[[str], Awaitable[list[ModelInfo]]]

# The Settings fields this dialog edits; nothing else is written back (ui_state, timeouts… stay).
_OWNED_FIELDS = (
    "default_endpoint", "default_models", "temperature", "max_tokens", "system_prompt", "theme",
    "language", "anthropic_base_url", "openai_base_url", "ollama_host", "custom_endpoints", "key_hosts",
    "local_model_paths", "local_idle_unload_minutes", "local_threads",  # the Built-in models group
    "debug_log_content",
    "tool_round_limit",  # the Tools page (tools_settings.py)
)
_BUILT_IN = ("anthropic", "openai", "ollama")
_BRAND = {"anthropic": "Anthropic", "openai": "OpenAI", "ollama": "Ollama"}  # names, not translated
# The setting that holds each built-in endpoint's address ("" / None: the environment, then the default).
_URL_FIELDS = {"anthropic": "anthropic_base_url", "openai": "openai_base_url", "ollama": "ollama_host"}
_LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}  # each in its own language


# -- what the dialog edits ------------------------------------------------------------------------

@dataclass(eq=False)  # identity semantics: drafts are dict keys and combo item data
class _EndpointDraft:
    """Unsaved edits to one endpoint, and what is known about its saved key."""

    kind: str  # a built-in endpoint's id ("anthropic" | "openai" | "ollama"), or "custom"
    endpoint_id: str | None  # None: a custom endpoint that has not been saved yet
    # What its provider declares (the form shows a key field, a host or a base URL accordingly).
    caps: Capabilities = field(default_factory=lambda: capabilities(CUSTOM_ENDPOINT_KIND))
    name: str = ""  # custom endpoints only; built-ins use their brand name
    url: str = ""  # as typed; "" means the default (built-ins)
    saved_name: str = ""
    saved_url: str = ""
    default_url: str = ""  # shown as the placeholder
    key_env: str | None = None
    new_key: str = ""  # typed, not yet stored
    clear_key: bool = False
    key_state: str = "checking"  # checking | none | saved | unknown | session (memory only, until quit)
    keyring: bool = True  # False once the system keyring is known to be missing: keys are then session keys
    key_mask: str = ""
    bound_host: str | None = None  # the host the saved key is bound to
    test: tuple[str, Any] | None = None  # ("running", None) | ("ok", count) | ("error", message)
    models: list[str] = field(default_factory=list)
    name_error: str = ""
    url_error: str = ""
    key_error: str = ""

    @property
    def has_key(self) -> bool:
        return not self.caps.keyless

    @property
    def label(self) -> str:
        return _BRAND.get(self.kind) or self.name.strip()

    @property
    def dirty(self) -> bool:
        return (
            self.endpoint_id is None
            or bool(self.new_key.strip())
            or self.clear_key
            or self.url.strip() != self.saved_url.strip()
            or self.name.strip() != self.saved_name.strip()
        )

    def typed_host(self) -> str | None:
        """The host the typed URL points to, or None while it is not a valid URL."""
        text = self.url.strip() or self.default_url
        try:
            if self.caps.host_address:
                text = normalize_ollama_host(text)
            return url_host(validate_base_url(text))
        except ValueError:
            return None


@dataclass
class _KeyOp:
    action: str  # "save" | "forget" | "confirm" | "session"
    endpoint: Endpoint
    key: str = ""


@dataclass
class _Plan:
    """A validated save: the new settings (keys not yet written) and the keyring operations."""

    new: Settings
    ops: list[_KeyOp]
    drafts: list[_EndpointDraft]
    ids: dict[_EndpointDraft, str]
    general: bool  # the whole dialog (Save) rather than one provider (Save and test)


def _write_keys(settings: Settings, ops: list[_KeyOp], done: dict[str, str | None]) -> None:
    """Runs in a worker thread. Records each finished key change in `done` (id -> mask or None).

    A failed operation leaves `settings.key_hosts` as it was before it, so the bindings saved
    afterwards always match what the keyring holds.
    """
    for op in sorted(ops, key=lambda op: ("forget", "confirm", "save", "session").index(op.action)):
        before = dict(settings.key_hosts)
        try:
            if op.action == "session":  # no keyring: in memory until the app quits, written nowhere
                credentials.use_for_session(op.endpoint, op.key)
                done[op.endpoint.id] = secrets.mask(op.key.strip())
            elif op.action == "save":
                credentials.save_key(op.endpoint, settings, op.key)
                done[op.endpoint.id] = secrets.mask(op.key.strip())
            elif op.action == "forget":
                credentials.forget_key(op.endpoint, settings)
                done[op.endpoint.id] = None
            else:
                credentials.confirm_key_host(op.endpoint, settings)
        except BaseException:
            settings.key_hosts.clear()
            settings.key_hosts.update(before)
            raise


def _read_masks(endpoint_ids: list[str]) -> dict[str, str | None]:
    """Runs in a worker thread: which endpoints have a saved key, as masks (the key stays here)."""
    out: dict[str, str | None] = {}
    for endpoint_id in endpoint_ids:
        key = secrets.get_key(endpoint_id)
        out[endpoint_id] = secrets.mask(key) if key else None
    return out


# -- one endpoint's fields ----------------------------------------------------------------------

class EndpointEditor(QWidget):
    """Name (custom endpoints), base URL, key and Test connection for one endpoint draft."""

    testRequested = Signal(object)  # the draft
    sessionRequested = Signal(object)  # the draft: use its typed key until the app quits (no keyring)
    nameEdited = Signal(object)

    def __init__(self, prefix: str, kind: str, parent: QWidget | None = None, *,
                 caps: Capabilities | None = None) -> None:
        super().__init__(parent)
        self.prefix = prefix
        self.kind = kind
        self.caps = caps if caps is not None else capabilities(CUSTOM_ENDPOINT_KIND)
        self.draft: _EndpointDraft | None = None
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)  # the group box or the page around it has margins
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        # Every editor has every field, so the code below needs no special cases; the ones a kind
        # does not use stay hidden children without an objectName.
        self.name_label = QLabel(self)
        self.name_edit = QLineEdit(self)
        self.name_error = plain_label("")
        if kind != "custom":
            self.name_error.setParent(self)
            for widget in (self.name_label, self.name_edit, self.name_error):
                widget.hide()
        else:
            self.name_error.setObjectName(f"{prefix}NameError")
            self.name_edit.setObjectName(f"{prefix}NameEdit")
            self.name_edit.textEdited.connect(self._name_typed)
            form.addRow(self.name_label, _stacked(self.name_edit, self.name_error))
            self.name_label.setBuddy(self.name_edit)

        self.url_label = QLabel()
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName(f"{prefix}{'Host' if kind == 'ollama' else 'BaseUrl'}Edit")
        self.url_edit.textEdited.connect(self._url_typed)
        self.url_edit.editingFinished.connect(self._check_url)
        self.url_error = plain_label(f"{prefix}{'Host' if kind == 'ollama' else 'BaseUrl'}Error")
        self.url_label.setBuddy(self.url_edit)

        self.key_label = QLabel(self)
        self.key_edit = QLineEdit(self)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.textEdited.connect(self._key_typed)
        self.clear_button = QPushButton(self)
        self.clear_button.clicked.connect(self._clear_clicked)
        # With no keyring: the way forward for a pasted key (in memory until Desktop Chat quits).
        self.session_button = QPushButton(self)
        self.session_button.clicked.connect(lambda: self.draft and self.sessionRequested.emit(self.draft))
        self.session_button.hide()
        self.key_status = plain_label("")
        self.key_label.setBuddy(self.key_edit)
        if self.caps.keyless:
            self.key_status.setParent(self)
            key_widgets: tuple[QWidget, ...] = (self.key_label, self.key_edit, self.clear_button, self.key_status,
                                                self.session_button)
            for key_widget in key_widgets:
                key_widget.hide()
        else:
            self.key_edit.setObjectName(f"{prefix}KeyEdit")
            self.clear_button.setObjectName(f"{prefix}ClearKeyButton")
            self.key_status.setObjectName(f"{prefix}KeyStatus")
            self.session_button.setObjectName(f"{prefix}SessionKeyButton")
            key_row = QHBoxLayout()
            key_row.setContentsMargins(0, 0, 0, 0)
            key_row.addWidget(self.key_edit, 1)
            key_row.addWidget(self.clear_button)
            key_box = _stacked(key_row, self.key_status)
            key_column = key_box.layout()
            if isinstance(key_column, QVBoxLayout):  # (it is: _stacked's column)
                key_column.addWidget(self.session_button, 0, Qt.AlignmentFlag.AlignLeft)
            form.addRow(self.key_label, key_box)
        form.addRow(self.url_label, _stacked(self.url_edit, self.url_error))

        self.test_button = QPushButton()
        self.test_button.setObjectName(f"{prefix}TestButton")
        self.test_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.test_button.clicked.connect(lambda: self.draft and self.testRequested.emit(self.draft))
        self.test_result = plain_label(f"{prefix}TestResult")
        test_row = QHBoxLayout()
        test_row.setContentsMargins(0, 0, 0, 0)
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.test_result, 1)
        form.addRow(test_row)

        if kind == "custom":
            QWidget.setTabOrder(self.name_edit, self.key_edit)
        QWidget.setTabOrder(self.key_edit, self.clear_button)
        QWidget.setTabOrder(self.clear_button, self.url_edit)
        QWidget.setTabOrder(self.url_edit, self.test_button)
        self.retranslate()

    # -- binding -------------------------------------------------------------------------------

    def bind(self, draft: _EndpointDraft | None) -> None:
        self.draft = draft
        self.setEnabled(draft is not None)
        self.name_edit.setText(draft.name if draft else "")
        self.url_edit.setText(draft.url if draft else "")
        self.key_edit.setText(draft.new_key if draft else "")
        self.retranslate()

    def _name_typed(self, text: str) -> None:
        if self.draft:
            self.draft.name = text
            self.draft.name_error = ""
            self.nameEdited.emit(self.draft)
            self.refresh()

    def _url_typed(self, text: str) -> None:
        if self.draft:
            self.draft.url = text
            self.draft.url_error = ""
            self.refresh()

    def _check_url(self) -> None:
        """Say at once, when the field is left, what is wrong with the URL."""
        draft = self.draft
        if draft is None:
            return
        text = draft.url.strip()
        draft.url_error = ""
        if text:
            try:
                validate_base_url(normalize_ollama_host(text) if draft.caps.host_address else text)
            except ValueError as exc:
                draft.url_error = localized_error(exc)
        self.refresh()

    def _key_typed(self, text: str) -> None:
        if self.draft:
            self.draft.new_key = text
            self.draft.key_error = ""
            if text.strip():
                self.draft.clear_key = False
            self.refresh()

    def _clear_clicked(self) -> None:
        if self.draft:
            self.draft.clear_key = True
            self.draft.new_key = ""
            self.key_edit.clear()
            self.refresh()

    # -- texts ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        brand = _BRAND.get(self.kind, "")
        self.name_label.setText(self.tr("Name:"))
        self.name_edit.setPlaceholderText(self.tr("e.g. DeepSeek"))
        self.name_edit.setAccessibleName(self.tr("Endpoint name"))
        self.url_label.setText(self.tr("Host:") if self.caps.host_address else self.tr("Base URL:"))
        self.key_label.setText(self.tr("API key:"))
        self.clear_button.setText(self.tr("Clear"))
        self.session_button.setText(self.tr("Use this key until Desktop Chat quits"))
        self.session_button.setToolTip(self.tr("Keeps the key in memory only: it is not written anywhere, "
                                               "and you paste it again after a restart."))
        self.test_button.setText(self.tr("Test connection"))
        if brand:
            self.url_edit.setAccessibleName(
                self.tr("{provider} host").format(provider=brand) if self.caps.host_address
                else self.tr("{provider} base URL").format(provider=brand))
            self.key_edit.setAccessibleName(self.tr("{provider} API key").format(provider=brand))
            self.clear_button.setAccessibleName(self.tr("Clear the {provider} key").format(provider=brand))
            self.test_button.setAccessibleName(self.tr("Test the {provider} connection").format(provider=brand))
            self.key_status.setAccessibleName(self.tr("{provider} key status").format(provider=brand))
            self.test_result.setAccessibleName(self.tr("{provider} connection result").format(provider=brand))
        else:
            self.url_edit.setAccessibleName(self.tr("Endpoint base URL"))
            self.key_edit.setAccessibleName(self.tr("Endpoint API key"))
            self.clear_button.setAccessibleName(self.tr("Clear the endpoint key"))
            self.test_button.setAccessibleName(self.tr("Test the endpoint connection"))
            self.key_status.setAccessibleName(self.tr("Endpoint key status"))
            self.test_result.setAccessibleName(self.tr("Endpoint connection result"))
        self.url_error.setAccessibleName(self.tr("Address problem"))
        self.name_error.setAccessibleName(self.tr("Name problem"))
        self.refresh()

    def refresh(self) -> None:
        """Re-render everything that depends on the draft's state."""
        draft = self.draft
        if draft is None:
            for label in (self.key_status, self.url_error, self.name_error, self.test_result):
                label.clear()
                label.hide()
            self.url_edit.setPlaceholderText("")
            self.key_edit.setPlaceholderText("")
            return
        if draft.kind == "custom":
            self.url_edit.setPlaceholderText(self.tr("e.g. {url}").format(url="https://api.deepseek.com/v1"))
        else:
            self.url_edit.setPlaceholderText(self.tr("{url} (default)").format(url=draft.default_url))
        _show(self.name_error, draft.name_error, "error")
        _show(self.url_error, draft.url_error, "error")
        self._refresh_key(draft)
        self._refresh_test(draft)

    def _refresh_key(self, draft: _EndpointDraft) -> None:
        if not draft.has_key:
            return
        saved = draft.key_state == "saved"
        if draft.kind == "custom":
            self.key_edit.setPlaceholderText(self.tr("Optional"))
        elif saved or draft.key_state == "session":
            self.key_edit.setPlaceholderText(self.tr("Paste a new key to replace the saved one") if saved
                                             else self.tr("Paste a new key to replace this one"))
        else:
            self.key_edit.setPlaceholderText(self.tr("Paste your API key"))
        session = draft.key_state == "session"
        self.clear_button.setEnabled((saved or session) and not draft.clear_key)
        typed = bool(draft.new_key.strip())
        self.session_button.setVisible(not draft.keyring and typed)
        env_key = bool(draft.key_env and os.environ.get(draft.key_env))
        if draft.key_error:
            _show(self.key_status, draft.key_error, "error")
        elif typed and not draft.keyring:
            # The one message about the missing keyring is the dialog's banner; here: what Save does.
            _show(self.key_status, self.tr("Save uses this key until Desktop Chat quits; it is not written anywhere."), "")
        elif typed:
            _show(self.key_status, self.tr("The new key will be stored in the system keyring when you save."), "")
        elif draft.clear_key:
            _show(self.key_status, self.tr("The key will be removed when you save."), "")
        elif draft.key_state == "checking":
            _show(self.key_status, self.tr("Checking the keyring…"), "")
        elif session:
            _show(self.key_status, self.tr("Key {mask} in use until Desktop Chat quits (not saved).").format(
                mask=draft.key_mask), "")
        elif draft.key_state == "unknown":  # no keyring (the banner says so once)
            _show(self.key_status, self.tr("Using the key from {variable}.").format(variable=draft.key_env)
                  if env_key else self.tr("No key yet."), "")
        elif saved:
            text = (self.tr("Key saved ({mask}) for {host}.").format(mask=draft.key_mask, host=draft.bound_host)
                    if draft.bound_host else self.tr("Key saved ({mask}).").format(mask=draft.key_mask))
            new_host = draft.typed_host()
            if draft.bound_host and new_host and new_host != draft.bound_host:
                text += " " + self.tr("Saving will ask whether to send it to {host}.").format(host=new_host)
            _show(self.key_status, text, "")
        elif env_key:
            _show(self.key_status, self.tr("Using the key from {variable}.").format(variable=draft.key_env), "")
        else:
            _show(self.key_status, self.tr("No key saved."), "")

    def _refresh_test(self, draft: _EndpointDraft) -> None:
        if draft.dirty:
            self.test_button.setText(self.tr("Save and test"))
            self.test_button.setToolTip(self.tr(
                "Saves this provider's key and address now (the other changes wait for Save), "
                "then asks the service for its models."))
        else:
            self.test_button.setText(self.tr("Test connection"))
            self.test_button.setToolTip(self.tr("Asks the service for its models with the saved key and address."))
        running = draft.test is not None and draft.test[0] == "running"
        self.test_button.setEnabled(not running)
        if draft.test is None:
            _show(self.test_result, "", "")
        elif running:
            _show(self.test_result, self.tr("Testing…"), "")
        elif draft.test[0] == "ok":
            count = int(draft.test[1])
            if count == 0:
                text = self.tr("Connected, but the service lists no models.")
            elif count == 1:
                text = self.tr("Connected: 1 model")
            else:
                text = self.tr("Connected: {count} models").format(count=count)
            _show(self.test_result, text, "ok")
        else:
            _show(self.test_result, str(draft.test[1]), "error")


def _stacked(top: QWidget | QHBoxLayout, below: QLabel) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if isinstance(top, QWidget):
        column.addWidget(top)
    else:
        column.addLayout(top)
    column.addWidget(below)
    return box


def _show(label: QLabel, text: str, tone: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    set_tone(label, tone)


# -- the dialog ---------------------------------------------------------------------------------

class SettingsDialog(QDialog):
    """See the module docstring. `settingsChanged` is emitted after settings were saved."""

    settingsChanged = Signal()

    def __init__(self, settings: Settings, runner: AsyncRunner, test_connection: TestConnection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self._settings = settings
        self._runner = runner
        self._test_connection = test_connection
        self._tasks: set[asyncio.Task[Any]] = set()
        self._busy = False
        self._keyring_error = ""
        self._status: tuple[str, str] = ("", "")
        self._builtin: dict[str, _EndpointDraft] = {}
        self._custom: list[_EndpointDraft] = []
        self._removed: list[_EndpointDraft] = []
        self._models: dict[_EndpointDraft, str] = {}
        self._model_draft: _EndpointDraft | None = None
        self._make_drafts()
        self._build()
        self._load_general()
        self._retranslate()
        self._start(self._load_key_states())
        self._start(self.tools_page.load())

    # -- public --------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while keys or settings are being written (Cancel is disabled then)."""
        return self._busy

    def reject(self) -> None:
        if self._busy:  # a half-written save would leave a key without its host binding
            return
        super().reject()

    def done(self, result: int) -> None:
        for task in list(self._tasks):
            task.cancel()
        super().done(result)

    def show_endpoint(self, endpoint_id: str) -> bool:
        """Turn to *endpoint_id*'s fields and put the cursor in its key (an error card's fix).
        False when no such provider is listed (the dialog stays where it was)."""
        if endpoint_id in self._builtin:
            self.tabs.setCurrentIndex(0)
            box = self.provider_boxes[endpoint_id]
            scroll = self.tabs.widget(0)
            if isinstance(scroll, QScrollArea):
                scroll.ensureWidgetVisible(box)
            editor = self.editors[endpoint_id]
        else:
            row = next((i for i, d in enumerate(self._custom) if d.endpoint_id == endpoint_id), None)
            if row is None:
                return False
            self.tabs.setCurrentIndex(1)
            self.custom_list.setCurrentRow(row)
            editor = self.custom_editor
        field = editor.url_edit if editor.caps.keyless else editor.key_edit  # a key-less one: its address
        field.setFocus()
        return True

    # -- drafts --------------------------------------------------------------------------------

    def _make_drafts(self) -> None:
        s = self._settings
        defaults = Settings().endpoints()  # what an empty field means (environment, then default)
        default_url = {e.id: e.base_url for e in defaults}
        for endpoint in s.endpoints():
            if endpoint.id in _BUILT_IN:
                url = getattr(s, _URL_FIELDS[endpoint.id]) or ""
                draft = _EndpointDraft(endpoint.id, endpoint.id, caps=capabilities(endpoint.kind),
                                       url=url, saved_url=url,
                                       default_url=default_url[endpoint.id], key_env=endpoint.key_env)
                draft.key_state = "checking" if draft.has_key else "none"
                self._builtin[endpoint.id] = draft
        for custom in s.custom_endpoints:
            self._custom.append(_EndpointDraft("custom", custom.id, name=custom.name, url=custom.base_url,
                                               saved_name=custom.name, saved_url=custom.base_url))
        for draft in self._all_drafts():
            draft.bound_host = s.key_hosts.get(draft.endpoint_id or "")
            self._models[draft] = s.default_models.get(draft.endpoint_id or "", "")

    def _all_drafts(self) -> list[_EndpointDraft]:
        return [*self._builtin.values(), *self._custom]

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setMinimumSize(600, 520)
        self.resize(680, 640)
        self.keyring_status = plain_label("keyringStatus")
        self.keyring_status.hide()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.addTab(self._build_providers(), "")
        self.tabs.addTab(self._build_custom(), "")
        self.tabs.addTab(self._build_defaults(), "")
        self.tabs.addTab(self._build_appearance(), "")
        from desktop_chat.ui.settings.tools_settings import ToolsPage

        self.tools_page = ToolsPage(self._settings, self._runner)  # MCP servers (issue 21)
        self.tabs.addTab(self.tools_page, "")
        self.save_status = plain_label("saveStatus")
        self.save_status.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("settingsButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelButton")
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_status)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.save_status)
        layout.addWidget(self.buttons)

    def _build_providers(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        self.provider_boxes: dict[str, QGroupBox] = {}
        self.editors: dict[str, EndpointEditor] = {}
        for kind in _BUILT_IN:
            box = QGroupBox(_BRAND[kind])
            box.setObjectName(f"{kind}Group")
            editor = EndpointEditor(kind, kind, caps=self._builtin[kind].caps)
            editor.testRequested.connect(self._test_requested)
            editor.sessionRequested.connect(self._session_requested)
            editor.bind(self._builtin[kind])
            inner = QVBoxLayout(box)
            inner.addWidget(editor)
            column.addWidget(box)
            self.provider_boxes[kind] = box
            self.editors[kind] = editor
        self.builtin_box = BuiltinModelsBox(self._settings, self._runner)  # GGUF files, idle unload, threads
        column.addWidget(self.builtin_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("providersPage")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def _build_custom(self) -> QWidget:
        page = QWidget()
        page.setObjectName("customEndpointsPage")
        self.custom_intro = QLabel()
        self.custom_intro.setWordWrap(True)
        self.custom_list = QListWidget()
        self.custom_list.setObjectName("customEndpointList")
        self.custom_list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.custom_list.setMaximumWidth(200)
        self.custom_list.currentRowChanged.connect(self._custom_selected)
        self.add_endpoint_button = QPushButton()
        self.add_endpoint_button.setObjectName("addEndpointButton")
        self.add_endpoint_button.clicked.connect(self._add_custom)
        self.remove_endpoint_button = QPushButton()
        self.remove_endpoint_button.setObjectName("removeEndpointButton")
        self.remove_endpoint_button.clicked.connect(self._remove_custom)
        self.custom_editor = EndpointEditor("custom", "custom")
        self.custom_editor.testRequested.connect(self._test_requested)
        self.custom_editor.sessionRequested.connect(self._session_requested)
        self.custom_editor.nameEdited.connect(self._custom_renamed)
        self.editors["custom"] = self.custom_editor
        self.preset_button = PresetButton()  # DeepSeek, Qwen, … with their address filled in (preset_menu.py)
        self.preset_button.presetChosen.connect(self._add_preset)
        self.preset_hint = PresetHint()
        self.custom_editor.url_edit.textChanged.connect(self.preset_hint.show_for)

        left = QVBoxLayout()
        left.addWidget(self.custom_list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_endpoint_button)
        buttons.addWidget(self.remove_endpoint_button)
        left.addLayout(buttons)
        left.addWidget(self.preset_button)
        row = QHBoxLayout()
        row.addLayout(left)
        right = QVBoxLayout()
        right.addWidget(self.custom_editor)
        right.addWidget(self.preset_hint)
        right.addStretch(1)
        row.addLayout(right, 1)
        column = QVBoxLayout(page)
        column.addWidget(self.custom_intro)
        column.addLayout(row, 1)
        for draft in self._custom:
            self.custom_list.addItem(QListWidgetItem())
        self._refresh_custom_list()
        QWidget.setTabOrder(self.custom_list, self.add_endpoint_button)
        QWidget.setTabOrder(self.add_endpoint_button, self.remove_endpoint_button)
        QWidget.setTabOrder(self.remove_endpoint_button, self.custom_editor.name_edit)
        self.custom_list.setCurrentRow(0 if self._custom else -1)
        self._custom_selected(self.custom_list.currentRow())
        return page

    def _build_defaults(self) -> QWidget:
        page = QWidget()
        page.setObjectName("defaultsPage")
        form = QFormLayout(page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.provider_combo = QComboBox()
        self.provider_combo.setObjectName("defaultProviderCombo")
        self.provider_combo.currentIndexChanged.connect(self._default_provider_changed)
        self.provider_combo.activated.connect(lambda _i: setattr(self, "_default_chosen", True))
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("defaultModelCombo")
        self.model_combo.setEditable(True)
        self.model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.temperature_default = QCheckBox()
        self.temperature_default.setObjectName("useProviderTemperatureCheck")
        self.temperature_spin = QDoubleSpinBox()
        self.temperature_spin.setObjectName("temperatureSpin")
        self.temperature_spin.setRange(0.0, 2.0)
        self.temperature_spin.setSingleStep(0.1)
        self.temperature_spin.setDecimals(2)
        self.temperature_default.toggled.connect(lambda on: self.temperature_spin.setEnabled(not on))
        temperature_row = QHBoxLayout()
        temperature_row.addWidget(self.temperature_default)
        temperature_row.addWidget(self.temperature_spin)
        temperature_row.addStretch(1)
        self.max_tokens_spin = QSpinBox()
        self.max_tokens_spin.setObjectName("maxTokensSpin")
        self.max_tokens_spin.setRange(1, 1_000_000)
        self.max_tokens_spin.setSingleStep(256)
        self.max_tokens_spin.setGroupSeparatorShown(True)
        self.system_prompt_edit = QPlainTextEdit()
        self.system_prompt_edit.setObjectName("systemPromptEdit")
        self.system_prompt_edit.setTabChangesFocus(True)
        self.defaults_labels = [QLabel() for _ in range(5)]
        for label, field_widget in zip(self.defaults_labels, (self.provider_combo, self.model_combo,
                                                             self.temperature_default, self.max_tokens_spin,
                                                             self.system_prompt_edit)):
            label.setBuddy(field_widget)
        form.addRow(self.defaults_labels[0], self.provider_combo)
        form.addRow(self.defaults_labels[1], self.model_combo)
        form.addRow(self.defaults_labels[2], temperature_row)
        form.addRow(self.defaults_labels[3], self.max_tokens_spin)
        form.addRow(self.defaults_labels[4], self.system_prompt_edit)
        self.defaults_note = QLabel()
        self.defaults_note.setWordWrap(True)
        form.addRow(self.defaults_note)
        form.addRow(self._build_advanced())
        chain = [self.provider_combo, self.model_combo, self.temperature_default, self.temperature_spin,
                 self.max_tokens_spin, self.system_prompt_edit]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        return page

    def _build_advanced(self) -> QGroupBox:
        """Debugging: message text in the log, off by default, with a warning that stays in view."""
        self.advanced_box = QGroupBox()
        self.advanced_box.setObjectName("advancedGroup")
        self.debug_log_check = QCheckBox()
        self.debug_log_check.setObjectName("debugLogContentCheck")
        self.debug_log_warning = QLabel()
        self.debug_log_warning.setObjectName("debugLogContentWarning")
        self.debug_log_warning.setWordWrap(True)
        self.debug_log_check.toggled.connect(
            lambda on: set_tone(self.debug_log_warning, "error" if on else ""))
        column = QVBoxLayout(self.advanced_box)
        column.addWidget(self.debug_log_check)
        column.addWidget(self.debug_log_warning)
        return self.advanced_box

    def _build_appearance(self) -> QWidget:
        page = QWidget()
        page.setObjectName("appearancePage")
        form = QFormLayout(page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("themeCombo")
        for value in theme.THEMES:
            self.theme_combo.addItem("", value)
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem("", "system")
        for value, name in _LANGUAGE_NAMES.items():
            self.language_combo.addItem(name, value)
        self.theme_label, self.language_label = QLabel(), QLabel()
        self.theme_label.setBuddy(self.theme_combo)
        self.language_label.setBuddy(self.language_combo)
        form.addRow(self.theme_label, self.theme_combo)
        form.addRow(self.language_label, self.language_combo)
        self.appearance_note = QLabel()
        self.appearance_note.setWordWrap(True)
        form.addRow(self.appearance_note)
        QWidget.setTabOrder(self.theme_combo, self.language_combo)
        return page

    def _load_general(self) -> None:
        s = self._settings
        self._rebuild_provider_combo(select_id=s.default_endpoint)
        # The combo lists no Built-in row: when that (or an endpoint gone from the list) is the
        # default, row 0 shows, and saving must not make it the default unless the user chose it.
        self._default_shown, self._default_chosen = self.provider_combo.currentData(), False
        self.temperature_default.setChecked(s.temperature is None)
        self.temperature_spin.setValue(s.temperature if s.temperature is not None else 1.0)
        self.temperature_spin.setEnabled(s.temperature is not None)
        self.max_tokens_spin.setValue(max(1, int(s.max_tokens)))
        self.system_prompt_edit.setPlainText(s.system_prompt)
        self.debug_log_check.setChecked(bool(s.debug_log_content))
        set_tone(self.debug_log_warning, "error" if s.debug_log_content else "")
        _select_data(self.theme_combo, s.theme if s.theme in theme.THEMES else "system")
        _select_data(self.language_combo, s.language if s.language in ("system", *_LANGUAGE_NAMES) else "system")

    # -- texts ---------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            for label in self.findChildren(QLabel):
                if label.property("tone"):
                    set_tone(label, str(label.property("tone")))
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        for index, text in enumerate((self.tr("Providers"), self.tr("Other services"),
                                      self.tr("Defaults"), self.tr("Appearance"), self.tr("Tools"))):
            self.tabs.setTabText(index, text)
        self.tabs.setAccessibleName(self.tr("Settings sections"))
        self.keyring_status.setAccessibleName(self.tr("Keyring problem"))
        self.save_status.setAccessibleName(self.tr("Save status"))
        self.save_button.setText(self.tr("Save"))
        self.save_button.setAccessibleName(self.tr("Save settings"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Discard changes"))
        for editor in self.editors.values():
            editor.retranslate()
        self._align_provider_labels()
        # Custom endpoints
        self.custom_intro.setText(self.tr(
            "Any service that speaks the OpenAI API: DeepSeek, OpenRouter, vLLM, LM Studio, "
            "a llama.cpp server… A key saved here is sent only to the host of its base URL."))
        self.custom_list.setAccessibleName(self.tr("Other services"))
        self.add_endpoint_button.setText(self.tr("Add"))
        self.add_endpoint_button.setAccessibleName(self.tr("Add a service"))
        self.remove_endpoint_button.setText(self.tr("Remove"))
        self.remove_endpoint_button.setAccessibleName(self.tr("Remove the selected service"))
        self._refresh_custom_list()
        # Defaults
        for label, text in zip(self.defaults_labels, (self.tr("Provider:"), self.tr("Model:"),
                                                      self.tr("Temperature:"), self.tr("Max tokens:"),
                                                      self.tr("System prompt:"))):
            label.setText(text)
        self.provider_combo.setAccessibleName(self.tr("Default provider"))
        self.model_combo.setAccessibleName(self.tr("Default model"))
        model_field = self.model_combo.lineEdit()
        if model_field is not None:  # the combo is editable: it has one
            model_field.setPlaceholderText(self.tr("The provider's first model"))
        self.temperature_default.setText(self.tr("Use the provider's default"))
        self.temperature_default.setAccessibleName(self.tr("Use the provider's default temperature"))
        self.temperature_spin.setAccessibleName(self.tr("Temperature"))
        self.max_tokens_spin.setAccessibleName(self.tr("Maximum tokens per answer"))
        self.system_prompt_edit.setAccessibleName(self.tr("System prompt"))
        self.system_prompt_edit.setPlaceholderText(self.tr("Instructions sent with every new conversation (optional)"))
        self.defaults_note.setText(self.tr("These apply to new conversations."))
        self.advanced_box.setTitle(self.tr("Advanced"))
        self.debug_log_check.setText(self.tr("Write the text of messages to the log (for debugging)"))
        self.debug_log_check.setAccessibleName(self.tr("Write the text of messages to the log"))
        self.debug_log_warning.setText(self.tr(
            "Off, the log records only which provider and model answered, how it ended and how long it "
            "took. On, it also holds everything you and the models write, in plain text, in the data "
            "folder's logs. Keys are never written. Turn it off when you are done."))
        # Appearance
        self.theme_label.setText(self.tr("Theme:"))
        self.language_label.setText(self.tr("Language:"))
        for index, text in enumerate((self.tr("System"), self.tr("Light"), self.tr("Dark"))):
            self.theme_combo.setItemText(index, text)
        self.language_combo.setItemText(0, self.tr("System"))
        self.theme_combo.setAccessibleName(self.tr("Theme"))
        self.language_combo.setAccessibleName(self.tr("Language"))
        self.appearance_note.setText(self.tr("Theme and language change as soon as you save."))
        self._render_banner()
        self._render_status()

    def _align_provider_labels(self) -> None:
        """One label column for the three provider boxes, whatever the language's label widths."""
        labels = [label for kind in _BUILT_IN for label in (self.editors[kind].key_label, self.editors[kind].url_label)
                  if not label.isHidden()]
        for label in labels:
            label.setMinimumWidth(0)
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)

    def _render_banner(self) -> None:
        if self._keyring_error and any(not d.keyring for d in self._all_drafts()):
            self._keyring_error = self._no_keyring_text()  # (again in the language now shown)
        _show(self.keyring_status, self._keyring_error, "")

    def _render_status(self) -> None:
        text, tone = self._status
        _show(self.save_status, text, tone)

    def _set_status(self, text: str, tone: str = "") -> None:
        self._status = (text, tone)
        self._render_status()

    # -- custom endpoints ----------------------------------------------------------------------

    def _refresh_custom_list(self) -> None:
        for row, draft in enumerate(self._custom):
            item = self.custom_list.item(row)
            if item is not None:
                item.setText(draft.name.strip() or self.tr("(unnamed)"))
        self.remove_endpoint_button.setEnabled(self.custom_list.currentRow() >= 0)
        if hasattr(self, "provider_combo"):
            for index in range(self.provider_combo.count()):
                draft = self.provider_combo.itemData(index)
                self.provider_combo.setItemText(index, draft.label or self.tr("(unnamed)"))

    def _custom_selected(self, row: int) -> None:
        draft = self._custom[row] if 0 <= row < len(self._custom) else None
        self.custom_editor.bind(draft)
        self.remove_endpoint_button.setEnabled(draft is not None)

    def _custom_renamed(self, _draft: _EndpointDraft) -> None:
        self._refresh_custom_list()

    def _add_custom(self) -> None:
        draft = _EndpointDraft("custom", None, key_state="none")
        self._custom.append(draft)
        self._models[draft] = ""
        self.custom_list.addItem(QListWidgetItem())
        self._rebuild_provider_combo()
        self._refresh_custom_list()
        self.custom_list.setCurrentRow(len(self._custom) - 1)
        self.custom_editor.name_edit.setFocus()

    def _add_preset(self, preset: Any) -> None:
        """A service from the list: a new one with its name (made unique), base URL and model, to test."""
        names = {d.name.strip().lower() for d in self._custom}
        name, number = preset.name, 2
        while name.lower() in names:
            name, number = f"{preset.name} {number}", number + 1
        self._add_custom()
        draft = self._custom[-1]
        draft.name, draft.url = name, preset.base_url
        self._models[draft] = preset.default_model
        self.custom_editor.bind(draft)
        self._refresh_custom_list()
        (self.custom_editor.key_edit if preset.needs_key else self.custom_editor.test_button).setFocus()

    def _remove_custom(self) -> None:
        row = self.custom_list.currentRow()
        if not 0 <= row < len(self._custom):
            return
        draft = self._custom.pop(row)
        if draft.endpoint_id is not None:
            self._removed.append(draft)
        self._models.pop(draft, None)
        self.custom_list.takeItem(row)
        self._rebuild_provider_combo()
        self._refresh_custom_list()
        self._custom_selected(self.custom_list.currentRow())

    # -- defaults ------------------------------------------------------------------------------

    def _rebuild_provider_combo(self, select_id: str | None = None) -> None:
        current = self.provider_combo.currentData()
        self.provider_combo.blockSignals(True)
        self.provider_combo.clear()
        for draft in self._all_drafts():
            self.provider_combo.addItem(draft.label or self.tr("(unnamed)"), draft)
        index = 0
        for i in range(self.provider_combo.count()):
            draft = self.provider_combo.itemData(i)
            if (select_id is not None and draft.endpoint_id == select_id) or (select_id is None and draft is current):
                index = i
        self.provider_combo.setCurrentIndex(index)
        self.provider_combo.blockSignals(False)
        self._default_provider_changed(index)

    def _default_provider_changed(self, _index: int) -> None:
        if self._model_draft is not None and self._model_draft in self._models:
            self._models[self._model_draft] = self.model_combo.currentText()
        draft = self.provider_combo.currentData()
        self._model_draft = draft
        self._fill_models(draft)

    def _fill_models(self, draft: _EndpointDraft | None) -> None:
        text = self._models.get(draft, "") if draft is not None else ""
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        if draft is not None:
            self.model_combo.addItems(draft.models)
        self.model_combo.setEditText(text)
        self.model_combo.blockSignals(False)

    # -- keyring state -------------------------------------------------------------------------

    def _start(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = self._runner.start(coro, on_error=lambda exc: log.error("settings task failed", exc_info=exc))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _load_key_states(self) -> None:
        drafts = [d for d in self._all_drafts() if d.has_key and d.endpoint_id]
        try:
            masks = await self._runner.in_thread(_read_masks, [d.endpoint_id for d in drafts])
        except KeyringUnavailableError as exc:
            self._keyring_unavailable(exc, drafts)
            return
        for draft in drafts:
            if draft.key_state == "checking":
                mask = masks.get(draft.endpoint_id or "")
                draft.key_state, draft.key_mask = ("saved", mask) if mask else ("none", "")
        self._mark_session_keys(drafts)
        self._refresh_all()

    def _keyring_unavailable(self, exc: KeyringUnavailableError, drafts: list[_EndpointDraft]) -> None:
        log.info("no system keyring: %s", exc.message)
        self._keyring_error = self._no_keyring_text()
        for draft in self._all_drafts():
            draft.keyring = False
        for draft in drafts:
            if draft.key_state == "checking":
                draft.key_state = "unknown"
        self._mark_session_keys(drafts)
        self._render_banner()
        self._refresh_all()

    def _no_keyring_text(self) -> str:
        return self.tr(
            "No system keyring is available on this computer, so API keys cannot be saved. To save them, "
            "install and start one (on Linux: GNOME Keyring, e.g. sudo apt install gnome-keyring, or KWallet), "
            "or set ANTHROPIC_API_KEY / OPENAI_API_KEY in your environment. Meanwhile a key you paste here "
            "can be used until Desktop Chat quits; it is never written to disk.")

    @staticmethod
    def _mark_session_keys(drafts: list[_EndpointDraft]) -> None:
        """Keys given "until Desktop Chat quits" earlier in this run (memory only; just their masks)."""
        for draft in drafts:
            session = secrets.session_key(draft.endpoint_id or "")
            if session is not None and draft.key_state != "saved":
                draft.key_state, draft.key_mask = "session", secrets.mask(session[0])

    def _session_requested(self, draft: _EndpointDraft) -> None:
        """"Use this key until Desktop Chat quits": this provider's key and address, as Save would."""
        if self._busy:
            return
        plan = self._prepare([draft], general=False)
        if plan is not None:
            self._start(self._save(plan))

    def _refresh_all(self) -> None:
        for editor in self.editors.values():
            editor.refresh()

    def _refresh_draft(self, draft: _EndpointDraft) -> None:
        for editor in self.editors.values():
            if editor.draft is draft:
                editor.refresh()

    # -- saving --------------------------------------------------------------------------------

    def _save_clicked(self) -> None:
        if self._busy:
            return
        plan = self._prepare(self._all_drafts(), general=True)
        if plan is not None:
            self._start(self._save(plan))

    async def _save(self, plan: _Plan) -> bool:
        """Write keys, then settings; on success close (Save) or report (Save and test)."""
        self._set_busy(True)
        self._set_status(self.tr("Saving…"))
        done: dict[str, str | None] = {}
        error: BaseException | None = None
        try:
            if plan.ops:
                await self._runner.in_thread(_write_keys, plan.new, plan.ops, done)
        except (ChatError, ValueError) as exc:
            error = exc
        except Exception as exc:  # never leave the dialog stuck in "Saving…"
            log.exception("writing keys failed")
            error = exc
        changed = error is None or bool(done)
        if error is None:
            self._commit(plan)
        elif done:  # keep the bindings of the keys that did change, so they match the keyring
            self._settings.key_hosts = dict(plan.new.key_hosts)
        self._record_keys(plan, done)
        if changed:
            try:
                await self._runner.in_thread(save_settings, copy.deepcopy(self._settings))
                if plan.general:  # the MCP servers file, secrets to the keyring (tools_settings.py)
                    await self._runner.in_thread(self.tools_page.write)
            except (OSError, ChatError) as exc:
                error = error or exc
                log.warning("could not write the settings or the MCP servers file: %s", exc)
        self._set_busy(False)
        if changed:
            self.settingsChanged.emit()
        if error is not None:
            self._report_save_error(error)
            return False
        if plan.general:
            self._set_status("")
            self.accept()
        elif any(op.action == "session" for op in plan.ops):  # "saved" would contradict the key's own line
            self._set_status(self.tr("The {provider} key is in use until Desktop Chat quits.").format(
                provider=plan.drafts[0].label), "ok")
        else:
            self._set_status(self.tr("Saved the {provider} settings.").format(provider=plan.drafts[0].label), "ok")
        return True

    def _report_save_error(self, error: BaseException) -> None:
        if isinstance(error, KeyringUnavailableError):
            # Found only now (the first look worked): from here on a pasted key is a session key.
            log.info("the keyring failed on save: %s", error.message)
            for draft in self._all_drafts():
                draft.keyring = False
            self._keyring_error = self._no_keyring_text()
            self._render_banner()
            self._refresh_all()
            self._set_status(self.tr("The key was not saved: there is no system keyring. "
                                     "Press Save again to use it until Desktop Chat quits."), "error")
        elif isinstance(error, ChatError):
            self._set_status(localized_error(error), "error")
        elif isinstance(error, OSError):
            self._set_status(self.tr("Could not write the settings file: {error}").format(
                error=error.strerror or error), "error")
        else:
            self._set_status(localized_error(error), "error")

    def _commit(self, plan: _Plan) -> None:
        for name in _OWNED_FIELDS:
            setattr(self._settings, name, copy.deepcopy(getattr(plan.new, name)))
        for draft in plan.drafts:
            draft.endpoint_id = plan.ids[draft]
            draft.saved_url, draft.saved_name = draft.url, draft.name
        if plan.general:
            self._removed.clear()

    def _record_keys(self, plan: _Plan, done: dict[str, str | None]) -> None:
        """Show what the keyring now holds, and forget the typed keys that were stored."""
        for draft in plan.drafts:
            endpoint_id = plan.ids.get(draft)
            if endpoint_id in done:
                mask = done[endpoint_id]
                session = any(op.action == "session" and op.endpoint.id == endpoint_id for op in plan.ops)
                draft.key_state, draft.key_mask = ("session" if session else "saved", mask) if mask else ("none", "")
                draft.new_key, draft.clear_key = "", False
            if endpoint_id is not None:
                draft.bound_host = self._settings.key_hosts.get(endpoint_id)
        for editor in self.editors.values():
            if editor.draft is not None and editor.draft in plan.drafts:
                editor.key_edit.setText(editor.draft.new_key)
        self._refresh_all()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        for editor in self.editors.values():
            editor.test_button.setEnabled(not busy and not (editor.draft and editor.draft.test
                                                             and editor.draft.test[0] == "running"))

    # -- validation and the key-host question ----------------------------------------------------

    def _prepare(self, drafts: list[_EndpointDraft], *, general: bool) -> _Plan | None:
        """Validate, ask about keys whose host changes, and plan the save; None if not possible."""
        new = copy.deepcopy(self._settings)
        ids: dict[_EndpointDraft, str] = {}
        removed_ids = [d.endpoint_id for d in self._removed if d.endpoint_id] if general else []
        if removed_ids:
            new.custom_endpoints = [c for c in new.custom_endpoints if c.id not in removed_ids]
            for removed_id in removed_ids:
                new.default_models.pop(removed_id, None)
        first_bad: _EndpointDraft | None = None
        for draft in drafts:
            endpoint_id = self._apply_draft(new, draft)
            if endpoint_id is None:
                first_bad = first_bad or draft
            else:
                ids[draft] = endpoint_id
        if first_bad is not None:
            self._refresh_all()
            self._show_problem(first_bad)
            return None
        if general:
            self._apply_general(new, ids)

        # forget_key needs only the id; the removed endpoint's URL no longer matters.
        ops = [_KeyOp("forget", Endpoint(endpoint_id, CUSTOM_ENDPOINT_KIND, endpoint_id, ""))
               for endpoint_id in removed_ids]
        for draft in drafts:
            if not draft.has_key:
                continue
            endpoint = new.endpoint(ids[draft])
            if draft.new_key.strip():
                ops.append(_KeyOp("save" if draft.keyring else "session", endpoint, draft.new_key))
            elif draft.clear_key:
                ops.append(_KeyOp("forget", endpoint))
            elif draft.endpoint_id is not None and self._may_have_key(draft):
                bound = self._settings.key_hosts.get(draft.endpoint_id) or \
                    self._settings.endpoint(draft.endpoint_id).host
                if bound != endpoint.host:
                    answer = self._ask_key_host(draft.label, bound, endpoint.host)
                    if answer is None:
                        self._set_status(self.tr("Not saved."))
                        return None
                    ops.append(_KeyOp("confirm" if answer else "forget", endpoint))
        return _Plan(new, ops, list(drafts), ids, general)

    def _apply_draft(self, new: Settings, draft: _EndpointDraft) -> str | None:
        """Put one draft's name and URL into `new`; its id, or None with the problem recorded."""
        draft.name_error = draft.url_error = draft.key_error = ""
        url = draft.url.strip()
        key = draft.new_key.strip()
        if key and any(ch.isspace() for ch in key):
            draft.key_error = self.tr("The key contains spaces or line breaks; paste only the key itself.")
        try:
            if draft.kind in _URL_FIELDS and draft.caps.host_address:  # kept as typed, like OLLAMA_HOST
                if url:
                    validate_base_url(normalize_ollama_host(url))
                setattr(new, _URL_FIELDS[draft.kind], url or None)
            elif draft.kind in _URL_FIELDS:
                setattr(new, _URL_FIELDS[draft.kind], validate_base_url(url) if url else None)
            elif not url:
                draft.url_error = self.tr("Enter the service's base URL, e.g. https://api.deepseek.com/v1.")
            else:
                url = validate_base_url(url)
        except ValueError as exc:
            draft.url_error = localized_error(exc)
        if draft.kind != "custom":
            return None if (draft.url_error or draft.key_error) else draft.endpoint_id
        name = draft.name.strip()
        if not name:
            draft.name_error = self.tr("Give the service a name.")
        if draft.url_error or draft.name_error or draft.key_error:
            return None
        if draft.endpoint_id is None:
            try:
                return new.add_custom_endpoint(name, url).id
            except ValueError as exc:
                draft.name_error = localized_error(exc)
                return None
        for custom in new.custom_endpoints:
            if custom.id == draft.endpoint_id:
                custom.name, custom.base_url = name, url
        return draft.endpoint_id

    def _apply_general(self, new: Settings, ids: dict[_EndpointDraft, str]) -> None:
        if self._model_draft is not None and self._model_draft in self._models:
            self._models[self._model_draft] = self.model_combo.currentText()
        selected = self.provider_combo.currentData()
        chosen = self._default_chosen or selected is not self._default_shown
        if selected is not None and selected in ids and chosen:
            new.default_endpoint = ids[selected]
        for draft, model in self._models.items():
            endpoint_id = ids.get(draft)
            if endpoint_id is None:
                continue
            if model.strip():
                new.default_models[endpoint_id] = model.strip()
            else:
                new.default_models.pop(endpoint_id, None)
        new.temperature = None if self.temperature_default.isChecked() else round(self.temperature_spin.value(), 2)
        new.max_tokens = self.max_tokens_spin.value()
        self.builtin_box.apply(new)
        self.tools_page.apply(new)
        new.system_prompt = self.system_prompt_edit.toPlainText()
        new.theme = self.theme_combo.currentData()
        new.language = self.language_combo.currentData()
        new.debug_log_content = self.debug_log_check.isChecked()

    def _may_have_key(self, draft: _EndpointDraft) -> bool:
        if draft.key_state in ("checking", "unknown"):  # not known yet: the binding says a key was saved
            return (draft.endpoint_id or "") in self._settings.key_hosts
        return draft.key_state == "saved"

    def _show_problem(self, draft: _EndpointDraft) -> None:
        if draft.kind == "custom":
            self.tabs.setCurrentIndex(1)
            self.custom_list.setCurrentRow(self._custom.index(draft))
        else:
            self.tabs.setCurrentIndex(0)
        editor = self.editors[draft.kind]
        editor.refresh()
        widget = (editor.name_edit if draft.name_error else editor.url_edit if draft.url_error else editor.key_edit)
        widget.setFocus()
        self._set_status(self.tr("Not saved: correct the marked field first."), "error")

    def _ask_key_host(self, provider: str, old_host: str, new_host: str) -> bool | None:
        """True: send the saved key to the new host; False: forget it; None: do not save."""
        box = QMessageBox(self)
        box.setObjectName("keyHostQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Send the saved key to a new host?"))
        box.setText(self.tr("The {provider} key was saved for {old}. {provider} now points to {new}.").format(
            provider=provider, old=old_host, new=new_host))
        box.setInformativeText(self.tr(
            "Send the saved key to {new} from now on, or forget it (you can paste a key for the new host later)?"
        ).format(new=new_host))
        send = box.addButton(self.tr("Send key to {host}").format(host=new_host), QMessageBox.ButtonRole.AcceptRole)
        send.setObjectName("sendKeyButton")
        forget = box.addButton(self.tr("Forget the key"), QMessageBox.ButtonRole.DestructiveRole)
        forget.setObjectName("forgetKeyButton")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        cancel.setObjectName("cancelSaveButton")
        box.setDefaultButton(cancel)  # a key goes to a new host only when the user says so
        box.setEscapeButton(cancel)
        box.exec()
        clicked: QAbstractButton | None = box.clickedButton()
        box.deleteLater()
        if clicked is send:
            return True
        if clicked is forget:
            return False
        return None

    # -- test connection ------------------------------------------------------------------------

    def _test_requested(self, draft: _EndpointDraft) -> None:
        if self._busy or (draft.test is not None and draft.test[0] == "running"):
            return
        plan = None
        if draft.dirty:
            plan = self._prepare([draft], general=False)
            if plan is None:
                return
        self._start(self._save_and_test(draft, plan))

    async def _save_and_test(self, draft: _EndpointDraft, plan: _Plan | None) -> None:
        if plan is not None and not await self._save(plan):
            return
        endpoint_id = draft.endpoint_id
        if endpoint_id is None:
            return
        draft.test = ("running", None)
        self._refresh_draft(draft)
        try:
            models = await self._test_connection(endpoint_id)
        except ChatError as exc:
            draft.test = ("error", localized_error(exc))
        except Exception as exc:  # an unexpected failure is still an answer to "does it work?"
            log.warning("test connection to %s failed", endpoint_id, exc_info=True)
            draft.test = ("error", localized_error(exc))
        else:
            draft.test = ("ok", len(models))
            draft.models = sorted(m.id for m in models)
            if draft is self._model_draft:
                self._models[draft] = self.model_combo.currentText()
                self._fill_models(draft)
        self._refresh_draft(draft)


def _select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(0, index))
