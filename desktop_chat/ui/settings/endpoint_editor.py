"""One endpoint's fields in Settings: name (other services), base URL or host, API key with its
saved state, and Test connection; bound to an EndpointDraft, so nothing is saved from here."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.config import CUSTOM_ENDPOINT_KIND, normalize_ollama_host, validate_base_url
from desktop_chat.providers import Capabilities, capabilities
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.common.labels import plain_label, set_tone
from desktop_chat.ui.settings.endpoint_draft import BRAND, EndpointDraft

__all__ = ["EndpointEditor", "show_text", "stacked"]


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
        self.draft: EndpointDraft | None = None
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
            form.addRow(self.name_label, stacked(self.name_edit, self.name_error))
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
            key_box = stacked(key_row, self.key_status)
            key_column = key_box.layout()
            if isinstance(key_column, QVBoxLayout):  # (it is: _stacked's column)
                key_column.addWidget(self.session_button, 0, Qt.AlignmentFlag.AlignLeft)
            form.addRow(self.key_label, key_box)
        form.addRow(self.url_label, stacked(self.url_edit, self.url_error))

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

    def bind(self, draft: EndpointDraft | None) -> None:
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
        brand = BRAND.get(self.kind, "")
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
        show_text(self.name_error, draft.name_error, "error")
        show_text(self.url_error, draft.url_error, "error")
        self._refresh_key(draft)
        self._refresh_test(draft)

    def _refresh_key(self, draft: EndpointDraft) -> None:
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
            show_text(self.key_status, draft.key_error, "error")
        elif typed and not draft.keyring:
            # The one message about the missing keyring is the dialog's banner; here: what Save does.
            show_text(self.key_status, self.tr("Save uses this key until Desktop Chat quits; it is not written anywhere."), "")
        elif typed:
            show_text(self.key_status, self.tr("The new key will be stored in the system keyring when you save."), "")
        elif draft.clear_key:
            show_text(self.key_status, self.tr("The key will be removed when you save."), "")
        elif draft.key_state == "checking":
            show_text(self.key_status, self.tr("Checking the keyring…"), "")
        elif session:
            show_text(self.key_status, self.tr("Key {mask} in use until Desktop Chat quits (not saved).").format(
                mask=draft.key_mask), "")
        elif draft.key_state == "unknown":  # no keyring (the banner says so once)
            show_text(self.key_status, self.tr("Using the key from {variable}.").format(variable=draft.key_env)
                  if env_key else self.tr("No key yet."), "")
        elif saved:
            text = (self.tr("Key saved ({mask}) for {host}.").format(mask=draft.key_mask, host=draft.bound_host)
                    if draft.bound_host else self.tr("Key saved ({mask}).").format(mask=draft.key_mask))
            new_host = draft.typed_host()
            if draft.bound_host and new_host and new_host != draft.bound_host:
                text += " " + self.tr("Saving will ask whether to send it to {host}.").format(host=new_host)
            show_text(self.key_status, text, "")
        elif env_key:
            show_text(self.key_status, self.tr("Using the key from {variable}.").format(variable=draft.key_env), "")
        else:
            show_text(self.key_status, self.tr("No key saved."), "")

    def _refresh_test(self, draft: EndpointDraft) -> None:
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
            show_text(self.test_result, "", "")
        elif running:
            show_text(self.test_result, self.tr("Testing…"), "")
        elif draft.test[0] == "ok":
            count = int(draft.test[1])
            if count == 0:
                text = self.tr("Connected, but the service lists no models.")
            elif count == 1:
                text = self.tr("Connected: 1 model")
            else:
                text = self.tr("Connected: {count} models").format(count=count)
            show_text(self.test_result, text, "ok")
        else:
            show_text(self.test_result, str(draft.test[1]), "error")


def stacked(top: QWidget | QHBoxLayout, below: QLabel) -> QWidget:
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


def show_text(label: QLabel, text: str, tone: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    set_tone(label, tone)
