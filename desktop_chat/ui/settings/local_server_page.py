"""Settings › Local server: the switch, the port, the address and the token to copy, a new token,
and the live count of requests. It saves its own settings (the switch applies at once); the
server itself belongs to the window (LocalServerHost), so it keeps running when Settings close."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.common.labels import plain_label, set_tone
from desktop_chat.ui.settings.local_server_host import LocalServerHost

__all__ = ["LocalServerPage"]


class LocalServerPage(QWidget):
    def __init__(self, host: LocalServerHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("localServerPage")
        self.host = host
        self._token_shown = False
        self._build()
        self.enabled_check.setChecked(host.settings.server_enabled)
        self.port_spin.setValue(host.settings.server_port)
        self.enabled_check.toggled.connect(self._apply)
        self.port_spin.editingFinished.connect(self._port_changed)
        self.copy_address.clicked.connect(lambda: self._copy(self.address_edit.text()))
        self.copy_token.clicked.connect(lambda: self._copy(self.host.token or ""))
        self.show_token.clicked.connect(self._toggle_token)
        self.new_token.clicked.connect(lambda: self.host.runner.start(self.host.new_token(), name="server-token"))
        host.stateChanged.connect(self._refresh)
        host.requestsChanged.connect(self._show_count)
        self._retranslate()
        self._refresh()
        if host.token is None:
            host.runner.start(self._load_token(), name="server-token")

    def _build(self) -> None:
        self.enabled_check = QCheckBox()
        self.enabled_check.setObjectName("serverEnabledCheck")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.status = plain_label("serverStatus")
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("serverPortSpin")
        self.port_spin.setRange(1024, 65535)
        self.port_spin.setGroupSeparatorShown(False)
        self.address_edit = QLineEdit()
        self.address_edit.setObjectName("serverAddress")
        self.address_edit.setReadOnly(True)
        self.copy_address = QPushButton()
        self.copy_address.setObjectName("copyServerAddressButton")
        self.token_edit = QLineEdit()
        self.token_edit.setObjectName("serverToken")
        self.token_edit.setReadOnly(True)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_token = QPushButton()
        self.show_token.setObjectName("showServerTokenButton")
        self.copy_token = QPushButton()
        self.copy_token.setObjectName("copyServerTokenButton")
        self.new_token = QPushButton()
        self.new_token.setObjectName("newServerTokenButton")
        self.count_label = QLabel()
        self.count_label.setObjectName("serverRequestCount")
        self.note = QLabel()
        self.note.setWordWrap(True)
        set_tone(self.note, "muted")

        address_row = QHBoxLayout()
        address_row.addWidget(self.address_edit, 1)
        address_row.addWidget(self.copy_address)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.show_token)
        token_row.addWidget(self.copy_token)
        port_row = QHBoxLayout()
        port_row.addWidget(self.port_spin)
        port_row.addStretch(1)
        self.port_spin.setMinimumWidth(110)
        renew_row = QHBoxLayout()  # apart from Copy: it takes access away from every app using the token
        self.new_token_hint = plain_label("newServerTokenHint")
        set_tone(self.new_token_hint, "muted")
        renew_row.addWidget(self.new_token)
        renew_row.addWidget(self.new_token_hint, 1)
        self.labels = [QLabel() for _ in range(4)]
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field_widget in zip(self.labels, (self.port_spin, self.address_edit, self.token_edit,
                                                    self.count_label)):
            label.setBuddy(field_widget)
        form.addRow(self.labels[0], port_row)
        form.addRow(self.labels[1], address_row)
        form.addRow(self.labels[2], token_row)
        form.addRow("", renew_row)
        form.addRow(self.labels[3], self.count_label)
        page = QVBoxLayout(self)
        page.addWidget(self.enabled_check)
        page.addWidget(self.intro)
        page.addWidget(self.status)
        page.addLayout(form)
        page.addWidget(self.note)
        page.addStretch(1)

    # -- what the user does --

    def _apply(self) -> None:
        self.host.runner.start(self.host.set_enabled(self.enabled_check.isChecked(), self.port_spin.value()),
                               name="local-server")
        self._refresh()

    def _port_changed(self) -> None:
        if self.port_spin.value() != self.host.settings.server_port:
            self._apply()

    def _copy(self, text: str) -> None:
        if text:
            QGuiApplication.clipboard().setText(text)

    def _toggle_token(self) -> None:
        self._token_shown = not self._token_shown
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Normal if self._token_shown else QLineEdit.EchoMode.Password)
        self._retranslate()

    async def _load_token(self) -> None:
        await self.host.load_token()
        self._refresh()

    # -- what it shows --

    def _refresh(self) -> None:
        host = self.host
        if host.busy:
            text, tone = self.tr("Starting…"), "muted"
        elif host.running:
            text, tone = self.tr("Running on {address}. Only this computer can connect.").format(
                address=host.url), "ok"
        elif host.error:
            text, tone = host.error, "error"
        else:
            text, tone = self.tr("Off."), "muted"
        self.status.setText(text)
        set_tone(self.status, tone)
        self.address_edit.setText(host.url + "/v1")
        self.token_edit.setText(host.token or "")
        self.address_edit.setCursorPosition(0)  # the start of a long value, not its end
        self.token_edit.setCursorPosition(0)
        for button in (self.copy_token, self.show_token):
            button.setEnabled(bool(host.token))
        self._show_count(host.requests)

    def _show_count(self, count: int) -> None:
        self.count_label.setText(self.tr("{count} since the server started").format(count=count)
                                 if self.host.running else self.tr("—"))

    def _retranslate(self) -> None:
        self.enabled_check.setText(self.tr("Run the local API server"))
        self.enabled_check.setAccessibleName(self.tr("Run the local API server"))
        self.intro.setText(self.tr(
            "Editors, scripts and other apps on this computer can use every model set up here, through "
            "the OpenAI and Anthropic APIs, without a copy of your keys: they send this server's token "
            "instead."))
        for label, text in zip(self.labels, (self.tr("Port:"), self.tr("Address:"), self.tr("Token:"),
                                             self.tr("Requests:"))):
            label.setText(text)
        self.port_spin.setAccessibleName(self.tr("Port"))
        self.address_edit.setAccessibleName(self.tr("Server address"))
        self.token_edit.setAccessibleName(self.tr("Server token"))
        self.copy_address.setText(self.tr("Copy"))
        self.copy_address.setAccessibleName(self.tr("Copy the address"))
        self.copy_token.setText(self.tr("Copy"))
        self.copy_token.setAccessibleName(self.tr("Copy the token"))
        self.show_token.setText(self.tr("Hide") if self._token_shown else self.tr("Show"))
        self.show_token.setAccessibleName(self.tr("Show the token"))
        self.new_token.setText(self.tr("New token"))
        self.new_token.setAccessibleName(self.tr("Make a new token"))
        self.new_token_hint.setText(self.tr("Apps using the old token lose access."))
        self.note.setText(self.tr(
            "Models are named provider/model, e.g. openai/gpt-4o or ollama/llama3.2:latest. Apps send the token "
            "as “Authorization: Bearer …” or “x-api-key: …”. What they ask is not kept in your history. "
            "API docs: the address without /v1, then /docs."))
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
